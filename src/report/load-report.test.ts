import { describe, expect, it } from 'vitest';
import { progressLine } from './load-report.ts';

describe('progressLine', () => {
  const p = { durationMs: 10_000, scheduled: 120, ok: 100, failed: 2, inFlight: 18, p99: 0 };

  it('shows the run second of the planned ones and the p99 of the flows that ended last second', () => {
    expect(progressLine({ ...p, elapsedMs: 4200, p99: 37.25 })).toBe(
      'load 4.2/10 s  scheduled 120  ok 100  failed 2  in flight 18  p99(ended last s) 37.3 ms',
    );
  });

  it('says when no flow ended in the last second, and when the run drains', () => {
    expect(progressLine({ ...p, elapsedMs: 12_500 })).toBe(
      'load 10 s done, draining 2.5 s  scheduled 120  ok 100  failed 2  in flight 18  p99(ended last s) -',
    );
  });
});
