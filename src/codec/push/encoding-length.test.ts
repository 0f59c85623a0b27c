import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSmsUserData,
  decodeWspPush,
  encodeSmsUserData,
  encodeUdh,
  encodeWspPush,
  encodingLengthSmsUserData,
  encodingLengthUdh,
  encodingLengthWspPush,
  type Udh,
  type UdhElement,
  type WspPush,
} from './index.ts';

/** dns-packet's invariant for each codec here: encodingLength(x) === encode(x).length, and decode gives x back. */

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
// concat seq within 1..total, as the decoder requires (TS 23.040 §9.2.3.24.1)
const concat = (kind: 'concat8' | 'concat16', ref: fc.Arbitrary<number>) =>
  fc
    .record({ ref, total: fc.integer({ min: 1, max: 255 }), seq: fc.integer({ min: 1, max: 255 }) })
    .map((c): UdhElement => ({ kind, ref: c.ref, total: Math.max(c.total, c.seq), seq: c.seq }));
const element: fc.Arbitrary<UdhElement> = fc.oneof(
  concat('concat8', u8),
  concat('concat16', u16),
  fc.record({ destination: u8, source: u8 }).map((p): UdhElement => ({ kind: 'port8', ...p })),
  fc.record({ destination: u16, source: u16 }).map((p): UdhElement => ({ kind: 'port16', ...p })),
  fc
    .record({ iei: fc.integer({ min: 0x70, max: 0x9f }), data: fc.uint8Array({ maxLength: 12 }) })
    .map((o): UdhElement => ({ kind: 'other', ...o })),
);
// at most one concatenation element: the decoder reads the first one
const udhArb: fc.Arbitrary<Udh> = fc
  .array(element, { maxLength: 5 })
  .map((els) => ({
    elements: els.filter(
      (e, i) => !e.kind.startsWith('concat') || els.findIndex((x) => x.kind.startsWith('concat')) === i,
    ),
  }));

describe('UDH (3GPP TS 23.040 §9.2.3.24)', () => {
  it('encodingLengthUdh(x) === encodeUdh(x).length', () => {
    fc.assert(
      fc.property(udhArb, (udh) => {
        expect(encodingLengthUdh(udh)).toBe(encodeUdh(udh).length);
      }),
      { numRuns: 500, seed: 1207 },
    );
  });
});

describe('SMS user data (TP-UD / short_message)', () => {
  it('encodingLengthSmsUserData(x) === encodeSmsUserData(x).length; decode gives it back', () => {
    fc.assert(
      fc.property(
        fc.option(udhArb, { nil: undefined }),
        fc.uint8Array({ maxLength: 140 }),
        (udh, payload) => {
          const ud = { udh, payload };
          const bytes = encodeSmsUserData(ud);
          expect(encodingLengthSmsUserData(ud)).toBe(bytes.length);
          const back = decodeSmsUserData(bytes, udh !== undefined);
          expect(back.udh).toEqual(udh);
          expect(back.payload).toEqual(payload);
        },
      ),
      { numRuns: 500, seed: 1208 },
    );
  });
});

const text = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789:/.-'.split('')),
  maxLength: 30,
});
const pushArb: fc.Arbitrary<WspPush> = fc.record({
  tid: fc.option(u8, { nil: undefined }),
  pduType: fc.constantFrom('Push' as const, 'ConfirmedPush' as const),
  contentType: fc.record({
    mediaType: fc.constantFrom(
      'application/vnd.wap.mms-message',
      'application/vnd.wap.sic',
      'text/plain',
      'application/x-unknown-type',
    ),
    params: fc.constant([]),
  }),
  headers: fc.array(
    fc.oneof(
      fc.record({
        name: fc.constant('X-Wap-Application-Id'),
        value: fc.oneof(
          fc.integer({ min: 0, max: 0x7fff }),
          text.map((t) => `x-wap-application:${t}`),
        ),
      }),
      fc.record({ name: fc.constant('Content-Location'), value: text }),
      fc.record({ name: fc.constant('Content-Length'), value: fc.integer({ min: 0, max: 0xffffff }) }),
    ),
    { maxLength: 3 },
  ),
  body: fc.uint8Array({ maxLength: 300 }),
});

describe('WSP push PDU (WAP-230 §8.2.4.1)', () => {
  it('encodingLengthWspPush(x) === encodeWspPush(x).length; decode gives the body and TID back', () => {
    fc.assert(
      fc.property(pushArb, (push) => {
        const bytes = encodeWspPush(push);
        expect(encodingLengthWspPush(push)).toBe(bytes.length);
        const back = decodeWspPush(bytes, { connectionless: push.tid !== undefined });
        expect(back.tid).toBe(push.tid);
        expect(back.body).toEqual(push.body);
        expect(back.headers.length).toBe(push.headers.length);
      }),
      { numRuns: 500, seed: 1209 },
    );
  });

  it('a HeadersLen past one uintvar octet (128+ header octets) is counted right', () => {
    const push: WspPush = {
      tid: 1,
      pduType: 'Push',
      contentType: { mediaType: 'application/vnd.wap.mms-message', params: [] },
      headers: [{ name: 'Content-Location', value: 'x'.repeat(200) }],
      body: new Uint8Array(3),
    };
    expect(encodingLengthWspPush(push)).toBe(encodeWspPush(push).length);
  });
});
