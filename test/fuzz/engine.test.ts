import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/codec/codec-error.ts';
import { type Crash, fuzzTarget } from './engine.ts';
import type { FuzzTarget } from './targets.ts';

/** A decoder with one planted bug: an input starting 0xBB throws a TypeError from a named frame. */
function plantedBug(input: Uint8Array): number {
  if (input[0] === 0xbb) throw new TypeError(`planted bug at length ${input.length}`);
  if (input.length < 2) throw new DecodeError(0, 'head', 'too short');
  return input[0];
}

const target: FuzzTarget = {
  name: 'planted',
  run: plantedBug,
  seeds: () => [new Uint8Array([0xaa, 1, 2, 3]), new Uint8Array([0xbb, 1])],
  dictionary: ['\xbb'],
  maxLen: 64,
  coverage: /engine\.test\.ts/,
};

describe('fuzz engine', () => {
  it('reports a planted bug once, with the stack the loop runs without, and restores stack traces', () => {
    const crashes: Crash[] = [];
    const before = Error.stackTraceLimit;
    const stats = fuzzTarget(target, {
      runs: 5000,
      seed: 1,
      coverage: false,
      onCrash: (c) => crashes.push(c),
    });
    expect(Error.stackTraceLimit).toBe(before);
    expect(stats.runs).toBe(5000);
    expect(crashes).toHaveLength(1);
    expect(crashes[0].kind).toBe('untyped');
    // the signature names the decoder's own frame (the loop itself runs with stackTraceLimit 0)
    expect(crashes[0].signature).toMatch(/plantedBug/);
    expect(crashes[0].message).toMatch(/at Object.plantedBug/);
    expect(crashes[0].input[0]).toBe(0xbb);
  });

  it('guides by coverage for the first share of the runs only, then runs plain', () => {
    const stats = fuzzTarget(target, { runs: 2000, seed: 2, coverage: true, coveragePhase: 0.1 });
    expect(stats.runs).toBe(2000);
    expect(stats.guidedRuns).toBe(200);
    expect(stats.features).toBeGreaterThan(0);
  });
});
