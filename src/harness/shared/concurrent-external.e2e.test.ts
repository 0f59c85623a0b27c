import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortBase } from '../../../test/support/free-port-base.ts';
import type { JsonObject } from '../../util/json.ts';
import type { MessageObservation, Observation } from '../../wire/timeline.ts';
import { loadPeerKinds } from '../peer-kinds.ts';
import type { CaseResult, RunResult } from '../run-result.ts';
import { runSuites } from '../runner.ts';
import { loadSuites } from '../suite-loader.ts';
import { targetFromConfigFile } from '../targets/create-target.ts';
import { writeSelfCertificationFiles } from '../targets/self-certification.ts';

/**
 * Concurrent cases against an external target: the reference MMSC as a separate OS process
 * (`mmscert serve`), our peers it calls shared by the cases (one SMPP bind for the run). Three
 * cases run at once, each seeing only what concerns its own handsets; a notification that comes
 * after its case ended is a late arrival, recorded and matched by nobody; a case that puts a
 * behaviour on the shared SMSC runs alone.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const SUITE = `
suite: conc
title: concurrent cases on shared peers
interfaces: [MM1]
peers: { hlr: true, smsc: true, wap-gateway: true, ue: [alice, bob] }
requirements:
  - { spec: OMA-TS-MMS_CTR-V1_3, clause: '6.2', level: SHALL, text: The recipient is informed by an M-Notification.ind }
cases:
${[1, 2, 3]
  .map(
    (n) => `
  - id: conc.send.00${n}
    title: alice sends bob a message (${n})
    steps:
      - do: ue.alice.send
        with: { to: '{{ue.bob.msisdn}}', parts: [{ contentType: text/plain, text: 'message ${n}' }] }
      - expect: { message: m-send-conf, node: ue.alice, where: { X-Mms-Response-Status: Ok }, within: 10s }
      - expect: { message: submit_sm, node: smsc, within: 10s }
      - expect: { message: m-notification-ind, node: ue.bob, within: 10s }
      - expect: { message: m-retrieve-conf, node: ue.bob, within: 10s }
`,
  )
  .join('')}
  - id: conc.late.001
    title: alice sends bob a message to be delivered after this case ends
    steps:
      - do: ue.alice.send
        with:
          to: '{{ue.bob.msisdn}}'
          headers: { X-Mms-Delivery-Time: { relative: 2 } }
          parts: [{ contentType: text/plain, text: 'too late' }]
      - expect: { message: m-send-conf, node: ue.alice, where: { X-Mms-Response-Status: Ok }, within: 10s }
  - id: conc.wait.001
    title: waits while the late notification comes (its own handsets get nothing)
    steps:
      - wait: 5s
      - expect-none: { message: submit_sm, node: smsc, within: 10ms }
${[1, 2]
  .map(
    (n) => `
  - id: conc.cfg.00${n}
    title: its own remote MMSC config, shared with the cases of the same config (${n})
    peers: { hlr: true, smsc: true, wap-gateway: true, ue: [alice, bob], remote-mmsc: { autoReports: false } }
    steps:
      - do: ue.alice.send
        with: { to: '{{ue.bob.msisdn}}', parts: [{ contentType: text/plain, text: 'config ${n}' }] }
      - expect: { message: m-notification-ind, node: ue.bob, within: 10s }
`,
  )
  .join('')}
  - id: conc.alone.001
    title: a behaviour on the shared SMSC makes the case run alone
    steps:
      - behaviour: { peer: smsc, kind: delay, ms: 5 }
      - do: ue.alice.send
        with: { to: '{{ue.bob.msisdn}}', parts: [{ contentType: text/plain, text: 'alone' }] }
      - expect: { message: m-notification-ind, node: ue.bob, within: 10s }
`;

function serve(configFile: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/mmscert.js'), 'serve', '--config', configFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^store /m.test(out)) resolve(child);
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`mmscert serve exited (${code}):\n${out}`)));
  });
}

let dir: string;
let server: ChildProcess | undefined;
let run: RunResult;
const events: string[] = [];

function byId(id: string): CaseResult {
  const c = run.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

/** The digits of bob's number in a case: the `to` of its send action. */
function bobOf(c: CaseResult): string {
  const action = c.timeline.observations.find((o) => o.kind === 'event' && o.name === 'action');
  const params = ((action?.kind === 'event' ? action.detail : null) as JsonObject | null)
    ?.params as JsonObject;
  return String(params.to).replace(/^\+/, '');
}

function submits(obs: readonly Observation[]): MessageObservation[] {
  return obs.filter(
    (o): o is MessageObservation => o.kind === 'message' && o.node === 'smsc' && o.type === 'submit_sm',
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-conc-'));
  const files = writeSelfCertificationFiles(dir, { portBase: await freePortBase() });
  const suite = path.join(dir, 'conc.yaml');
  writeFileSync(suite, SUITE);
  const loaded = await loadSuites({ root: dir, files: [suite] });
  expect(loaded.diagnostics).toEqual([]);
  const { target } = targetFromConfigFile(files.targetConfig);
  const peerKinds = await loadPeerKinds();
  // started last: its SMPP client backs off while our SMSC is not up yet
  server = await serve(files.mmscConfig);
  run = await runSuites({
    cases: loaded.cases,
    target,
    peerKinds,
    seed: 4242,
    jobs: 8,
    onCaseStart: (c) => events.push(`start ${c.id}`),
    onCaseEnd: (r) => events.push(`end ${r.id}`),
  });
}, 120_000);

