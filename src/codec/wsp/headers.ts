import type { ByteReader, ByteWriter } from '../bytes.ts';
import { ByteReader as Reader, ByteWriter as Writer } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';
import {
  type ContentType,
  type ContentTypeParam,
  readContentType,
  readParams,
  writeContentType,
  writeParams,
} from './content-type.ts';
import { readInteger, readLongInteger, writeInteger, writeLongInteger } from './integers.ts';
import { readTextString, readTokenText, writeTextString, writeTokenText } from './text-string.ts';
import { readUintvar } from './uintvar.ts';
import { readValueLength, writeValueLength } from './value-length.ts';

/** Content-Disposition value (WAP-230-WSP 8.4.2.53): disposition token plus parameters. */
export interface ContentDisposition {
  disposition: string;
  params: ContentTypeParam[];
}

/**
 * A header value. Typed by the header's codec (see WSP_HEADERS); a `Uint8Array` is the raw value
 * octets (headers this codec does not type, unknown codes, values that did not parse as their type)
 * and is written back verbatim.
 */
export type WspHeaderValue = string | number | null | Uint8Array | ContentType | ContentDisposition;

export interface WspHeader {
  name: string;
  value: WspHeaderValue;
  /**
   * Came as an Application-header (Token-text name, Text-string value, WAP-230-WSP 8.4.2.6) although its name
   * is a well-known field (any case), `Unknown-0xNN` or `Shift-Code-Page`. Set by readHeader only then;
   * writeHeader writes it back as text, not as the field code its name matches. Absent otherwise.
   */
  textual?: true;
}

type HeaderCodec = 'text' | 'quoted' | 'date' | 'int' | 'appid' | 'disposition' | 'ctype' | 'short' | 'raw';

/** Table 39 (WAP-230-WSP Appendix A): well-known header field names, by code; and the value codec used. */
const WSP_HEADER_ROWS: ReadonlyArray<[code: number, name: string, codec: HeaderCodec]> = [
  [0x00, 'Accept', 'raw'],
  [0x01, 'Accept-Charset', 'raw'],
  [0x02, 'Accept-Encoding', 'raw'],
  [0x03, 'Accept-Language', 'raw'],
  [0x04, 'Accept-Ranges', 'raw'],
  [0x05, 'Age', 'int'],
  [0x06, 'Allow', 'raw'],
  [0x07, 'Authorization', 'raw'],
  [0x08, 'Cache-Control', 'raw'],
  [0x09, 'Connection', 'raw'],
  [0x0a, 'Content-Base', 'text'],
  [0x0b, 'Content-Encoding', 'raw'],
  [0x0c, 'Content-Language', 'raw'],
  [0x0d, 'Content-Length', 'int'],
  [0x0e, 'Content-Location', 'text'],
  [0x0f, 'Content-MD5', 'raw'],
  [0x10, 'Content-Range', 'raw'],
  [0x11, 'Content-Type', 'ctype'],
  [0x12, 'Date', 'date'],
  [0x13, 'Etag', 'text'],
  [0x14, 'Expires', 'date'],
  [0x15, 'From', 'text'],
  [0x16, 'Host', 'text'],
  [0x17, 'If-Modified-Since', 'date'],
  [0x18, 'If-Match', 'text'],
  [0x19, 'If-None-Match', 'text'],
  [0x1a, 'If-Range', 'raw'],
  [0x1b, 'If-Unmodified-Since', 'date'],
  [0x1c, 'Location', 'text'],
  [0x1d, 'Last-Modified', 'date'],
  [0x1e, 'Max-Forwards', 'int'],
  [0x1f, 'Pragma', 'raw'],
  [0x20, 'Proxy-Authenticate', 'raw'],
  [0x21, 'Proxy-Authorization', 'raw'],
  [0x22, 'Public', 'raw'],
  [0x23, 'Range', 'raw'],
  [0x24, 'Referer', 'text'],
  [0x25, 'Retry-After', 'raw'],
  [0x26, 'Server', 'text'],
  [0x27, 'Transfer-Encoding', 'raw'],
  [0x28, 'Upgrade', 'text'],
  [0x29, 'User-Agent', 'text'],
  [0x2a, 'Vary', 'raw'],
  [0x2b, 'Via', 'text'],
  [0x2c, 'Warning', 'raw'],
  [0x2d, 'WWW-Authenticate', 'raw'],
  [0x2e, 'Content-Disposition', 'disposition'],
  [0x2f, 'X-Wap-Application-Id', 'appid'],
  [0x30, 'X-Wap-Content-URI', 'text'],
  [0x31, 'X-Wap-Initiator-URI', 'text'],
  [0x32, 'Accept-Application', 'raw'],
  [0x33, 'Bearer-Indication', 'raw'],
  [0x34, 'Push-Flag', 'short'],
  [0x35, 'Profile', 'text'],
  [0x36, 'Profile-Diff', 'raw'],
  [0x37, 'Profile-Warning', 'raw'],
  [0x38, 'Expect', 'raw'],
  [0x39, 'TE', 'raw'],
  [0x3a, 'Trailer', 'raw'],
  [0x3b, 'Accept-Charset', 'raw'],
  [0x3c, 'Accept-Encoding', 'raw'],
  [0x3d, 'Cache-Control', 'raw'],
  [0x3e, 'Content-Range', 'raw'],
  [0x3f, 'X-Wap-Tod', 'raw'],
  [0x40, 'Content-ID', 'quoted'],
  [0x41, 'Set-Cookie', 'raw'],
  [0x42, 'Cookie', 'raw'],
  [0x43, 'Encoding-Version', 'raw'],
  [0x44, 'Profile-Warning', 'raw'],
  [0x45, 'Content-Disposition', 'disposition'],
  [0x46, 'X-WAP-Security', 'raw'],
  [0x47, 'Cache-Control', 'raw'],
];

