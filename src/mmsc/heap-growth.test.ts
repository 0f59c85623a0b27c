import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from './heap-growth.ts';

/**
 * A process with ~25 MB alive that keeps promoting garbage (batches of objects that outlive a
 * young-generation collection, then die): its peak heap with and without limitHeapGrowth.
 */
function peakHeapMb(percent: number | undefined): number {
  const script = `
    ${percent === undefined ? '' : `const { limitHeapGrowth } = await import(${JSON.stringify(path.join(import.meta.dirname, 'heap-growth.ts'))}); limitHeapGrowth(${percent});`}
    const live = [];
    for (let i = 0; i < 200_000; i++) live.push({ i, s: 'live' + i });
    let batch = [];
    let peak = 0;
    for (let round = 0; round < 300; round++) {
      for (let i = 0; i < 10_000; i++) batch.push({ round, i, s: 'x' + i, a: [round, i] });
      if (batch.length >= 100_000) batch = [];
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      await new Promise((r) => setImmediate(r));
    }
    console.log(Math.round(peak / 1048576), live.length);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim().split(' ')[0]);
}

describe('limitHeapGrowth', () => {
  it('keeps the heap of a process that promotes garbage close to what it keeps alive', () => {
    const own = peakHeapMb(undefined);
    const limited = peakHeapMb(20);
    expect(limited, `peak heap ${limited} MB limited to 20%, ${own} MB with V8's own factor`).toBeLessThan(
      own * 0.75,
    );
  }, 60_000);

  it('refuses what is not a percent', () => {
    expect(() => limitHeapGrowth(-1)).toThrow(RangeError);
    expect(() => limitHeapGrowth(Number.NaN)).toThrow(/integer percent/);
    expect(() => limitHeapGrowth(12.5)).toThrow(RangeError);
  });
});
