import { ByteReader } from '../bytes.ts';
import { latin1Range } from '../charsets.ts';
import {
  type ContentType,
  isMultipartMedia,
  readMultipart,
  readRawValue,
  readTextString,
  readTokenText,
} from '../wsp/index.ts';
import { INDEXED_RESPONSE_TEXT, MESSAGE_TYPE_CODES, MMS_HEADERS, type MmsHeaderDef } from './header-table.ts';
import type { MmsHeader, MmsMessageType, MmsPdu, MmsValue } from './types.ts';
import {
  encodedStringCodec,
  fromCodec,
  integerCodec,
  longCodec,
  textCodec,
  timeCodec,
  type ValueCodec,
  versionCodec,
} from './value-codecs.ts';
import { namesFieldCode } from './write-header.ts';

const CONTENT_TYPE = 0x04;
const MESSAGE_TYPE = 0x0c;
const RESPONSE_TEXT = 0x13;

/**
 * Each code's value reader, bound once: the table's codecs are objects of several shapes, and reading
 * `codec.read` at one call site for all of them is a megamorphic property load on every header.
 */
type ReadValue = (r: ByteReader, field: string) => MmsValue;
const bindRead = (c: ValueCodec): ReadValue => c.read.bind(c);
const READ_BY_CODE: Array<ReadValue | undefined> = [];
for (const def of MMS_HEADERS) READ_BY_CODE[def.code] = bindRead(def.codec);
const READ_INDEXED_RESPONSE_TEXT = bindRead(INDEXED_RESPONSE_TEXT);

/**
 * Inline fast paths for the common value shapes, chosen per code once at load. Each handles only the
 * regular case (short ASCII text, Short-integer enums, Short-length Long-integers ...) and otherwise rewinds
 * to the value's first octet and calls the table's reader, which yields the same value or the one
 * DecodeError: the fast paths never decide an error themselves, so results and errors stay those of the table.
 */
const GENERIC = 0;
const ENUM = 1; // Short-integer → token (or the octet when unknown)
const TEXT = 2; // Text-string / untagged Encoded-string-value / plain form of a maybe-indexed text
const LONG = 3; // Long-integer
const INTEGER = 4; // Integer-value
const VERSION = 5; // MMS-version-value
const FROM = 6; // Value-length Address-present-token Text-string
const TIME = 7; // Value-length (Absolute | Relative) Integer-value
function fastKind(c: ValueCodec): number {
  if (c.enumTable) return ENUM;
  if (c === textCodec || c === encodedStringCodec) return TEXT;
  if (c === longCodec) return LONG;
  if (c === integerCodec) return INTEGER;
  if (c === versionCodec) return VERSION;
  if (c === fromCodec) return FROM;
  if (c === timeCodec) return TIME;
  // the plain form of a maybe-indexed value starts above 31, as the text and enum fast paths require
  if (c.plain) {
    const k = fastKind(c.plain);
    return k === ENUM || k === TEXT ? k : GENERIC;
  }
  return GENERIC;
}
const UNKNOWN = 8; // no table row: raw value octets
const KIND_BY_CODE = new Uint8Array(128).fill(UNKNOWN);
const DEF_BY_CODE: Array<MmsHeaderDef | undefined> = new Array(128).fill(undefined);
/** Field names by code; codes without a row are named Unknown-0xNN. */
const NAME_BY_CODE: string[] = Array.from(
  { length: 128 },
  (_, code) => `Unknown-0x${code.toString(16).toUpperCase().padStart(2, '0')}`,
);
/** Enumerated codes: token at [code << 7 | octet & 0x7f], for octets 128..255 (the EnumTables are sparse objects). */
const ENUM_TOKENS: Array<string | undefined> = Array.from({ length: 128 * 128 }, () => undefined);
for (const def of MMS_HEADERS) {
  DEF_BY_CODE[def.code] = def;
  NAME_BY_CODE[def.code] = def.name;
  KIND_BY_CODE[def.code] = fastKind(def.codec);
  const table = def.codec.enumTable ?? def.codec.plain?.enumTable;
  if (table) {
    for (const [k, v] of Object.entries(table)) {
      const o = Number(k);
      if (o >= 0x80 && o <= 0xff) ENUM_TOKENS[(def.code << 7) | (o & 0x7f)] = v;
    }
  }
}
/** MMS-version-value strings by octet & 0x7f (major in bits 6..4, minor in bits 3..0). */
const VERSION_TEXT: string[] = [];
for (let o = 0; o < 128; o++) VERSION_TEXT.push(`${(o >> 4) & 0x07}.${o & 0x0f}`);

