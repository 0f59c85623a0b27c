import { parseDurationText } from '../util/duration-text.ts';
import type { Duration } from './suite-schema.ts';

/**
 * Milliseconds of a suite duration (`200ms`, `2s`, `1.5s`, `1m`, a number of ms, or a sum such as
 * `1s + 500ms`: what an ICS-timer duration like `{{ics.timers.minExpiry}} + 1s` renders to).
 */
export function durationMs(d: Duration | undefined, fallbackMs: number): number {
  if (d === undefined) return fallbackMs;
  if (typeof d === 'number') return d;
  const ms = parseDurationText(d);
  if (ms === undefined) throw new RangeError(`not a duration: ${d}`);
  return ms;
}
