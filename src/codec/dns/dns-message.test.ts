import { describe, expect, it } from 'vitest';
import { DecodeError } from '../codec-error.ts';
import {
  type DnsMessage,
  decodeDnsMessage,
  dnsToJson,
  encodeDnsMessage,
  rrTypeCode,
  rrTypeName,
} from './dns-message.ts';

const flags = { qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, z: 0, rcode: 0 };

const sample: DnsMessage = {
  id: 0xbeef,
  flags,
  questions: [{ name: '1.0.0.0.5.5.5.1.e164.arpa', type: 35, class: 1 }],
  answers: [
    {
      name: '1.0.0.0.5.5.5.1.e164.arpa',
      type: 35,
      class: 1,
      ttl: 60,
      data: {
        order: 10,
        preference: 10,
        flags: 'u',
        services: 'E2U+mms:mailto',
        regexp: '!^.*$!mailto:+15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs!',
        replacement: '',
      },
    },
    {
      name: 'mms.mnc001.mcc310.gprs',
      type: 15,
      class: 1,
      ttl: 60,
      data: { preference: 10, exchange: 'mms.mnc001.mcc310.gprs' },
    },
    { name: 'mms.mnc001.mcc310.gprs', type: 1, class: 1, ttl: 60, data: '127.0.0.1' },
    { name: 'x.example', type: 28, class: 1, ttl: 1, data: '2001:db8:0:0:0:0:0:1' },
    { name: 'x.example', type: 16, class: 1, ttl: 1, data: ['a', 'bc'] },
    {
      name: 'x.example',
      type: 33,
      class: 1,
      ttl: 1,
      data: { priority: 1, weight: 2, port: 25, target: 'mx.x.example' },
    },
    { name: 'x.example', type: 99, class: 1, ttl: 1, data: new Uint8Array([1, 2, 3]) },
  ],
  authorities: [
    {
      name: 'e164.arpa',
      type: 6,
      class: 1,
      ttl: 60,
      data: {
        mname: 'ns.e164.arpa',
        rname: 'h.e164.arpa',
        serial: 1,
        refresh: 2,
        retry: 3,
        expire: 4,
        minimum: 5,
      },
    },
  ],
  additionals: [{ name: 'ns.e164.arpa', type: 2, class: 1, ttl: 9, data: 'ns2.e164.arpa' }],
};

describe('DNS message codec', () => {
  it('round-trips every RR type in the table, and unknown types as raw bytes', () => {
    const bytes = encodeDnsMessage(sample);
    const back = decodeDnsMessage(bytes);
    expect(back).toEqual(sample);
    expect(encodeDnsMessage(back)).toEqual(bytes);
  });

  it('decodes compressed names (RFC 1035 §4.1.4)', () => {
    // query for a.example, answer name = pointer to offset 12
    const q = Buffer.from([
      0,
      1,
      0x81,
      0x80,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      1,
      0x61,
      7,
      ...Buffer.from('example'),
      0,
      0,
      1,
      0,
      1,
    ]);
    const ans = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
    const m = decodeDnsMessage(new Uint8Array(Buffer.concat([q, ans])));
    expect(m.answers[0]).toEqual({ name: 'a.example', type: 1, class: 1, ttl: 60, data: '127.0.0.1' });
  });

  it('refuses malformed input with one DecodeError each', () => {
    const cases: Array<[string, number[]]> = [
      ['empty', []],
      ['short header', [0, 1, 0, 0, 0, 1]],
      ['question missing', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]],
      ['label runs past the end', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61]],
      ['pointer loop', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]],
      ['forward pointer', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 40, 0, 1, 0, 1]],
      ['extended label type', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1]],
      ['trailing octets', [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]],
      ['A with 3 octets', [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3]],
    ];
    for (const [what, bytes] of cases) {
      let err: unknown;
      try {
        decodeDnsMessage(new Uint8Array(bytes));
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(DecodeError);
    }
  });

  it('is total on 20,000 seeded random and mutated inputs', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const valid = encodeDnsMessage(sample);
    for (let i = 0; i < 20_000; i++) {
      let buf: Uint8Array;
      if (i % 2 === 0) {
        buf = new Uint8Array(rnd() % 64);
        for (let j = 0; j < buf.length; j++) buf[j] = rnd() & 0xff;
      } else {
        buf = valid.slice(0, rnd() % (valid.length + 1));
        for (let k = 0; k < 3; k++) if (buf.length) buf[rnd() % buf.length] = rnd() & 0xff;
      }
      try {
        decodeDnsMessage(buf);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }
  });

  it('refuses to encode invalid names and addresses', () => {
    expect(() =>
      encodeDnsMessage({ ...sample, answers: [{ ...sample.answers[2], data: '127.0.0' }] }),
    ).toThrow(/IPv4/);
    expect(() =>
      encodeDnsMessage({ ...sample, questions: [{ name: `${'a'.repeat(64)}.x`, type: 1, class: 1 }] }),
    ).toThrow(/label/);
  });

  it('reads a label holding a dot or a backslash as an escape and writes the same octets back (RFC 1035 §5.1)', () => {
    const q = (name: Buffer) =>
      new Uint8Array(
        Buffer.concat([Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 1, 0, 1])]),
      );
    const cases: Array<[number[], string]> = [
      [[3, 0x61, 0x2e, 0x62, 7, ...Buffer.from('example'), 0], 'a\\.b.example'],
      [[1, 0x2e, 0], '\\.'],
      [[2, 0x61, 0x5c, 1, 0x2e, 0], 'a\\\\.\\.'],
      [[1, 0x61, 0], 'a'],
    ];
    for (const [octets, text] of cases) {
      const bytes = q(Buffer.from(octets));
      const m = decodeDnsMessage(bytes);
      expect(m.questions[0].name).toBe(text);
      expect(Buffer.from(encodeDnsMessage(m)).equals(Buffer.from(bytes))).toBe(true);
    }
    // written by hand: \DDD is one octet, a final unescaped dot is the root, an empty label is refused
    const enc = (name: string) =>
      encodeDnsMessage({ ...sample, answers: [], questions: [{ name, type: 1, class: 1 }] });
    expect(decodeDnsMessage(enc('a\\046b.example.')).questions[0].name).toBe('a\\.b.example');
    expect(() => enc('a..b')).toThrow(/label '' must be 1..63/);
    expect(() => enc('a\\')).toThrow(/lone/);
  });

  it('names types and renders JSON', () => {
    expect(rrTypeName(35)).toBe('NAPTR');
    expect(rrTypeName(4242)).toBe('TYPE4242');
    expect(rrTypeCode('mx')).toBe(15);
    const j = dnsToJson(sample);
    expect(j).toMatchObject({
      id: 0xbeef,
      rcode: 'NOERROR',
      opcode: 'QUERY',
      questions: [{ type: 'NAPTR' }],
    });
  });
});
