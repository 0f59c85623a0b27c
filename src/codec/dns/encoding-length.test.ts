import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DnsMessage,
  type DnsRecord,
  decodeDnsMessage,
  encodeDnsMessage,
  encodingLengthDnsMessage,
} from './dns-message.ts';

/** dns-packet's invariant: encodingLength(x) === encode(x).length, and decode gives x back. */

const label = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')),
  minLength: 1,
  maxLength: 20,
});
const name = fc.array(label, { minLength: 0, maxLength: 5 }).map((ls) => ls.join('.'));
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const charString = fc.string({ unit: fc.constantFrom(...'abcdefgh!sip:+E2U=\\'.split('')), maxLength: 40 });

const rdata: fc.Arbitrary<Pick<DnsRecord, 'type' | 'data'>> = fc.oneof(
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
    .map((p) => ({ type: 1, data: p.join('.') })),
  name.map((n) => ({ type: 2, data: n })),
  name.map((n) => ({ type: 5, data: n })),
  fc
    .record({ mname: name, rname: name, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 })
    .map((data) => ({ type: 6, data })),
  fc.record({ preference: u16, exchange: name }).map((data) => ({ type: 15, data })),
  fc.array(charString, { minLength: 1, maxLength: 3 }).map((data) => ({ type: 16, data })),
  fc
    .array(u16, { minLength: 8, maxLength: 8 })
    .map((g) => ({ type: 28, data: g.map((x) => x.toString(16)).join(':') })),
  fc.record({ priority: u16, weight: u16, port: u16, target: name }).map((data) => ({ type: 33, data })),
  fc
    .record({
      order: u16,
      preference: u16,
      flags: fc.constantFrom('U', 'S', ''),
      services: charString,
      regexp: charString,
      replacement: name,
    })
    .map((data) => ({ type: 35, data })),
  fc.uint8Array({ maxLength: 30 }).map((data) => ({ type: 99, data })),
);
const record: fc.Arbitrary<DnsRecord> = fc
  .record({ name, rd: rdata, class: fc.constant(1), ttl: u32 })
  .map((r) => ({ name: r.name, type: r.rd.type, class: r.class, ttl: r.ttl, data: r.rd.data }));
const message: fc.Arbitrary<DnsMessage> = fc.record({
  id: u16,
  flags: fc.record({
    qr: fc.boolean(),
    opcode: fc.integer({ min: 0, max: 15 }),
    aa: fc.boolean(),
    tc: fc.boolean(),
    rd: fc.boolean(),
    ra: fc.boolean(),
    z: fc.integer({ min: 0, max: 7 }),
    rcode: fc.integer({ min: 0, max: 15 }),
  }),
  questions: fc.array(fc.record({ name, type: fc.constantFrom(1, 28, 35, 255), class: fc.constant(1) }), {
    maxLength: 2,
  }),
  answers: fc.array(record, { maxLength: 4 }),
  authorities: fc.array(record, { maxLength: 2 }),
  additionals: fc.array(record, { maxLength: 2 }),
});

describe('DNS message (RFC 1035 §4.1)', () => {
  it('encodingLengthDnsMessage(x) === encodeDnsMessage(x).length; decode then encode gives the same octets', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeDnsMessage(m);
        expect(encodingLengthDnsMessage(m)).toBe(bytes.length);
        const back = decodeDnsMessage(bytes);
        expect(back.id).toBe(m.id);
        expect(back.answers.length).toBe(m.answers.length);
        expect(encodeDnsMessage(back)).toEqual(bytes);
      }),
      { numRuns: 500, seed: 1210 },
    );
  });
});
