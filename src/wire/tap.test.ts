import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { tapHttpAgent, tapServer, tapSocket, tapUdp } from './tap.ts';
import { type BytesObservation, type ConnObservation, Timeline } from './timeline.ts';

const port = (s: net.Server | dgram.Socket) => (s.address() as AddressInfo).port;
const listen = (s: net.Server) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
const close = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));

function bytesOf(tl: Timeline, node: string, direction: 'in' | 'out'): Buffer {
  const parts = tl
    .query((o): o is BytesObservation => o.kind === 'bytes' && o.node === node && o.direction === direction)
    .map((o) => o.raw);
  return Buffer.concat(parts);
}
const conns = (tl: Timeline, node: string) =>
  tl
    .query((o): o is ConnObservation => o.kind === 'conn' && o.node === node)
    .map((o) => `${o.event}/${o.direction}`);

/** A deterministic body of n bytes. */
function body(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + (i >> 8)) & 0xff;
  return b;
}

async function httpPost(tapped: boolean, payload: Buffer) {
  const tl = new Timeline();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = Buffer.concat(chunks);
      res.setHeader('content-type', 'application/octet-stream');
      res.end(Buffer.concat([Buffer.from(`${got.length}:`), got.subarray(0, 1000)]));
    });
  });
  if (tapped) tapServer(server, { timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'MM1' });
  await listen(server);
  const agent = new http.Agent({ keepAlive: false });
  if (tapped) tapHttpAgent(agent, { timeline: tl, node: 'ue.alice', role: 'ue', iface: 'MM1' });
  const response = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: port(server),
        method: 'POST',
        path: '/mms',
        agent,
        headers: { 'content-length': payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  agent.destroy();
  await close(server);
  return { tl, response };
}

