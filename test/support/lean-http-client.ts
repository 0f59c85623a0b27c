import net from 'node:net';

/**
 * A small HTTP/1.1 client for load generation (the MM1 bench): keep-alive connections to one
 * origin, each request written as one buffer, the response read by Content-Length, chunked
 * transfer coding (RFC 9112 §7.1) or connection close (§6.3). It costs a fraction of node's
 * http client per request, so a bench measures the server rather than its own client. Tests use
 * node's http client (Mm1Client's default): an independent implementation.
 *
 * One request at a time per connection (no pipelining); requests beyond `maxSockets` queue.
 */

export interface LeanResponse {
  status: number;
  /** Header names lower-cased; repeated fields joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
}

interface Pending {
  head: Buffer;
  body: Uint8Array | undefined;
  method: string;
  resolve: (r: LeanResponse) => void;
  reject: (e: Error) => void;
}

export class LeanHttpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeanHttpError';
  }
}

/** Largest response head accepted (status line + fields). */
const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

class Connection {
  readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  current: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  closed = false;
  /** The server said Connection: close (or the response ran to the end of the connection). */
  private lastResponse = false;
  // parse state of the current response
  private status = 0;
  private headers: Record<string, string> = {};
  private headDone = false;
  private length = -1; // -1: unknown (read to close), -2: chunked
  private chunks: Buffer[] = [];
  private chunkLeft = -1;

  constructor(
    private readonly client: LeanHttpClient,
    host: string,
    port: number,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.onClose());
  }

  send(p: Pending): void {
    this.current = p;
    this.resetParse();
    this.timer = setTimeout(() => {
      this.fail(new LeanHttpError(`no response within ${this.client.timeoutMs} ms`));
    }, this.client.timeoutMs);
    if (p.body && p.body.length > 0) {
      this.socket.write(Buffer.concat([p.head, p.body]));
    } else {
      this.socket.write(p.head);
    }
  }

  private resetParse(): void {
    this.status = 0;
    this.headers = {};
    this.headDone = false;
    this.length = -1;
    this.chunks = [];
    this.chunkLeft = -1;
  }

