import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './did-you-mean.ts';

describe('did you mean', () => {
  it.each([
    ['partz', 'parts', 1],
    ['prats', 'parts', 1],
    ['part', 'parts', 1],
    ['X-Mms-Respone-Status', 'X-Mms-Response-Status', 1],
    ['abc', 'xyz', 3],
  ])('%s ~ %s: %i', (a, b, n) => expect(editDistance(a, b)).toBe(n));

  it('suggests the nearest name, nothing when far', () => {
    expect(closest('partz', ['to', 'parts', 'subject'])).toBe('parts');
    expect(closest('SUBJECT', ['to', 'parts', 'subject'])).toBe('subject');
    expect(closest('frobnicate', ['to', 'parts', 'subject'])).toBeUndefined();
    expect(didYouMean('sned', ['send', 'retrieve'])).toBe(' (did you mean "send"?)');
    expect(didYouMean('zzz', ['send'])).toBe('');
  });
});
