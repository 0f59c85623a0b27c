import { describe, expect, it } from 'vitest';
import { parseDurationText } from './duration-text.ts';

describe('parseDurationText', () => {
  it.each([
    ['200ms', 200],
    ['2s', 2000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['750', 750],
    ['1s + 500ms', 1500],
    ['1000+2s', 3000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDurationText(text)).toBe(ms);
  });

  it.each(['', '2 s', '1s +', '{{ics.timers.minExpiry}}', '-1s', '1d'])('%j is not a duration', (text) => {
    expect(parseDurationText(text)).toBeUndefined();
  });
});
