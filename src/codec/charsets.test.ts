import { describe, expect, it } from 'vitest';
import {
  charsetMib,
  charsetName,
  decodeCharset,
  decodeUntaggedText,
  encodeCharset,
  encodeUntaggedText,
} from './charsets.ts';

describe('charsets by MIBenum', () => {
  const cases: Array<[number, string, string, string]> = [
    [3, 'us-ascii', 'abc', '616263'],
    [4, 'iso-8859-1', 'Café', '436166e9'],
    [111, 'iso-8859-15', '€', 'a4'],
    [106, 'utf-8', 'Grüße', '4772c3bc c39f65'],
    [1000, 'iso-10646-ucs-2', 'hi', '00680069'],
    [1015, 'utf-16', 'hi', 'feff00680069'],
    [17, 'shift_jis', 'あ', '82a0'],
    [2026, 'big5', '中', 'a4a4'],
    [2025, 'gb2312', '中', 'd6d0'],
  ];
  for (const [mib, name, text, hex] of cases) {
    it(`${name} (${mib})`, () => {
      const bytes = new Uint8Array(Buffer.from(hex.replace(/ /g, ''), 'hex'));
      expect(charsetName(mib)).toBe(name);
      expect(charsetMib(name.toUpperCase())).toBe(mib);
      expect(Buffer.from(encodeCharset(text, mib)).toString('hex')).toBe(hex.replace(/ /g, ''));
      expect(decodeCharset(bytes, mib)).toBe(text);
    });
  }
  it('utf-16 honours a little-endian BOM and defaults to big-endian', () => {
    expect(decodeCharset(new Uint8Array([0xff, 0xfe, 0x68, 0x00]), 1015)).toBe('h');
    expect(decodeCharset(new Uint8Array([0x00, 0x68]), 1015)).toBe('h');
  });
  it('untagged text: UTF-8 when valid, ISO-8859-1 otherwise, stable under re-encoding', () => {
    expect(decodeUntaggedText(new Uint8Array([0xc3, 0xa9]))).toBe('é');
    const latin = decodeUntaggedText(new Uint8Array([0xe9, 0x41]));
    expect(latin).toBe('éA');
    expect(decodeUntaggedText(encodeUntaggedText(latin))).toBe(latin);
  });
});
