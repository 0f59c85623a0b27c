import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';
import { httpProbe, probeRequest, rawProbe } from './http-probe.ts';

describe('probeRequest (the handset `http` action parameters)', () => {
  const d = { mm1Url: 'http://127.0.0.1:1/mms', msisdn: '+15550001', gateway: 'http://127.0.0.1:2' };
  it('defaults to a POST of nothing to the MM1 URL through the gateway', () => {
    const r = probeRequest('ue.a', {}, d);
    expect(r).toMatchObject({ method: 'POST', url: d.mm1Url, gateway: d.gateway });
    expect(r.body).toBeUndefined();
  });
  it('builds bodies from text, base64 or a filler size, and goes direct on request', () => {
    expect(probeRequest('ue.a', { text: 'hi' }, d).body).toEqual(new TextEncoder().encode('hi'));
    expect(probeRequest('ue.a', { base64: 'jA==' }, d).body).toEqual(new Uint8Array([0x8c]));
    expect(probeRequest('ue.a', { size: 5 }, d).body?.length).toBe(5);
    expect(probeRequest('ue.a', { direct: true }, d).gateway).toBeUndefined();
    expect(probeRequest('ue.a', { contentType: 'text/plain' }, d).headers['Content-Type']).toBe('text/plain');
  });
  it('refuses bad parameters with one PeerConfigError each', () => {
    const bad: JsonObject[] = [
      { method: 'get me' },
      { url: 'not a url' },
      { text: 'a', size: 1 },
      { size: -1 },
      { headers: [] },
      { base64: 7 },
    ];
    for (const p of bad) {
      expect(() => probeRequest('ue.a', p, d), JSON.stringify(p)).toThrow(PeerConfigError);
    }
  });
});

describe('httpProbe / rawProbe over 127.0.0.1', () => {
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(req.method === 'PUT' ? 405 : 200, { 'content-type': 'text/plain' });
        res.end(
          `${req.method} ${req.url} ${Buffer.concat(chunks).length} ${req.headers['content-type'] ?? '-'}`,
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mms`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('makes the request as given and returns status and body', async () => {
    const r = await httpProbe({
      method: 'PUT',
      url,
      headers: { 'Content-Type': 'x/y' },
      body: new Uint8Array(3),
      msisdn: '+1',
    });
    expect(r.status).toBe(405);
    expect(Buffer.from(r.body).toString()).toBe('PUT /mms 3 x/y');
  });

  it('refuses a non-loopback host without a gateway', async () => {
    await expect(
      httpProbe({ method: 'GET', url: 'http://example.com/', headers: {}, msisdn: '+1' }),
    ).rejects.toThrow(/loopback/);
  });

  it('rawProbe reads the status line the server answers to junk, and sees the close', async () => {
    const r = await rawProbe(url, new TextEncoder().encode('\x8c\x80junk\r\n\r\n'), 2000);
    expect(r.status).toBe(400);
    expect(r.closed).toBe(true);
  });

  it('rawProbe does not take a stalled event loop for silence or for a connection left open', async () => {
    // an in-process server (as the embedded MMSC) that reads our octets, then keeps the loop busy
    // past the whole window before it answers 400 and closes: the answer and FIN are there to read
    // when the loop comes back, and the probe must read them before it judges
    const waitMs = 50;
    const slow = net.createServer((c) => {
      c.once('data', () => {
        const until = performance.now() + waitMs * 4;
        while (performance.now() < until) {
          // a loaded host: this thread gets no turn
        }
        c.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const port = (slow.address() as AddressInfo).port;
    const r = await rawProbe(`http://127.0.0.1:${port}/`, new Uint8Array([0x8c, 0x80]), waitMs);
    expect(r).toMatchObject({ status: 400, closed: true });
    await new Promise<void>((res) => slow.close(() => res()));
  });

  it('rawProbe reports silence as status 0 when nothing comes back within waitMs', async () => {
    const conns: net.Socket[] = [];
    const quiet = net.createServer((c) => conns.push(c));
    await new Promise<void>((r) => quiet.listen(0, '127.0.0.1', () => r()));
    const port = (quiet.address() as AddressInfo).port;
    const r = await rawProbe(`http://127.0.0.1:${port}/`, new Uint8Array([1]), 100);
    expect(r).toMatchObject({ status: 0, statusLine: '', received: 0, closed: false });
    for (const c of conns) c.destroy();
    await new Promise<void>((res) => quiet.close(() => res()));
  });
});
