import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_SUITE as SUITE } from '../../test/support/e2e-suite.ts';
import { TEST_PEER_KINDS } from '../../test/support/loopback-clients.ts';
import { renderedText } from '../report/render-case.ts';
import { knownFailures } from './known-failures.ts';
import type { CaseResult, RunResult } from './run-result.ts';
import { runSuites } from './runner.ts';
import { loadSuites } from './suite-loader.ts';
import { PeersOnlyTarget } from './targets/peers-only.ts';
import { WorkerPool } from './worker-pool.ts';

/**
 * End to end over loopback: the real HLR (ENUM DNS) and SMSC (SMPP) peers from the registry,
 * driven by two small real clients written here as peers (node:dns Resolver; the smpp package's
 * ESME client). One case passes, one fails on purpose (expected vs observed), one fails a SHOULD,
 * one is a known failure, one has its peer break (error), one overruns its deadline (error).
 */

const KINDS = TEST_PEER_KINDS;

let dir: string;
let file: string;
let run: RunResult;
let rerun: RunResult;
/** The same cases on a worker pool of two worker threads. */
let pooled: RunResult;
let pooledCases: CaseResult[];
/** The same cases on a pool whose one lane is this thread, started in reverse order. */
let localRun: RunResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-e2e-'));
  file = path.join(dir, 'e2e.yaml');
  writeFileSync(file, SUITE);
  const loaded = await loadSuites({ root: dir, files: [file], peerKinds: KINDS });
  expect(loaded.diagnostics).toEqual([]);
  const opts = {
    cases: loaded.cases,
    target: new PeersOnlyTarget(),
    peerKinds: KINDS,
    seed: 1234,
    jobs: 3,
    knownFailures: knownFailures([{ id: 'e2e.smpp.known', reason: 'no ESME in this case' }]),
  };
  run = await runSuites(opts);
  rerun = await runSuites({ ...opts, jobs: 1 });
  const setup = {
    peersOnly: true,
    peerKinds: {
      module: new URL('../../test/support/loopback-clients.ts', import.meta.url).href,
      export: 'TEST_PEER_KINDS',
    },
    seed: 1234,
    knownFailures: [{ id: 'e2e.smpp.known', reason: 'no ESME in this case' }],
    render: { json: true, html: false },
  };
  // two worker threads (no lane on this thread): the cases cross a thread boundary both ways
  const pool = new WorkerPool({ ...setup, workers: 2, inThread: false });
  // one lane, on this thread
  const local = new WorkerPool({ ...setup, workers: 1 });
  try {
    const r = await pool.run(loaded.cases, { jobs: 4 });
    pooled = r.run;
    // each case as results.json has it, timeline included (rendered where it ran)
    pooledCases = r.rendered.map((x) => JSON.parse(renderedText(x.json) ?? 'null') as CaseResult);
    localRun = (await local.run(loaded.cases, { jobs: 4, order: [6, 5, 4, 3, 2, 1, 0] })).run;
  } finally {
    await pool.close();
    await local.close();
  }
}, 90_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text the ESME submitted in e2e.smpp.submit, as the SMSC decoded it. */
function shortMessage(r: RunResult): string {
  const o = byId(r, 'e2e.smpp.submit').timeline.observations.find(
    (x) => x.kind === 'message' && x.type === 'submit_sm',
  );
  const f = o?.kind === 'message' ? (o.fields as { short_message?: { $base64: string } }) : {};
  return Buffer.from(f.short_message?.$base64 ?? '', 'base64').toString('latin1');
}

