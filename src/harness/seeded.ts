import { randomInt } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import { englishFaker } from '../util/english-faker.ts';
import { fnv1a } from '../util/fnv1a.ts';
import { mulberry32 } from '../util/prng.ts';

export { fnv1a };

/** The seed of one case: independent of which other cases run and in what order. */
export function caseSeed(runSeed: number, caseId: string): number {
  return fnv1a(`${runSeed}:${caseId}`);
}

/**
 * A target that keeps its store between runs (external, container) remembers the numbers,
 * transaction ids and Message-IDs it saw, and rightly takes a repeated one for a retransmission
 * (OMA-TS-MMS_ENC §7.3.63 / 3GPP TS 23.140 §8.4.1: duplicate detection). Everything a case and its
 * peers draw comes from their seed, so a run repeated with the same --seed would replay every id
 * and be answered as a duplicate: against such a target the seed is mixed with a salt drawn once
 * per run (`runSalt`). The embedded target starts empty every run: the seed is kept as given, and
 * a seeded run writes the same octets every time.
 */
export function freshSeed(seed: number, salt: number | undefined): number {
  return salt === undefined ? seed : fnv1a(`${seed}:${salt}`);
}

/** A salt for freshSeed, drawn anew each call (once per run). */
export function runSalt(): number {
  return randomInt(2 ** 32 - 1);
}

/** The case PRNG (mulberry32), uniform in [0, 1). */
export const prng = mulberry32;

/** Everything a case draws from its seed: faker, MSISDNs, transaction ids. */
export interface CaseRandom {
  seed: number;
  faker: Faker;
  /**
   * A fresh E.164 MSISDN, distinct within the case: `prefix` (the target's subscriber range from
   * its ICS; default +1555, reserved for fiction) followed by random digits up to 12 digits in all.
   */
  msisdn(prefix?: string): string;
  /** A fresh transaction id (X-Mms-Transaction-ID style, 12 base-36 characters). */
  txid(): string;
}

const REF_DATE = new Date('2025-01-01T00:00:00Z');

export function caseRandom(seed: number): CaseRandom {
  const rnd = prng(seed);
  // Made on first use (most cases draw nothing from it): the same seed gives the same values.
  let faker: Faker | undefined;
  const used = new Set<string>();
  return {
    seed,
    get faker() {
      if (!faker) {
        faker = englishFaker(seed);
        faker.setDefaultRefDate(REF_DATE);
      }
      return faker;
    },
    msisdn(range?: string) {
      // 5 or more random digits under a range prefix (12 digits in all, E.164 allows 15)
      const prefix = range ?? '+1555';
      const digits = range === undefined ? 7 : Math.max(5, 12 - (prefix.length - 1));
      for (;;) {
        const n = `${prefix}${String(Math.floor(rnd() * 10 ** digits)).padStart(digits, '0')}`;
        if (!used.has(n)) {
          used.add(n);
          return n;
        }
      }
    },
    txid() {
      let s = '';
      for (let i = 0; i < 12; i++) s += Math.floor(rnd() * 36).toString(36);
      return s;
    },
  };
}
