import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../codec-error.ts';
import { mimePart } from '../mime/build-mime.ts';
import type { MimeEntity } from '../mime/mime-entity.ts';
import { buildMm4, getMm4Header } from './build-mm4.ts';
import { decodeMm4 } from './decode-mm4.ts';
import { encodeMm4 } from './encode-mm4.ts';
import { formatMm4Address, parseMm4Address, splitAddressList } from './mm4-address.ts';
import { MM4_HEADERS } from './mm4-headers.ts';
import type { Mm4Message, Mm4MessageType } from './mm4-message.ts';
import { mm4ToJson } from './mm4-to-json.ts';
import { formatRfc5322Date, parseRfc5322Date } from './rfc5322-date.ts';
import { validateMm4 } from './validate-mm4.ts';

const DATE = formatRfc5322Date(new Date(Date.UTC(2026, 10, 22, 2, 58, 52)));
const COMMON = {
  'X-Mms-3GPP-MMS-Version': '6.16.0',
  'X-Mms-Transaction-ID': 'tx-0001',
  'X-Mms-Message-ID': 'msg-0001@mmsc.one.example',
  Sender: 'system-user@mms.mnc001.mcc262.gprs',
};
const SMIL = '<smil><body><par><img src="cid:pic"/><text src="cid:txt"/></par></body></smil>';
const CONTENT: MimeEntity = {
  headers: [],
  contentType: 'multipart/related',
  params: { type: 'application/smil', start: '<smil>' },
  body: new Uint8Array(0),
  parts: [
    mimePart('application/smil', SMIL, { contentId: 'smil' }),
    mimePart('text/plain', 'Grüße aus Köln', { contentId: 'txt', contentLocation: 'text.txt' }),
    mimePart(
      'image/jpeg',
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]),
      {
        contentId: 'pic',
      },
    ),
  ],
};

function forward(extra: Record<string, string> = {}): Mm4Message {
  return buildMm4(
    'MM4_forward.REQ',
    {
      ...COMMON,
      To: '+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs, alice@example.org',
      Cc: '"Bob B." <+491719876543/TYPE=PLMN@mms.mnc002.mcc262.gprs>',
      From: '+15550001111/TYPE=PLMN@mms.mnc001.mcc262.gprs',
      Date: DATE,
      'Message-ID': '<msg-0001@mmsc.one.example>',
      Subject: 'Grüße — ☂ unterwegs',
      'X-Mms-Message-Class': 'Personal',
      'X-Mms-Expiry': '604800',
      'X-Mms-Delivery-Report': 'Yes',
      'X-Mms-Read-Reply': 'No',
      'X-Mms-Priority': 'High',
      'X-Mms-Ack-Request': 'Yes',
      'X-Mms-Forward-Counter': '1',
      'X-Mms-Previously-sent-by': '0, +15550002222/TYPE=PLMN',
      'X-Mms-Previously-sent-date-and-time': `0, ${DATE}`,
      'X-Mms-Originator-System': 'system-user@mms.mnc001.mcc262.gprs',
      ...extra,
    },
    CONTENT,
  );
}

const SAMPLES: Record<Mm4MessageType, () => Mm4Message> = {
  'MM4_forward.REQ': () => forward(),
  'MM4_forward.RES': () =>
    buildMm4('MM4_forward.RES', {
      ...COMMON,
      To: 'system-user@mms.mnc001.mcc262.gprs',
      'X-Mms-Request-Status-Code': 'Ok',
      'X-Mms-Status-Text': 'Message accepted',
      'X-Mms-Originator-Recipient-Address': '+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs',
    }),
  'MM4_delivery_report.REQ': () =>
    buildMm4('MM4_delivery_report.REQ', {
      ...COMMON,
      From: '+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs',
      To: '+15550001111/TYPE=PLMN@mms.mnc001.mcc262.gprs',
      Date: DATE,
      'X-Mms-Ack-Request': 'Yes',
      'X-Mms-MMS-Status': 'Retrieved',
    }),
  'MM4_delivery_report.RES': () =>
    buildMm4('MM4_delivery_report.RES', {
      ...COMMON,
      To: 'system-user@mms.mnc002.mcc262.gprs',
      'X-Mms-Request-Status-Code': 'Ok',
    }),
  'MM4_read_reply_report.REQ': () =>
    buildMm4('MM4_read_reply_report.REQ', {
      ...COMMON,
      From: '+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs',
      To: '+15550001111/TYPE=PLMN@mms.mnc001.mcc262.gprs',
      Date: DATE,
      'X-Mms-Read-Status': 'Deleted without being read',
    }),
  'MM4_read_reply_report.RES': () =>
    buildMm4('MM4_read_reply_report.RES', {
      ...COMMON,
      To: 'system-user@mms.mnc002.mcc262.gprs',
      'X-Mms-Request-Status-Code': 'Error-message-not-found',
    }),
};

