import { describe, expect, it } from 'vitest';
import { relativeSmppTime, SMPP_RELATIVE_TIME_MAX_SECONDS } from './smpp-time.ts';

describe('relativeSmppTime (SMPP 3.4 §7.1.1: YYMMDDhhmmss000R)', () => {
  it.each([
    [0, '000000000000000R'],
    [59, '000000000059000R'],
    [28_800, '000000080000000R'],
    [86_400, '000001000000000R'],
    [90_061, '000001010101000R'],
    [SMPP_RELATIVE_TIME_MAX_SECONDS, '000099235959000R'],
  ])('%i s is %s', (s, t) => {
    expect(relativeSmppTime(s)).toBe(t);
  });

  it.each([-1, 1.5, SMPP_RELATIVE_TIME_MAX_SECONDS + 1])('refuses %d', (s) => {
    expect(() => relativeSmppTime(s)).toThrow(RangeError);
  });
});
