import * as http from 'node:http';

/**
 * One MM7 HTTP POST (TS 23.140 §8.7.1: SOAP over HTTP/1.1, a SOAPAction header, HTTP Basic
 * authentication between VASP and relay). Returns the raw answer; decoding is the caller's.
 */
export interface Mm7HttpAnswer {
  status: number;
  contentType: string;
  body: Uint8Array;
  /** The WWW-Authenticate challenge of a 401 (RFC 7235 §4.1), when one came. */
  wwwAuthenticate?: string;
}

export interface Mm7PostOptions {
  url: string;
  contentType: string;
  body: Uint8Array;
  user?: string;
  pass?: string;
  agent?: http.Agent;
  timeoutMs?: number;
  /** Upper bound on the answer size (bytes); larger answers fail. */
  maxAnswer?: number;
}

export function mm7Post(o: Mm7PostOptions): Promise<Mm7HttpAnswer> {
  const url = new URL(o.url);
  if (url.protocol !== 'http:') return Promise.reject(new Error(`MM7 target must be http://, got ${o.url}`));
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': o.contentType,
    'Content-Length': o.body.byteLength,
    SOAPAction: '""',
  };
  if (o.user !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${o.user}:${o.pass ?? ''}`).toString('base64')}`;
  }
  const max = o.maxAnswer ?? 32 * 1024 * 1024;
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
        res.on('data', (c: Buffer) => {
          size += c.byteLength;
          if (size > max) {
            req.destroy(new Error(`MM7 answer larger than ${max} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const challenge = res.headers['www-authenticate'];
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: new Uint8Array(Buffer.concat(chunks)),
            ...(challenge !== undefined ? { wwwAuthenticate: String(challenge) } : {}),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(o.timeoutMs ?? 30_000, () => req.destroy(new Error('MM7 request timed out')));
    req.on('error', reject);
    req.end(Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength));
  });
}
