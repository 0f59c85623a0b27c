import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPreviousRun, newestRunDir, RerunError } from './rerun-failed.ts';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeRun(name: string, verdicts: Record<string, string>, mtime: number): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'results.json');
  writeFileSync(
    file,
    JSON.stringify({
      runId: name,
      cases: Object.entries(verdicts).map(([id, verdict]) => ({ id, verdict })),
    }),
  );
  utimesSync(file, mtime, mtime);
  return dir;
}

describe('rerun-failed', () => {
  it('takes the newest run and the cases that were not pass or not-applicable', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mmscert-rerun-'));
    writeRun('old', { 'a.1': 'fail' }, 1000);
    writeRun(
      'new',
      { 'a.1': 'pass', 'a.2': 'fail', 'a.3': 'not-applicable', 'a.4': 'error', 'a.5': 'inconclusive' },
      2000,
    );
    mkdirSync(path.join(root, 'no-results'));
    expect(newestRunDir(root)).toBe(path.join(root, 'new'));
    const prev = findPreviousRun(root);
    expect(prev.runId).toBe('new');
    expect(prev.total).toBe(5);
    expect(prev.cases).toEqual([
      { id: 'a.2', verdict: 'fail' },
      { id: 'a.4', verdict: 'error' },
      { id: 'a.5', verdict: 'inconclusive' },
    ]);
    expect(findPreviousRun(root, path.join(root, 'old')).cases).toEqual([{ id: 'a.1', verdict: 'fail' }]);
  });

  it('adds the cases a stopped run never reached', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mmscert-rerun-'));
    const dir = path.join(root, 'stopped');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'results.json'),
      JSON.stringify({
        runId: 'stopped',
        cases: [{ id: 'a.1', verdict: 'error' }],
        aborted: { reason: 'down', notRun: ['a.2', 'a.3'] },
      }),
    );
    const prev = findPreviousRun(root);
    expect(prev.total).toBe(3);
    expect(prev.cases.map((c) => `${c.id} ${c.verdict}`)).toEqual([
      'a.1 error',
      'a.2 not-run',
      'a.3 not-run',
    ]);
  });

  it('says when there is no previous run', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mmscert-rerun-'));
    expect(() => findPreviousRun(root)).toThrow(RerunError);
    expect(() => findPreviousRun(root, path.join(root, 'x'))).toThrow(/no results.json in/);
  });
});