interface HeaderDef {
  code: number;
  name: string;
  codec: HeaderCodec;
}
const BY_CODE: HeaderDef[] = [];
const BY_NAME = new Map<string, HeaderDef>();
for (const [code, name, codec] of WSP_HEADER_ROWS) {
  const def = { code, name, codec };
  BY_CODE[code] = def;
  // The encoder uses the first (oldest) assignment of a name; later duplicates decode to the same name,
  // except Content-Disposition 0x45, which is what MMS clients send (both decode identically).
  if (!BY_NAME.has(name.toLowerCase())) BY_NAME.set(name.toLowerCase(), def);
}

/** The well-known header table (for docs and for the push codec). */
export const WSP_HEADERS: ReadonlyArray<Readonly<HeaderDef>> = BY_CODE.filter(Boolean);

export function wspHeaderCode(name: string): number | undefined {
  return BY_NAME.get(name.toLowerCase())?.code;
}

const UNKNOWN_RE = /^Unknown-0x([0-9A-Fa-f]{2})$/;

/**
 * The octets of one well-known header value, delimited by the generic rule (8.4.1.2): 0..30 short
 * length, 31 uintvar length, 32..127 text to NUL, 128..255 one octet.
 */
export function readRawValue(r: ByteReader, field: string): Uint8Array {
  const start = r.offset;
  const o = r.peek(field);
  if (o < 0x1f) {
    r.offset++;
    r.bytes(o, field);
  } else if (o === 0x1f) {
    r.offset++;
    const n = readUintvar(r, field);
    r.bytes(n, field);
  } else if (o < 0x80) {
    const nul = r.indexOf(0);
    if (nul < 0) r.fail(field, 'Text-string without End-of-string (NUL)');
    r.offset = nul + 1;
  } else r.offset++;
  return r.buf.subarray(start, r.offset);
}

/**
 * A header value's first octet 1..30 is a Value-length, 31 a Length-quote (WAP-230-WSP 8.4.1.2), never the start
 * of a Text-string (8.4.2.1: [Quote] *TEXT End-of-string, TEXT without CTLs; 0x00 alone is the empty text). Read
 * as text, such a value would take its length octet for a character and not write back inside that length: it
 * is kept as raw octets instead (readHeader's fallback).
 */
function textStart(r: ByteReader, field: string): void {
  const o = r.peek(field);
  if (o > 0 && o < 0x20) r.fail(field, `a Text-string cannot start with octet 0x${o.toString(16)}`);
}

