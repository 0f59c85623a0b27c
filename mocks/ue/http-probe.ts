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
 * comes back until the server closes or `waitMs` passes.
 */
export function rawProbe(url: string, bytes: Uint8Array, waitMs: number): Promise<RawProbeResult> {
  const u = new URL(url);
  if (!isLoopbackHost(u.hostname)) return Promise.reject(new Error(`${u.host} is not on loopback`));
  return new Promise<RawProbeResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closed = false;
    let done = false;
    const sock = net.connect({ host: u.hostname, port: Number(u.port || 80) });
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statusLine = text.split('\r\n', 1)[0] ?? '';
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
      resolve({ status: m ? Number(m[1]) : 0, statusLine, received: text.length, closed });
    };
    const timer = setTimeout(finish, waitMs);
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
      clearTimeout(timer);
      reject(e);
    });
    sock.write(bytes);
  });
}
