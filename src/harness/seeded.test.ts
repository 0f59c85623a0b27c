import { describe, expect, it } from 'vitest';
import { caseSeed, freshSeed, runSalt } from './seeded.ts';

describe('freshSeed', () => {
  it('keeps the seed without a salt (embedded target: a seeded run writes the same octets)', () => {
    expect(freshSeed(caseSeed(7, 'mm1.send.001'), undefined)).toBe(caseSeed(7, 'mm1.send.001'));
  });

  it('mixes a salt drawn per run (a target that keeps state never sees a replayed id)', () => {
    const seed = caseSeed(7, 'mm1.send.001');
    const a = runSalt();
    let b = runSalt();
    while (b === a) b = runSalt();
    expect(freshSeed(seed, a)).toBe(freshSeed(seed, a));
    expect(freshSeed(seed, a)).not.toBe(freshSeed(seed, b));
    expect(freshSeed(seed, a)).not.toBe(seed);
  });
});