describe('MM4 round trips, one per message type', () => {
  for (const [type, make] of Object.entries(SAMPLES)) {
    it(type, () => {
      const msg = make();
      expect(validateMm4(msg)).toEqual([]);
      const raw = encodeMm4(msg);
      const text = Buffer.from(raw).toString('latin1');
      expect(text).toMatch(/^X-Mms-3GPP-MMS-Version: 6\.16\.0\r\nX-Mms-Message-Type: /);
      expect(text.split('\r\n').every((l) => l.length <= 998)).toBe(true);
      expect(/[^\r]\n/.test(text)).toBe(false);
      const back = decodeMm4(raw);
      expect(back.type).toBe(type);
      expect(back.headers).toEqual(msg.headers);
      if (msg.content) {
        expect(back.content?.contentType).toBe('multipart/related');
        expect(back.content?.parts?.map((p) => [p.contentType, p.contentId])).toEqual([
          ['application/smil', 'smil'],
          ['text/plain', 'txt'],
          ['image/jpeg', 'pic'],
        ]);
        expect(new TextDecoder().decode(back.content?.parts?.[1].body)).toBe('Grüße aus Köln');
        expect([...(back.content?.parts?.[2].body ?? [])]).toEqual([...(msg.content.parts?.[2].body ?? [])]);
      }
      expect(encodeMm4(back)).toEqual(raw);
    });
  }
});

describe('an independent parser (postal-mime) reads what we emit', () => {
  it('keeps every X-Mms-* header, the RFC 2047 subject and the parts', async () => {
    const msg = forward();
    const email = await PostalMime.parse(encodeMm4(msg));
    for (const h of msg.headers) {
      const got = email.headers.find((x) => x.key === h.name.toLowerCase());
      expect(got, h.name).toBeDefined();
      if (h.name.startsWith('X-Mms-')) expect(got?.value).toBe(h.value);
    }
    expect(email.subject).toBe('Grüße — ☂ unterwegs');
    expect(email.to?.map((a) => ('address' in a ? a.address : ''))).toEqual([
      '+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs',
      'alice@example.org',
    ]);
    expect(email.text).toContain('Grüße aus Köln');
    const jpeg = email.attachments.find((a) => a.mimeType === 'image/jpeg');
    expect(jpeg?.contentId).toBe('<pic>');
    expect([...new Uint8Array(jpeg?.content as ArrayBuffer)].slice(0, 2)).toEqual([0xff, 0xd8]);
  });
});

describe('validateMm4 (the header table as rules)', () => {
  const issues = (m: Mm4Message) => validateMm4(m).map((i) => `${i.field}: ${i.reason}`);
  it.each([
    [
      'missing mandatory header',
      () => buildMm4('MM4_forward.RES', { ...COMMON, To: 'a@b.c' }),
      'X-Mms-Request-Status-Code: mandatory',
    ],
    [
      'bad status code',
      () => forward({ 'X-Mms-Priority': 'Urgent' }),
      'X-Mms-Priority: not one of Low, Normal, High',
    ],
    ['bad PLMN address', () => forward({ From: '+49abc/TYPE=PLMN@x.y' }), 'From: not an MM4 address'],
    ['bad date', () => forward({ Date: 'yesterday' }), 'Date: not an RFC 5322 date-time'],
    [
      'bad version',
      () => forward({ 'X-Mms-3GPP-MMS-Version': '6' }),
      'X-Mms-3GPP-MMS-Version: not a 3GPP version',
    ],
    [
      'header of another message type',
      () => forward({ 'X-Mms-MMS-Status': 'Retrieved' }),
      'X-Mms-MMS-Status: not defined for MM4_forward.REQ',
    ],
    [
      'no recipients',
      () => buildMm4('MM4_forward.REQ', { ...COMMON, From: 'a@b.c', Date: DATE }, CONTENT),
      'To: a forward needs at least one recipient',
    ],
    ['no content', () => ({ ...forward(), content: undefined }), 'Content-Type: a forward carries content'],
    [
      'bad Message-ID',
      () => forward({ 'Message-ID': 'no-brackets@x' }),
      'Message-ID: not an RFC 5322 msg-id',
    ],
  ])('%s', (_n, make, expected) => {
    expect(issues(make()).join('\n')).toContain(expected);
  });
  it('encodeMm4 refuses an invalid message unless told not to validate', () => {
    const bad = forward({ 'X-Mms-Priority': 'Urgent' });
    expect(() => encodeMm4(bad)).toThrow(EncodeError);
    const raw = Buffer.from(encodeMm4(bad, { validate: false })).toString('latin1');
    expect(raw).toContain('X-Mms-Priority: Urgent\r\n');
  });
  it('encodeMm4 never writes header injection', () => {
    expect(() => encodeMm4(forward({ Subject: 'a\r\nBcc: x@y.z' }), { validate: false })).toThrow(/CR or LF/);
  });
  it('every table row names at least one message and a clause', () => {
    for (const r of MM4_HEADERS) {
      expect(Object.keys(r.messages).length, r.name).toBeGreaterThan(0);
      expect(r.clause, r.name).not.toBe('');
      if (r.codec === 'enum') expect(r.values?.length, r.name).toBeGreaterThan(0);
    }
  });
});