describe('tap transparency', () => {
  it('HTTP POST of 300 KB: same response with and without the tap; both sides record the same bytes', async () => {
    const payload = body(300 * 1024 + 17);
    const plain = await httpPost(false, payload);
    const tapped = await httpPost(true, payload);
    expect(tapped.response).toEqual(plain.response);
    expect(plain.response.body.subarray(0, 7).toString()).toBe(`${payload.length}:`);
    const { tl } = tapped;
    const clientOut = bytesOf(tl, 'ue.alice', 'out');
    const serverIn = bytesOf(tl, 'mmsc', 'in');
    expect(serverIn.length).toBeGreaterThan(payload.length);
    expect(serverIn.equals(clientOut)).toBe(true);
    expect(serverIn.subarray(serverIn.length - payload.length).equals(payload)).toBe(true);
    expect(bytesOf(tl, 'mmsc', 'out').equals(bytesOf(tl, 'ue.alice', 'in'))).toBe(true);
    expect(conns(tl, 'mmsc')[0]).toBe('open/in');
    expect(conns(tl, 'ue.alice')[0]).toBe('open/out');
    // the server side learnt who the client is from the in-process port registry
    const open = tl.query((o): o is ConnObservation => o.kind === 'conn' && o.node === 'ue.alice')[0];
    expect(open.client).toMatchObject({ node: 'ue.alice', role: 'ue' });
    expect(open.server).toMatchObject({ node: 'mmsc', role: 'mmsc' });
    // the client claimed its port at connect(), before the server accepted: named on both sides
    const accepted = tl.query((o): o is ConnObservation => o.kind === 'conn' && o.node === 'mmsc')[0];
    expect(accepted.client).toMatchObject({ node: 'ue.alice', role: 'ue' });
  });

  async function halfClose(tapped: boolean) {
    const tl = new Timeline();
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => {
        // the client half-closed; we can still answer
        s.end(`got ${Buffer.concat(chunks).toString()}`);
      });
    });
    if (tapped) tapServer(server, { timeline: tl, node: 'srv', role: 'mmsc', iface: 'MM4' });
    await listen(server);
    const got = await new Promise<string>((resolve, reject) => {
      const c = net.connect({ port: port(server), host: '127.0.0.1', allowHalfOpen: true });
      if (tapped)
        tapSocket(c, { timeline: tl, node: 'cli', role: 'remote-mmsc', iface: 'MM4', side: 'client' });
      c.write('hello ');
      c.end('world');
      const chunks: Buffer[] = [];
      c.on('data', (d: Buffer) => chunks.push(d));
      c.on('close', () => resolve(Buffer.concat(chunks).toString()));
      c.on('error', reject);
    });
    await close(server);
    return { tl, got };
  }

  it('half-close: the server answers after the client FIN, recorded in order on both sides', async () => {
    const plain = await halfClose(false);
    const tapped = await halfClose(true);
    expect(tapped.got).toBe(plain.got);
    expect(plain.got).toBe('got hello world');
    const { tl } = tapped;
    expect(bytesOf(tl, 'cli', 'out').toString()).toBe('hello world');
    expect(bytesOf(tl, 'srv', 'in').toString()).toBe('hello world');
    expect(bytesOf(tl, 'srv', 'out').toString()).toBe('got hello world');
    expect(conns(tl, 'cli')).toEqual(['open/out', 'end/out', 'end/in', 'close/local']);
    expect(conns(tl, 'srv')).toEqual(['open/in', 'end/in', 'end/out', 'close/local']);
    const accepted = tl.query((o): o is ConnObservation => o.kind === 'conn' && o.node === 'srv')[0];
    expect(accepted.client).toMatchObject({ node: 'cli', role: 'remote-mmsc' });
  });

  async function reset(tapped: boolean) {
    const tl = new Timeline();
    const server = net.createServer((s) => {
      s.once('data', () => s.resetAndDestroy());
      s.on('error', () => {});
    });
    if (tapped) tapServer(server, { timeline: tl, node: 'srv', role: 'smsc', iface: 'SMPP' });
    await listen(server);
    const code = await new Promise<string>((resolve) => {
      const c = net.connect({ port: port(server), host: '127.0.0.1' });
      if (tapped) tapSocket(c, { timeline: tl, node: 'cli', role: 'mmsc', iface: 'SMPP', side: 'client' });
      c.write('bind');
      c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'none'));
      c.on('close', () => resolve('closed-without-error'));
    });
    await close(server);
    return { tl, code };
  }

  it('ECONNRESET: same error with and without the tap; the reset is recorded on both sides', async () => {
    const plain = await reset(false);
    const tapped = await reset(true);
    expect(plain.code).toBe('ECONNRESET');
    expect(tapped.code).toBe(plain.code);
    expect(conns(tapped.tl, 'srv')).toContain('error/out');
    expect(conns(tapped.tl, 'cli')).toContain('error/in');
  });

  it('does not change flowing mode or add listeners: a paused reader reads later and gets every byte', async () => {
    const tl = new Timeline();
    let serverSocket: net.Socket | undefined;
    const accepted = new Promise<net.Socket>((r) => {
      const server = net.createServer((s) => {
        serverSocket = s;
        r(s);
      });
      tapServer(server, { timeline: tl, node: 'srv', role: 'mmsc', iface: 'MM1' });
      void listen(server).then(() => {
        const c = net.connect({ port: port(server), host: '127.0.0.1' }, () => c.end(body(70_000)));
        c.on('close', () => server.close());
      });
    });
    const s = await accepted;
    expect(s.readableFlowing).toBe(null);
    expect(s.listenerCount('data')).toBe(0);
    expect(s.listenerCount('error')).toBe(0);
    expect(s.listenerCount('readable')).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.readableFlowing).toBe(null);
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(body(70_000))).toBe(true);
    expect(bytesOf(tl, 'srv', 'in').equals(body(70_000))).toBe(true);
    serverSocket?.destroy();
  });

  it('UDP: datagrams both ways are one flow, client = the side that sent first', async () => {
    const tl = new Timeline();
    const srv = dgram.createSocket('udp4');
    srv.on('message', (m, r) => srv.send(Buffer.concat([Buffer.from('re:'), m]), r.port, r.address));
    tapUdp(srv, { timeline: tl, node: 'hlr', role: 'hlr', iface: 'DNS' });
    await new Promise<void>((r) => srv.bind(0, '127.0.0.1', () => r()));
    const cli = dgram.createSocket('udp4');
    const answer = await new Promise<Buffer>((resolve) => {
      cli.on('message', (m) => resolve(m));
      cli.send(Buffer.from('query'), port(srv), '127.0.0.1');
    });
    expect(answer.toString()).toBe('re:query');
    cli.close();
    const srvPort = port(srv);
    await new Promise<void>((r) => srv.close(() => r()));
    const open = tl.query((o): o is ConnObservation => o.kind === 'conn' && o.event === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ transport: 'udp', server: { node: 'hlr', port: srvPort } });
    expect(bytesOf(tl, 'hlr', 'in').toString()).toBe('query');
    expect(bytesOf(tl, 'hlr', 'out').toString()).toBe('re:query');
    expect(conns(tl, 'hlr')).toEqual(['open/in', 'close/local']);
  });
  it('a refused connection still errors for its owner and is recorded as a connect-error event', async () => {
    const tl = new Timeline();
    const probe = net.createServer();
    await listen(probe);
    const closedPort = port(probe);
    await close(probe);
    const code = await new Promise<string>((resolve) => {
      const c = net.connect({ port: closedPort, host: '127.0.0.1' });
      tapSocket(c, { timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'MM4', side: 'client' });
      c.write('lost');
      c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'none'));
    });
    expect(code).toBe('ECONNREFUSED');
    expect(tl.all().map((o) => (o.kind === 'event' ? o.name : o.kind))).toEqual(['connect-error']);
  });
});
