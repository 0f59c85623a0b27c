import http from 'node:http';
import net from 'node:net';
import { bytesFromJson, type JsonObject } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';
import { isLoopbackHost, proxyCredential } from '../wap-gateway/http-util.ts';

/**
 * Robustness probes of a handset: HTTP requests a real MMS user agent never makes (another
 * method, a wrong Content-Type, a body that is not a PDU, a huge body, a path under the MM1 URL)
 * and raw bytes on the MM1 TCP port (a request line that is not HTTP). Suites use them to check
 * that the MMSC answers with HTTP's own errors and keeps serving.
 */

export interface HttpProbeRequest {
  method: string;
  /** Absolute URL (loopback, or any host through the gateway). */
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Through the WAP gateway as proxy (with the handset's credential), or straight to `url`. */
  gateway?: string;
  msisdn: string;
}

export interface HttpProbeResult {
  status: number;
  contentType: string;
  body: Uint8Array;
}

const METHOD = /^[A-Z]{1,16}$/;

/** Reads the `http` action's parameters into a request (body: `text`, `base64` or `size` filler octets). */
export function probeRequest(
  peer: string,
  p: JsonObject,
  defaults: { mm1Url: string; gateway?: string; msisdn: string },
): HttpProbeRequest {
  const method = p.method === undefined ? 'POST' : p.method;
  if (typeof method !== 'string' || !METHOD.test(method))
    throw new PeerConfigError(
      peer,
      `http: method must be an upper-case token, got ${JSON.stringify(method)}`,
    );
  let url: string;
  if (typeof p.url === 'string') url = p.url;
  else if (p.url === undefined) url = defaults.mm1Url;
  else throw new PeerConfigError(peer, 'http: url must be a string');
  try {
    new URL(url);
  } catch {
    throw new PeerConfigError(peer, `http: '${url}' is not a URL`);
  }
  const headers: Record<string, string> = {};
  if (p.headers !== undefined) {
    if (typeof p.headers !== 'object' || p.headers === null || Array.isArray(p.headers))
      throw new PeerConfigError(peer, 'http: headers must be an object');
    for (const [k, v] of Object.entries(p.headers)) headers[k] = String(v);
  }
  if (typeof p.contentType === 'string') headers['Content-Type'] = p.contentType;
  let body: Uint8Array | undefined;
  const given = ['text', 'base64', 'size'].filter((k) => p[k] !== undefined);
  if (given.length > 1) throw new PeerConfigError(peer, 'http: give one of text, base64, size');
  if (typeof p.text === 'string') body = new TextEncoder().encode(p.text);
  else if (typeof p.base64 === 'string') body = bytesFromJson({ $base64: p.base64 });
  else if (p.size !== undefined) {
    if (typeof p.size !== 'number' || !Number.isInteger(p.size) || p.size < 0 || p.size > 16 * 1024 * 1024)
      throw new PeerConfigError(peer, 'http: size must be an integer 0..16777216');
    body = new Uint8Array(p.size).fill(0x41);
  } else if (given.length === 1) throw new PeerConfigError(peer, `http: ${given[0]} has the wrong type`);
  const direct = p.direct === true;
  return {
    method,
    url,
    headers,
    ...(body ? { body } : {}),
    ...(!direct && defaults.gateway ? { gateway: defaults.gateway } : {}),
    msisdn: defaults.msisdn,
  };
}

/** One HTTP exchange; through the gateway in absolute form (RFC 9112 §3.2.2) when one is given. */
export function httpProbe(r: HttpProbeRequest, agent?: http.Agent): Promise<HttpProbeResult> {
  const target = new URL(r.url);
  const headers: Record<string, string> = { Host: target.host, ...r.headers };
  if (r.body) headers['Content-Length'] = String(r.body.length);
  let options: http.RequestOptions;
  if (r.gateway) {
    const gw = new URL(r.gateway);
    headers['Proxy-Authorization'] = proxyCredential(r.msisdn);
    options = { host: gw.hostname, port: gw.port || 80, path: target.href, method: r.method, headers };
  } else {
    if (!isLoopbackHost(target.hostname))
      return Promise.reject(new Error(`${target.host} is not on loopback`));
    options = {
      host: target.hostname,
      port: target.port || 80,
      path: target.pathname + target.search,
      method: r.method,
      headers,
    };
  }
  if (agent) options.agent = agent;
  return httpExchange(options, r.body, 10_000, `${r.method} ${r.url}`);
}

/** One request with `options`; the whole answer, or a rejection on transport error or `timeoutMs` of silence. */
export function httpExchange(
  options: http.RequestOptions,
  body: Uint8Array | undefined,
  timeoutMs: number,
  what: string,
): Promise<HttpProbeResult> {
  return new Promise<HttpProbeResult>((resolve, reject) => {
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'] ?? '',
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${what}: timeout`)));
    req.on('error', reject);
    req.end(body);
  });
}

export interface RawProbeResult {
  /** Status code of the first HTTP status line received, 0 when none. */
  status: number;
  /** The first line received (empty when the server closed without a word). */
  statusLine: string;
  /** Octets received before the server closed or `waitMs` passed. */
  received: number;
  closed: boolean;
}

/**
 * Writes `bytes` on a fresh TCP connection to `url`'s host:port (loopback only) and reads what
 * comes back until the server closes or `waitMs` passes. The window opens once our octets are
 * handed to the kernel (not at connect), and its end is judged only after the event loop has
 * polled the I/O pending by then: on a loaded host the timer of a stalled loop fires ahead of the
 * poll that would deliver the server's answer and FIN (the server, when embedded, answers on this
 * very loop), so a stall would otherwise read as the server's silence (status 0) or as a
 * connection left open (closed false).
 */
export function rawProbe(url: string, bytes: Uint8Array, waitMs: number): Promise<RawProbeResult> {
  const u = new URL(url);
  if (!isLoopbackHost(u.hostname)) return Promise.reject(new Error(`${u.host} is not on loopback`));
  return new Promise<RawProbeResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closed = false;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const sock = net.connect({ host: u.hostname, port: Number(u.port || 80) });
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statusLine = text.split('\r\n', 1)[0] ?? '';
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
      resolve({ status: m ? Number(m[1]) : 0, statusLine, received: text.length, closed });
    };
    // two loop turns after the window: one poll for the server to read our octets and answer,
    // the next for us to read its answer and FIN
    const expire = () => setImmediate(() => setImmediate(finish));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => {
      closed = true;
      finish();
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('error', (e) => {
      if (timer) clearTimeout(timer);
      done = true;
      reject(e);
    });
    sock.write(bytes, () => {
      if (!done) timer = setTimeout(expire, waitMs);
    });
  });
}

/** How a held connection misbehaves (`http-hold`). */
export const HOLD_MODES = ['idle', 'slow-headers', 'stalled-body', 'half-close', 'junk-half-open'] as const;
export type HoldMode = (typeof HOLD_MODES)[number];

export interface HoldSpec {
  mode: HoldMode;
  /** Connections opened at once (1..500). */
  connections: number;
  /** How long each is held before we give up on it ourselves (ms, ..60000). */
  holdMs: number;
  /** slow-headers: one header line every intervalMs. */
  intervalMs: number;
}

export interface HoldResult {
  mode: HoldMode;
  /** Connections that were established. */
  opened: number;
  /** Connections the server closed (FIN or reset) before holdMs. */
  closedByServer: number;
  /** First status code each answered connection got, counted ("408": 3). */
  statuses: Record<string, number>;
  /** The earliest server close, ms after the connections were opened (-1: none). */
  firstCloseMs: number;
  heldMs: number;
}

/** Reads the `http-hold` action's parameters. */
export function holdSpec(peer: string, p: JsonObject): HoldSpec {
  const mode = p.mode ?? 'slow-headers';
  if (typeof mode !== 'string' || !(HOLD_MODES as readonly string[]).includes(mode))
    throw new PeerConfigError(peer, `http-hold: mode is one of ${HOLD_MODES.join(', ')}`);
  const int = (k: string, dflt: number, min: number, max: number): number => {
    const v = p[k] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new PeerConfigError(peer, `http-hold: ${k} must be an integer ${min}..${max}`);
    return v;
  };
  return {
    mode: mode as HoldMode,
    connections: int('connections', 1, 1, 500),
    holdMs: int('holdMs', 5000, 100, 60_000),
    intervalMs: int('intervalMs', 500, 10, 10_000),
  };
}

/** What a held connection of `mode` writes first (`path`: the MM1 URL's path). */
function holdPrelude(mode: HoldMode, host: string, path: string): string {
  switch (mode) {
    case 'idle':
      return '';
    case 'slow-headers':
      return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
    case 'stalled-body':
    case 'half-close':
      return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/vnd.wap.mms-message\r\nContent-Length: 100000\r\n\r\n\x8c\x80\x98stalled-`;
    case 'junk-half-open':
      return '\x8c\x80\x98 not an HTTP request \x00\xff\r\n\r\n';
  }
}

/**
 * Opens `spec.connections` TCP connections to `url`'s host:port (loopback only) that misbehave as
 * `spec.mode` says: nothing sent (idle), a header line dribbled every intervalMs and never the
 * end of the headers (slowloris), headers announcing 100000 octets of body and then silence, the
 * same then our FIN without ever reading (half-close), or junk with our side never closed. Each
 * socket keeps its side open (allowHalfOpen) so only the server can free it. `done` resolves
 * after holdMs (or once the server closed them all) with what the server did; `cancel` ends it.
 */
export function holdConnections(
  url: string,
  spec: HoldSpec,
): { done: Promise<HoldResult>; cancel: () => void } {
  const u = new URL(url);
  if (!isLoopbackHost(u.hostname)) {
    return { done: Promise.reject(new Error(`${u.host} is not on loopback`)), cancel: () => undefined };
  }
  const sockets: net.Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  let finish: () => void = () => undefined;
  const done = new Promise<HoldResult>((resolve) => {
    const t0 = Date.now();
    let opened = 0;
    let closed = 0;
    let firstCloseMs = -1;
    const statuses: Record<string, number> = {};
    let over = false;
    finish = () => {
      if (over) return;
      over = true;
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      resolve({
        mode: spec.mode,
        opened,
        closedByServer: closed,
        statuses,
        firstCloseMs,
        heldMs: Date.now() - t0,
      });
    };
    const prelude = holdPrelude(spec.mode, u.host, u.pathname || '/');
    for (let i = 0; i < spec.connections; i++) {
      const s = net.connect({ host: u.hostname, port: Number(u.port || 80), allowHalfOpen: true });
      sockets.push(s);
      let got = '';
      let counted = false;
      let seenClose = false;
      s.on('connect', () => {
        opened++;
        if (prelude) s.write(Buffer.from(prelude, 'latin1'));
        if (spec.mode === 'half-close') {
          s.end();
          s.pause(); // never reads: the answer stays in the kernel's buffers
        }
        if (spec.mode === 'slow-headers') {
          let n = 0;
          const tick = () => {
            if (s.destroyed || !s.writable) return;
            s.write(`X-Slow-${n++}: ${'a'.repeat(8)}\r\n`);
            timers.push(setTimeout(tick, spec.intervalMs));
          };
          timers.push(setTimeout(tick, spec.intervalMs));
        }
      });
      s.on('data', (c: Buffer) => {
        if (got.length < 64) got += c.toString('latin1');
        const m = /^HTTP\/\d\.\d (\d{3})/.exec(got);
        if (m && !counted) {
          counted = true;
          statuses[m[1] as string] = (statuses[m[1] as string] ?? 0) + 1;
        }
      });
      const serverClosed = () => {
        if (over || seenClose) return;
        seenClose = true;
        closed++;
        if (firstCloseMs < 0) firstCloseMs = Date.now() - t0;
        if (closed >= spec.connections) finish();
      };
      s.on('end', serverClosed);
      s.on('close', serverClosed);
      s.on('error', () => undefined);
    }
    timers.push(setTimeout(finish, spec.holdMs));
  });
  return { done, cancel: () => finish() };
}