/**
 * ASCII header text is cut from one latin1 string of the header area (V8 makes slices of 13+ characters
 * views of it) rather than one native string per field: one call into the native slicer per PDU instead of
 * one per text. The window holds at most WINDOW octets, so a decoded PDU keeps at most that much text alive
 * besides its own values; it lives in decodeMms's locals.
 */
const WINDOW = 512;

/**
 * A PDU of at most SCRATCH_SIZE octets (a notification, a conf, a report) is copied whole into SCRATCH, whose
 * Int32Array view lets the text scan test four octets per load. One native copy of the whole buffer is cheap;
 * a view of the caller's buffer, or a copy of part of it, costs an allocation per call, more than the scan
 * saves. The copy is all that outlives a call: at most SCRATCH_SIZE octets of the last small PDU.
 */
const SCRATCH_SIZE = 1024;
const SCRATCH = new Uint8Array(SCRATCH_SIZE);
const SCRATCH32 = new Int32Array(SCRATCH.buffer);

/**
 * End-of-string index of a Text-string at `start` (before `limit`) whose octets are all ASCII, or -1 when it
 * is not that simple (the table reader then decides). The caller has checked that the first octet is above
 * 31; SCRATCH holds buf[0, copied).
 */
function asciiTextEnd(buf: Uint8Array, start: number, limit: number, copied: number): number {
  // in the copy: octet by octet up to a word boundary, then four at a time while all four are 1..127
  // ((w - 0x01010101) | w has bit 7 of an octet set when that octet is 0 or above 127, whatever the byte order)
  const top = Math.min(limit, copied) - 4;
  let i = start;
  while ((i & 3) !== 0 && i <= top && ((SCRATCH[i] - 1) & 0xff) < 0x7f) i++;
  if ((i & 3) === 0) {
    while (i <= top) {
      const w = SCRATCH32[i >> 2];
      if ((((w - 0x01010101) | 0 | w) & 0x80808080) !== 0) break;
      i += 4;
    }
  }
  // the last few octets (or all of them when buf was not copied) from buf itself;
  // one test per octet: (o - 1) & 0xff is at least 127 exactly when o is 0 (End-of-string) or above 127
  while (i < limit && ((buf[i] - 1) & 0xff) < 0x7f) i++;
  return i < limit && buf[i] === 0 ? i : -1;
}

/** A Long-integer of 1..6 octets (always a safe integer) at p, or -1 (the table reader then decides). */
function copy(buf: Uint8Array): number {
  if (buf.length > SCRATCH_SIZE) return 0;
  SCRATCH.set(buf);
  return buf.length | 0;
}

function shortLong(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) return -1;
  const n = buf[p];
  if (n < 1 || n > 6 || p + 1 + n > end) return -1;
  let v = 0;
  for (let i = p + 1; i <= p + n; i++) v = v * 256 + buf[i];
  return v;
}

/** Response-Text of these two PDUs may carry the Status-count prefix (INDEXED_RESPONSE_TEXT). */
const indexedResponseText = (type: MmsMessageType | undefined): boolean =>
  type === 'm-delete-conf' || type === 'm-mbox-delete-conf';

/** The table's reader for header `code` (with the indexed Response-Text of the two delete confs). */
export function readValue(
  r: ByteReader,
  code: number,
  type: MmsMessageType | undefined,
  name: string,
): MmsValue {
  const read =
    code === RESPONSE_TEXT && indexedResponseText(type)
      ? READ_INDEXED_RESPONSE_TEXT
      : (READ_BY_CODE[code] as ReadValue);
  return read(r, name);
}

