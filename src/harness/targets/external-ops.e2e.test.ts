import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PEER_KINDS } from '../../../test/support/loopback-clients.ts';
import type { LoadedCase } from '../case-model.ts';
import { runSuites } from '../runner.ts';
import { loadSuites } from '../suite-loader.ts';
import { embeddedIcs } from './embedded.ts';
import { ExternalTarget } from './external.ts';
import type { TargetOpsOptions } from './target-ops.ts';

/**
 * An external target's operations through the runner: the MM1 endpoint is a small HTTP server
 * this test starts and stops; the case's peers (the real HLR on a fixed DNS port, a test ENUM
 * client) run as they would against a real MMSC.
 */
const SUITE = (n: number) => `suite: ops
interfaces: [MM5]
cases:
${Array.from(
  { length: n },
  (_, i) => `  - id: ops.enum.${String(i + 1).padStart(3, '0')}
    title: ENUM NAPTR ${i + 1}
    requirements: [{ spec: RFC 6116, clause: '3.2', level: SHALL }]
    peers:
      hlr: { subscribers: [{ msisdn: '+1555000${i}', mcc: '310', mnc: '001' }] }
      enum-client: { server: '{{hlr.endpoints.dns}}' }
    steps:
      - wait: 20ms
      - do: enum-client.naptr
        with: { number: '+1555000${i}' }
      - expect: { message: NAPTR, node: hlr, direction: out, where: { rcode: NOERROR } }
`,
).join('')}`;

let dir: string;
let cases: LoadedCase[];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-ops-'));
  const file = path.join(dir, 'ops.yaml');
  writeFileSync(file, SUITE(4));
  const loaded = await loadSuites({ root: dir, files: [file], peerKinds: TEST_PEER_KINDS });
  expect(loaded.diagnostics).toEqual([]);
  cases = loaded.cases;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** An MM1 stand-in: answers any HTTP request. */
async function mm1(port = 0): Promise<{ port: number; stop: () => Promise<void> }> {
  const s = http.createServer((_q, res) => res.end());
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
  const stop = () =>
    new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    });
  closers.push(stop);
  return { port: (s.address() as net.AddressInfo).port, stop };
}

async function target(mm1Port: number, ops: TargetOpsOptions, dnsPort?: number) {
  return new ExternalTarget(
    { mm1: `http://127.0.0.1:${mm1Port}/mms` },
    embeddedIcs(),
    { hlr: { dnsPort: dnsPort ?? (await freePort()) } },
    'ops test MMSC',
    ops,
  );
}

const run = (t: ExternalTarget, extra: { timeScale?: number; cases?: LoadedCase[] } = {}) =>
  runSuites({ cases: extra.cases ?? cases, target: t, peerKinds: TEST_PEER_KINDS, seed: 7, ...extra });

