/**
 * Test support for the peers' fuzz tests: a seeded PRNG (the one the MMS codec's property tests use,
 * so a failure reproduces from its seed) and mutations of a valid message built from a list of
 * operators. Each call picks one operator and one position; the operators are data, so each test
 * states what kind of damage its protocol must survive.
 */
import { mulberry32, type Rng } from '../../src/util/prng.ts';

export type { Rng };
export { mulberry32 };

const int = (r: Rng, n: number) => Math.floor(r() * n);

/** One kind of damage: gets a private copy of the input and a position in it (0..length-1). */
export type Mutation = (b: Buffer, at: number, r: Rng) => Buffer;

/** Flips 1..max random bits anywhere. */
export const flipBits =
  (max: number): Mutation =>
  (b, _at, r) => {
    const n = 1 + int(r, max);
    for (let i = 0; i < n && b.length > 0; i++) b[int(r, b.length)] ^= 1 << int(r, 8);
    return b;
  };

/** Cuts the input short at the position. */
export const truncate: Mutation = (b, at) => b.subarray(0, at);

/** Inserts one of `junk` (protocol tokens, markup, control characters) at the position. */
export const insertOneOf =
  (junk: readonly string[], encoding: BufferEncoding = 'utf8'): Mutation =>
  (b, at, r) =>
    Buffer.concat([b.subarray(0, at), Buffer.from(junk[int(r, junk.length)], encoding), b.subarray(at)]);

/** Inserts min..max random octets at the position. */
export const insertRandomBytes =
  (min: number, max: number): Mutation =>
  (b, at, r) => {
    const junk = Buffer.from(Array.from({ length: min + int(r, max - min + 1) }, () => int(r, 256)));
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
  };

/** Repeats one of the first `within` lines (a duplicated header), lines ending in `eol`. */
export const duplicateLine =
  (within: number, eol = '\r\n'): Mutation =>
  (b, _at, r) => {
    const lines = b.toString('latin1').split(eol);
    const i = int(r, Math.min(within, lines.length));
    lines.splice(i, 0, lines[i]);
    return Buffer.from(lines.join(eol), 'latin1');
  };

/** A damaged copy of `base`: one operator of `ops`, chosen by `r`, applied at a random position. */
export function mutate(base: Uint8Array, r: Rng, ops: readonly Mutation[]): Buffer {
  const op = ops[int(r, ops.length)];
  const at = int(r, base.length);
  return op(Buffer.from(base), at, r);
}
