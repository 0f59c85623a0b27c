import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../harness/run-result.ts';
import { OutputBound } from './output-bound.ts';
import type { RenderedCase } from './render-case.ts';

/** A finished case as the writer sees it: light (evidence omitted) or keeping its evidence. */
function kase(id: string, keepsEvidence: boolean): CaseResult {
  return {
    id,
    verdict: keepsEvidence ? 'fail' : 'pass',
    ...(keepsEvidence ? {} : { evidenceOmitted: true }),
    timeline: { originEpochMs: 0, observations: [] },
  } as unknown as CaseResult;
}

function rendered(jsonBytes: number, captureBytes = 0): RenderedCase {
  // random octets: the capture's gzip (run.pcapng.gz) is as big as the capture itself
  return { json: new Uint8Array(jsonBytes), pcapng: captureBytes > 0 ? randomBytes(captureBytes) : null };
}

describe('OutputBound', () => {
  it('always admits a case without evidence: a report never loses a verdict', () => {
    const b = new OutputBound(1_000, 10);
    for (let i = 0; i < 10; i++) expect(b.admit(kase(`p${i}`, false), rendered(50_000))).toBe(true);
    expect(b.dropped).toEqual([]);
  });

  it('keeps the first failures evidence and refuses it once the bound would be passed', () => {
    // 128 kB for the run files, 2 kB a case for them; 100 kB captures count twice (file + run.pcapng.gz)
    const b = new OutputBound(600_000, 3);
    expect(b.admit(kase('f1', true), rendered(20_000, 100_000))).toBe(true);
    expect(b.admit(kase('f2', true), rendered(20_000, 100_000))).toBe(true);
    expect(b.admit(kase('f3', true), rendered(20_000, 100_000))).toBe(false);
    expect(b.dropped).toEqual(['f3']);
  });

  it('keeps room for the cases still to come', () => {
    // the same failure fits when it is the last case, not when 40 light cases are still to come
    expect(new OutputBound(400_000, 1).admit(kase('f', true), rendered(20_000, 100_000))).toBe(true);
    const early = new OutputBound(400_000, 41);
    expect(early.admit(kase('f', true), rendered(20_000, 100_000))).toBe(false);
  });

  it('learns what a light case costs from the ones seen', () => {
    const b = new OutputBound(400_000, 12);
    // ten 1 kB light cases: the two left are expected to cost about as much, not the first guess
    for (let i = 0; i < 10; i++) b.account(rendered(1_000));
    expect(b.admit(kase('f', true), rendered(10_000, 100_000))).toBe(true);
  });
});