function decodeTyped(codec: HeaderCodec, r: ByteReader, field: string): WspHeaderValue {
  switch (codec) {
    case 'text':
      textStart(r, field);
      return readTextString(r, field);
    case 'quoted':
      textStart(r, field);
      if (r.peek(field) === 0x22) r.offset++;
      return readTextString(r, field);
    case 'date':
      return readLongInteger(r, field);
    case 'int':
      return readInteger(r, field);
    case 'short': {
      const o = r.u8(field);
      if (o < 0x80) r.fail(field, 'expected Short-integer', r.offset - 1);
      return o & 0x7f;
    }
    case 'appid': {
      const o = r.peek(field);
      return o >= 0x20 && o < 0x80 ? readTextString(r, field) : readInteger(r, field);
    }
    case 'ctype':
      return readContentType(r, field);
    case 'disposition': {
      const len = readValueLength(r, field);
      const sub = r.sub(len, field);
      const o = sub.peek(field);
      let disposition: string;
      if (o === 0x80) disposition = 'form-data';
      else if (o === 0x81) disposition = 'attachment';
      else if (o === 0x82) disposition = 'inline';
      else if (o >= 0x20 && o < 0x80) disposition = readTokenText(sub, field);
      else return sub.fail(field, `unknown disposition 0x${o.toString(16)}`);
      if (o >= 0x80) sub.offset++;
      return { disposition, params: readParams(sub, field) };
    }
    case 'raw':
      return readRawValue(r, field);
  }
}

/**
 * Reads a WSP header list (8.4.2.6) until the end of the reader: well-known headers (code | 0x80),
 * application headers (Token-text name, Text-string value) and code-page shifts (8.4.2.3, kept as
 * `Shift-Code-Page` with the page number). A well-known value that does not parse as its type is kept
 * as its raw octets.
 */
export function readHeaders(r: ByteReader, field = 'headers'): WspHeader[] {
  const out: WspHeader[] = [];
  while (!r.atEnd()) out.push(readHeader(r, field));
  return out;
}

