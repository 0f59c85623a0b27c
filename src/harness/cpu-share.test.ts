import { describe, expect, it } from 'vitest';
import { cpuShare, timeScaleForShare } from './cpu-share.ts';

describe('cpu share and the automatic time scale', () => {
  it('is a fraction of one CPU', () => {
    const s = cpuShare(30);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThanOrEqual(1);
  });

  it.each([
    [1, 1],
    [0.85, 1],
    [0.5, 2],
    [0.33, 3],
    [0.1, 5],
    [0, 1],
  ])('share %s gives time scale %s', (share, scale) => {
    expect(timeScaleForShare(share)).toBe(scale);
  });
});
