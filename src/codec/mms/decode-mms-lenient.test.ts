import { describe, expect, it } from 'vitest';
import { randomPdu, rng } from '../../../test/support/random-pdu.ts';
import { DecodeError } from '../codec-error.ts';
import { decodeMms } from './decode-mms.ts';
import { decodeMmsLenient, lenientPdu, mmsDefectClause } from './decode-mms-lenient.ts';
import { encodeMms, getHeader, MMS_MESSAGE_TYPES, mmsToJson } from './index.ts';

/** Octets from numbers and ASCII text (text gets no NUL: write 0 where the grammar wants one). */
function b(...xs: Array<number | string>): Uint8Array {
  const out: number[] = [];
  for (const x of xs) {
    if (typeof x === 'number') out.push(x);
    else for (const c of x) out.push(c.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

// the pieces of an m-notification-ind (OMA-TS-MMS_ENC-V1_3 §6.2)
const TYPE = [0x8c, 0x82];
const TID = [0x98, 't1', 0];
const VER = [0x8d, 0x93];
const CLASS = [0x8a, 0x80];
const SIZE = [0x8e, 0x02, 0x01, 0x00];
const EXPIRY = [0x88, 0x05, 0x81, 0x03, 0x01, 0x51, 0x80];
const LOC = [0x83, 'http://x/1', 0];
const GOOD = b(...TYPE, ...TID, ...VER, ...CLASS, ...SIZE, ...EXPIRY, ...LOC);

/** Header names of what was recovered, and each defect as its `offset N: FIELD: reason` line. */
function summary(bytes: Uint8Array): { headers: string[]; defects: string[]; stoppedAt?: number } {
  const l = decodeMmsLenient(bytes);
  return {
    headers: l.headers.map((h) => h.name),
    defects: l.defects.map((d) => d.toLine()),
    ...(l.stoppedAt !== undefined ? { stoppedAt: l.stoppedAt } : {}),
  };
}

const ALL = [
  'X-Mms-Message-Type',
  'X-Mms-Transaction-Id',
  'X-Mms-MMS-Version',
  'X-Mms-Message-Class',
  'X-Mms-Message-Size',
  'X-Mms-Expiry',
  'X-Mms-Content-Location',
];
const without = (...names: string[]) => ALL.filter((n) => !names.includes(n));

describe('decodeMmsLenient: one line per malformed input (what is recovered, which defects)', () => {
  const cases: Array<[string, Uint8Array, ReturnType<typeof summary>]> = [
    ['well-formed', GOOD, { headers: ALL, defects: [] }],
    [
      'Message-Size as a Short-integer (Mbuni): one octet stepped over',
      b(...TYPE, ...TID, ...VER, ...CLASS, 0x8e, 0xf4, ...EXPIRY, ...LOC),
      {
        headers: without('X-Mms-Message-Size'),
        defects: ['offset 11: X-Mms-Message-Size: Long-integer length 244 not in 1..30'],
      },
    ],
    [
      'Expiry with a bad token inside its Value-length: the length steps over it',
      b(...TYPE, ...TID, ...VER, ...CLASS, ...SIZE, 0x88, 0x05, 0x82, 0x03, 0x01, 0x51, 0x80, ...LOC),
      {
        headers: without('X-Mms-Expiry'),
        defects: ['offset 16: X-Mms-Expiry: expected Absolute-token (128) or Relative-token (129), got 0x82'],
      },
    ],
    [
      'MMS-Version as text "1.2": stepped over to its NUL',
      b(...TYPE, ...TID, 0x8d, '1.2', 0, ...CLASS, ...SIZE, ...EXPIRY, ...LOC),
      {
        headers: without('X-Mms-MMS-Version'),
        defects: ['offset 7: X-Mms-MMS-Version: expected Short-integer version, got 0x31'],
      },
    ],
    [
      'From with an address-present text without NUL inside its Value-length',
      b(...TYPE, ...TID, ...VER, 0x89, 0x03, 0x80, 'ab', ...CLASS, ...SIZE, ...EXPIRY, ...LOC),
      {
        headers: ALL,
        defects: ['offset 11: From: Text-string without End-of-string (NUL)'],
      },
    ],
    [
      'two defects: both stepped over',
      b(...TYPE, ...TID, 0x8d, '1.2', 0, ...CLASS, 0x8e, 0xf4, ...EXPIRY, ...LOC),
      {
        headers: without('X-Mms-MMS-Version', 'X-Mms-Message-Size'),
        defects: [
          'offset 7: X-Mms-MMS-Version: expected Short-integer version, got 0x31',
          'offset 14: X-Mms-Message-Size: Long-integer length 244 not in 1..30',
        ],
      },
    ],
    [
      'unknown message type 0xA0: the headers still read, no type',
      b(0x8c, 0xa0, ...TID, ...VER),
      {
        headers: ['X-Mms-Message-Type', 'X-Mms-Transaction-Id', 'X-Mms-MMS-Version'],
        defects: ['offset 1: X-Mms-Message-Type: unknown message type 0xa0'],
      },
    ],
    [
      'no message type at all',
      b(...TID, ...VER),
      {
        headers: ['X-Mms-Transaction-Id', 'X-Mms-MMS-Version'],
        defects: ['offset 0: X-Mms-Message-Type: missing (one of 24 message types is required)'],
      },
    ],
    ['empty', b(), { headers: [], defects: ['offset 0: X-Mms-Message-Type: empty PDU'] }],
    [
      'Content-Location without NUL at the end: nothing delimits it, reading stops',
      b(...TYPE, ...TID, ...VER, 0x83, 'http://x'),
      {
        headers: ['X-Mms-Message-Type', 'X-Mms-Transaction-Id', 'X-Mms-MMS-Version'],
        defects: ['offset 9: X-Mms-Content-Location: Text-string without End-of-string (NUL)'],
        stoppedAt: 8,
      },
    ],
    [
      'Message-Size cut short: stops there',
      b(...TYPE, ...TID, ...VER, 0x8e, 0x04, 0x01),
      {
        headers: ['X-Mms-Message-Type', 'X-Mms-Transaction-Id', 'X-Mms-MMS-Version'],
        defects: ['offset 10: X-Mms-Message-Size: needs 4 octet(s), 1 left'],
        stoppedAt: 8,
      },
    ],
    [
      'an octet that starts no header (0x05): stops there',
      b(...TYPE, ...TID, 0x05, ...VER),
      {
        headers: ['X-Mms-Message-Type', 'X-Mms-Transaction-Id'],
        defects: ['offset 6: header: octet 0x05 is neither a field code nor a token'],
        stoppedAt: 6,
      },
    ],
    [
      'an octet 0x1F where a Short-integer enum is due: its Length-quote is followed, reading stops',
      b(...TYPE, ...VER, 0x8a, 0x1f, 0x8f),
      {
        headers: ['X-Mms-Message-Type', 'X-Mms-MMS-Version'],
        defects: ['offset 5: X-Mms-Message-Class: expected a Message-class value (Short-integer), got 0x1f'],
        stoppedAt: 4,
      },
    ],
    [
      'application header whose value has no NUL: reading stops',
      b(...TYPE, ...VER, 'X-A', 0, 'v'),
      {
        headers: ['X-Mms-Message-Type', 'X-Mms-MMS-Version'],
        defects: ['offset 8: X-A: Text-string without End-of-string (NUL)'],
        stoppedAt: 4,
      },
    ],
  ];
  it.each(cases)('%s', (_label, bytes, want) => {
    expect(summary(bytes)).toEqual(want);
  });

  it('the Mbuni notification still gives the handset its type, transaction and content location', () => {
    const l = decodeMmsLenient(b(...TYPE, ...TID, ...VER, ...CLASS, 0x8e, 0xf4, ...EXPIRY, ...LOC));
    const pdu = lenientPdu(l);
    expect(pdu?.type).toBe('m-notification-ind');
    expect(getHeader(pdu!, 'X-Mms-Transaction-Id')).toBe('t1');
    expect(getHeader(pdu!, 'X-Mms-Content-Location')).toBe('http://x/1');
    expect(getHeader(pdu!, 'X-Mms-Message-Size')).toBeUndefined();
    expect(l.defects[0]).toBeInstanceOf(DecodeError);
    expect(l.defects[0]).toMatchObject({ offset: 11, field: 'X-Mms-Message-Size' });
    expect(mmsDefectClause('X-Mms-Message-Size')).toBe(
      'OMA-TS-MMS_ENC-V1_3 §7.3 (X-Mms-Message-Size: Long-integer)',
    );
  });

  it('a multipart body keeps the entries that decode', () => {
    // m-retrieve-conf, Content-Type application/vnd.wap.multipart.mixed (0xA3), 3 entries, the 2nd with a bad content type
    const entry = (ct: number[], data: string) => [ct.length, data.length, ...ct, data];
    const bytes = b(
      0x8c,
      0x84,
      ...VER,
      0x85,
      0x01,
      0x01,
      0x84,
      0xa3,
      0x03,
      ...entry([0x83], 'hi'),
      ...entry([0x1e], 'xx'),
      ...entry([0x83], 'yo'),
    );
    const l = decodeMmsLenient(bytes);
    expect(l.parts?.map((p) => new TextDecoder().decode(p.data))).toEqual(['hi', 'yo']);
    expect(l.defects.map((d) => d.field)).toEqual(['body[1].Content-Type']);
    expect(() => decodeMms(bytes)).toThrow(DecodeError);
  });
});

describe('decodeMmsLenient is total and agrees with decodeMms (seeded, bounded)', () => {
  it('valid PDUs: the same PDU, no defects; mutated ones: never throws, strict error = first defect', () => {
    const r = rng(0x1e41);
    const corpus: Uint8Array[] = [];
    for (const t of MMS_MESSAGE_TYPES) for (let i = 0; i < 3; i++) corpus.push(encodeMms(randomPdu(t, r)));
    for (const bytes of corpus) {
      const l = decodeMmsLenient(bytes);
      expect(l.defects).toEqual([]);
      expect(mmsToJson(lenientPdu(l)!)).toEqual(mmsToJson(decodeMms(bytes)));
    }
    let broken = 0;
    for (let i = 0; i < 20_000; i++) {
      const src = corpus[Math.floor(r() * corpus.length)];
      const m = Uint8Array.from(src);
      const k = Math.floor(r() * 4);
      let bytes: Uint8Array = m;
      if (k === 0) bytes = m.subarray(0, Math.floor(r() * m.length));
      else if (k === 1) for (let j = 0; j < 3; j++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
      else if (k === 2)
        m[Math.floor(r() * m.length)] = [0x00, 0x1f, 0x7f, 0x80, 0xff, 0x1e, 0xf4][Math.floor(r() * 7)];
      else {
        bytes = new Uint8Array(Math.floor(r() * 64));
        for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(r() * 256);
      }
      const l = decodeMmsLenient(bytes); // must not throw
      let strict: unknown;
      try {
        strict = decodeMms(bytes);
      } catch (e) {
        strict = e;
      }
      if (strict instanceof DecodeError) {
        broken++;
        expect(l.defects.length).toBeGreaterThan(0);
        // in a multipart body the lenient reader goes entry by entry and may word its first defect differently
        if (!l.defects[0].field.startsWith('body')) expect(l.defects[0].toLine()).toBe(strict.toLine());
      } else {
        expect(l.defects).toEqual([]);
      }
      for (const d of l.defects) expect(d).toBeInstanceOf(DecodeError);
    }
    expect(broken).toBeGreaterThan(1000);
  }, 60_000);
});
