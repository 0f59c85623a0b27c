import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../bytes.ts';
import { DecodeError } from '../codec-error.ts';
import {
  type ContentType,
  readContentType,
  readEncodedString,
  readHeaders,
  readInteger,
  readMultipart,
  readTextString,
  readUintvar,
  readValueLength,
  type WspHeader,
  writeContentType,
  writeEncodedString,
  writeHeaders,
  writeInteger,
  writeMultipart,
  writeTextString,
  writeUintvar,
  writeValueLength,
} from './index.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const out = (f: (w: ByteWriter) => void) => {
  const w = new ByteWriter(8);
  f(w);
  return Buffer.from(w.finish()).toString('hex');
};

describe('uintvar (WAP-230-WSP 8.1.2)', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [0x7f, '7f'],
    [0x80, '8100'],
    [0x3fff, 'ff7f'],
    [0x4000, '818000'],
    [0xffffffff, '8fffffff7f'],
  ];
  for (const [v, h] of cases) {
    it(`${v} <-> ${h}`, () => {
      expect(out((w) => writeUintvar(w, v))).toBe(h);
      expect(readUintvar(new ByteReader(hex(h)))).toBe(v);
    });
  }
  it('refuses 6 octets and values above 32 bits, one line each', () => {
    expect(() => readUintvar(new ByteReader(hex('808080808000')))).toThrow('uintvar longer than 5 octets');
    expect(() => readUintvar(new ByteReader(hex('9f8080808000')))).toThrow(DecodeError);
    expect(() => readUintvar(new ByteReader(hex('9f80808000')))).toThrow('exceeds 32 bits');
    expect(() => readUintvar(new ByteReader(hex('80')))).toThrow(
      'offset 1: uintvar: needs 1 octet(s), 0 left',
    );
  });
});

describe('integers and value-length (8.4.2.1, 8.4.2.2)', () => {
  it('Integer-value picks the short form below 128', () => {
    expect(out((w) => writeInteger(w, 5, 'f'))).toBe('85');
    expect(out((w) => writeInteger(w, 128, 'f'))).toBe('0180');
    expect(out((w) => writeInteger(w, 1307109691, 'f'))).toBe('044de8e93b');
    expect(readInteger(new ByteReader(hex('044de8e93b')), 'f')).toBe(1307109691);
    expect(() => readInteger(new ByteReader(hex('00')), 'Date')).toThrow(
      'offset 0: Date: Long-integer length 0 not in 1..30',
    );
  });
  it('Value-length uses Length-quote above 30', () => {
    expect(out((w) => writeValueLength(w, 30))).toBe('1e');
    expect(out((w) => writeValueLength(w, 31))).toBe('1f1f');
    expect(readValueLength(new ByteReader(hex('1f 1f'.padEnd(5, ' ') + '00'.repeat(31))), 'f')).toBe(31);
    expect(() => readValueLength(new ByteReader(hex('05 0102')), 'X')).toThrow(
      'offset 0: X: Value-length 5 exceeds the 2 octet(s) left',
    );
  });
});

describe('text (8.4.2.1) and Encoded-string-value (MMS_ENC 7.2.9)', () => {
  it('Quote 127 only before an octet >= 128', () => {
    expect(out((w) => writeTextString(w, 'abc', 'f'))).toBe('61626300');
    expect(out((w) => writeTextString(w, 'é', 'f'))).toBe('7fc3a900');
    expect(readTextString(new ByteReader(hex('7fc3a900')), 'f')).toBe('é');
    expect(() => readTextString(new ByteReader(hex('6162')), 'Subject')).toThrow(
      'Subject: Text-string without End-of-string',
    );
  });
  it('charset-tagged text: utf-8 (106), utf-16 (1015) with BOM, us-ascii short form', () => {
    expect(out((w) => writeEncodedString(w, { charset: 'utf-8', text: 'é' }, 'f'))).toBe('05ea7fc3a900');
    expect(readEncodedString(new ByteReader(hex('05ea7fc3a900')), 'f')).toEqual({
      charset: 'utf-8',
      text: 'é',
    });
    const u16 = out((w) => writeEncodedString(w, { charset: 'utf-16', text: 'hi' }, 'f'));
    expect(u16).toBe('0b0203f77ffeff0068006900');
    expect(readEncodedString(new ByteReader(hex(u16)), 'f')).toEqual({ charset: 'utf-16', text: 'hi' });
    expect(readEncodedString(new ByteReader(hex('00')), 'f')).toBe('');
    for (const cs of ['iso-8859-1', 'shift_jis', 'big5', 'gb2312', 'iso-8859-15']) {
      const text =
        cs === 'shift_jis'
          ? 'こんにちは'
          : cs === 'big5' || cs === 'gb2312'
            ? '中文'
            : 'Café €'.replace('€', cs === 'iso-8859-15' ? '€' : 'e');
      const b = out((w) => writeEncodedString(w, { charset: cs, text }, 'f'));
      expect(readEncodedString(new ByteReader(hex(b)), 'f')).toEqual({ charset: cs, text });
    }
  });
  it('unknown charset keeps the octets', () => {
    const v = readEncodedString(new ByteReader(hex('05027fff4100')), 'f');
    expect(v).toMatchObject({ charset: 0x7fff, text: 'A', raw: hex('41') });
    expect(out((w) => writeEncodedString(w, v, 'f'))).toBe('05027fff4100');
  });
});