describe('decodeMm4 input forms and refusals', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('accepts bare LF, folded headers, lower-case names, encoded words in Q form', () => {
    const m = decodeMm4(
      enc(
        'x-mms-message-type: MM4_delivery_report.RES\nx-mms-transaction-id:\n  t-1\nSUBJECT: =?ISO-8859-1?Q?Gr=FC=DFe?= =?UTF-8?B?IOKYgg==?=\nX-Custom: kept\n\n',
      ),
    );
    expect(m.type).toBe('MM4_delivery_report.RES');
    expect(getMm4Header(m, 'X-Mms-Transaction-ID')).toBe('t-1');
    expect(getMm4Header(m, 'Subject')).toBe('Grüße ☂');
    expect(m.headers.map((h) => h.name)).toEqual([
      'X-Mms-Message-Type',
      'X-Mms-Transaction-ID',
      'Subject',
      'X-Custom',
    ]);
    expect(mm4ToJson(m)).toMatchObject({ type: 'MM4_delivery_report.RES', headers: { 'X-Custom': 'kept' } });
  });
  it.each([
    ['no X-Mms-Message-Type', 'From: a@b.c\r\n\r\n', 'X-Mms-Message-Type', 0],
    [
      'unknown message type',
      'From: a@b.c\r\nX-Mms-Message-Type: MM4_foo.REQ\r\n\r\n',
      'X-Mms-Message-Type',
      13,
    ],
    ['a line that is no header', 'X-Mms-Message-Type: MM4_forward.RES\r\nnot a header\r\n\r\n', 'header', 37],
    ['continuation first', ' folded\r\n\r\n', 'header', 0],
    [
      'multipart without boundary',
      'X-Mms-Message-Type: MM4_forward.REQ\r\nContent-Type: multipart/related\r\n\r\nx',
      'Content-Type',
      72,
    ],
    [
      'broken base64',
      'X-Mms-Message-Type: MM4_forward.REQ\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\n\r\nR0l*',
      'Content-Transfer-Encoding',
      102,
    ],
  ])('%s → one DecodeError', (_n, text, field, offset) => {
    try {
      decodeMm4(enc(text));
      throw new Error('expected a DecodeError');
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).field).toBe(field);
      expect((e as DecodeError).offset).toBe(offset);
    }
  });
});

describe('MM4 addresses and dates', () => {
  it.each([
    [
      '+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs',
      { kind: 'PLMN', address: '+491711234567', domain: 'mms.mnc002.mcc262.gprs' },
    ],
    ['10.1.2.3/TYPE=IPv4@mmsc.example', { kind: 'IPv4', address: '10.1.2.3', domain: 'mmsc.example' }],
    ['"Ann" <ann@example.org>', { kind: 'email', address: 'ann@example.org', displayName: 'Ann' }],
    ['12345/TYPE=X-SHORT@mmsc.example', { kind: 'other', type: 'X-SHORT', address: '12345' }],
  ])('%s', (text, expected) => {
    const a = parseMm4Address(text);
    expect(a).toMatchObject(expected);
    if (a) expect(parseMm4Address(formatMm4Address(a))).toEqual(a);
  });
  it.each(['', 'no-at-sign', '+49 171/TYPE=PLMN@x.y', '+49abc/TYPE=PLMN@x.y', 'a@', '@b.c'])(
    'refuses %j',
    (t) => {
      expect(parseMm4Address(t)).toBeNull();
    },
  );
  it('splits address lists outside quotes and brackets', () => {
    expect(splitAddressList('"A, B" <a@b.c>, d@e.f,, <g@h.i>')).toEqual([
      '"A, B" <a@b.c>',
      'd@e.f',
      '<g@h.i>',
    ]);
  });
  it('formats and parses RFC 5322 dates (incl. obsolete zones)', () => {
    expect(DATE).toBe('Sun, 22 Nov 2026 02:58:52 +0000');
    expect(parseRfc5322Date(DATE)?.toISOString()).toBe('2026-11-22T02:58:52.000Z');
    expect(parseRfc5322Date('22 Nov 26 03:58:52 +0100')?.toISOString()).toBe('2026-11-22T02:58:52.000Z');
    expect(parseRfc5322Date('Sat, 21 Nov 2026 21:58:52 EST')?.toISOString()).toBe('2026-11-22T02:58:52.000Z');
    expect(parseRfc5322Date('2026-11-22T02:58:52Z')).toBeNull();
  });
});

describe('long address lists', () => {
  it('are folded at commas within 78 characters and unfold to the same value', () => {
    const to = Array.from(
      { length: 60 },
      (_, i) => `+4917100000${String(i).padStart(2, '0')}/TYPE=PLMN@mms.mnc002.mcc262.gprs`,
    ).join(', ');
    const msg = forward({ To: to });
    const raw = Buffer.from(encodeMm4(msg)).toString('latin1');
    const toField = /\r\nTo: [\s\S]*?\r\n(?=\S)/.exec(raw)?.[0] ?? '';
    const lines = toField.trim().split('\r\n');
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.every((l) => l.length <= 78)).toBe(true);
    expect(getMm4Header(decodeMm4(encodeMm4(msg)), 'To')).toBe(to);
  });
});