  private onData(d: Buffer): void {
    if (!this.current) {
      // bytes nobody asked for: the connection is out of step, drop it
      this.socket.destroy();
      return;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    try {
      this.parse();
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private parse(): void {
    if (!this.headDone) {
      const end = this.buf.indexOf(CRLFCRLF);
      if (end < 0) {
        if (this.buf.length > MAX_HEAD) throw new LeanHttpError('response head too large');
        return;
      }
      this.readHead(this.buf.toString('latin1', 0, end));
      this.buf = this.buf.subarray(end + 4);
      this.headDone = true;
    }
    const p = this.current;
    if (!p) return;
    if (this.length >= 0) {
      if (this.buf.length < this.length) return;
      const body = this.buf.subarray(0, this.length);
      if (this.buf.length > this.length) throw new LeanHttpError('octets after the response body');
      this.buf = Buffer.alloc(0);
      this.finish(Buffer.from(body));
      return;
    }
    if (this.length === -2) {
      if (this.readChunks()) this.finish(Buffer.concat(this.chunks));
      return;
    }
    // -1: the body runs to the end of the connection (RFC 9112 §6.3 item 8)
    this.chunks.push(this.buf);
    this.buf = Buffer.alloc(0);
  }

  private readHead(text: string): void {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
    const eol0 = text.indexOf('\r\n');
    const statusLine = eol0 < 0 ? text : text.slice(0, eol0);
    const code = statusLine.slice(9, 12);
    if (
      !(statusLine.startsWith('HTTP/1.1 ') || statusLine.startsWith('HTTP/1.0 ')) ||
      !/^\d{3}$/.test(code) ||
      (statusLine.length > 12 && statusLine.charCodeAt(12) !== 0x20)
    ) {
      throw new LeanHttpError(`bad status line ${JSON.stringify(statusLine)}`);
    }
    this.status = Number(code);
    let at = eol0 < 0 ? text.length : eol0 + 2;
    while (at < text.length) {
      let eol = text.indexOf('\r\n', at);
      if (eol < 0) eol = text.length;
      const c = text.indexOf(':', at);
      if (c <= at || c > eol)
        throw new LeanHttpError(`bad header line ${JSON.stringify(text.slice(at, eol))}`);
      const name = text.slice(at, c).trim().toLowerCase();
      const value = text.slice(c + 1, eol).trim();
      const prev = this.headers[name];
      this.headers[name] = prev === undefined ? value : `${prev}, ${value}`;
      at = eol + 2;
    }
    const conn = this.headers.connection?.toLowerCase() ?? '';
    if (conn.split(',').some((t) => t.trim() === 'close')) this.lastResponse = true;
    const te = this.headers['transfer-encoding'];
    const cl = this.headers['content-length'];
    // RFC 9112 §6.3: no body after HEAD, 1xx, 204, 304
    if (this.current?.method === 'HEAD' || this.status === 204 || this.status === 304 || this.status < 200) {
      this.length = 0;
    } else if (te !== undefined) {
      if (te.toLowerCase().trim() !== 'chunked')
        throw new LeanHttpError(`transfer coding ${te} not supported`);
      this.length = -2;
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new LeanHttpError(`bad Content-Length ${cl}`);
      this.length = Number(cl);
    } else {
      this.length = -1;
      this.lastResponse = true;
    }
  }

  /** Consumes chunked body octets; true once the last chunk and the trailer section are in. */
  private readChunks(): boolean {
    for (;;) {
      if (this.chunkLeft < 0) {
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return false;
        const size = /^([0-9A-Fa-f]{1,8})(?:;.*)?$/.exec(this.buf.toString('latin1', 0, eol));
        if (!size) throw new LeanHttpError('bad chunk size line');
        const n = Number.parseInt(size[1], 16);
        this.buf = this.buf.subarray(eol + 2);
        if (n === 0) {
          this.chunkLeft = -3; // trailer section next
        } else {
          this.chunkLeft = n;
        }
      }
      if (this.chunkLeft === -3) {
        // trailer fields (ignored) up to an empty line
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return false;
        this.buf = this.buf.subarray(eol + 2);
        if (eol === 0) {
          if (this.buf.length > 0) throw new LeanHttpError('octets after the response body');
          return true;
        }
        continue;
      }
      if (this.buf.length < this.chunkLeft + 2) return false;
      this.chunks.push(Buffer.from(this.buf.subarray(0, this.chunkLeft)));
      if (this.buf[this.chunkLeft] !== 0x0d || this.buf[this.chunkLeft + 1] !== 0x0a) {
        throw new LeanHttpError('chunk without its CRLF');
      }
      this.buf = this.buf.subarray(this.chunkLeft + 2);
      this.chunkLeft = -1;
    }
  }

  private finish(body: Buffer): void {
    const p = this.current;
    if (!p) return;
    this.current = undefined;
    clearTimeout(this.timer);
    const r: LeanResponse = { status: this.status, headers: this.headers, body };
    if (this.lastResponse) {
      this.closed = true;
      this.socket.destroy();
      this.client.released(this, false);
    } else {
      this.client.released(this, true);
    }
    p.resolve(r);
  }

  private fail(e: Error): void {
    clearTimeout(this.timer);
    const p = this.current;
    this.current = undefined;
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.client.released(this, false);
    }
    p?.reject(e);
  }

  private onClose(): void {
    if (this.current && this.headDone && this.length === -1) {
      // a close-delimited body is complete
      this.closed = true;
      const body = Buffer.concat(this.chunks);
      this.lastResponse = true;
      this.finish(body);
      return;
    }
    this.fail(new LeanHttpError('connection closed before the response was complete'));
  }
}

export class LeanHttpClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue: Pending[] = [];
  private readonly hostHeader: string;
  private closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly maxSockets = 64,
    readonly timeoutMs = 10_000,
  ) {
    this.hostHeader = `${host}:${port}`;
  }

  /** Sends one request; `headers` must not contain Host or Content-Length (both are written here). */
  request(
    method: string,
    path: string,
    headers: Record<string, string | number>,
    body?: Uint8Array,
  ): Promise<LeanResponse> {
    if (this.closed) return Promise.reject(new LeanHttpError('client closed'));
    if (!/^\/[\x21-\x7e]*$/.test(path))
      return Promise.reject(new LeanHttpError(`bad request target ${path}`));
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const name in headers) {
      const v = String(headers[name]);
      if (/[\r\n]/.test(name) || /[\r\n]/.test(v))
        return Promise.reject(new LeanHttpError('CR/LF in a header'));
      head += `${name}: ${v}\r\n`;
    }
    if (body || method === 'POST' || method === 'PUT') head += `content-length: ${body?.length ?? 0}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => {
      const p: Pending = { head: Buffer.from(head, 'latin1'), body, method, resolve, reject };
      const c = this.idle.pop() ?? this.open();
      if (c) c.send(p);
      else this.queue.push(p);
    });
  }

  private open(): Connection | undefined {
    if (this.all.size >= this.maxSockets) return undefined;
    const c = new Connection(this, this.host, this.port);
    this.all.add(c);
    return c;
  }

  /** A connection finished its request: reuse it (or forget it) and start the next queued one. */
  released(c: Connection, reusable: boolean): void {
    if (!reusable) {
      this.all.delete(c);
      const i = this.idle.indexOf(c);
      if (i >= 0) this.idle.splice(i, 1);
    }
    const next = this.queue.shift();
    if (next) {
      const conn = reusable && !this.closed ? c : this.open();
      if (conn) conn.send(next);
      else if (this.closed) next.reject(new LeanHttpError('client closed'));
      else this.queue.unshift(next);
      return;
    }
    if (reusable) this.idle.push(c);
  }

  /** Closes every connection; queued and running requests are rejected. */
  close(): void {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new LeanHttpError('client closed'));
    for (const c of [...this.all]) c.socket.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}