describe('external target operations', () => {
  it('a healthy target: every case runs and passes', async () => {
    const { port } = await mm1();
    const r = await run(await target(port, {}));
    expect(r.cases.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(r.timeScale).toBe(1);
  });

  it('a target that goes down: error (never fail) per case, then the run stops after 3 in a row', async () => {
    const server = await mm1();
    const t = await target(server.port, { health: { waitMs: 300, pollMs: 50, maxDownCases: 3 } });
    const verdicts: string[] = [];
    const p = runSuites({
      cases,
      target: t,
      peerKinds: TEST_PEER_KINDS,
      seed: 7,
      onCaseEnd: (c) => {
        verdicts.push(c.verdict);
        if (verdicts.length === 1) void server.stop();
      },
    });
    const r = await p;
    expect(r.aborted?.reason).toMatch(
      /^the target stayed down for 3 consecutive cases \(last: ops\.enum\.004\); run aborted: MM1 http:\/\/127\.0\.0\.1:\d+\/mms: no TCP connection/,
    );
    // the cases that ran are kept (reports are written), the 4th never ran
    expect(r.aborted?.notRun).toEqual(['ops.enum.004']);
    expect(verdicts).toEqual(['pass', 'error', 'error']);
    expect(r.cases.map((c) => c.verdict)).toEqual(['pass', 'error', 'error']);
    expect(r.summary.fail).toBe(0);
  });

  it('a down case says why, and a target back within the wait runs the case', async () => {
    const port = await freePort();
    const t = await target(port, { health: { waitMs: 300, pollMs: 50, maxDownCases: 5 } });
    // open() waits as long as the health check: start the server after it gave up once
    await expect(t.open()).rejects.toThrow(/^target unreachable \(waited \d+ ms\): MM1/);
    const results: { verdict: string; message?: string; events: string[] }[] = [];
    let server: { stop: () => Promise<void> } | undefined;
    // case 1 down (error), case 2: back after 150 ms of its wait (runs)
    const r = await runSuites({
      cases: cases.slice(0, 2),
      target: Object.assign(t, { open: async () => undefined }),
      peerKinds: TEST_PEER_KINDS,
      seed: 7,
      onCaseEnd: (c) => {
        results.push({
          verdict: c.verdict,
          ...(c.failure ? { message: c.failure.message } : {}),
          events: c.timeline.observations.flatMap((o) =>
            o.kind === 'event' && o.name.startsWith('target-') ? [o.name] : [],
          ),
        });
        if (results.length === 1)
          setTimeout(() => {
            void mm1(port).then((s) => {
              server = s;
            });
          }, 150);
      },
    });
    expect(r.summary.fail).toBe(0);
    expect(results[0].verdict).toBe('error');
    expect(results[0].message).toMatch(
      /^target unhealthy \(waited \d+ ms, \d+ polls\): MM1 http:\/\/127\.0\.0\.1:\d+\/mms: no TCP/,
    );
    expect(results[0].events).toEqual(['target-unhealthy']);
    expect(results[1]).toEqual({ verdict: 'pass', events: ['target-unhealthy', 'target-recovered'] });
    expect(server).toBeDefined();
  });

  it('a fixed peer port already taken: one error before any case, naming port, peer and holder', async () => {
    const { port } = await mm1();
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => holder.close(() => r())));
    const dns = (holder.address() as net.AddressInfo).port;
    let started = 0;
    const e = await runSuites({
      cases,
      target: await target(port, {}, dns),
      peerKinds: TEST_PEER_KINDS,
      seed: 7,
      onCaseStart: () => started++,
    }).catch((x: unknown) => x);
    expect(started).toBe(0);
    expect((e as Error).message).toContain(
      `port ${dns}/tcp of peer hlr (peers.hlr.dnsPort) is already in use by pid ${process.pid}`,
    );
  });

  it('reset every case runs before each case with MMSCERT_CASE_ID; every suite once per suite', async () => {
    const { port } = await mm1();
    const log = path.join(dir, 'reset.log');
    writeFileSync(log, '');
    const command = `echo "$MMSCERT_CASE_ID" >> ${log}`;
    const r = await run(await target(port, { reset: { command, timeoutMs: 5000, every: 'case' } }));
    expect(r.summary.pass).toBe(4);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(cases.map((c) => c.id));
    const ev = r.cases[0].timeline.observations.find((o) => o.kind === 'event' && o.name === 'target-reset');
    expect(ev?.kind === 'event' && ev.detail).toMatchObject({ every: 'case' });
    writeFileSync(log, '');
    await run(await target(port, { reset: { command, timeoutMs: 5000, every: 'suite' } }));
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([cases[0].id]);
    writeFileSync(log, '');
    const t = await target(port, { reset: { command: `echo run >> ${log}`, timeoutMs: 5000, every: 'run' } });
    // runSuites opens the target: the reset runs once, before any case
    await run(t);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['run']);
  });

  it('a failing reset stops the run with its output', async () => {
    const { port } = await mm1();
    const ended: string[] = [];
    const r = await runSuites({
      cases,
      target: await target(port, {
        reset: {
          command: 'echo "restarting acme"; echo "acme: permission denied" >&2; exit 4',
          timeoutMs: 5000,
          every: 'case',
        },
      }),
      peerKinds: TEST_PEER_KINDS,
      seed: 7,
      onCaseEnd: (c) => ended.push(c.id),
    });
    expect(ended).toEqual([]);
    expect(r.cases).toEqual([]);
    expect(r.aborted?.notRun).toEqual(cases.map((c) => c.id));
    expect(r.aborted?.reason).toContain('reset command failed (exit 4) before ops.enum.001');
    expect(r.aborted?.reason).toContain('acme: permission denied');
  });

  it('--time-scale multiplies waits and deadlines and is recorded', async () => {
    const { port } = await mm1();
    const file = path.join(dir, 'slow.yaml');
    writeFileSync(
      file,
      `suite: slow
interfaces: [MM5]
cases:
  - id: slow.001
    title: waits and watches
    requirements: [{ spec: RFC 6116, clause: '3.2', level: SHALL }]
    timeout: 1s
    peers: { hlr: true }
    steps:
      - wait: 200ms
      - wait: 200ms
      - expect-none: { message: NAPTR, within: 200ms }
`,
    );
    const slow = (await loadSuites({ root: dir, files: [file], peerKinds: TEST_PEER_KINDS })).cases;
    const r1 = await run(await target(port, {}), { cases: slow });
    const r3 = await run(await target(port, {}), { cases: slow, timeScale: 3 });
    expect(r1.cases[0].verdict).toBe('pass');
    expect(r3.cases[0].verdict).toBe('pass');
    // 600 ms of deadlines at scale 1; at scale 3 the waits take 1200 ms (beyond the 1 s case
    // timeout unscaled) and the expect-none window stays 200 ms (never scaled)
    expect(r3.cases[0].durationMs).toBeGreaterThanOrEqual(1400);
    expect(r1.cases[0].durationMs).toBeLessThan(1000);
    expect(r3.timeScale).toBe(3);
  });
});
