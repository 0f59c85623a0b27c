import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * What `mmscert run` leaves under reports/ by default (the real binary, worker lanes, the
 * embedded MMSC): failing cases' evidence only, results.json written as the cases finish, a
 * page per case, and `--keep N` removing older runs (and saying so).
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repoRoot, 'bin/mmscert.js');
const cwd = mkdtempSync(path.join(os.tmpdir(), 'mmscert-run-reports-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function mmscert(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

function sizeOf(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    n += e.isDirectory() ? sizeOf(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size;
  return n;
}

describe('mmscert run: what a run writes', () => {
  it('--evidence: failing or all, anything else exit 2', () => {
    const r = mmscert(['run', '--evidence', 'some', '--suites-dir', path.join(repoRoot, 'suites')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--evidence: expected failing or all');
  });

  it('by default keeps passing cases without capture or timeline, and --keep prunes older runs', () => {
    const root = path.join(cwd, 'reports');
    for (const old of ['20200101-000000-s1', '20200102-000000-s2', '20200103-000000-s3'])
      mkdirSync(path.join(root, old), { recursive: true });
    const r = mmscert([
      'run',
      path.join(repoRoot, 'suites/examples/mm1-smoke.yaml'),
      '--suites-dir',
      path.join(repoRoot, 'suites'),
      '--seed',
      '5',
      '--keep',
      '2',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /reports: removed 2 older run\(s\) under reports\/ \(--keep 2\): 20200101-000000-s1, 20200102-000000-s2/,
    );
    const runs = readdirSync(root).sort();
    expect(runs.length).toBe(2);
    expect(runs[0]).toBe('20200103-000000-s3');
    const out = path.join(root, runs[1]);
    const names = readdirSync(out);
    expect(names).toEqual(expect.arrayContaining(['report.html', 'results.json', 'junit.xml', 'cases']));
    expect(names.filter((n) => n.endsWith('.pcapng') || n.endsWith('.gz'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.part'))).toEqual([]);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.evidence).toBe('failing');
    expect(results.cases.length).toBeGreaterThan(0);
    for (const c of results.cases) {
      expect(c.verdict).toBe('pass');
      expect(c.evidenceOmitted).toBe(true);
      expect(c.timeline.observations).toEqual([]);
      expect(existsSync(path.join(out, 'cases', `${c.id}.html`))).toBe(true);
    }
    expect(r.stdout).toContain(`reports: reports/${runs[1]}`);
    console.log(`mm1-smoke (${results.cases.length} cases) wrote ${sizeOf(out)} octets`);
  }, 150_000);

  it('--max-output is a hard bound: later failures keep verdict and findings, not their evidence', () => {
    // an MMSC that fails several MM1 cases with a capture each (wrong Transaction-ID echo, no Date)
    const config = path.join(cwd, 'deviant.yaml');
    writeFileSync(config, 'target:\n  kind: embedded\n  mmsc:\n    deviate: [wrong-tid-echo, omit-date]\n');
    const out = path.join(cwd, 'bounded');
    const bound = 350_000;
    const r = mmscert([
      'run',
      '--suites-dir',
      path.join(repoRoot, 'suites'),
      '--suite',
      'mm1.send.001,mm1.send.003,mm1.send.010,mm1.send.012',
      '--config',
      config,
      '--max-output',
      '350kB',
      '--report-dir',
      out,
    ]);
    expect(r.status, r.stderr).toBe(1);
    expect(sizeOf(out)).toBeLessThanOrEqual(bound);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.outputBound.maxBytes).toBe(bound);
    const failing = results.cases.filter((c: { verdict: string }) => c.verdict === 'fail');
    expect(failing.length).toBe(3);
    const kept = failing.filter((c: { pcapng?: string }) => c.pcapng);
    const dropped = failing.filter((c: { evidenceOverBound?: number }) => c.evidenceOverBound === bound);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    expect(kept.length + dropped.length).toBe(failing.length);
    expect(results.outputBound.evidenceDropped.sort()).toEqual(
      dropped.map((c: { id: string }) => c.id).sort(),
    );
    for (const c of dropped) {
      expect(c.findings?.length ?? c.steps.some((s: { status: string }) => s.status === 'fail')).toBeTruthy();
      expect(existsSync(path.join(out, `${c.id}.pcapng`))).toBe(false);
      expect(readFileSync(path.join(out, 'cases', `${c.id}.html`), 'utf8')).toContain(
        'reached their bound of 350 kB',
      );
    }
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain(
      `evidence of ${dropped.length} failing case(s) not kept`,
    );
    expect(r.stdout).toMatch(/reports: \d+ kB in \d+ files \(bound 350 kB\); evidence of \d failing case/);
  }, 150_000);
});
