import { type ByteReader, type ByteWriter, ByteWriter as Writer } from '../bytes.ts';
import { charsetMib, charsetName, decodeCharset, encodeCharset, isSupportedCharset } from '../charsets.ts';
import { EncodeError } from '../codec-error.ts';
import { readInteger, writeInteger } from './integers.ts';
import { readTextBytes, readTextString, writeTextBytes, writeTextString } from './text-string.ts';
import { readValueLength, writeValueLength } from './value-length.ts';

/**
 * Encoded-string-value (OMA-TS-MMS_ENC 7.2.9, after WAP-230-WSP 8.4.2.1):
 * Text-string | Value-length Char-set Text-string.
 * Untagged text is a plain string; tagged text is `{ charset, text }` where charset is the IANA
 * name (or the MIBenum when unknown). `raw` keeps the text octets when `text` cannot reproduce them
 * (unknown charset, invalid bytes); the encoder then writes `raw`.
 */
export type EncodedString = string | TaggedString;
export interface TaggedString {
  charset: string | number;
  text: string;
  raw?: Uint8Array;
}

export function encodedStringText(v: EncodedString): string {
  return typeof v === 'string' ? v : v.text;
}

export function readEncodedString(r: ByteReader, field: string): EncodedString {
  const o = r.peek(field);
  // 0x00 is an empty Text-string: a Value-length of 0 could not hold the mandatory Char-set.
  if (o > 31 || o === 0) return readTextString(r, field);
  const len = readValueLength(r, field);
  const end = r.offset + len;
  const sub = r.sub(len, field);
  const mib = readWellKnownCharset(sub, field);
  // Text-string inside the value: everything up to the value end, minus the End-of-string.
  let start = sub.offset;
  let stop = end;
  if (stop > start && sub.buf[stop - 1] === 0) stop--;
  else sub.fail(field, 'encoded text without End-of-string (NUL)', end);
  if (sub.buf[start] === 0x7f && start + 1 < stop && sub.buf[start + 1] >= 0x80) start++;
  const bytes = sub.buf.subarray(start, stop);
  const charset: string | number = charsetName(mib) ?? mib;
  if (!isSupportedCharset(mib)) return { charset, text: decodeCharset(bytes, 4), raw: bytes };
  const text = decodeCharset(bytes, mib);
  if (!sameBytes(encodeCharset(text, mib), bytes)) return { charset, text, raw: bytes };
  return { charset, text };
}

/** Well-known-charset (WAP-230-WSP 8.4.2.8) = Any-charset (0x80 → 0) | Integer-value (MIBenum). */
export function readWellKnownCharset(r: ByteReader, field: string): number {
  return readInteger(r, field);
}

export function resolveCharset(charset: string | number, field: string): number {
  if (typeof charset === 'number') return charset;
  const mib = charsetMib(charset);
  if (mib === undefined) throw new EncodeError(-1, field, `unknown charset ${charset}`);
  return mib;
}

export function writeEncodedString(w: ByteWriter, v: EncodedString, field: string): void {
  if (typeof v === 'string') {
    writeTextString(w, v, field);
    return;
  }
  if (typeof v !== 'object' || v === null || typeof v.text !== 'string') {
    throw new EncodeError(-1, field, 'expected a string or { charset, text }');
  }
  const mib = resolveCharset(v.charset, field);
  const bytes = v.raw ?? encodeCharset(v.text, mib);
  const inner = new Writer(bytes.length + 8);
  writeInteger(inner, mib, field);
  if (bytes.length > 0 && bytes[0] >= 0x80) inner.u8(0x7f);
  inner.bytes(bytes).u8(0);
  const out = inner.finish();
  writeValueLength(w, out.length, field);
  w.bytes(out);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export { readTextBytes, writeTextBytes };
