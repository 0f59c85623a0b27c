import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePortBase } from '../../test/support/free-port-base.ts';
import { createTarget, targetFromConfigFile } from '../harness/targets/create-target.ts';
import { writeSelfCertificationFiles } from '../harness/targets/self-certification.ts';
import { loadSummaryText, writeLoadReports } from '../report/load-report.ts';
import { arrivalCount } from './arrivals.ts';
import { parseMix, runLoad } from './run-load.ts';
import { parseSlo } from './slo.ts';

/**
 * `mmscert load` over loopback: a few seconds at a small rate against the embedded reference MMSC
 * (every flow kind), and against the reference MMSC as a separate process (an external target,
 * as certify-self starts it) with an SLO it cannot meet.
 */
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'mmscert-load-'));
  dirs.push(d);
  return d;
}

describe('mmscert load', () => {
  it('runs every flow kind open loop against the embedded MMSC and reports them', async () => {
    const plan = { rate: 12, durationMs: 2500, rampMs: 500 };
    const r = await runLoad({
      target: createTarget(),
      seed: 5,
      plan,
      mix: parseMix('mm1-mt=1,mm1-mo=1,mm7-submit=1,mm4-in=1,mm4-out=1'),
      maxInFlight: 64,
      senders: 2,
      // a loaded CI host: a step may take seconds, it must not fail the test
      stepTimeoutMs: 15_000,
      slo: parseSlo('errors<=0,flow.p50<60s'),
      // handsets over TCP to our gateway, as in a suite run (the external test below runs the
      // default: handsets handing their requests to the gateway in-process)
      handsetsOverTcp: true,
    });
    expect(r.totals.scheduled).toBe(arrivalCount(plan));
    expect(r.errors.samples).toEqual([]);
    expect(r.totals.ok).toBe(r.totals.scheduled);
    expect(r.sloOk).toBe(true);
    expect(Object.keys(r.latency.byKind).sort()).toEqual([
      'mm1-mo',
      'mm1-mt',
      'mm4-in',
      'mm4-out',
      'mm7-submit',
    ]);
    // each step of each flow seen on the wire, in the flow's order
    expect(Object.keys(r.latency.steps)).toEqual(
      expect.arrayContaining([
        'mm1-mt.submit',
        'mm1-mt.push',
        'mm1-mt.retrieve',
        'mm1-mt.notifyresp',
        'mm7-submit.delivery-report',
        'mm4-in.forward-res',
        'mm4-out.forward',
        'mm1-mo.mail',
      ]),
    );
    // open loop: a flow's latency is at least the sum of its steps (it counts from the schedule)
    expect(r.latency.flow.max).toBeGreaterThanOrEqual(r.latency.steps['mm1-mt.submit'].min);
    expect(r.peers.map((p) => p.node)).toEqual(
      expect.arrayContaining(['smsc', 'vasp', 'remote-mmsc', 'ue.*']),
    );
    const dir = tmp();
    const files = writeLoadReports(dir, r);
    const html = readFileSync(files.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(JSON.parse(readFileSync(files.json, 'utf8')).totals.ok).toBe(r.totals.ok);
    expect(loadSummaryText(r)).toContain('SLO met');
  }, 60_000);

  it('gates an external target (the reference MMSC as its own process) with the SLO', async () => {
    const dir = tmp();
    const files = writeSelfCertificationFiles(dir, { portBase: await freePortBase(), fsync: false });
    // as certify-self starts it: `mmscert serve` in its own process
    const serve = spawn(process.execPath, ['bin/mmscert.js', 'serve', '--config', files.mmscConfig], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(serve);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      serve.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^store /m.test(out)) resolve();
      });
      serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const run = () =>
      runLoad({
        target: targetFromConfigFile(files.targetConfig).target,
        seed: 3,
        plan: { rate: 10, durationMs: 1000, rampMs: 0 },
        mix: parseMix('mm1-mt=3,mm4-in=1'),
        maxInFlight: 32,
        senders: 2,
        stepTimeoutMs: 15_000,
        // nothing answers in under a microsecond: breached
        slo: parseSlo('flow.p50<0.001ms,errors<=0'),
      });
    // twice against the same MMSC process (the same seed): the second run's submits are new
    // transactions, not retries of the first run's (the MMSC would store and push nothing)
    const first = await run();
    expect(first.errors.samples).toEqual([]);
    expect(first.totals.ok).toBe(10);
    const r = await run();
    expect(r.target).toBe('reference MMSC (separate process)');
    expect(r.errors.samples).toEqual([]);
    expect(r.totals.ok).toBe(10);
    expect(r.peers.find((p) => p.node === 'smsc')?.cpuMs).toBeGreaterThanOrEqual(0);
    expect(r.sloOk).toBe(false);
    expect(r.slo?.map((s) => s.ok)).toEqual([false, true]);
    expect(loadSummaryText(r)).toMatch(/SLO BREACHED\n +flow\.p50<0\.001ms +[\d.]+ ms +BREACHED/);
  }, 60_000);
});
