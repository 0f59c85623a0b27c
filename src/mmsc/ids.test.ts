import { describe, expect, it } from 'vitest';
import { isValidId, newMessageId, newToken, newTransactionId } from './ids.ts';

describe('ids', () => {
  it('tokens are 24 base64url characters (144 bits) and valid file names', () => {
    const t = newToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(isValidId(t)).toBe(true);
  });

  it('message ids are time-base36 - 12 base64url characters; transaction ids carry their prefix', () => {
    expect(newMessageId()).toMatch(/^[0-9a-z]+-[A-Za-z0-9_-]{12}$/);
    expect(isValidId(newMessageId())).toBe(true);
    expect(newTransactionId('N')).toMatch(/^N[A-Za-z0-9_-]{12}$/);
    expect(newTransactionId()).toMatch(/^T[A-Za-z0-9_-]{12}$/);
  });

  it('never repeats across many refills of the random pool', () => {
    // 3000 tokens x 18 octets = 13 pool refills; a reused pool slice would repeat a token
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(newToken());
    for (let i = 0; i < 3000; i++) seen.add(newTransactionId(''));
    expect(seen.size).toBe(6000);
  });

  it('is not a constant or zero stream (octets spread over the alphabet)', () => {
    const chars = new Set(Array.from({ length: 200 }, () => newToken()).join(''));
    expect(chars.size).toBeGreaterThan(60);
    expect(newToken()).not.toBe('AAAAAAAAAAAAAAAAAAAAAAAA');
  });
});
