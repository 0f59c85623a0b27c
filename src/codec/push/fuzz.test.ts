import { describe, expect, it } from 'vitest';
// The seeded PRNG (mulberry32) so a failure reproduces from the printed seed.
import { rng } from '../../../test/support/fuzz-inputs.ts';
import { DecodeError } from '../codec-error.ts';
import { decodeSmsUserData } from './sms-user-data.ts';
import { wapPushToSms } from './wap-push-sms.ts';
import { decodeWspPush, decodeWspPushLenient, encodeWspPush, mmsNotificationPush } from './wsp-push.ts';

const SEED = Number(process.env.MMSCERT_FUZZ_SEED ?? 20261122);
const N = 60_000;

describe(`push decoders are total (fuzz, seed ${SEED}, ${N} inputs per decoder)`, () => {
  const rand = rng(SEED);
  const seeds = [
    encodeWspPush(mmsNotificationPush(new Uint8Array([0x8c, 0x82, 0x98, 0x41, 0x00, 0x8d, 0x92]), 3)),
    ...wapPushToSms(new Uint8Array(300).fill(0x41), { ref: 9 }),
    ...wapPushToSms(new Uint8Array(300).fill(0x42), { ref: 999, refBits: 16 }),
  ];
  const input = (): Uint8Array => {
    if (rand() < 0.3)
      return Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
    const base = Uint8Array.from(seeds[Math.floor(rand() * seeds.length)]);
    const edits = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < edits; i++) base[Math.floor(rand() * base.length)] = Math.floor(rand() * 256);
    return rand() < 0.2 ? base.subarray(0, Math.floor(rand() * base.length)) : base;
  };

  it.each([
    ['decodeWspPush', (b: Uint8Array) => decodeWspPush(b)],
    ['decodeSmsUserData', (b: Uint8Array) => decodeSmsUserData(b)],
  ] as const)('%s: only DecodeError', (_name, decode) => {
    let errors = 0;
    for (let i = 0; i < N; i++) {
      const b = input();
      try {
        decode(b);
      } catch (e) {
        if (!(e instanceof DecodeError))
          throw new Error(`input ${Buffer.from(b).toString('hex')}: ${String(e)}`);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(N);
  });

  it('decodeWspPushLenient never throws, and has defects exactly when decodeWspPush throws', () => {
    let defective = 0;
    for (let i = 0; i < N / 4; i++) {
      const b = input();
      let strict = true;
      try {
        decodeWspPush(b);
      } catch {
        strict = false;
      }
      const l = decodeWspPushLenient(b);
      expect(l.defects.length === 0, Buffer.from(b).toString('hex')).toBe(strict);
      if (!strict) defective++;
    }
    expect(defective).toBeGreaterThan(0);
  });
});
