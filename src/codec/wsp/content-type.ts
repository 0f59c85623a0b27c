import type { ByteReader, ByteWriter } from '../bytes.ts';
import { ByteWriter as Writer } from '../bytes.ts';
import { charsetMib, charsetName } from '../charsets.ts';
import { EncodeError } from '../codec-error.ts';
import { mediaCode, mediaName } from './content-types.ts';
import {
  readInteger,
  readLongInteger,
  readShortInteger,
  writeInteger,
  writeLongInteger,
} from './integers.ts';
import { readTextString, readTokenText, writeTextString, writeTokenText } from './text-string.ts';
import { readUintvar, writeUintvar } from './uintvar.ts';
import { readValueLength, writeValueLength } from './value-length.ts';

/**
 * A WSP content type (WAP-230-WSP 8.4.2.24): media type plus parameters in wire order.
 * `mediaType` is the type name, or the numeric code of a well-known type this table does not name.
 */
export interface ContentType {
  mediaType: string | number;
  params: ContentTypeParam[];
  /**
   * Set by the decoder only for non-canonical input, so that it re-encodes byte for byte:
   * `general` — Content-general-form (Value-length) although there are no parameters;
   * `textMedia` — a media type that has a well-known code was sent as text.
   */
  general?: true;
  textMedia?: true;
}

/**
 * One parameter (8.4.2.4). `name` is lower case for well-known parameters ('charset', 'type',
 * 'start', 'name', 'filename', ...). `code` is set only when the wire used a different code from the
 * one the encoder picks for that name (e.g. Name 0x17 instead of 0x05), or `null` for a Token-text
 * name (Untyped-parameter) that shares a well-known name.
 */
export interface ContentTypeParam {
  name: string;
  value: string | number | null;
  code?: number | null;
}

type ParamKind =
  | 'q'
  | 'charset'
  | 'version'
  | 'int'
  | 'text'
  | 'field'
  | 'short'
  | 'constrained'
  | 'none'
  | 'date'
  | 'delta';

/** Table 38 (8.4.2.4): well-known parameter assignments. */
const PARAMS: ReadonlyArray<[code: number, name: string, kind: ParamKind]> = [
  [0x00, 'q', 'q'],
  [0x01, 'charset', 'charset'],
  [0x02, 'level', 'version'],
  [0x03, 'type', 'int'],
  [0x05, 'name', 'text'],
  [0x06, 'filename', 'text'],
  [0x07, 'differences', 'field'],
  [0x08, 'padding', 'short'],
  [0x09, 'type', 'constrained'],
  [0x0a, 'start', 'text'],
  [0x0b, 'start-info', 'text'],
  [0x0c, 'comment', 'text'],
  [0x0d, 'domain', 'text'],
  [0x0e, 'max-age', 'delta'],
  [0x0f, 'path', 'text'],
  [0x10, 'secure', 'none'],
  [0x11, 'sec', 'short'],
  [0x12, 'mac', 'text'],
  [0x13, 'creation-date', 'date'],
  [0x14, 'modification-date', 'date'],
  [0x15, 'read-date', 'date'],
  [0x16, 'size', 'int'],
  [0x17, 'name', 'text'],
  [0x18, 'filename', 'text'],
  [0x19, 'start', 'text'],
  [0x1a, 'start-info', 'text'],
  [0x1b, 'comment', 'text'],
  [0x1c, 'domain', 'text'],
  [0x1d, 'path', 'text'],
];

/** Names of the well-known Content-Type parameters (Table 38), for checking suites' expectations. */
export const WSP_PARAM_NAMES: ReadonlySet<string> = new Set(PARAMS.map(([, name]) => name));

const PARAM_BY_CODE = new Map<number, { name: string; kind: ParamKind }>();
/** The code the encoder uses per name: the first (WSP 1.1/1.2) assignment, as MMS handsets send. */
const CODE_BY_NAME = new Map<string, number>();
for (const [code, name, kind] of PARAMS) {
  PARAM_BY_CODE.set(code, { name, kind });
  if (!CODE_BY_NAME.has(name) && !(name === 'type' && code === 0x03)) CODE_BY_NAME.set(name, code);
}

/** Content-type-value = Constrained-media | Content-general-form (8.4.2.24). */
export function readContentType(r: ByteReader, field = 'Content-Type'): ContentType {
  const o = r.peek(field);
  if (o >= 0x80) {
    r.offset++;
    return { mediaType: mediaName(o & 0x7f) ?? o & 0x7f, params: [] };
  }
  if (o >= 0x20) {
    const mediaType = readTextString(r, field);
    return mediaCode(mediaType) === undefined
      ? { mediaType, params: [] }
      : { mediaType, params: [], textMedia: true };
  }
  const len = readValueLength(r, field);
  const sub = r.sub(len, field);
  let mediaType: string | number;
  let textMedia = false;
  const m = sub.peek(field);
  if (m >= 0x20 && m < 0x80) {
    mediaType = readTextString(sub, field);
    textMedia = mediaCode(mediaType) !== undefined;
  } else {
    const code = readInteger(sub, field);
    mediaType = mediaName(code) ?? code;
  }
  const ct: ContentType = { mediaType, params: readParams(sub, field) };
  if (ct.params.length === 0) ct.general = true;
  if (textMedia) ct.textMedia = true;
  return ct;
}

