import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A sharded run (the real binary, the embedded MMSC): the MM3 cases run in 3 shards, merged by
 * `mmscert merge-reports`, give the verdicts of the same cases run whole, in the same order.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repoRoot, 'bin/mmscert.js');
const cwd = mkdtempSync(path.join(os.tmpdir(), 'mmscert-shards-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function mmscert(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
}

const run = (dir: string, extra: string[] = []) =>
  mmscert([
    'run',
    '--suites-dir',
    path.join(repoRoot, 'suites'),
    '--suite',
    'mm3.*',
    '--seed',
    '7',
    '--reporter',
    'json',
    '--report-dir',
    path.join(cwd, dir),
    ...extra,
  ]);

interface Doc {
  seed: number;
  cases: { id: string; verdict: string }[];
  summary: { total: number };
  shard?: { index: number; total: number; of: number; positions: number[] };
}
const read = (dir: string) => JSON.parse(readFileSync(path.join(cwd, dir, 'results.json'), 'utf8')) as Doc;

describe('mmscert run --shard and merge-reports', () => {
  it('merges 3 shards into the verdicts of the unsharded run', () => {
    const whole = run('whole');
    expect(whole.status, whole.stderr).toBe(0);
    for (const i of [1, 2, 3]) {
      const r = run(`s${i}`, ['--shard', `${i}/3`]);
      expect(r.status, r.stderr).toBe(0);
    }
    const shards = [1, 2, 3].map((i) => read(`s${i}`));
    // a partition: every case in exactly one shard, each shard a real part
    const all = read('whole');
    expect(shards.map((s) => s.shard?.index)).toEqual([1, 2, 3]);
    expect(shards.reduce((n, s) => n + s.cases.length, 0)).toBe(all.cases.length);
    for (const s of shards) expect(s.cases.length).toBeGreaterThan(0);
    expect(new Set(shards.flatMap((s) => s.cases.map((c) => c.id))).size).toBe(all.cases.length);

    const m = mmscert([
      'merge-reports',
      ...[1, 2, 3].map((i) => path.join(cwd, `s${i}`)),
      '--report-dir',
      path.join(cwd, 'merged'),
    ]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toContain(`merged 3 shard(s): ${all.cases.length} cases`);
    const merged = read('merged');
    // same cases, same order (load order), same verdicts
    expect(merged.cases.map((c) => [c.id, c.verdict])).toEqual(all.cases.map((c) => [c.id, c.verdict]));
    expect(merged.summary).toEqual(all.summary);
    expect(merged.shard).toBeUndefined();
    expect(existsSync(path.join(cwd, 'merged', 'report.html'))).toBe(true);
    expect(existsSync(path.join(cwd, 'merged', 'junit.xml'))).toBe(true);

    // a shard missing: exit 2, said which
    const short = mmscert([
      'merge-reports',
      path.join(cwd, 's1'),
      path.join(cwd, 's3'),
      '--report-dir',
      path.join(cwd, 'bad'),
    ]);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('shard(s) 2 of 3 missing');
  }, 600_000);

  it('--shard refuses a bad part, exit 2', () => {
    const r = run('bad-shard', ['--shard', '4/3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--shard: expected INDEX/TOTAL');
  }, 120_000);
});
