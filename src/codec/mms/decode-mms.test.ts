import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomPdu, rng } from '../../../test/support/random-pdu.ts';
import { DecodeError } from '../codec-error.ts';
import { decodeMms, decodeMmsTableOnly } from './decode-mms.ts';
import { buildPdu, encodeMms, MMS_MESSAGE_TYPES } from './index.ts';

/** The outcome of a decode: the PDU, or the one DecodeError as its line. */
function outcome(decode: (b: Uint8Array) => unknown, b: Uint8Array): unknown {
  try {
    return { ok: decode(b) };
  } catch (e) {
    if (e instanceof DecodeError) return { error: e.toLine() };
    throw e;
  }
}

/** The inline fast paths must give exactly what the table's readers give: same PDU, or the same error. */
function expectSame(b: Uint8Array, label: string): void {
  expect(outcome(decodeMms, b), label).toEqual(outcome(decodeMmsTableOnly, b));
}

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const r = rng(0xfa57);
  for (const t of MMS_MESSAGE_TYPES) for (let i = 0; i < 4; i++) out.push(encodeMms(randomPdu(t, r)));
  const dir = path.resolve(import.meta.dirname, '../../../../shared/vectors/mms-pdus');
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!/\.(txt|md)$/.test(n) && statSync(p).size < 4096) out.push(new Uint8Array(readFileSync(p)));
    }
  };
  if (existsSync(dir)) walk(dir);
  else
    console.log('[decode-mms] ../shared/vectors/mms-pdus absent: differential test on generated PDUs only');
  return out;
}

const notification = () =>
  encodeMms(
    buildPdu('m-notification-ind', {
      'X-Mms-Transaction-Id': 'T0123456789abcdef',
      'X-Mms-MMS-Version': '1.2',
      From: '+15550001234/TYPE=PLMN',
      Subject: 'Holiday photos',
      'X-Mms-Message-Class': 'Personal',
      'X-Mms-Message-Size': 302144,
      'X-Mms-Expiry': { relative: 604800 },
      'X-Mms-Content-Location': 'http://mmsc.example.net/mms/retrieve?id=0123456789abcdef0123',
    }),
  );