/** Parameters until the end of the reader. */
export function readParams(r: ByteReader, field: string): ContentTypeParam[] {
  const params: ContentTypeParam[] = [];
  while (!r.atEnd()) params.push(readParam(r, field));
  return params;
}

function readParam(r: ByteReader, field: string): ContentTypeParam {
  const o = r.peek(field);
  if (o >= 0x20 && o < 0x80) {
    // Untyped-parameter = Token-text Untyped-value (Integer-value | Text-value)
    const name = readTokenText(r, `${field}.parameter`);
    const v = r.peek(`${field}.${name}`);
    let value: string | number | null;
    if (v === 0) {
      r.offset++;
      value = null;
    } else if (v >= 0x80 || v <= 30) value = readInteger(r, `${field}.${name}`);
    else value = readTextValue(r, `${field}.${name}`);
    const p: ContentTypeParam = { name, value };
    if (CODE_BY_NAME.has(name.toLowerCase())) p.code = null;
    return p;
  }
  const code = readInteger(r, `${field}.parameter`);
  const def = PARAM_BY_CODE.get(code);
  if (!def) return r.fail(`${field}.parameter`, `unknown well-known parameter 0x${code.toString(16)}`);
  const f = `${field}.${def.name}`;
  const value = readParamValue(r, def.kind, f);
  const p: ContentTypeParam = { name: def.name, value };
  if (
    CODE_BY_NAME.get(def.name) !== code &&
    !(def.name === 'type' && typeof value === 'number' && code === 0x03)
  ) {
    p.code = code;
  }
  return p;
}

/** Text-value (8.4.2.3) = No-value | Token-text | Quoted-string. */
function readTextValue(r: ByteReader, field: string): string {
  const o = r.peek(field);
  if (o === 0x22) {
    r.offset++;
  }
  return readTextString(r, field);
}

function readParamValue(r: ByteReader, kind: ParamKind, field: string): string | number | null {
  switch (kind) {
    case 'q':
      return readUintvar(r, field);
    case 'charset': {
      const o = r.peek(field);
      if (o === 0x80) {
        r.offset++;
        return '*';
      }
      if (o >= 0x20 && o < 0x80) return readTextString(r, field);
      const mib = readInteger(r, field);
      return charsetName(mib) ?? mib;
    }
    case 'version': {
      const o = r.peek(field);
      if (o >= 0x80) {
        r.offset++;
        return `${(o >> 4) & 0x07}.${o & 0x0f}`;
      }
      return readTextString(r, field);
    }
    case 'int':
    case 'delta':
      return readInteger(r, field);
    case 'date':
      return readLongInteger(r, field);
    case 'short':
      return readShortInteger(r, field);
    case 'field': {
      const o = r.peek(field);
      if (o >= 0x80) {
        r.offset++;
        return o & 0x7f;
      }
      return readTokenText(r, field);
    }
    case 'constrained': {
      const o = r.peek(field);
      if (o >= 0x80) {
        r.offset++;
        return mediaName(o & 0x7f) ?? o & 0x7f;
      }
      return readTextString(r, field);
    }
    case 'none': {
      const at = r.offset;
      if (r.u8(field) !== 0) r.fail(field, 'expected No-value (0)', at);
      return null;
    }
    case 'text': {
      const o = r.peek(field);
      if (o === 0) {
        r.offset++;
        return null;
      }
      return readTextValue(r, field);
    }
  }
}

/** Writes a content type: Constrained-media when it has no parameters, else Content-general-form. */
export function writeContentType(w: ByteWriter, ct: ContentType, field = 'Content-Type'): void {
  if (typeof ct !== 'object' || ct === null || !Array.isArray(ct.params)) {
    throw new EncodeError(-1, field, 'expected { mediaType, params }');
  }
  const code =
    typeof ct.mediaType === 'number' ? ct.mediaType : ct.textMedia ? undefined : mediaCode(ct.mediaType);
  if (ct.params.length === 0 && !ct.general) {
    if (code !== undefined && code < 128) w.u8(code | 0x80);
    else if (typeof ct.mediaType === 'string') writeMediaText(w, ct.mediaType, field);
    else throw new EncodeError(-1, field, `media code ${code} needs the general form`);
    return;
  }
  const inner = new Writer(64);
  if (code !== undefined) writeInteger(inner, code, field);
  else writeMediaText(inner, ct.mediaType as string, field);
  writeParams(inner, ct.params, field);
  const out = inner.finish();
  writeValueLength(w, out.length, field);
  w.bytes(out);
}

