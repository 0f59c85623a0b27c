import { describe, expect, it } from 'vitest';
import { compareVersions, lowerVersion } from './mmsc-core.ts';

/** The definition compareVersions must keep: numeric major, then numeric minor (absent = 0). */
function reference(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || (an || 0) - (bn || 0);
}

describe('compareVersions', () => {
  it('orders MMS versions numerically', () => {
    expect(compareVersions('1.0', '1.3')).toBeLessThan(0);
    expect(compareVersions('1.3', '1.2')).toBeGreaterThan(0);
    expect(compareVersions('1.3', '1.3')).toBe(0);
    expect(compareVersions('2.0', '1.9')).toBeGreaterThan(0);
    expect(compareVersions('1.10', '1.9')).toBeGreaterThan(0);
    expect(compareVersions('1', '1.0')).toBe(0);
    expect(lowerVersion('1.3', '1.1')).toBe('1.1');
    expect(lowerVersion('1.0', '1.2')).toBe('1.0');
  });

  it('agrees in sign with the split-and-compare definition on every pair of a mixed table', () => {
    const vs = ['1.0', '1.1', '1.2', '1.3', '2.0', '0.9', '1.10', '1', '10.1', '1.x', 'a.1', '1.', '.1', ''];
    for (const a of vs) {
      for (const b of vs) {
        const got = compareVersions(a, b);
        const want = reference(a, b);
        expect(Number.isNaN(got), `${a} vs ${b}`).toBe(Number.isNaN(want));
        if (!Number.isNaN(want)) expect(Math.sign(got), `${a} vs ${b}`).toBe(Math.sign(want));
      }
    }
  });
});
