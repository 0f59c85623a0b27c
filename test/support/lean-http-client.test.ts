import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LeanHttpClient } from './lean-http-client.ts';

/** The load generator's HTTP client against node's http server (and a raw socket for the odd framings). */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function httpServer(
  handler: http.RequestListener,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = http.createServer({ keepAliveTimeout: 5000 }, handler);
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

/** A server that answers every request with the given raw octets (then optionally closes). */
async function rawServer(answer: string, close: boolean): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    let seen = '';
    s.on('data', (d) => {
      seen += d.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      seen = '';
      if (close) s.end(answer);
      else s.write(answer);
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function client(port: number, maxSockets = 4, timeoutMs = 2000): LeanHttpClient {
  const c = new LeanHttpClient('127.0.0.1', port, maxSockets, timeoutMs);
  closers.unshift(async () => c.close());
  return c;
}

describe('LeanHttpClient', () => {
  it('POSTs the body with its headers and reads a Content-Length response, reusing the connection', async () => {
    const srv = await httpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'x-seen': String(req.headers['x-msisdn']),
        });
        res.end(Buffer.concat([Buffer.from(`${req.method} ${req.url} ${body.length}:`), body]));
      });
    });
    const c = client(srv.port);
    for (let i = 0; i < 5; i++) {
      const r = await c.request(
        'POST',
        '/mms',
        { 'content-type': 'application/vnd.wap.mms-message', 'X-MSISDN': '15550001' },
        new Uint8Array([0x8c, 0x80, i]),
      );
      expect(r.status).toBe(200);
      expect(r.headers['x-seen']).toBe('15550001');
      expect([...r.body]).toEqual([...Buffer.from('POST /mms 3:'), 0x8c, 0x80, i]);
    }
    expect(srv.connections()).toBe(1);
  });

  it('reads chunked bodies, empty 204 answers and GETs', async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('hello ');
      setTimeout(() => res.end('world'), 5);
    });
    const c = client(srv.port);
    const r = await c.request('GET', '/chunks', {});
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.body.toString()).toBe('hello world');
    const e = await c.request('POST', '/empty', {}, new Uint8Array(0));
    expect(e.status).toBe(204);
    expect(e.body.length).toBe(0);
    expect((await c.request('GET', '/chunks', {})).body.toString()).toBe('hello world');
  });

  it('queues requests beyond maxSockets and answers every one', async () => {
    const srv = await httpServer((req, res) => {
      setTimeout(() => res.end(req.url), 2);
    });
    const c = client(srv.port, 3);
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => c.request('GET', `/n${i}`, {})));
    expect(rs.map((r) => r.body.toString())).toEqual(Array.from({ length: 40 }, (_, i) => `/n${i}`));
    expect(srv.connections()).toBeLessThanOrEqual(3);
  });

  it('honours Connection: close (a new connection for the next request)', async () => {
    const srv = await httpServer((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('bye');
    });
    const c = client(srv.port);
    expect((await c.request('GET', '/a', {})).body.toString()).toBe('bye');
    expect((await c.request('GET', '/b', {})).body.toString()).toBe('bye');
    expect(srv.connections()).toBe(2);
  });

  it('reads a body delimited by the end of the connection', async () => {
    const port = await rawServer('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nto the end', true);
    const r = await client(port).request('GET', '/', {});
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('to the end');
  });

  it('rejects malformed answers, early closes and silence, and keeps working afterwards', async () => {
    const bad = await rawServer('HTTQ/9 nonsense\r\n\r\n', false);
    await expect(client(bad).request('GET', '/', {})).rejects.toThrow(/bad status line/);
    const cut = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', true);
    await expect(client(cut).request('GET', '/', {})).rejects.toThrow(/closed before/);
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const s = client((silent.address() as AddressInfo).port, 1, 150);
    await expect(s.request('GET', '/', {})).rejects.toThrow(/no response within 150 ms/);
    silent.close();
    const srv = await httpServer((_req, res) => res.end('ok'));
    const c = client(srv.port, 1);
    await expect(c.request('GET', '/x y', {})).rejects.toThrow(/bad request target/);
    await expect(c.request('GET', '/', { 'x-a': 'a\r\nx-b: b' })).rejects.toThrow(/CR\/LF/);
    expect((await c.request('GET', '/', {})).body.toString()).toBe('ok');
  });

  it('rejects queued requests on close', async () => {
    const srv = await httpServer(() => undefined); // never answers
    const c = new LeanHttpClient('127.0.0.1', srv.port, 1, 5000);
    const first = c.request('GET', '/1', {});
    const second = c.request('GET', '/2', {});
    await new Promise((r) => setTimeout(r, 20));
    c.close();
    await expect(second).rejects.toThrow(/client closed/);
    await expect(first).rejects.toThrow(/closed before/);
  });
});
