/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a small, fast, deterministic PRNG (32-bit state, 2^32 period). The one seeded PRNG
 * of the project: case seeds (src/harness/seeded.ts), PDU generators and fuzz inputs, so whatever
 * a seed drew, the same seed draws again.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
