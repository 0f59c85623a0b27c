import * as http from 'node:http';

/**
 * One EAIF HTTP POST (Nokia MMS Center Application Development Guide 1.0 §4.2), used by both
 * ends: the application mock towards the MMSC and the reference MMSC towards an application. The
 * header lines go out as given (X-NOKIA-MMSC-* and Content-Type), with HTTP Basic credentials
 * when a user is given. Resolves with the raw answer whatever its status (decoding is the
 * caller's); rejects on transport failure, timeout or an oversized answer.
 */
export interface EaifHttpAnswer {
  status: number;
  /** The answer's header lines, flat `[name, value, ...]` as node read them. */
  rawHeaders: string[];
  body: Uint8Array;
}

export interface EaifPostOptions {
  url: string;
  headers: readonly (readonly [string, string])[];
  body: Uint8Array;
  user?: string;
  pass?: string;
  agent?: http.Agent;
  /** Whole-request inactivity limit; default 10 s. */
  timeoutMs?: number;
  /** Upper bound on the answer size (octets); default 1 MiB. */
  maxAnswer?: number;
}

export function eaifHttpPost(o: EaifPostOptions): Promise<EaifHttpAnswer> {
  const url = new URL(o.url);
  if (url.protocol !== 'http:') return Promise.reject(new Error(`EAIF URL must be http://, got ${o.url}`));
  // an object, not a flat list: node frames the body by the Content-Length it finds there
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of o.headers) {
    const prev = headers[k];
    headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [String(prev), v];
  }
  headers['Content-Length'] = String(o.body.byteLength);
  if (o.user !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${o.user}:${o.pass ?? ''}`).toString('base64')}`;
  }
  const max = o.maxAnswer ?? 1024 * 1024;
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        agent: o.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let oversized = false;
        res.on('data', (c: Buffer) => {
          if (oversized) return;
          size += c.byteLength;
          if (size <= max) {
            chunks.push(c);
            return;
          }
          oversized = true;
          reject(new Error(`EAIF answer larger than ${max} bytes`));
          req.destroy();
        });
        res.on('end', () => {
          if (oversized) return;
          resolve({
            status: res.statusCode ?? 0,
            rawHeaders: [...res.rawHeaders],
            body: new Uint8Array(Buffer.concat(chunks)),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no EAIF answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength));
  });
}
