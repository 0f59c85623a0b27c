import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';

/**
 * A handset's request handed to the WAP gateway of the same process without a socket
 * (`WapGateway.relay`, used by load runs): the leg between two of our own nodes, which no target
 * ever sees, costs no HTTP client, server and taps on both ends. The gateway proxies it through
 * the same code as a request on its port (its `handle`), so what the target receives on MM1 and
 * what the gateway records are the same.
 */
export interface RelayRequest {
  method: string;
  /** The request target as the handset would write it: absolute form through the proxy, or origin form. */
  url: string;
  /** Header names and values in order, as a server would read them (`IncomingMessage.rawHeaders`). */
  rawHeaders: string[];
  body?: Uint8Array;
}

export interface RelayAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/**
 * The request side: what the gateway's handler uses of an `http.IncomingMessage` (method, url,
 * headers, `data`/`end` events, `resume()`, `pipe()`). The body is one chunk, emitted on the tick
 * after the handler first asks for it (resume or pipe), so every listener it added by then sees it.
 */
export class RelayIncoming extends EventEmitter {
  readonly method: string;
  readonly url: string;
  readonly httpVersion = '1.1';
  readonly rawHeaders: string[];
  readonly headers: IncomingHttpHeaders;
  private readonly body: Buffer | undefined;
  private flowing = false;

  constructor(r: RelayRequest) {
    super();
    this.method = r.method;
    this.url = r.url;
    this.rawHeaders = r.rawHeaders;
    const headers: Record<string, string> = {};
    for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) {
      const k = r.rawHeaders[i].toLowerCase();
      const v = r.rawHeaders[i + 1];
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
    this.headers = headers;
    this.body =
      r.body && r.body.length > 0 ? Buffer.from(r.body.buffer, r.body.byteOffset, r.body.length) : undefined;
  }

  resume(): this {
    if (this.flowing) return this;
    this.flowing = true;
    process.nextTick(() => {
      if (this.body) this.emit('data', this.body);
      this.emit('end');
    });
    return this;
  }

  pipe<T extends NodeJS.WritableStream>(dest: T): T {
    this.on('data', (c: Buffer) => dest.write(c));
    this.once('end', () => dest.end());
    this.resume();
    return dest;
  }
}

/** The answer side: what the gateway's handler does with an `http.ServerResponse`, collected. */
export class RelayResponse extends Writable {
  headersSent = false;
  statusCode = 0;
  private contentType = '';
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly settle: (a: RelayAnswer) => void,
    private readonly failed: (e: Error) => void,
  ) {
    super();
    this.on('finish', () =>
      this.settle({
        status: this.statusCode,
        contentType: this.contentType,
        body: Buffer.concat(this.chunks),
      }),
    );
  }

  writeHead(
    code: number,
    messageOrHeaders?: string | Record<string, string | string[]>,
    maybeHeaders?: Record<string, string | string[]>,
  ): this {
    const headers = typeof messageOrHeaders === 'object' ? messageOrHeaders : (maybeHeaders ?? {});
    this.statusCode = code;
    for (const [k, v] of Object.entries(headers))
      if (k.toLowerCase() === 'content-type') this.contentType = Array.isArray(v) ? v[0] : v;
    this.headersSent = true;
    return this;
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    // destroyed before the answer ended (the upstream connection broke mid-answer)
    if (!this.writableFinished) this.failed(err ?? new Error('the gateway dropped the answer'));
    cb(err);
  }
}
