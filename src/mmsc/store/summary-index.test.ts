import { describe, expect, it } from 'vitest';
import { HashIndex, hashKey, type MessageSummary, SummaryTable } from './summary-index.ts';

function summary(id: string, n: number): MessageSummary {
  return {
    id,
    state: n % 3 === 0 ? 'expired' : 'active',
    expiresAt: 1_800_000_000_000 + n,
    lastChange: 1_700_000_000_000 + n,
    open: n % 2 === 0,
    pending: n % 5 === 0,
    mbox: n % 4,
    recipients: n,
  };
}

describe('SummaryTable', () => {
  it('gives back what was put, reuses freed slots, and forgets deleted ids', () => {
    const t = new SummaryTable();
    for (let i = 0; i < 3000; i++) t.put(summary(`msg-${i}`, i));
    for (let i = 0; i < 3000; i += 2) t.delete(`msg-${i}`);
    expect(t.size).toBe(1500);
    const slot = t.put(summary('msg-new', 7));
    expect(t.idOf(slot)).toBe('msg-new');
    expect(t.view(t.slot('msg-1')!)).toEqual(summary('msg-1', 1));
    expect(t.view(slot)).toEqual(summary('msg-new', 7));
    expect(t.has('msg-0')).toBe(false);
    expect([...t.values()].length).toBe(1501);
    expect(t.ids()).toContain('msg-2999');
  });
});

describe('HashIndex', () => {
  it('matches a multimap model through adds and removes (tombstones, growth, shrink)', () => {
    const h = new HashIndex();
    const model = new Map<string, Set<number>>();
    let seed = 3;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 30_000; i++) {
      const key = `tok${rnd(2000)}`;
      const slot = rnd(50);
      const mine = model.get(key) ?? new Set<number>();
      if (rnd(3) === 0) {
        h.remove(key, slot);
        mine.delete(slot);
      } else {
        h.add(key, slot);
        mine.add(slot);
      }
      model.set(key, mine);
    }
    let live = 0;
    for (const [key, slots] of model) {
      live += slots.size;
      // candidates hold every slot of the key (and, for colliding hashes, maybe others)
      const c = new Set(h.candidates(key));
      for (const s of slots) expect(c.has(s)).toBe(true);
      for (const s of c) {
        const same = [...model].some(([k, ss]) => ss.has(s) && hashKey(k) === hashKey(key));
        expect(same).toBe(true);
      }
    }
    expect(h.size).toBe(live);
    // everything removed: the table empties
    for (const [key, slots] of model) for (const s of slots) h.remove(key, s);
    expect(h.size).toBe(0);
    expect(h.candidates('tok1')).toEqual([]);
  });
});
