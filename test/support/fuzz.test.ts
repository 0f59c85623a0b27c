import { describe, expect, it } from 'vitest';
import {
  duplicateLine,
  flipBits,
  insertOneOf,
  insertRandomBytes,
  mulberry32,
  mutate,
  truncate,
} from './fuzz.ts';

const BASE = Buffer.from('A: 1\r\nB: 2\r\nC: 3\r\n\r\nbody', 'latin1');

describe('fuzz support', () => {
  it('the same seed gives the same mutations; the input is never modified', () => {
    const ops = [flipBits(4), truncate, insertOneOf(['<x>']), insertRandomBytes(1, 8), duplicateLine(3)];
    const run = (seed: number) => {
      const r = mulberry32(seed);
      return Array.from({ length: 50 }, () => mutate(BASE, r, ops).toString('hex'));
    };
    const before = Buffer.from(BASE);
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
    expect(BASE).toEqual(before);
  });

  it('each operator does its one kind of damage', () => {
    const r = mulberry32(1);
    const flipped = flipBits(1)(Buffer.from(BASE), 0, r);
    let bits = 0;
    for (let i = 0; i < BASE.length; i++) for (let x = BASE[i] ^ flipped[i]; x; x &= x - 1) bits++;
    expect(bits).toBe(1);
    expect(truncate(Buffer.from(BASE), 3, r).toString('latin1')).toBe('A: ');
    expect(insertOneOf(['<x>'])(Buffer.from(BASE), 1, r).toString('latin1')).toBe(
      `A<x>${BASE.toString('latin1').slice(1)}`,
    );
    const grown = insertRandomBytes(2, 2)(Buffer.from(BASE), 4, r);
    expect(grown.length).toBe(BASE.length + 2);
    expect(Buffer.concat([grown.subarray(0, 4), grown.subarray(6)])).toEqual(BASE);
    const dup = duplicateLine(1)(Buffer.from(BASE), 0, r).toString('latin1');
    expect(dup).toBe(`A: 1\r\n${BASE.toString('latin1')}`);
  });
});
