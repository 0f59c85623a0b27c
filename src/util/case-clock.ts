import { fnv1a } from './fnv1a.ts';
import { mulberry32 } from './prng.ts';

/**
 * Where a node's timestamps come from. Every Date header, absolute expiry, MM7 TimeStamp and
 * Message-ID time part the reference MMSC and the peers write is read from one: the system clock
 * in production, the case's clock in a seeded run, so two runs with the same seed write the same
 * octets (issue 20, reproducible runs).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, as Date.now(). */
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** 2025-01-01T00:00:00Z: where a seeded case's clock starts (plus up to ~12 days from the seed). */
const CASE_EPOCH_MS = Date.UTC(2025, 0, 1);

/**
 * The clock of one seeded case: it reads a time derived from the seed (a whole second) at its
 * first reading and runs at the wall clock's rate from there, so intervals (expiries, delivery
 * times, retry delays) last as long as on the system clock. Shared by the target and the peers
 * of the case, so what one writes the other reads on the same time line. What a case does within
 * the first second after its first reading carries the same times in every run of the seed.
 */
export function caseClock(seed: number): Clock {
  const epoch = CASE_EPOCH_MS + (fnv1a(`clock:${seed >>> 0}`) % 1_048_576) * 1000;
  let origin: number | undefined;
  return {
    now() {
      const t = performance.now();
      origin ??= t;
      return epoch + Math.floor(t - origin);
    },
  };
}

/** A uniform [0, 1) source: Math.random in production, a seeded stream in a seeded run. */
export type RandomSource = () => number;

/**
 * The seeded stream `name` of a case (one per node: `mmsc`, `ue.alice`, `remote-mmsc`...), so what
 * one node draws does not depend on what the others drew.
 */
export function seededStream(seed: number, name: string): RandomSource {
  return mulberry32(fnv1a(`${seed >>> 0}:${name}`));
}

/** `n` octets from a random source. */
export function randomOctets(random: RandomSource, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}
