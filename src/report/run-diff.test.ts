import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { causeKey, diffRuns, diffText, type RunDoc, RunDocError, readRunDoc } from './run-diff.ts';

const a: RunDoc = {
  runId: 'A',
  seed: 1,
  target: { description: 'embedded reference MMSC' },
  tool: { version: '0.1.0', commit: 'a'.repeat(40) },
  ics: { mm1: { maxMessageSize: 300000, versions: ['1.3'] } },
  cases: [
    { id: 'c.pass-fail', title: 'breaks', verdict: 'pass' },
    {
      id: 'c.fail-pass',
      title: 'mends',
      verdict: 'fail',
      failure: { message: 'no m-send-conf within 5000 ms' },
    },
    { id: 'c.pass-na', title: 'dropped from ICS', verdict: 'pass' },
    {
      id: 'c.fail-fail',
      title: 'other cause',
      verdict: 'fail',
      failure: { message: 'no m-send-conf within 5000 ms' },
    },
    {
      id: 'c.fail-same',
      title: 'same cause',
      verdict: 'fail',
      failure: { message: 'no x within 5000 ms; #12' },
    },
    { id: 'c.gone', verdict: 'pass' },
  ],
};
const b: RunDoc = {
  runId: 'B',
  seed: 2,
  target: { description: 'vendor X 4.2' },
  tool: { version: '0.1.0', commit: 'b'.repeat(40) },
  ics: { mm1: { maxMessageSize: 100000, versions: ['1.3'] } },
  cases: [
    { id: 'c.pass-fail', title: 'breaks', verdict: 'error', failure: { message: 'peer broke' } },
    { id: 'c.fail-pass', title: 'mends', verdict: 'pass' },
    { id: 'c.pass-na', title: 'dropped from ICS', verdict: 'not-applicable' },
    {
      id: 'c.fail-fail',
      title: 'other cause',
      verdict: 'fail',
      failure: { message: 'm-send-conf status 0x84' },
    },
    {
      id: 'c.fail-same',
      title: 'same cause',
      verdict: 'fail',
      failure: { message: 'no x within 5100 ms; #14' },
    },
    { id: 'c.new', verdict: 'pass' },
  ],
};

describe('mmscert diff', () => {
  const d = diffRuns(a, b);
  it('sorts every case into one kind of change', () => {
    expect(d.newFailures.map((c) => c.id)).toEqual(['c.pass-fail']);
    expect(d.newFailures[0].why).toBe('peer broke');
    expect(d.fixed.map((c) => c.id)).toEqual(['c.fail-pass']);
    expect(d.changed.map((c) => [c.id, c.from, c.to])).toEqual([['c.pass-na', 'pass', 'not-applicable']]);
    expect(d.evidenceChanged.map((c) => c.id)).toEqual(['c.fail-fail']);
    expect(d.same).toBe(1);
    expect(d.onlyInA).toEqual(['c.gone']);
    expect(d.onlyInB).toEqual(['c.new']);
  });

  it('says how the runs were made differently, ICS items one by one', () => {
    expect(d.setup).toEqual([
      'tool commit: aaaaaaaaaaaa -> bbbbbbbbbbbb',
      'target: embedded reference MMSC -> vendor X 4.2',
      'seed: 1 -> 2',
      'ICS mm1.maxMessageSize: 300000 -> 100000',
    ]);
    const text = diffText(d);
    expect(text).toContain('New failures (1):');
    expect(text).toMatch(/pass +-> error +c\.pass-fail breaks\n {6}peer broke/);
    expect(text).toContain(
      '1 new failure(s), 1 fixed, 1 other verdict change(s), 1 with other evidence, 1 unchanged',
    );
  });

  it('compares causes without their numbers', () => {
    expect(causeKey('no x within 5000 ms; #12')).toBe(causeKey('no x within 5100 ms; #14'));
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-diff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('reads a run directory or its results.json; anything else is a RunDocError', () => {
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ ...a, runId: undefined }));
    expect(readRunDoc(dir).runId).toBe(path.basename(dir));
    expect(readRunDoc(path.join(dir, 'results.json')).cases.length).toBe(6);
    writeFileSync(path.join(dir, 'x.json'), '{"runId":"x"}');
    expect(() => readRunDoc(path.join(dir, 'x.json'))).toThrow(RunDocError);
    expect(() => readRunDoc(path.join(dir, 'none'))).toThrow(RunDocError);
  });
});