/** Application-header = Token-text Application-specific-value (§7.1, WAP-230-WSP 8.4.2.6), or the error. */
export function readApplicationHeader(r: ByteReader, headers: MmsHeader[]): void {
  const at = r.offset;
  const o = r.buf[at];
  if (o >= 0x20 && o < 0x7f) {
    const name = readTokenText(r, 'header');
    const value = readTextString(r, name);
    // a textual well-known field ('to', 'X-Mms-Message-Size') is still an Application-header: marked, so it
    // re-encodes as text with its Text-string value, not as the field code its name matches
    headers.push(namesFieldCode(name) ? { name, value, textual: true } : { name, value });
  } else {
    r.fail('header', `octet 0x${o.toString(16).padStart(2, '0')} is neither a field code nor a token`, at);
  }
}

function missingType(r: ByteReader): never {
  const known = Object.keys(MESSAGE_TYPE_CODES).length;
  return r.fail('X-Mms-Message-Type', `missing (one of ${known} message types is required)`, 0);
}

export function withBody(r: ByteReader, pdu: MmsPdu, contentType: ContentType): MmsPdu {
  if (isMultipartMedia(contentType.mediaType)) pdu.parts = readMultipart(r, 'body');
  else pdu.body = r.bytes(r.remaining, 'body');
  return pdu;
}

/**
 * Decodes an MMS PDU (OMA-TS-MMS_ENC-V1_3 §7.1): header fields (binary code | 0x80 followed by the value,
 * or an application header Token-text Text-string), up to and including Content-Type, after which comes
 * the body (§7.1: Content-Type is the last header). Unknown codes keep their raw value octets (delimited
 * by the WSP generic value rule). Part bodies and single bodies are views into `buf` (no copy).
 * Decoding does not validate presence or order: that is validateMms.
 *
 * The common value shapes are read inline (see fastKind); anything else goes to the table's reader.
 */
