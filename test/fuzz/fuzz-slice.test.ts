import { afterAll, describe, expect, it } from 'vitest';
import { type Crash, fuzzTarget, judge } from './engine.ts';
import { loadRegressions } from './regressions.ts';
import { allTargets, cleanupTargets } from './targets.ts';

/**
 * The CI slice of `npm run fuzz`: every saved crash replayed through its target, then a short
 * bounded run of every decoder (fixed seed, no coverage guidance, MMSCERT_FUZZ_SLICE inputs each,
 * default 2,000) with the same property: a value or one DecodeError with offset and field.
 */
const targets = await allTargets();
const byName = new Map(targets.map((t) => [t.name, t]));
const SLICE = Number(process.env.MMSCERT_FUZZ_SLICE ?? 2000);
const SEED = Number(process.env.MMSCERT_FUZZ_SEED ?? 20261207);
afterAll(cleanupTargets);

describe('fuzz regressions (test/fuzz-regressions/<target>/*.bin) stay fixed', () => {
  const regressions = loadRegressions().filter((r) => byName.has(r.target));
  it.each(regressions.map((r) => [`${r.target}/${r.id}`, r] as const))('%s', (_id, r) => {
    const target = byName.get(r.target)!;
    target.setup?.();
    const c = judge(target, r.input, 5000);
    expect(c ? `${c.kind}: ${c.message.split('\n')[0]}` : 'ok').toBe('ok');
  });
  it('every regression folder names a target', () => {
    const unknown = loadRegressions()
      .map((r) => r.target)
      .filter((t) => t !== 'servers' && !byName.has(t));
    expect([...new Set(unknown)]).toEqual([]);
  });
});

describe(`fuzz slice: ${SLICE} inputs per decoder, seed ${SEED}`, () => {
  it.each(targets.map((t) => [t.name, t] as const))(
    '%s is total',
    (_name, target) => {
      const crashes: Crash[] = [];
      const runs = Math.ceil(SLICE * (target.sliceShare ?? 1));
      const stats = fuzzTarget(target, {
        runs,
        seed: SEED,
        coverage: false,
        slowMs: 5000,
        onCrash: (c) => crashes.push(c),
      });
      expect(
        crashes.map(
          (c) =>
            `${c.kind}: ${c.message.split('\n')[0]} input ${Buffer.from(c.input).toString('hex').slice(0, 400)}`,
        ),
      ).toEqual([]);
      expect(stats.runs).toBe(runs);
    },
    120_000,
  );
});
