import http from 'node:http';

/**
 * One MM7 request from the relay to a VASP (TS 23.140 §8.7.1: SOAP over HTTP POST with a
 * SOAPAction header). Resolves with whatever the VASP answered; rejects on transport failure
 * or timeout. Loopback only: the URL comes from config (`vasps[].callbackUrl`).
 */
export interface Mm7Answer {
  status: number;
  contentType: string;
  body: Uint8Array;
}

export function mm7HttpPost(o: {
  url: string;
  contentType: string;
  body: Uint8Array;
  agent?: http.Agent;
  timeoutMs: number;
  user?: string;
  pass?: string;
  maxAnswer?: number;
}): Promise<Mm7Answer> {
  const url = new URL(o.url);
  if (url.protocol !== 'http:') return Promise.reject(new Error(`VASP URL must be http://, got ${o.url}`));
  const max = o.maxAnswer ?? 4 * 1024 * 1024;
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': o.contentType,
    'Content-Length': o.body.byteLength,
    SOAPAction: '""',
  };
  if (o.user !== undefined)
    headers.Authorization = `Basic ${Buffer.from(`${o.user}:${o.pass ?? ''}`).toString('base64')}`;
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
          if (size > max) req.destroy(new Error(`VASP answer larger than ${max} bytes`));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: new Uint8Array(Buffer.concat(chunks)),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength));
  });
}
