import { describe, expect, it } from 'vitest';
import { DueQueue } from './due-queue.ts';

describe('DueQueue', () => {
  it('pops due items earliest first and holds the rest', () => {
    const q = new DueQueue<string>();
    let seed = 7;
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const t = seed % 1000;
      times.push(t);
      q.push(t, `j${i}@${t}`);
    }
    expect(q.peekTime()).toBe(Math.min(...times));
    const popped: number[] = [];
    for (let item = q.popDue(499); item !== undefined; item = q.popDue(499))
      popped.push(Number(item.split('@')[1]));
    const expected = times.filter((t) => t <= 499).sort((a, b) => a - b);
    expect(popped).toEqual(expected);
    expect(q.size).toBe(500 - expected.length);
    expect(q.peekTime()).toBeGreaterThan(499);
    expect(new DueQueue<number>().peekTime()).toBe(Number.POSITIVE_INFINITY);
  });
});
