/**
 * Byte-level mutations for the fuzz engine, after libFuzzer's mutator set: erase, insert,
 * repeat, change a byte or a bit, interesting integers, ASCII integers, copy a part, cross over
 * with another corpus entry, dictionary tokens. Each input gets 1..5 stacked mutations. All
 * randomness comes from the `Rng` passed in, so a run is reproducible from its seed.
 */
import { mulberry32, type Rng } from '../../src/util/prng.ts';

export type { Rng };
/** The project's seeded PRNG (mulberry32). */
export const seededRng = mulberry32;

const int = (r: Rng, n: number): number => Math.floor(r() * n);

/** Values that sit on boundaries decoders check (lengths, uintvar continuation, signs). */
const INTERESTING8 = [0x00, 0x01, 0x1e, 0x1f, 0x20, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff];
const INTERESTING16 = [0x0000, 0x0001, 0x00ff, 0x0100, 0x7fff, 0x8000, 0xfffe, 0xffff, 0xc000, 0x3fff];
const INTERESTING32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000, 16, 0x1000000];

export interface MutationContext {
  corpus: readonly Uint8Array[];
  dictionary: readonly Uint8Array[];
  maxLen: number;
}

type Op = (b: Uint8Array, r: Rng, ctx: MutationContext) => Uint8Array;

/** b with `del` octets at `at` replaced by `ins` (memcpy-fast on large inputs). */
function splice(b: Uint8Array, at: number, del: number, ins: Uint8Array = EMPTY): Uint8Array {
  const a = Math.min(at, b.length);
  const d = Math.min(del, b.length - a);
  const out = new Uint8Array(b.length - d + ins.length);
  out.set(b.subarray(0, a));
  out.set(ins, a);
  out.set(b.subarray(a + d), a + ins.length);
  return out;
}
const EMPTY = new Uint8Array(0);

const OPS: Op[] = [
  // erase a run
  (b, r) => {
    if (b.length === 0) return b;
    const at = int(r, b.length);
    return splice(b, at, 1 + int(r, Math.min(16, b.length - at)));
  },
  // insert a random byte
  (b, r) => splice(b, int(r, b.length + 1), 0, Uint8Array.of(int(r, 256))),
  // insert a repeated byte
  (b, r) => {
    const n = 1 + int(r, 64);
    const v = r() < 0.5 ? int(r, 256) : INTERESTING8[int(r, INTERESTING8.length)];
    return splice(b, int(r, b.length + 1), 0, new Uint8Array(n).fill(v));
  },
  // change a byte
  (b, r) => {
    if (b.length) b[int(r, b.length)] = int(r, 256);
    return b;
  },
  // flip a bit
  (b, r) => {
    if (b.length) b[int(r, b.length)] ^= 1 << int(r, 8);
    return b;
  },
  // an interesting 8/16/32-bit value, either byte order
  (b, r) => {
    if (b.length === 0) return b;
    const w = [1, 2, 4][int(r, 3)];
    const at = int(r, b.length);
    const v =
      w === 1
        ? INTERESTING8[int(r, INTERESTING8.length)]
        : w === 2
          ? INTERESTING16[int(r, INTERESTING16.length)]
          : INTERESTING32[int(r, INTERESTING32.length)];
    const le = r() < 0.5;
    for (let i = 0; i < w && at + i < b.length; i++) {
      const shift = 8 * (le ? i : w - 1 - i);
      b[at + i] = Math.floor(v / 2 ** shift) & 0xff;
    }
    return b;
  },
  // add or subtract a small amount to a byte (lengths off by a few)
  (b, r) => {
    if (b.length) {
      const at = int(r, b.length);
      b[at] = (b[at] + (int(r, 35) - 17) + 256) & 0xff;
    }
    return b;
  },
  // replace an ASCII number with another (Content-Length, counts as text...): one near a random spot
  (b, r) => {
    if (b.length === 0) return b;
    const from = int(r, b.length);
    let s = -1;
    for (let i = from, n = 0; i < b.length && n < 512; i++, n++)
      if (b[i] >= 0x30 && b[i] <= 0x39) {
        s = i;
        break;
      }
    if (s < 0) return b;
    let e = s;
    while (e + 1 < b.length && b[e + 1] >= 0x30 && b[e + 1] <= 0x39) e++;
    const choices = ['0', '-1', '4294967296', '99999999999999999999', String(int(r, 1000)), '1e9'];
    return splice(b, s, e - s + 1, Buffer.from(choices[int(r, choices.length)], 'latin1'));
  },
  // copy a part of itself elsewhere
  (b, r) => {
    if (b.length === 0) return b;
    const from = int(r, b.length);
    const n = 1 + int(r, Math.min(64, b.length - from));
    return splice(b, int(r, b.length + 1), 0, b.slice(from, from + n));
  },
  // cross over with another corpus entry
  (b, r, ctx) => {
    if (ctx.corpus.length === 0) return b;
    const other = ctx.corpus[int(r, ctx.corpus.length)];
    if (other.length === 0) return b;
    const from = int(r, other.length);
    const n = 1 + int(r, Math.min(256, other.length - from));
    return splice(b, int(r, b.length + 1), r() < 0.5 ? 0 : n, other.subarray(from, from + n));
  },
  // insert or overwrite with a dictionary token
  (b, r, ctx) => {
    if (ctx.dictionary.length === 0) return b;
    const t = ctx.dictionary[int(r, ctx.dictionary.length)];
    return splice(b, int(r, b.length + 1), r() < 0.7 ? 0 : t.length, t);
  },
  // truncate
  (b, r) => b.subarray(0, int(r, b.length + 1)),
];

/** A mutant of `base` (never modified): 1..5 stacked operations, cut to maxLen. */
export function mutateBytes(base: Uint8Array, r: Rng, ctx: MutationContext): Uint8Array {
  // a copy (Buffer#slice would be a view: the in-place operations would damage the corpus)
  let b: Uint8Array = new Uint8Array(base);
  const n = 1 + int(r, 5);
  for (let i = 0; i < n; i++) b = OPS[int(r, OPS.length)](b, r, ctx);
  return b.length > ctx.maxLen ? b.subarray(0, ctx.maxLen) : b;
}