export function readHeader(r: ByteReader, field = 'headers'): WspHeader {
  const at = r.offset;
  const o = r.peek(field);
  if (o >= 0x80) {
    r.offset++;
    const code = o & 0x7f;
    const def = BY_CODE[code];
    const name = def ? def.name : `Unknown-0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    const raw = readRawValue(r, name);
    if (!def || def.codec === 'raw') return { name, value: raw };
    const sub = new Reader(raw);
    try {
      const value = decodeTyped(def.codec, sub, name);
      if (sub.atEnd()) return { name, value };
    } catch {
      // not of its declared type: keep the octets
    }
    return { name, value: raw };
  }
  if (o === 0x7f) {
    r.offset++;
    return { name: 'Shift-Code-Page', value: r.u8(field) };
  }
  if (o >= 0x01 && o <= 0x1f) {
    r.offset++;
    return { name: 'Shift-Code-Page', value: o };
  }
  if (o === 0) r.fail(field, 'octet 0x00 is neither a header code nor a header name', at);
  const name = readTokenText(r, field);
  const value = readTextString(r, name);
  // a textual 'content-id' stays an Application-header (8.4.2.6): marked, so it is written back as text
  return namesFieldCode(name) ? { name, value, textual: true } : { name, value };
}

/** Whether writeHeader writes a header of this name other than as an Application-header (see WspHeader.textual). */
function namesFieldCode(name: string): boolean {
  return name === 'Shift-Code-Page' || UNKNOWN_RE.test(name) || BY_NAME.has(name.toLowerCase());
}

export function writeHeaders(w: ByteWriter, headers: WspHeader[], field = 'headers'): void {
  for (const h of headers) writeHeader(w, h, field);
}

export function writeHeader(w: ByteWriter, h: WspHeader, field = 'headers'): void {
  if (typeof h?.name !== 'string') throw new EncodeError(-1, field, 'header without a name');
  const { name, value } = h;
  if (h.textual) {
    // an Application-header whatever its name (8.4.2.6): Token-text, then the value as a Text-string
    writeTokenText(w, name, field);
    if (typeof value !== 'string') throw new EncodeError(-1, name, 'application header value must be text');
    writeTextString(w, value, name);
    return;
  }
  if (name === 'Shift-Code-Page') {
    if (typeof value !== 'number' || value < 1 || value > 255) throw new EncodeError(-1, name, 'page 1..255');
    if (value <= 0x1f) w.u8(value);
    else w.u8(0x7f).u8(value);
    return;
  }
  const unknown = UNKNOWN_RE.exec(name);
  const def = unknown ? undefined : BY_NAME.get(name.toLowerCase());
  if (!def && !unknown) {
    writeTokenText(w, name, field);
    if (typeof value !== 'string') throw new EncodeError(-1, name, 'application header value must be text');
    writeTextString(w, value, name);
    return;
  }
  w.u8(0x80 | (def ? def.code : Number.parseInt(unknown![1], 16)));
  if (value instanceof Uint8Array) {
    checkRaw(value, name);
    w.bytes(value);
    return;
  }
  if (!def) throw new EncodeError(-1, name, 'an unknown header code needs raw octets');
  writeTyped(w, def.codec, value, name);
}

/** Raw values must themselves be one well-formed generic value, or the header list would not parse back. */
function checkRaw(v: Uint8Array, name: string): void {
  const r = new Reader(v);
  try {
    readRawValue(r, name);
  } catch {
    throw new EncodeError(-1, name, 'raw value is not one delimited WSP value');
  }
  if (!r.atEnd()) throw new EncodeError(-1, name, 'raw value is not one delimited WSP value');
}

/** The encoder's side of textStart: such a text would read back as a Value-length (WAP-230-WSP 8.4.1.2). */
function noLeadingControl(v: string, name: string): void {
  const c = v.charCodeAt(0);
  if (c > 0 && c < 0x20)
    throw new EncodeError(-1, name, `a Text-string cannot start with U+${c.toString(16).padStart(4, '0')}`);
}

function writeTyped(w: ByteWriter, codec: HeaderCodec, v: WspHeaderValue, name: string): void {
  const bad: () => never = () => {
    throw new EncodeError(-1, name, `value does not fit the header's type (${codec})`);
  };
  switch (codec) {
    case 'text':
      if (!(typeof v === 'string')) bad();
      noLeadingControl(v as string, name);
      writeTextString(w, v, name);
      return;
    case 'quoted':
      if (typeof v !== 'string') {
        bad();
        return;
      }
      w.u8(0x22);
      writeTextString(w, v, name);
      return;
    case 'date':
      if (!(typeof v === 'number')) bad();
      writeLongInteger(w, v, name);
      return;
    case 'int':
      if (!(typeof v === 'number')) bad();
      writeInteger(w, v, name);
      return;
    case 'short':
      if (typeof v !== 'number' || v < 0 || v > 127) {
        bad();
        return;
      }
      w.u8(0x80 | v);
      return;
    case 'appid':
      if (typeof v === 'number') {
        writeInteger(w, v, name);
        return;
      }
      if (!(typeof v === 'string')) bad();
      writeTextString(w, v, name);
      return;
    case 'ctype':
      if (typeof v !== 'object' || v === null || !('mediaType' in v)) {
        bad();
        return;
      }
      writeContentType(w, v, name);
      return;
    case 'disposition': {
      if (typeof v !== 'object' || v === null || !('disposition' in v)) {
        bad();
        return;
      }
      const inner = new Writer(32);
      const d = v.disposition.toLowerCase();
      if (d === 'form-data') inner.u8(0x80);
      else if (d === 'attachment') inner.u8(0x81);
      else if (d === 'inline') inner.u8(0x82);
      else writeTokenText(inner, v.disposition, name);
      writeParams(inner, v.params, name);
      const out = inner.finish();
      writeValueLength(w, out.length, name);
      w.bytes(out);
      return;
    }
    case 'raw':
      bad();
      return;
  }
}

/** The first header of that name (case-insensitive), or undefined. */
export function findHeader(headers: WspHeader[], name: string): WspHeaderValue | undefined {
  const n = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === n) return h.value;
  return undefined;
}
