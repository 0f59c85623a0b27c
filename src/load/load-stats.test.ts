import { describe, expect, it } from 'vitest';
import { LoadStats } from './load-stats.ts';

const ok = { ok: true, steps: [{ name: 'submit', ms: 1 }] };

describe('LoadStats', () => {
  it('gives the progress line the p99 of the flows that ended in the last whole second', () => {
    const s = new LoadStats();
    // ended in second 0 and 1
    s.done('mm1-mt', ok, 10, 0, 500);
    s.done('mm1-mt', ok, 200, 900, 1100);
    s.done('mm1-mt', ok, 300, 1000, 1300);
    expect(s.lastSecondP99(1500)).toBe(10);
    expect(s.lastSecondP99(2100)).toBeCloseTo(300, 0);
    // nothing ended in second 2
    expect(s.lastSecondP99(3100)).toBe(0);
    // a flow ending in the current second leaves the last whole second's figure as it was
    s.done('mm1-mt', ok, 900, 2300, 3200);
    expect(s.lastSecondP99(3300)).toBe(0);
    expect(s.lastSecondP99(4000)).toBeCloseTo(900, -1);
  });

  it('never reads a percentile above the largest latency recorded (HDR reads the top of a bucket)', () => {
    const s = new LoadStats();
    s.done('mm1-mt', ok, 4749.701, 0, 4749.701);
    const sec = s.perSecond()[0];
    expect(sec.p99).toBeLessThanOrEqual(sec.max);
    expect(sec.max).toBeCloseTo(4749.701, 2);
    expect(s.latency('flow.p99')).toBeLessThanOrEqual(s.latency('flow.max') ?? 0);
    expect(s.summaries().flow.p99).toBeLessThanOrEqual(s.summaries().flow.max);
  });
});
