import { describe, expect, it } from 'vitest';
import type { CaseResult, RunResult } from './run-result.ts';
import { summarise } from './run-result.ts';
import { idHash, mergeShardRuns, parseShard, ShardError, shardOf } from './shard.ts';

const ids = Array.from({ length: 60 }, (_, i) => `mm${i % 4}.case.${String(i).padStart(3, '0')}`);

describe('shards', () => {
  it('parses INDEX/TOTAL and refuses anything else', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, total: 5 });
    for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '1/3/4'])
      expect(() => parseShard(bad)).toThrow(ShardError);
  });

  it('partitions by id hash: stable, whatever the order or the other cases', () => {
    const a = shardOf(ids, 3);
    expect(new Set(a)).toEqual(new Set([0, 1, 2]));
    const reversed = shardOf([...ids].reverse(), 3).reverse();
    expect(reversed).toEqual(a);
    // one case less does not move the others
    expect(shardOf(ids.slice(1), 3)).toEqual(a.slice(1));
    expect(idHash('mm1.send.001')).toBe(idHash('mm1.send.001'));
  });

  it('with durations, balances the expected time (longest first to the least loaded)', () => {
    const durations = Object.fromEntries(ids.map((id, i) => [id, i < 3 ? 30_000 : 1000 + i]));
    const of = shardOf(ids, 3, durations);
    const load = [0, 0, 0];
    ids.forEach((id, i) => {
      load[of[i]] += durations[id];
    });
    // the three long cases on three shards, and the loads within one short case of each other
    expect(new Set(of.slice(0, 3)).size).toBe(3);
    expect(Math.max(...load) - Math.min(...load)).toBeLessThan(1100);
    // same input, same partition; an unknown case expected at the mean
    expect(shardOf(ids, 3, durations)).toEqual(of);
    expect(shardOf([...ids, 'new.case'], 3, durations)).toHaveLength(61);
  });

  const caseOf = (id: string, verdict: CaseResult['verdict'] = 'pass') =>
    ({ id, verdict, level: 'SHALL', unexpected: verdict !== 'pass' }) as unknown as CaseResult;
  const shardRun = (index: number, positions: number[], seed = 1): RunResult => {
    const cases = positions.map((p) => caseOf(`c${p}`, p === 3 ? 'fail' : 'pass'));
    return {
      runId: `r${index}`,
      seed,
      startedAt: `2026-12-07T00:00:0${index}.000Z`,
      finishedAt: `2026-12-07T00:01:0${index}.000Z`,
      durationMs: 60_000,
      target: { kind: 'embedded', description: 'x' },
      jobs: 1,
      failOn: 'SHALL',
      cases,
      summary: summarise(cases),
      shard: { index, total: 2, of: 5, positions },
    };
  };

  it('merges shard runs back into load order, with the whole summary', () => {
    const m = mergeShardRuns([shardRun(2, [1, 3]), shardRun(1, [0, 2, 4])]);
    expect(m.cases.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(m.summary).toMatchObject({ total: 5, pass: 4, fail: 1 });
    expect(m.shard).toBeUndefined();
    expect(m.startedAt).toBe('2026-12-07T00:00:01.000Z');
    expect(m.finishedAt).toBe('2026-12-07T00:01:02.000Z');
  });

  it('refuses a missing shard, a shard twice, other seeds, a run that is no shard', () => {
    expect(() => mergeShardRuns([shardRun(1, [0, 2, 4])])).toThrow(/shard\(s\) 2 of 2 missing/);
    expect(() => mergeShardRuns([shardRun(1, [0, 2, 4]), shardRun(1, [0, 2, 4])])).toThrow(/given twice/);
    expect(() => mergeShardRuns([shardRun(1, [0, 2, 4]), shardRun(2, [1, 3], 9)])).toThrow(/seed 9/);
    const { shard: _s, ...plain } = shardRun(1, [0, 2, 4]);
    expect(() => mergeShardRuns([plain as RunResult])).toThrow(/not a shard/);
  });
});
