import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Timeline } from '../../wire/timeline.ts';
import {
  awaitTargetBind,
  checkEndpoints,
  HealthGate,
  probeEndpoint,
  TargetDownError,
} from './target-health.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function listen(server: net.Server, port = 0): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}
const close = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));

async function httpServer(port = 0): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  const p = await listen(server, port);
  closers.push(() => close(server));
  return { port: p, server };
}

/** A port nothing listens on (bound then released). */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  const p = await listen(s);
  await close(s);
  return p;
}

describe('probeEndpoint', () => {
  it('accepts an HTTP server on MM1 whatever its status (405 to HEAD)', async () => {
    const { port } = await httpServer();
    expect(await probeEndpoint('mm1', `http://127.0.0.1:${port}/mms`)).toBeUndefined();
  });

  it('says when nothing accepts TCP', async () => {
    const port = await deadPort();
    expect(await probeEndpoint('mm4', `smtp://127.0.0.1:${port}`)).toBe(
      `MM4 smtp://127.0.0.1:${port}: no TCP connection to 127.0.0.1:${port}`,
    );
  });

  it('refuses an MM1 port that accepts TCP but does not speak HTTP', async () => {
    // accepts, then says nothing and hangs up
    const s = net.createServer((sock) => sock.destroy());
    const port = await listen(s);
    closers.push(() => close(s));
    const p = await probeEndpoint('mm1', `http://127.0.0.1:${port}/mms`, 500);
    expect(p).toMatch(/^MM1 .*: accepts TCP but HTTP: /);
  });

  it('needs only TCP on SMTP endpoints', async () => {
    const s = net.createServer((sock) => {
      sock.on('error', () => undefined);
      sock.end('220 hi\r\n');
    });
    const port = await listen(s);
    closers.push(() => close(s));
    expect(await checkEndpoints({ mm3: `smtp://127.0.0.1:${port}`, domain: 'x' })).toEqual([]);
  });
});

describe('HealthGate', () => {
  it('passes a healthy target at once, with no events', async () => {
    const { port } = await httpServer();
    const gate = new HealthGate(() => ({ mm1: `http://127.0.0.1:${port}/mms` }));
    expect(await gate.beforeCase('a.1')).toEqual({ ok: true, events: [] });
  });

  it('waits for a target that comes back within the wait, and notes it', async () => {
    const port = await deadPort();
    const gate = new HealthGate(() => ({ mm1: `http://127.0.0.1:${port}/mms` }), {
      waitMs: 3000,
      pollMs: 50,
    });
    setTimeout(() => void httpServer(port), 300);
    const t0 = Date.now();
    const r = await gate.beforeCase('a.1');
    expect(r.ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(r.events.map((e) => e.name)).toEqual(['target-unhealthy', 'target-recovered']);
  });

  it('gives up on a case after the wait (error reason), and aborts after N cases in a row', async () => {
    const port = await deadPort();
    const gate = new HealthGate(() => ({ mm4: `smtp://127.0.0.1:${port}` }), {
      waitMs: 200,
      pollMs: 50,
      maxDownCases: 3,
    });
    const r1 = await gate.beforeCase('a.1');
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.reason).toMatch(/^target unhealthy \(waited \d+ ms, \d+ polls\): MM4 smtp:/);
    expect((await gate.beforeCase('a.2')).ok).toBe(false);
    await expect(gate.beforeCase('a.3')).rejects.toThrow(TargetDownError);
    await expect(gate.beforeCase('a.4')).rejects.toThrow(
      /stayed down for 4 consecutive cases \(last: a\.4\)/,
    );
  });

  it('gives a healthy target its probe timeout, not the (shorter) wait, to answer', async () => {
    // a healthy MM1 that answers later than the wait for a down target (a loaded host): healthy
    const server = http.createServer((_req, res) => {
      setTimeout(() => {
        res.statusCode = 405;
        res.end();
      }, 150);
    });
    const port = await listen(server);
    closers.push(() => close(server));
    for (const waitMs of [0, 20]) {
      const gate = new HealthGate(() => ({ mm1: `http://127.0.0.1:${port}/mms` }), { waitMs, pollMs: 10 });
      expect(await gate.beforeCase('a.1')).toEqual({ ok: true, events: [] });
    }
  });

  it('counts only cases in a row: a healthy case starts the count again', async () => {
    const port = await deadPort();
    let up = false;
    const { port: good } = await httpServer();
    const gate = new HealthGate(() => ({ mm1: `http://127.0.0.1:${up ? good : port}/mms` }), {
      waitMs: 100,
      pollMs: 50,
      maxDownCases: 2,
    });
    expect((await gate.beforeCase('a.1')).ok).toBe(false);
    up = true;
    expect((await gate.beforeCase('a.2')).ok).toBe(true);
    up = false;
    expect((await gate.beforeCase('a.3')).ok).toBe(false);
    expect(gate.consecutiveDown).toBe(1);
  });
});

describe('awaitTargetBind', () => {
  const bind = (t: Timeline, node = 'smsc') =>
    t.publish({
      kind: 'message',
      type: 'bind_transceiver',
      node,
      role: 'smsc',
      iface: 'SMPP',
      direction: 'in',
      fields: {},
    });

  it("resolves on the target's first bind attempt on this case's SMSC", async () => {
    const t = new Timeline();
    setTimeout(() => bind(t), 50);
    const ms = await awaitTargetBind(t, 'smsc', 2000);
    expect(ms).toBeGreaterThanOrEqual(40);
    expect(await awaitTargetBind(t, 'smsc', 10)).toBe(0);
  });

  it('resolves undefined when none comes in time (another node does not count)', async () => {
    const t = new Timeline();
    bind(t, 'smsc.other');
    expect(await awaitTargetBind(t, 'smsc', 100)).toBeUndefined();
  });
});