describe('decodeMms fast paths agree with the table readers', () => {
  it('on generated PDUs and the real vectors', () => {
    const all = seeds();
    expect(all.length).toBeGreaterThan(90);
    for (const [i, b] of all.entries()) expectSame(b, `seed ${i}`);
  });

  it('on every truncation and on octet substitutions of the notification', () => {
    const b = notification();
    for (let n = 0; n <= b.length; n++) expectSame(b.subarray(0, n), `first ${n} octets`);
    // the octets the fast paths test: lengths, tokens, NUL, Quote, high bit, Length-quote
    const probes = [0x00, 0x01, 0x02, 0x03, 0x06, 0x07, 0x1e, 0x1f, 0x20, 0x7f, 0x80, 0x81, 0x82, 0xc1, 0xff];
    for (let at = 0; at < b.length; at++) {
      for (const v of probes) {
        const m = Uint8Array.from(b);
        m[at] = v;
        expectSame(m, `octet ${at} = 0x${v.toString(16)}`);
      }
    }
  });

  it('on random mutations of every seed (seeded, bounded)', () => {
    const r = rng(0xd1ff);
    const all = seeds();
    for (let k = 0; k < 4000; k++) {
      const src = all[k % all.length];
      const b = Uint8Array.from(src);
      const n = 1 + Math.floor(r() * 3);
      for (let i = 0; i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      expectSame(b.subarray(0, b.length - Math.floor(r() * 3)), `mutation ${k}`);
    }
  });

  it('Long-integers and times of every length class', () => {
    // m-notification-ind, Transaction-Id 'T', then X-Mms-Message-Size (0x8e) or X-Mms-Expiry (0x88) as given
    const head = [0x8c, 0x82, 0x98, 0x54, 0x00, 0x8d, 0x92];
    const longs = [
      [0x00],
      [0x01, 0x05],
      [0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x07, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x07, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
      [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x1e, ...new Array(30).fill(0)],
      [0x1f, 0x01, 0x00],
      [0x03, 0x01, 0x02],
    ];
    for (const l of longs) {
      expectSame(Uint8Array.from([...head, 0x8e, ...l]), `size ${l.slice(0, 2)}`);
      for (const t of [0x80, 0x81, 0x82]) {
        expectSame(Uint8Array.from([...head, 0x88, l.length + 1, t, ...l]), `expiry ${t} ${l.slice(0, 2)}`);
        expectSame(Uint8Array.from([...head, 0x88, l.length + 2, t, ...l, 0x00]), `expiry ${t} + 1`);
      }
    }
  });

  it('headers beyond one text window, and non-ASCII text', () => {
    const to = Array.from({ length: 40 }, (_, i) => `+1555000${String(i).padStart(4, '0')}/TYPE=PLMN`);
    const b = encodeMms(
      buildPdu('m-send-req', {
        'X-Mms-Transaction-Id': 'x'.repeat(700),
        'X-Mms-MMS-Version': '1.3',
        From: { insertAddress: true },
        To: to,
        Subject: 'Grüße aus Köln',
        'Content-Type': { mediaType: 'text/plain', params: [] },
      }),
    );
    expectSame(b, 'long send-req');
    const pdu = decodeMms(b);
    expect(pdu.headers.filter((h) => h.name === 'To').map((h) => h.value)).toEqual(to);
    expect(pdu.headers.find((h) => h.name === 'Subject')?.value).toBe('Grüße aus Köln');
  });

  it('text of every length and word alignment, with an octet 0x80 or 0xc3 at every place', () => {
    // m-notification-ind, Transaction-Id of 0..3 octets (shifts the Subject's alignment), Subject of n octets
    for (let shift = 0; shift < 4; shift++) {
      for (let n = 1; n <= 24; n++) {
        const head = [0x8c, 0x82, 0x98, ...new Array(shift).fill(0x41), 0x00, 0x96];
        const text = new Array(n).fill(0x61);
        expectSame(Uint8Array.from([...head, ...text, 0x00]), `shift ${shift} n ${n}`);
        expectSame(Uint8Array.from([...head, ...text]), `shift ${shift} n ${n} without NUL`);
        for (let at = 0; at < n; at++) {
          for (const v of [0x80, 0xc3, 0x7f, 0x01]) {
            const t = text.slice();
            t[at] = v;
            expectSame(
              Uint8Array.from([...head, ...t, 0x00, 0x89, 0x02, 0x80, 0x00]),
              `shift ${shift} n ${n} [${at}]=${v}`,
            );
          }
        }
      }
    }
  });

  it('a PDU above the scratch size and a shorter one after it (no stale octets read)', () => {
    const long = encodeMms(
      buildPdu('m-notification-ind', {
        'X-Mms-Transaction-Id': 'T'.repeat(1500),
        'X-Mms-MMS-Version': '1.2',
        'X-Mms-Message-Class': 'Personal',
        'X-Mms-Message-Size': 1,
        'X-Mms-Expiry': { relative: 1 },
        'X-Mms-Content-Location': `http://x/${'y'.repeat(1200)}`,
      }),
    );
    expectSame(long, 'long');
    for (const n of [1030, 1024, 1023, 1021, 600, 30, 7]) {
      outcome(decodeMms, long.subarray(0, 1020)); // fills the scratch with text octets (then fails: no NUL)
      expectSame(long.subarray(0, n), `first ${n} octets`);
    }
  });

  it('a buffer rewritten in place between calls decodes to its new text', () => {
    const b = notification();
    const first = decodeMms(b);
    const at = b.indexOf(0x54); // 'T' of the transaction id
    b[at] = 0x55; // 'U'
    const second = decodeMms(b);
    expect(first.headers[1].value).toBe('T0123456789abcdef');
    expect(second.headers[1].value).toBe('U0123456789abcdef');
    expectSame(b, 'rewritten');
  });
});

describe('an Application-header spelled like a field code (OMA-TS-MMS_ENC-V1_3 §7.1, WAP-230-WSP 8.4.2.6)', () => {
  // Application-header = Token-text Application-specific-value (a Text-string), whatever the name: the
  // decoder marks it textual and the encoder writes it back as text, not as the field code its name matches
  const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
  const cases: Array<[string, string, string]> = [
    ['a well-known name in another case (the fuzz finding)', '\x8c\x84to\x00\x00', ''],
    [
      'a well-known name whose Wap-value cannot hold the text',
      '\x8c\x84X-Mms-Message-Size\x00abc\x00',
      'abc',
    ],
    ['a name reading as an unknown field code', '\x8c\x84Unknown-0x41\x00x\x00', 'x'],
    ['a well-known name spelled as in the table', '\x8c\x84To\x00+1555\x00', '+1555'],
  ];
  for (const [label, octets, value] of cases) {
    it(label, () => {
      const b = latin1(octets);
      const pdu = decodeMms(b);
      const h = pdu.headers[1];
      expect(h.textual).toBe(true);
      expect(h.value).toBe(value);
      expect(decodeMmsTableOnly(b)).toEqual(pdu);
      // the same octets back, so the same PDU (before the fix: 0x97 To, a throw for the other two)
      const again = encodeMms(pdu, { validate: false });
      expect(Buffer.from(again).toString('latin1')).toBe(octets);
      expect(decodeMms(again)).toEqual(pdu);
    });
  }

  it('marks only the names that collide; the validator takes a textual header as an Application-header', () => {
    const pdu = decodeMms(latin1('\x8c\x85\x98t1\x00\x8d\x93X-Extra\x00v\x00X-Mms-Message-Size\x00abc\x00'));
    expect(pdu.headers.map((h) => h.textual)).toEqual([undefined, undefined, undefined, undefined, true]);
    expect(() => encodeMms(pdu)).not.toThrow();
    // a builder's header (no mark) of that name is the binary field, Long-integer value
    expect(() =>
      encodeMms({
        ...pdu,
        headers: [...pdu.headers.slice(0, 4), { name: 'X-Mms-Message-Size', value: 'abc' }],
      }),
    ).toThrow(/X-Mms-Message-Size/);
  });
});
