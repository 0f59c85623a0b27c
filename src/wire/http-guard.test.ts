import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientErrorStatus,
  guardHttpServer,
  httpServerOptions,
  listenerConnectionCap,
} from './http-guard.ts';

/**
 * The guard over real loopback sockets: every hostile client gets HTTP's own answer (408 for a
 * time-out, 400 for junk, 503 beyond the cap), its socket is destroyed even if it never closes
 * its side, and an ordinary client is served meanwhile.
 */

const servers: http.Server[] = [];
const clients: net.Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function start(
  opts: { headersMs?: number; requestMs?: number; keepAliveMs?: number; maxConnections?: number } = {},
) {
  const seen: Array<{ code: string; status: number }> = [];
  const server = http.createServer(
    httpServerOptions({
      headersMs: opts.headersMs ?? 400,
      requestMs: opts.requestMs ?? 800,
      keepAliveMs: opts.keepAliveMs ?? 300,
    }),
    (req, res) => {
      req.resume();
      req.on('end', () => res.end('fine'));
    },
  );
  guardHttpServer(server, (e, status) => seen.push({ code: e.code ?? e.message, status }), {
    maxConnections: opts.maxConnections ?? 100,
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as net.AddressInfo).port, seen };
}

interface Held {
  socket: net.Socket;
  /** Everything received so far. */
  text: () => string;
  /** Resolves when the server has closed the connection (FIN or destroy), with the time it took. */
  closed: Promise<number>;
}

/** A client that never closes its side (allowHalfOpen), writing `first` on connect. */
function hostile(port: number, first?: string): Held {
  const t0 = Date.now();
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  clients.push(socket);
  let got = '';
  socket.on('data', (d) => {
    got += d.toString('latin1');
  });
  socket.on('error', () => undefined);
  if (first !== undefined) socket.write(first);
  const closed = new Promise<number>((resolve) => {
    socket.on('end', () => resolve(Date.now() - t0));
    socket.on('close', () => resolve(Date.now() - t0));
  });
  return { socket, text: () => got, closed };
}

function ordinary(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

/** Resolves once the server holds no connection (every hostile socket really freed). */
async function drained(server: http.Server, withinMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const n = await new Promise<number>((r) => server.getConnections((_e, c) => r(c)));
    if (n === 0) return Date.now() - t0;
    if (Date.now() - t0 > withinMs) return -n;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('guardHttpServer', () => {
  it('maps client errors to statuses (408 time-out, 431 header overflow, 400 junk, none for resets)', () => {
    expect(clientErrorStatus('ERR_HTTP_REQUEST_TIMEOUT')).toBe(408);
    expect(clientErrorStatus('HPE_HEADER_OVERFLOW')).toBe(431);
    expect(clientErrorStatus('HPE_INVALID_METHOD')).toBe(400);
    expect(clientErrorStatus('ECONNRESET')).toBe(0);
  });

  it('answers slowloris headers 408 after the header timeout, closes, and serves others meanwhile', async () => {
    const { server, port, seen } = await start({ headersMs: 400, requestMs: 5000 });
    const h = hostile(port, 'POST / HTTP/1.1\r\n');
    const dribble = setInterval(() => h.socket.writable && h.socket.write('X-Slow: 1\r\n'), 50);
    expect(await ordinary(port)).toBe(200);
    const ms = await h.closed;
    clearInterval(dribble);
    expect(h.text()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(ms).toBeLessThan(3000);
    expect(seen).toContainEqual({ code: 'ERR_HTTP_REQUEST_TIMEOUT', status: 408 });
    expect(await drained(server, 3000)).toBeGreaterThanOrEqual(0);
  });

  it('answers a stalled body 408 after the request timeout', async () => {
    const { server, port } = await start({ headersMs: 300, requestMs: 700 });
    const h = hostile(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc');
    expect(await ordinary(port)).toBe(200);
    const ms = await h.closed;
    expect(h.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(600);
    expect(ms).toBeLessThan(3000);
    expect(await drained(server, 3000)).toBeGreaterThanOrEqual(0);
  });

  it('destroys the socket of a client that got 400 but never closes its side', async () => {
    const { server, port } = await start({ headersMs: 10_000, requestMs: 20_000 });
    const h = hostile(port, '\x8c\x80 not http\r\n\r\n');
    await h.closed;
    expect(h.text()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    // the client still holds its end open: the server must not wait for it (before: forever)
    expect(await drained(server, 3000)).toBeGreaterThanOrEqual(0);
    expect(h.socket.destroyed).toBe(false);
    expect(await ordinary(port)).toBe(200);
  });

  it('answers a half-closed client (request then end(), never reading) and frees its socket', async () => {
    const { server, port } = await start();
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    clients.push(socket);
    socket.on('error', () => undefined);
    socket.end('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause(); // never reads
    expect(await ordinary(port)).toBe(200);
    expect(await drained(server, 3000)).toBeGreaterThanOrEqual(0);
  });

  it('many idle sockets: those beyond the cap get 503 at once, the rest 408, and all are freed', async () => {
    const { server, port } = await start({ headersMs: 500, requestMs: 1000, maxConnections: 20 });
    const held = Array.from({ length: 60 }, () => hostile(port));
    await Promise.all(held.map((h) => new Promise((r) => h.socket.once('connect', r))));
    const early = await Promise.race([held[59]!.closed, new Promise((r) => setTimeout(r, 400))]);
    expect(typeof early).toBe('number'); // the 60th was refused at once
    await Promise.all(held.map((h) => h.closed));
    const statuses = held.map((h) => /^HTTP\/1\.1 (\d{3})/.exec(h.text())?.[1] ?? 'none');
    expect(statuses.filter((s) => s === '503').length).toBe(40);
    expect(statuses.filter((s) => s === '408').length).toBe(20);
    expect(await drained(server, 3000)).toBeGreaterThanOrEqual(0);
    expect(await ordinary(port)).toBe(200);
  });

  it('caps a listener at an eighth of the descriptor limit, at least 8', () => {
    expect(listenerConnectionCap(1000, 256)).toBe(32);
    expect(listenerConnectionCap(1000, 20_000)).toBe(1000);
    expect(listenerConnectionCap(1000, 16)).toBe(8);
    expect(listenerConnectionCap(50, undefined)).toBe(50);
  });
});