const byId = (r: RunResult, id: string) => {
  const c = r.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

describe('runner over loopback with real HLR and SMSC peers', () => {
  it('passes the ENUM case with the HLR answer matched', () => {
    const c = byId(run, 'e2e.enum.001');
    expect(c.failure).toBeUndefined();
    expect(c.verdict).toBe('pass');
    const naptr = c.steps[0].result as Array<{ service: string; regexp: string }>;
    expect(naptr[0].service.toLowerCase()).toContain('mms');
    expect(naptr[0].regexp).toContain('+15550001');
    expect(c.timeline.observations.some((o) => o.kind === 'bytes' && o.node === 'hlr')).toBe(true);
  });

  it('passes the SMPP submit case, templated from the seed', () => {
    const c = byId(run, 'e2e.smpp.submit');
    expect(c.failure).toBeUndefined();
    expect(c.verdict).toBe('pass');
    expect(shortMessage(run)).toMatch(/^hello [A-Z][a-z]+$/);
  });

  it('fails the throttled case with expected vs observed, at the step and its position', () => {
    const c = byId(run, 'e2e.smpp.throttled');
    expect(c.verdict).toBe('fail');
    expect(c.unexpected).toBe(true);
    expect(c.failure?.step).toBe(3);
    const line =
      SUITE.split('\n').findIndex((l) => l.includes('command_status: ESME_ROK }, within: 300ms')) + 1;
    expect(c.failure?.source).toMatchObject({ file, line, col: 9 });
    expect(c.failure?.expected).toContain('submit_sm_resp');
    expect(JSON.stringify(c.failure?.observed)).toContain('ESME_RTHROTTLED');
    expect(c.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'fail']);
  });

  it('grades a failed SHOULD apart: reported, not unexpected under --fail-on SHALL', () => {
    const c = byId(run, 'e2e.smpp.should');
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe('SHOULD');
    expect(c.unexpected).toBe(false);
    // SHALL: the throttled case and the known failure (counted, but not unexpected).
    expect(run.summary.failByLevel).toEqual({ SHALL: 2, SHOULD: 1, MAY: 0, ROBUSTNESS: 0 });
  });

  it('keeps known failures from failing the run', () => {
    const c = byId(run, 'e2e.smpp.known');
    expect(c.verdict).toBe('fail');
    expect(c.known?.reason).toBe('no ESME in this case');
    expect(c.unexpected).toBe(false);
  });

  it('gives error when a peer breaks, and when the case deadline expires', () => {
    const broken = byId(run, 'e2e.smpp.broken-peer');
    expect(broken.verdict).toBe('error');
    expect(broken.failure?.message).toMatch(/esme\.(bind|submit)/);
    const late = byId(run, 'e2e.deadline');
    expect(late.verdict).toBe('error');
    expect(late.failure?.message).toContain('case deadline 300 ms exceeded');
    expect(late.durationMs).toBeLessThan(4000);
    expect(run.summary).toMatchObject({ total: 7, pass: 2, fail: 3, error: 2, known: 1, unexpected: 3 });
  });

  it('is deterministic under a seed: same order, seeds and generated values with other --jobs', () => {
    expect(rerun.cases.map((c) => c.id)).toEqual(run.cases.map((c) => c.id));
    expect(rerun.cases.map((c) => c.seed)).toEqual(run.cases.map((c) => c.seed));
    expect(rerun.cases.map((c) => c.verdict)).toEqual(run.cases.map((c) => c.verdict));
    expect(shortMessage(rerun)).toBe(shortMessage(run));
  });

  it('gives the same cases, verdicts, seeds and generated values on a worker pool', () => {
    expect(pooled.cases.map((c) => c.id)).toEqual(run.cases.map((c) => c.id));
    expect(pooled.cases.map((c) => c.seed)).toEqual(run.cases.map((c) => c.seed));
    expect(pooled.cases.map((c) => c.verdict)).toEqual(run.cases.map((c) => c.verdict));
    expect(pooled.cases.map((c) => c.failure?.message)).toEqual(run.cases.map((c) => c.failure?.message));
    expect(pooled.summary).toEqual(run.summary);
    expect(localRun.cases.map((c) => [c.id, c.seed, c.verdict])).toEqual(
      run.cases.map((c) => [c.id, c.seed, c.verdict]),
    );
    const timelines = { ...run, cases: pooledCases };
    expect(shortMessage(timelines)).toBe(shortMessage(run));
    // the timelines stayed in the lanes; each lane's connection ids carry its number (a lane
    // gets cases once it is ready, so which lanes ran them depends on their start-up)
    expect(pooled.cases.every((c) => c.timeline.observations.length === 0)).toBe(true);
    const lanes = new Set(
      pooledCases.flatMap((c) =>
        c.timeline.observations.flatMap((o) => (o.conn ? [o.conn.split('.')[0]] : [])),
      ),
    );
    expect(lanes.size).toBeGreaterThan(0);
    for (const l of lanes) expect(['w1', 'w2']).toContain(l);
    for (const c of pooledCases) for (const o of c.timeline.observations) expect(o.case).toBe(c.id);
  });

  it('isolates cases: each has its own peers on its own ports', () => {
    const urls = run.cases.flatMap((c) =>
      c.peers.filter((p) => p.kind === 'smsc').map((p) => p.endpoints[0].url),
    );
    expect(new Set(urls).size).toBe(urls.length);
    for (const c of run.cases) for (const o of c.timeline.observations) expect(o.case).toBe(c.id);
  });
});