describe('content type (8.4.2.24) and parameters (8.4.2.4)', () => {
  const cases: Array<[string, ContentType]> = [
    ['83', { mediaType: 'text/plain', params: [] }],
    ['6170706c69636174696f6e2f736d696c00', { mediaType: 'application/smil', params: [] }],
    [
      '1bb38a3c534d494c3e0089 6170706c69636174696f6e2f736d696c00',
      {
        mediaType: 'application/vnd.wap.multipart.related',
        params: [
          { name: 'start', value: '<SMIL>' },
          { name: 'type', value: 'application/smil' },
        ],
      },
    ],
    ['038381ea', { mediaType: 'text/plain', params: [{ name: 'charset', value: 'utf-8' }] }],
  ];
  for (const [h, ct] of cases) {
    it(h, () => {
      expect(readContentType(new ByteReader(hex(h)))).toEqual(ct);
      expect(out((w) => writeContentType(w, ct))).toBe(h.replace(/\s+/g, ''));
    });
  }
  it('keeps a non-canonical parameter code (Name 0x17) and untyped parameters', () => {
    const ct = readContentType(new ByteReader(hex('0b9e97612e6a706700780081')));
    expect(ct.params).toEqual([
      { name: 'name', value: 'a.jpg', code: 0x17 },
      { name: 'x', value: 1 },
    ]);
  });
});

describe('headers (8.4.2.6) and multipart (8.5)', () => {
  const headers: WspHeader[] = [
    { name: 'Content-ID', value: '<smil>' },
    { name: 'Content-Location', value: 'smil.xml' },
    {
      name: 'Content-Disposition',
      value: { disposition: 'attachment', params: [{ name: 'filename', value: 'a.txt' }] },
    },
    { name: 'X-Wap-Application-Id', value: 4 },
    { name: 'Date', value: 1307109691 },
    { name: 'X-Custom', value: 'yes' },
    { name: 'Accept', value: hex('83') },
    { name: 'Unknown-0x7E', value: hex('0201ff') },
  ];
  it('round-trips well-known, application, raw and unknown headers', () => {
    const w = new ByteWriter();
    writeHeaders(w, headers);
    const bytes = w.finish();
    expect(Buffer.from(bytes.subarray(0, 8)).toString('hex')).toBe('c0223c736d696c3e');
    expect(readHeaders(new ByteReader(bytes))).toEqual(headers);
  });
  it('a text header whose value starts 1..31 is a Value-length, kept raw (8.4.1.2, 8.4.2.1; fuzz finding)', () => {
    // Etag (0x13): Value-length 2, 0xDB, NUL. Read as a Text-string it was "\x02\xdb", which writes back as
    // UTF-8 (02 c3 9b 00) and outgrows its length octet, so the header list no longer parsed back
    const bytes = hex('93 02 db 00 c0 22 3c 74 3e 00');
    const hs = readHeaders(new ByteReader(bytes));
    expect(hs).toEqual([
      { name: 'Etag', value: hex('02db00') },
      { name: 'Content-ID', value: '<t>' },
    ]);
    const w = new ByteWriter();
    writeHeaders(w, hs);
    expect(Buffer.from(w.finish()).toString('hex')).toBe('9302db00c0223c743e00');
    // an ordinary text value and the empty text are still text
    expect(readHeaders(new ByteReader(hex('93 41 00 93 00')))).toEqual([
      { name: 'Etag', value: 'A' },
      { name: 'Etag', value: '' },
    ]);
    // and the encoder refuses a text that would read back as a Value-length
    expect(() => writeHeaders(new ByteWriter(), [{ name: 'Etag', value: '\x02x' }])).toThrow(/cannot start/);
  });
  it('an Application-header spelled like a well-known field stays textual (8.4.2.6; fuzz finding)', () => {
    // 'content-id' / 'Date' as Token-text with a Text-string value: before, writeHeader wrote them as the codes
    // 0xC0 / 0x92 (the name came back as Content-ID; 'abc' is no Date-value, so encoding threw)
    const bytes = Buffer.from('content-id\0<t>\0Date\0abc\0Shift-Code-Page\0x\0X-Custom\0y\0', 'latin1');
    const hs = readHeaders(new ByteReader(new Uint8Array(bytes)));
    expect(hs).toEqual([
      { name: 'content-id', value: '<t>', textual: true },
      { name: 'Date', value: 'abc', textual: true },
      { name: 'Shift-Code-Page', value: 'x', textual: true },
      { name: 'X-Custom', value: 'y' },
    ]);
    const w = new ByteWriter();
    writeHeaders(w, hs);
    expect(Buffer.from(w.finish()).equals(bytes)).toBe(true);
    // without the mark the name picks the field code, as for a builder's header
    const b = new ByteWriter();
    writeHeaders(b, [{ name: 'content-id', value: '<t>' }]);
    expect(Buffer.from(b.finish()).toString('hex')).toBe('c0223c743e00');
  });
  it('X-Wap-Application-Id is code 0x2F', () => {
    const w = new ByteWriter();
    writeHeaders(w, [{ name: 'X-Wap-Application-Id', value: 4 }]);
    expect(Buffer.from(w.finish()).toString('hex')).toBe('af84');
  });
  it('multipart entries keep views of the input', () => {
    const parts = [
      {
        contentType: { mediaType: 'text/plain', params: [] },
        headers: [{ name: 'Content-ID', value: '<t>' }],
        data: hex('68690a'),
      },
      { contentType: { mediaType: 'image/gif', params: [] }, headers: [], data: new Uint8Array(300) },
    ];
    const w = new ByteWriter();
    writeMultipart(w, parts);
    const bytes = w.finish();
    const back = readMultipart(new ByteReader(bytes));
    expect(back).toEqual(parts);
    expect(back[1].data.buffer).toBe(bytes.buffer);
    expect(() => readMultipart(new ByteReader(bytes.subarray(0, bytes.length - 1)))).toThrow(DecodeError);
    expect(() => readMultipart(new ByteReader(hex('7f')))).toThrow('127 entries cannot fit');
  });
});
