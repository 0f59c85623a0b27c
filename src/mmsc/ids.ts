import { randomBytes } from 'node:crypto';

/**
 * Identifiers the MMSC hands out. Message-IDs and content-location tokens are random
 * base64url strings: the token carries 144 random bits (> the 128 the content location
 * needs to be unguessable), and every id that names a file is validated against
 * ID_PATTERN before it touches the filesystem (no path traversal).
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** 144 random bits as 24 base64url characters. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/** A Message-ID (OMA-TS-MMS_ENC 1.3 §7.3.29: text, unique within the MMSC). */
export function newMessageId(): string {
  return `${Date.now().toString(36)}-${randomBytes(9).toString('base64url')}`;
}

/** A transaction id for PDUs the MMSC originates (notifications, reports). */
export function newTransactionId(prefix = 'T'): string {
  return `${prefix}${randomBytes(9).toString('base64url')}`;
}
