import { describe, expect, it } from 'vitest';
import type { LoadedCase } from './case-model.ts';
import type { Lane, Lanes } from './lanes.ts';
import { onePhase } from './lanes.ts';
import type { CaseResult } from './run-result.ts';
import { runSuites } from './runner.ts';

/** A case as the scheduler sees it: an id, `alone` or not. */
const kase = (id: string, alone?: string) =>
  ({ id, steps: [], requirements: [], tags: [], ...(alone ? { alone } : {}) }) as unknown as LoadedCase;

/**
 * Lanes whose cases take `ms` each and record, at every start, which other cases ran on the same
 * lane at that moment.
 */
function recordingLanes(count: number, ms: number) {
  const beside = new Map<string, string[]>();
  const running = Array.from({ length: count }, () => new Set<string>());
  const lanes: Lane[] = running.map((mine) => ({
    ready: Promise.resolve(),
    async run(_i: number, c: LoadedCase) {
      for (const other of mine) beside.get(other)?.push(c.id);
      beside.set(c.id, [...mine]);
      mine.add(c.id);
      await new Promise((r) => setTimeout(r, ms));
      mine.delete(c.id);
      return { result: { id: c.id, verdict: 'pass', steps: [] } as unknown as CaseResult };
    },
  }));
  const all: Lanes = {
    lanes,
    open: async () => ({ kind: 'test', description: 'recording lanes', maxJobs: 64 }),
    phases: (_cases, order, jobs) => onePhase(order, jobs),
    close: async () => {},
  };
  return { all, beside };
}

describe('runSuites: a case marked alone', () => {
  it('has nothing else beside it on its lane, before or after it started', async () => {
    const cases = [kase('a'), kase('b'), kase('heavy', 'its own load'), kase('c'), kase('d'), kase('e')];
    const { all, beside } = recordingLanes(1, 20);
    const run = await runSuites({ cases, seed: 1, jobs: 4 }, all);
    expect(run.cases.map((c) => c.id)).toEqual(['a', 'b', 'heavy', 'c', 'd', 'e']);
    expect(beside.get('heavy')).toEqual([]);
    // the cases before it ran together, and so did the ones after it
    expect(beside.get('b')).toEqual(['a']);
    expect(beside.get('d')).toEqual(['c', 'e']);
  });

  it('leaves the other lanes running', async () => {
    const cases = [kase('heavy', 'its own load'), kase('a'), kase('b'), kase('c')];
    const { all, beside } = recordingLanes(2, 20);
    await runSuites({ cases, seed: 1, jobs: 4 }, all);
    expect(beside.get('heavy')).toEqual([]);
    // a and b went to the other lane, together, while heavy ran
    expect(beside.get('a')).toContain('b');
  });
});