afterAll(() => {
  server?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('concurrent cases against an external MMSC process, on shared peers', () => {
  it('passes every case', () => {
    expect(run.cases.map((c) => [c.id, c.verdict, c.failure?.message])).toEqual(
      run.cases.map((c) => [c.id, 'pass', undefined]),
    );
  });

  it('runs the sending cases at once, over one SMPP bind of the target', () => {
    const sends = ['conc.send.001', 'conc.send.002', 'conc.send.003'];
    const firstEnd = events.findIndex((e) => e.startsWith('end '));
    for (const id of sends) expect(events.indexOf(`start ${id}`)).toBeLessThan(firstEnd);
    const conns = new Set(sends.flatMap((id) => submits(byId(id).timeline.observations).map((o) => o.conn)));
    expect(conns.size).toBe(1);
    const binds = run.shared?.timeline.observations.filter(
      (o) =>
        o.kind === 'message' &&
        o.node === 'smsc' &&
        o.type.startsWith('bind_') &&
        o.direction === 'in' &&
        o.conn === [...conns][0],
    );
    expect(binds).toHaveLength(1);
  });

  it('gives each case only what concerns its own handsets', () => {
    const bobs = new Set<string>();
    for (const id of ['conc.send.001', 'conc.send.002', 'conc.send.003']) {
      const c = byId(id);
      const bob = bobOf(c);
      bobs.add(bob);
      const mine = submits(c.timeline.observations);
      expect(mine.length).toBeGreaterThan(0);
      for (const o of mine) expect((o.fields as JsonObject).destination_addr).toBe(bob);
      // the shared SMSC's connection is run-wide: its bytes are not in the case's capture
      expect(c.sharedStreams).toContain('smsc');
    }
    expect(bobs.size).toBe(3);
  });

  it('records a notification that comes after its case ended as a late arrival, matched by nobody', () => {
    const late = byId('conc.late.001');
    const bob = bobOf(late);
    expect(submits(late.timeline.observations)).toEqual([]);
    expect(submits(byId('conc.wait.001').timeline.observations)).toEqual([]);
    const arrivals = run.shared?.lateArrivals ?? [];
    expect(arrivals.some((a) => a.what === 'submit_sm' && a.keys.includes(`n:${bob}`))).toBe(true);
    for (const c of run.cases)
      for (const o of submits(c.timeline.observations))
        expect((o.fields as JsonObject).destination_addr).not.toBe(bob);
  });

  it('runs the cases of one own config for a shared peer beside each other, apart from the rest', () => {
    const cfg = ['conc.cfg.001', 'conc.cfg.002'];
    const sends = ['conc.send.001', 'conc.send.002', 'conc.send.003', 'conc.late.001', 'conc.wait.001'];
    const firstCfgStart = Math.min(...cfg.map((id) => events.indexOf(`start ${id}`)));
    for (const id of sends) expect(events.indexOf(`end ${id}`)).toBeLessThan(firstCfgStart);
    const firstCfgEnd = Math.min(...cfg.map((id) => events.indexOf(`end ${id}`)));
    for (const id of cfg) expect(events.indexOf(`start ${id}`)).toBeLessThan(firstCfgEnd);
    // on the shared SMSC again (restarted with that config): one bind for both
    const conns = new Set(cfg.flatMap((id) => submits(byId(id).timeline.observations).map((o) => o.conn)));
    expect(conns.size).toBe(1);
  });

  it('runs a case with a behaviour on a shared peer alone, after the others', () => {
    expect(run.shared?.exclusive).toEqual([
      {
        case: 'conc.cfg.001',
        reason: 'its own remote-mmsc config (autoReports): beside the cases of that same config only',
      },
      {
        case: 'conc.cfg.002',
        reason: 'its own remote-mmsc config (autoReports): beside the cases of that same config only',
      },
      { case: 'conc.alone.001', reason: 'behaviour delay on the shared smsc' },
    ]);
    const start = events.indexOf('start conc.alone.001');
    const others = run.cases
      .filter((c) => c.id !== 'conc.alone.001')
      .map((c) => events.indexOf(`end ${c.id}`));
    for (const e of others) expect(e).toBeLessThan(start);
    expect(events.indexOf('end conc.alone.001')).toBe(events.length - 1);
    // alone, with its own SMSC on the fixed port: its bytes are in its own capture
    expect(byId('conc.alone.001').sharedStreams).toBeUndefined();
  });

  it('passes again when run a second time with the same seed against the same MMSC, which remembers what it saw', async () => {
    // The target keeps its store: a replayed number + X-Mms-Transaction-Id would rightly be taken
    // for a retransmission (answered, not delivered again). Numbers and ids are drawn fresh.
    const sends = run.cases.filter((c) => c.id.startsWith('conc.send.'));
    const loaded = await loadSuites({ root: dir, files: [path.join(dir, 'conc.yaml')] });
    const { target } = targetFromConfigFile(path.join(dir, 'target.yaml'));
    const again = await runSuites({
      cases: loaded.cases.filter((c) => c.id.startsWith('conc.send.')),
      target,
      peerKinds: await loadPeerKinds(),
      seed: 4242,
      jobs: 8,
    });
    expect(again.cases.map((c) => [c.id, c.verdict, c.failure?.message])).toEqual(
      again.cases.map((c) => [c.id, 'pass', undefined]),
    );
    const before = new Set(sends.map(bobOf));
    for (const c of again.cases) expect(before.has(bobOf(c))).toBe(false);
  }, 60_000);
});
