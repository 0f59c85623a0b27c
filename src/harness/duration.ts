import type { Duration } from './suite-schema.ts';

/** Milliseconds of a suite duration (`200ms`, `2s`, `1.5s`, `1m`, or a number of ms). */
export function durationMs(d: Duration | undefined, fallbackMs: number): number {
  if (d === undefined) return fallbackMs;
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d);
  if (!m) throw new RangeError(`not a duration: ${d}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000);
}
