import type { ByteReader, ByteWriter } from '../bytes.ts';
import { decodeUntaggedText, encodeUntaggedText, latin1, latin1Range } from '../charsets.ts';
import { EncodeError } from '../codec-error.ts';

/**
 * The octets of a Text-string (WAP-230-WSP 8.4.2.1): [Quote 127] *TEXT End-of-string (0).
 * The Quote is dropped when it precedes an octet >= 128 (the only case it is required for).
 */
export function readTextBytes(r: ByteReader, field: string): Uint8Array {
  const nul = r.indexOf(0);
  if (nul < 0) r.fail(field, 'Text-string without End-of-string (NUL)');
  let start = r.offset;
  if (r.buf[start] === 0x7f && start + 1 < nul && r.buf[start + 1] >= 0x80) start++;
  const bytes = r.buf.subarray(start, nul);
  r.offset = nul + 1;
  return bytes;
}

/** Text-string → string (UTF-8 when valid, else ISO-8859-1; see charsets.decodeUntaggedText). */
export function readTextString(r: ByteReader, field: string): string {
  // one pass finds the End-of-string and whether any octet is >= 128 (the common case is pure ASCII)
  const buf = r.buf;
  let start = r.offset;
  let high = 0;
  let i = start;
  for (; i < r.end; i++) {
    const o = buf[i];
    if (o === 0) break;
    high |= o;
  }
  if (i >= r.end) r.fail(field, 'Text-string without End-of-string (NUL)');
  r.offset = i + 1;
  if (high < 0x80) return latin1Range(buf, start, i);
  if (buf[start] === 0x7f && start + 1 < i && buf[start + 1] >= 0x80) start++;
  return decodeUntaggedText(buf.subarray(start, i));
}

/** Token-text (8.4.2.1): text octets 32..126 (no Quote); kept verbatim. */
export function readTokenText(r: ByteReader, field: string): string {
  const at = r.offset;
  const nul = r.indexOf(0);
  if (nul < 0) r.fail(field, 'Token-text without End-of-string (NUL)');
  const bytes = r.buf.subarray(r.offset, nul);
  r.offset = nul + 1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x20 || bytes[i] > 0x7e)
      r.fail(field, `octet 0x${bytes[i].toString(16)} not allowed in Token-text`, at + i);
  }
  return latin1(bytes);
}

/** Quoted-string (8.4.2.1) = <Octet 34> *TEXT End-of-string; returns the text without the quote. */
export function readQuotedString(r: ByteReader, field: string): string {
  const at = r.offset;
  if (r.u8(field) !== 0x22) r.fail(field, 'Quoted-string must start with <">', at);
  return decodeUntaggedText(readRawTextUntilNul(r, field));
}

function readRawTextUntilNul(r: ByteReader, field: string): Uint8Array {
  const nul = r.indexOf(0);
  if (nul < 0) r.fail(field, 'Quoted-string without End-of-string (NUL)');
  const bytes = r.buf.subarray(r.offset, nul);
  r.offset = nul + 1;
  return bytes;
}

/** Writes text octets as a Text-string, adding the Quote when the first octet is >= 128. */
export function writeTextBytes(w: ByteWriter, bytes: Uint8Array, field: string): void {
  if (bytes.indexOf(0) >= 0) throw new EncodeError(-1, field, 'text contains NUL');
  if (bytes.length > 0 && bytes[0] >= 0x80) w.u8(0x7f);
  w.bytes(bytes).u8(0);
}

export function writeTextString(w: ByteWriter, text: string, field: string): void {
  writeTextBytes(w, encodeUntaggedText(text), field);
}

export function textStringLength(text: string): number {
  const b = encodeUntaggedText(text);
  return b.length + 1 + (b.length > 0 && b[0] >= 0x80 ? 1 : 0);
}

export function writeTokenText(w: ByteWriter, text: string, field: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e)
      throw new EncodeError(-1, field, `character U+${c.toString(16)} not allowed in Token-text`);
  }
  if (text.length === 0) throw new EncodeError(-1, field, 'empty Token-text');
  for (let i = 0; i < text.length; i++) w.u8(text.charCodeAt(i));
  w.u8(0);
}

export function writeQuotedString(w: ByteWriter, text: string, field: string): void {
  const b = encodeUntaggedText(text);
  if (b.indexOf(0) >= 0) throw new EncodeError(-1, field, 'text contains NUL');
  w.u8(0x22).bytes(b).u8(0);
}
