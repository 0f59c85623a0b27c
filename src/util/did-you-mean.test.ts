import fc from 'fast-check';
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

  it('the rolling rows and the length cut agree with the full table (OSA, case ignored)', () => {
    // the whole (|a|+1) x (|b|+1) table, as the distance was first written
    const table = (a: string, b: string) => {
      const s = a.toLowerCase();
      const t = b.toLowerCase();
      const d = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
      for (let j = 0; j <= t.length; j++) d[0][j] = j;
      for (let i = 1; i <= s.length; i++)
        for (let j = 1; j <= t.length; j++) {
          d[i][j] = Math.min(
            d[i - 1][j] + 1,
            d[i][j - 1] + 1,
            d[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1),
          );
          if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
            d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      return d[s.length][t.length];
    };
    const near = (w: string, cs: string[]) => {
      let best: string | undefined;
      let bestD = Number.POSITIVE_INFINITY;
      for (const c of cs) {
        if (c === w) return c;
        const x = table(w, c);
        if (x < bestD) [best, bestD] = [c, x];
      }
      return bestD <= Math.min(3, Math.max(1, Math.floor(w.length / 3))) ? best : undefined;
    };
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'c', '-'), maxLength: 12 });
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 8 }), (w, cs) => {
        for (const c of cs) expect(editDistance(w, c)).toBe(table(w, c));
        expect(closest(w, cs)).toBe(near(w, cs));
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });
});
