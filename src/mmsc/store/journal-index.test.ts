import { describe, expect, it } from 'vitest';
import { hashBytes, JournalIndex } from './journal-index.ts';

/**
 * The journal's key index against a Map model: keys live only "on disk" (a fake segment holding
 * `key | u32 length | value` records), so every answer depends on the on-disk confirmation.
 */
function fixture() {
  const disk: Buffer[] = [Buffer.alloc(0)];
  const index = new JournalIndex((seg, off, n) => Buffer.from(disk[seg].subarray(off, off + n)));
  /** Appends a record of `key` to segment 0; returns where its value lies. */
  const write = (key: string, value: string) => {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(v.length);
    const off = disk[0].length + k.length + 4;
    disk[0] = Buffer.concat([disk[0], k, len, v]);
    return { key: k, loc: { seg: 0, off, len: v.length } };
  };
  const value = (key: string) => {
    const slot = index.find(Buffer.from(key, 'utf8'));
    if (slot < 0) return undefined;
    return index.entry(slot).value.toString('utf8');
  };
  return { index, write, value };
}

describe('JournalIndex', () => {
  it('matches a Map through puts, overwrites, deletes and re-puts (tombstones and growth)', () => {
    const { index, write, value } = fixture();
    const model = new Map<string, string>();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const key = `${'mpr'[rnd(3)]}:${rnd(4000)}`;
      if (rnd(4) === 0) {
        const was = index.delete(Buffer.from(key));
        expect(was !== undefined).toBe(model.has(key));
        model.delete(key);
      } else {
        const v = `v${i}`;
        const { key: k, loc } = write(key, v);
        const prev = index.set(k, loc);
        expect(prev !== undefined).toBe(model.has(key));
        model.set(key, v);
      }
    }
    expect(index.size).toBe(model.size);
    for (const [k, v] of model) expect(value(k)).toBe(v);
    for (let i = 0; i < 4000; i++) if (!model.has(`m:${i}`)) expect(value(`m:${i}`)).toBeUndefined();
    // the tag filter finds exactly the keys of one prefix
    const ms = index.slots('m'.charCodeAt(0)).map((s) => index.keyOf(s).toString());
    expect(ms.sort()).toEqual([...model.keys()].filter((k) => k.startsWith('m:')).sort());
  });

  it('keeps keys whose hashes collide apart (each confirmed on disk)', () => {
    const { index, write, value } = fixture();
    // find two keys with the same 30-bit hash
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const k = `k${i}`;
      const h = hashBytes(Buffer.from(k));
      const other = seen.get(h);
      if (other !== undefined) pair = [other, k];
      else seen.set(h, k);
    }
    const [a, b] = pair;
    const wa = write(a, 'A');
    index.set(wa.key, wa.loc);
    expect(value(b)).toBeUndefined();
    const wb = write(b, 'B');
    expect(index.set(wb.key, wb.loc)).toBeUndefined(); // a new key, not an overwrite of `a`
    expect([value(a), value(b)]).toEqual(['A', 'B']);
    index.delete(Buffer.from(a));
    expect([value(a), value(b)]).toEqual([undefined, 'B']);
  });

  it('moves a value only if it still lies where it was copied from', () => {
    const { index, write } = fixture();
    const w = write('m:x', 'one');
    index.set(w.key, w.loc);
    const slot = index.find(w.key);
    expect(index.move(slot, w.loc, { seg: 0, off: 999, len: 3 })).toBe(true);
    expect(index.location(slot).off).toBe(999);
    expect(index.move(slot, w.loc, { seg: 0, off: 5, len: 3 })).toBe(false); // changed meanwhile
  });
});
