import * as http from 'node:http';

/**
 * One MM7 HTTP POST, used by both ends of MM7 (the VASP mock towards the relay, the reference
 * relay towards a VASP): TS 23.140 §8.7.1, SOAP over HTTP/1.1 POST with a SOAPAction header,
 * HTTP Basic authentication between VASP and relay. Resolves with the raw answer whatever its
 * status (decoding is the caller's); rejects on transport failure, timeout or an oversized answer.
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
  /** Whole-request inactivity limit; default 30 s. */
  timeoutMs?: number;
  /** Upper bound on the answer size (bytes); larger answers fail. Default 32 MiB. */
  maxAnswer?: number;
  /** Who answers, for error texts ('VASP', 'MMS Relay/Server'); default 'MM7'. */
  peer?: string;
}

export function mm7HttpPost(o: Mm7PostOptions): Promise<Mm7HttpAnswer> {
  const peer = o.peer ?? 'MM7';
  const url = new URL(o.url);
  if (url.protocol !== 'http:') return Promise.reject(new Error(`${peer} URL must be http://, got ${o.url}`));
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': o.contentType,
    'Content-Length': o.body.byteLength,
    SOAPAction: '""',
  };
  if (o.user !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${o.user}:${o.pass ?? ''}`).toString('base64')}`;
  }
  const max = o.maxAnswer ?? 32 * 1024 * 1024;
  const timeoutMs = o.timeoutMs ?? 30_000;
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
          // Reject here: req.destroy(err) once the response has begun throws the error out of
          // this listener (uncaught) and lets 'end' resolve with a truncated body.
          oversized = true;
          reject(new Error(`${peer} answer larger than ${max} bytes`));
          req.destroy();
        });
        res.on('end', () => {
          if (oversized) return;
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
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no ${peer} answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength));
  });
}