function writeMediaText(w: ByteWriter, media: string, field: string): void {
  if (media.length === 0) throw new EncodeError(-1, field, 'empty media type');
  writeTextString(w, media, field);
}

export function writeParams(w: ByteWriter, params: ContentTypeParam[], field: string): void {
  for (const p of params) writeParam(w, p, field);
}

function writeParam(w: ByteWriter, p: ContentTypeParam, field: string): void {
  const f = `${field}.${p.name}`;
  if (typeof p.name !== 'string' || p.name.length === 0)
    throw new EncodeError(-1, field, 'parameter without a name');
  let code: number | undefined | null = p.code;
  if (code === undefined) {
    code = CODE_BY_NAME.get(p.name.toLowerCase());
    if (code === 0x09 && typeof p.value === 'number') code = 0x03;
  }
  if (code === null || code === undefined) {
    writeTokenText(w, p.name, f);
    if (p.value === null) w.u8(0);
    else if (typeof p.value === 'number') writeInteger(w, p.value, f);
    else if (p.value.length > 0 && p.value.charCodeAt(0) >= 0x80) writeTextString(w, p.value, f);
    else writeTextString(w, p.value, f);
    return;
  }
  const def = PARAM_BY_CODE.get(code);
  if (!def) throw new EncodeError(-1, f, `unknown parameter code 0x${code.toString(16)}`);
  writeInteger(w, code, f);
  writeParamValue(w, def.kind, p.value, f);
}

function writeParamValue(w: ByteWriter, kind: ParamKind, v: string | number | null, f: string): void {
  const bad: () => never = () => {
    throw new EncodeError(-1, f, `invalid value ${JSON.stringify(v)}`);
  };
  switch (kind) {
    case 'q':
      if (!(typeof v === 'number')) bad();
      writeUintvar(w, v, f);
      return;
    case 'charset':
      if (v === '*') {
        w.u8(0x80);
        return;
      }
      if (typeof v === 'number') {
        writeInteger(w, v, f);
        return;
      }
      if (typeof v === 'string') {
        const mib = charsetMib(v);
        if (mib !== undefined) {
          writeInteger(w, mib, f);
          return;
        }
        writeTextString(w, v, f);
        return;
      }
      bad();
      return;
    case 'version': {
      if (typeof v !== 'string') {
        bad();
        return;
      }
      const m = /^([0-7])\.([0-9]|1[0-4])$/.exec(v);
      if (m) {
        w.u8(0x80 | (Number(m[1]) << 4) | Number(m[2]));
        return;
      }
      writeTextString(w, v, f);
      return;
    }
    case 'int':
    case 'delta':
      if (!(typeof v === 'number')) bad();
      writeInteger(w, v, f);
      return;
    case 'date':
      if (!(typeof v === 'number')) bad();
      writeLongInteger(w, v, f);
      return;
    case 'short':
      if (typeof v !== 'number' || v < 0 || v > 127) {
        bad();
        return;
      }
      w.u8(0x80 | v);
      return;
    case 'field':
      if (typeof v === 'number' && v >= 0 && v < 128) {
        w.u8(0x80 | v);
        return;
      }
      if (!(typeof v === 'string')) bad();
      writeTokenText(w, v, f);
      return;
    case 'constrained': {
      if (typeof v === 'number' && v >= 0 && v < 128) {
        w.u8(0x80 | v);
        return;
      }
      if (typeof v !== 'string') {
        bad();
        return;
      }
      const c = mediaCode(v);
      if (c !== undefined && c < 128) w.u8(0x80 | c);
      else writeTextString(w, v, f);
      return;
    }
    case 'none':
      if (v !== null) bad();
      w.u8(0);
      return;
    case 'text':
      if (v === null) {
        w.u8(0);
        return;
      }
      if (typeof v !== 'string') {
        bad();
        return;
      }
      if (v.length > 0 && v.charCodeAt(0) === 0x22) {
        // a value that itself begins with <"> must go as Quoted-string to survive the round trip
        w.u8(0x22);
      }
      writeTextString(w, v, f);
      return;
  }
}

/** The content type's media type as text (numeric codes as 0xNN). */
export function mediaTypeText(ct: ContentType): string {
  return typeof ct.mediaType === 'number' ? `0x${ct.mediaType.toString(16)}` : ct.mediaType;
}

/** `type/subtype; name=value; ...` (for human output and summaries). */
export function contentTypeToString(ct: ContentType): string {
  let s = mediaTypeText(ct);
  for (const p of ct.params) s += p.value === null ? `; ${p.name}` : `; ${p.name}=${p.value}`;
  return s;
}

export { readShortInteger };
