import * as http from 'node:http';

/** What came back: the status, the header lines as parsed and as read, and the whole body. */
export interface BoundedHttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The answer's header lines, flat `[name, value, ...]` as node read them. */
  rawHeaders: string[];
  body: Uint8Array;
}

export interface BoundedPostOptions {
  url: string;
  headers: http.OutgoingHttpHeaders;
  body: Uint8Array;
  /** HTTP Basic credentials (RFC 7617) when a user is given. */
  user?: string;
  pass?: string;
  agent?: http.Agent;
  /** Whole-request inactivity limit (ms). */
  timeoutMs: number;
  /** Upper bound on the answer size (octets); a larger answer fails. */
  maxAnswer: number;
  /** Who answers, for error texts ('MM7', 'EAIF', 'VASP'...). */
  peer: string;
}

/**
 * One HTTP POST over plain http:// with a bounded answer, shared by the MM7 and EAIF clients of
 * both ends. Resolves with the raw answer whatever its status (decoding is the caller's); rejects
 * on transport failure, timeout or an oversized answer.
 */
export function boundedHttpPost(o: BoundedPostOptions): Promise<BoundedHttpAnswer> {
  const url = new URL(o.url);
  if (url.protocol !== 'http:')
    return Promise.reject(new Error(`${o.peer} URL must be http://, got ${o.url}`));
  const headers: http.OutgoingHttpHeaders = { ...o.headers };
  if (o.user !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${o.user}:${o.pass ?? ''}`).toString('base64')}`;
  }
  const { maxAnswer: max, timeoutMs, peer } = o;
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
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: [...res.rawHeaders],
            body: new Uint8Array(Buffer.concat(chunks)),
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