export function decodeMms(buf: Uint8Array): MmsPdu {
  const end = buf.length;
  if (end === 0) new ByteReader(buf).fail('X-Mms-Message-Type', 'empty PDU');
  // the table's readers' cursor, made when one is first needed
  let r: ByteReader | undefined;
  const headers: MmsHeader[] = [];
  let type: MmsMessageType | undefined;
  let contentType: ContentType | undefined;
  let win = '';
  let winStart = 0;
  let winEnd = 0;
  let copied = -1; // octets of buf in SCRATCH, once a text needs them
  let p = 0;
  while (p < end) {
    const o = buf[p];
    if (o < 0x80) {
      r ??= new ByteReader(buf);
      r.offset = p;
      readApplicationHeader(r, headers);
      p = r.offset;
      continue;
    }
    const at = p;
    const code = o & 0x7f;
    const name = NAME_BY_CODE[code];
    p++;
    let value: MmsValue | undefined;
    // ASCII text [ts, te) to cut from the window, when te > 0
    let ts = 0;
    let te = 0;
    switch (KIND_BY_CODE[code]) {
      case ENUM: {
        const v = p < end ? buf[p] : 0;
        if (v >= 0x80) {
          value = ENUM_TOKENS[(code << 7) | (v & 0x7f)] ?? v;
          p++;
        }
        break;
      }
      case TEXT: {
        if (code === RESPONSE_TEXT && indexedResponseText(type)) break;
        if (p >= end || buf[p] < 0x20) break;
        if (copied < 0) copied = copy(buf);
        const nul = asciiTextEnd(buf, p, end, copied);
        if (nul >= 0) {
          ts = p;
          te = nul;
          p = nul + 1;
        }
        break;
      }
      case LONG: {
        const v = shortLong(buf, p, end);
        if (v >= 0) {
          value = v;
          p += 1 + buf[p];
        }
        break;
      }
      case INTEGER: {
        const v = p < end ? buf[p] : 0;
        if (v >= 0x80) {
          value = v & 0x7f;
          p++;
        } else {
          const n = shortLong(buf, p, end);
          if (n >= 0) {
            value = n;
            p += 1 + v;
          }
        }
        break;
      }
      case VERSION: {
        const v = p < end ? buf[p] : 0;
        if (v >= 0x80) {
          value = VERSION_TEXT[v & 0x7f];
          p++;
        }
        break;
      }
      case FROM: {
        // Value-length (Short-length) 0x80 Text-string, the text ending exactly at the value's end
        if (p + 2 >= end) break;
        const len = buf[p];
        const stop = p + 1 + len;
        if (len > 30 || stop > end || buf[p + 1] !== 0x80 || buf[p + 2] < 0x20) break;
        if (copied < 0) copied = copy(buf);
        const nul = asciiTextEnd(buf, p + 2, stop, copied);
        if (nul !== stop - 1) break;
        ts = p + 2;
        te = nul;
        p = stop;
        break;
      }
      case TIME: {
        // Value-length (Short-length) token Integer-value, the integer ending exactly at the value's end
        if (p + 2 >= end) break;
        const len = buf[p];
        const stop = p + 1 + len;
        const t = buf[p + 1];
        if (len > 30 || stop > end || (t !== 0x80 && t !== 0x81)) break;
        const v = buf[p + 2];
        let n = v & 0x7f;
        let after = p + 3;
        if (v < 0x80) {
          n = shortLong(buf, p + 2, stop);
          after += v;
        }
        if (n < 0 || after !== stop) break;
        value = t === 0x80 ? { absolute: n } : { relative: n };
        p = stop;
        break;
      }
    }
    if (te > 0) {
      if (ts < winStart || te > winEnd) {
        winStart = ts;
        winEnd = Math.min(end, Math.max(te, ts + WINDOW));
        win = latin1Range(buf, winStart, winEnd);
      }
      value = win.slice(ts - winStart, te - winStart);
    } else if (value === undefined) {
      r ??= new ByteReader(buf);
      r.offset = p;
      value = KIND_BY_CODE[code] === UNKNOWN ? readRawValue(r, name) : readValue(r, code, type, name);
      p = r.offset;
    }
    headers.push({ name, value });
    if (code === MESSAGE_TYPE) {
      if (type === undefined) {
        if (typeof value === 'number')
          new ByteReader(buf).fail(name, `unknown message type 0x${value.toString(16)}`, at + 1);
        type = value as MmsMessageType;
      }
    } else if (code === CONTENT_TYPE) {
      contentType = value as ContentType;
      break;
    }
  }
  if (type === undefined) return missingType(new ByteReader(buf));
  const pdu: MmsPdu = { type, headers };
  if (contentType === undefined) return pdu;
  r ??= new ByteReader(buf);
  r.offset = p;
  return withBody(r, pdu, contentType);
}

/** decodeMms by the table's readers alone, without the inline fast paths (the reference the tests hold them to). */
export function decodeMmsTableOnly(buf: Uint8Array): MmsPdu {
  const r = new ByteReader(buf);
  if (r.atEnd()) r.fail('X-Mms-Message-Type', 'empty PDU');
  const headers: MmsHeader[] = [];
  let type: MmsMessageType | undefined;
  let contentType: ContentType | undefined;
  while (!r.atEnd()) {
    const at = r.offset;
    const o = r.buf[at];
    if (o < 0x80) {
      readApplicationHeader(r, headers);
      continue;
    }
    r.offset++;
    const code = o & 0x7f;
    const def = DEF_BY_CODE[code];
    if (!def) {
      const name = `Unknown-0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
      headers.push({ name, value: readRawValue(r, name) });
      continue;
    }
    const value = readValue(r, code, type, def.name);
    headers.push({ name: def.name, value });
    if (code === MESSAGE_TYPE && type === undefined) {
      if (typeof value === 'number') r.fail(def.name, `unknown message type 0x${value.toString(16)}`, at + 1);
      type = value as MmsMessageType;
    } else if (code === CONTENT_TYPE) {
      contentType = value as ContentType;
      break;
    }
  }
  if (type === undefined) return missingType(r);
  const pdu: MmsPdu = { type, headers };
  return contentType ? withBody(r, pdu, contentType) : pdu;
}
