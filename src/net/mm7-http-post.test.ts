import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mm7HttpPost } from './mm7-http-post.ts';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let server: http.Server;
let base = '';
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url === '/auth') {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="mm7"', 'Content-Type': 'text/plain' });
        res.end('who?');
      } else if (req.url === '/big') {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(Buffer.alloc(4096, 0x41));
      } else if (req.url === '/silent') {
        // never answers: the client's timeout must end the request
      } else {
        res.writeHead(500, { 'Content-Type': 'text/xml; charset=utf-8' });
        res.end('<fault/>');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('mm7HttpPost', () => {
  it('POSTs the body with SOAPAction and Basic credentials and returns any status as an answer', async () => {
    const body = new TextEncoder().encode('<env/>').subarray(1); // a view: only its own octets go out
    const a = await mm7HttpPost({
      url: `${base}/mm7?x=1`,
      contentType: 'text/xml; charset="utf-8"',
      body,
      user: 'vasp1',
      pass: 's3cret',
    });
    expect(a).toEqual({
      status: 500,
      contentType: 'text/xml; charset=utf-8',
      body: new TextEncoder().encode('<fault/>'),
    });
    const s = seen.at(-1);
    expect(s?.method).toBe('POST');
    expect(s?.url).toBe('/mm7?x=1');
    expect(s?.headers.soapaction).toBe('""');
    expect(s?.headers['content-type']).toBe('text/xml; charset="utf-8"');
    expect(s?.headers['content-length']).toBe('5');
    expect(s?.headers.authorization).toBe(`Basic ${Buffer.from('vasp1:s3cret').toString('base64')}`);
    expect(s?.body.toString()).toBe('env/>');
  });

  it('sends no Authorization without a user and reports the 401 challenge', async () => {
    const a = await mm7HttpPost({ url: `${base}/auth`, contentType: 'text/xml', body: new Uint8Array() });
    expect(a.status).toBe(401);
    expect(a.wwwAuthenticate).toBe('Basic realm="mm7"');
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('rejects an answer over maxAnswer, a silent peer after timeoutMs, and non-http URLs', async () => {
    const o = { contentType: 'text/xml', body: new Uint8Array([0x3c]), peer: 'VASP' };
    await expect(mm7HttpPost({ ...o, url: `${base}/big`, maxAnswer: 1024 })).rejects.toThrow(
      'VASP answer larger than 1024 bytes',
    );
    await expect(mm7HttpPost({ ...o, url: `${base}/silent`, timeoutMs: 50 })).rejects.toThrow(
      'no VASP answer within 50 ms',
    );
    await expect(mm7HttpPost({ ...o, url: 'https://127.0.0.1/mm7' })).rejects.toThrow(
      'VASP URL must be http://',
    );
  });
});
