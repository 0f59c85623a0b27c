import { randomBytes, randomFillSync } from 'node:crypto';
import { type Clock, type RandomSource, randomOctets, SYSTEM_CLOCK } from '../util/case-clock.ts';

/**
 * Identifiers the MMSC hands out. Message-IDs and content-location tokens are random
 * base64url strings: the token carries 144 random bits (> the 128 the content location
 * needs to be unguessable), and every id that names a file is validated against
 * ID_PATTERN before it touches the filesystem (no path traversal).
 *
 * The random octets come from the CSPRNG (crypto.randomFillSync) in 4 KiB batches, each
 * octet handed out once: one system call per ~80 messages instead of three per message.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let used = POOL_SIZE;

/** `n` fresh random octets (n <= POOL_SIZE) as base64url. */
function randomBase64url(n: number): string {
  if (used + n > POOL_SIZE) {
    randomFillSync(pool);
    used = 0;
  }
  const s = pool.toString('base64url', used, used + n);
  // wipe what was handed out, so nothing in memory can reveal an issued id twice
  pool.fill(0, used, used + n);
  used += n;
  return s;
}

/** 144 random bits as 24 base64url characters. */
export function newToken(): string {
  return randomBase64url(18);
}

/** What a content-location token looks like (newToken's 24 characters, with room to grow). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/** The token of one of our content locations (`{base}/{token}`), or undefined. */
export function tokenOfLocation(location: string): string | undefined {
  const token = location.slice(location.lastIndexOf('/') + 1);
  return TOKEN_PATTERN.test(token) ? token : undefined;
}

/** A Message-ID (OMA-TS-MMS_ENC 1.3 §7.3.29: text, unique within the MMSC). */
export function newMessageId(): string {
  return `${Date.now().toString(36)}-${randomBase64url(9)}`;
}

/** A transaction id for PDUs the MMSC originates (notifications, reports). */
export function newTransactionId(prefix = 'T'): string {
  return `${prefix}${randomBase64url(9)}`;
}

/**
 * The identifiers of one MMSC: from the CSPRNG and the system clock (the functions above), or, in
 * a seeded run, from the case's random stream and clock, so the same seed hands out the same ids.
 */
export interface IdSource {
  newToken(): string;
  newMessageId(): string;
  newTransactionId(prefix?: string): string;
  /** `n` random octets as hex (uniqueness parts of queue ids, PAP push ids, boundaries). */
  hex(n: number): string;
}

export const SYSTEM_IDS: IdSource = {
  newToken,
  newMessageId,
  newTransactionId,
  hex: (n) => randomBytes(n).toString('hex'),
};

/** Ids drawn from `random` (a seeded stream), the time part of Message-IDs (seconds) from `clock`. */
export function seededIds(random: RandomSource, clock: Clock = SYSTEM_CLOCK): IdSource {
  const b64 = (n: number) => Buffer.from(randomOctets(random, n)).toString('base64url');
  return {
    newToken: () => b64(18),
    // the time part to the second: what a case does within a second reads the same in every run
    newMessageId: () => `${Math.floor(clock.now() / 1000).toString(36)}-${b64(9)}`,
    newTransactionId: (prefix = 'T') => `${prefix}${b64(9)}`,
    hex: (n) => Buffer.from(randomOctets(random, n)).toString('hex'),
  };
}
