import { type ByteReader, ByteWriter } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';
import { readParams, writeParams } from '../wsp/content-type.ts';
import {
  type ContentType,
  type EncodedString,
  readContentType,
  readEncodedString,
  readInteger,
  readLongInteger,
  readTextString,
  readTokenText,
  readValueLength,
  writeContentType,
  writeEncodedString,
  writeInteger,
  writeLongInteger,
  writeTextString,
  writeTokenText,
  writeValueLength,
} from '../wsp/index.ts';
import { type EnumTable, enumCode } from './enums.ts';
import type {
  MmsElementDescriptor,
  MmsFlag,
  MmsIndexed,
  MmsPreviouslySentBy,
  MmsPreviouslySentDate,
  MmsQuota,
  MmsTime,
  MmsValue,
} from './types.ts';

/** A value codec: the only switch in the MMS codec is the choice of one of these per table row. */
export interface ValueCodec {
  /** Human name of the value grammar (docs). */
  readonly grammar: string;
  /** For enumerated values: the spec tokens (docs, generators). */
  readonly tokens?: readonly string[];
  /** Enumerated codecs: the octet → token table (lets decodeMms read a Short-integer inline). */
  readonly enumTable?: EnumTable;
  /** maybeIndexedCodec: the plain codec, read when the first octet is above 31 (decodeMms fast path). */
  readonly plain?: ValueCodec;
  read(r: ByteReader, field: string): MmsValue;
  write(w: ByteWriter, v: MmsValue, field: string): void;
}

const bad = (field: string, v: unknown, want: string): never => {
  throw new EncodeError(-1, field, `expected ${want}, got ${JSON.stringify(v)}`);
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array);
}

function isEncodedString(v: unknown): v is EncodedString {
  return typeof v === 'string' || (isObj(v) && typeof v.text === 'string' && 'charset' in v);
}

/** Enumerated Short-integer; unknown octets decode to their number and encode back. */
export function enumCodec(table: EnumTable, name: string, tokenTextAllowed = false): ValueCodec {
  return {
    grammar: `${name} (Short-integer${tokenTextAllowed ? ' | Token-text' : ''})`,
    tokens: Object.values(table),
    enumTable: table,
    read(r, field) {
      const at = r.offset;
      const o = r.u8(field);
      if (o >= 0x80) return table[o] ?? o;
      if (tokenTextAllowed && o >= 0x20 && o < 0x7f) {
        r.offset = at;
        return readTokenText(r, field);
      }
      return r.fail(field, `expected a ${name} value (Short-integer), got 0x${o.toString(16)}`, at);
    },
    write(w, v, field) {
      if (typeof v === 'number') {
        if (!Number.isInteger(v) || v < 128 || v > 255) bad(field, v, `a ${name} octet 128..255`);
        w.u8(v);
        return;
      }
      if (typeof v !== 'string') bad(field, v, `a ${name} token`);
      const code = enumCode(table, v as string);
      if (code !== undefined) w.u8(code);
      else if (tokenTextAllowed) writeTokenText(w, v as string, field);
      else bad(field, v, `one of ${Object.values(table).join(', ')}`);
    },
  };
}

export const textCodec: ValueCodec = {
  grammar: 'Text-string',
  read: (r, field) => readTextString(r, field),
  write(w, v, field) {
    if (typeof v !== 'string') bad(field, v, 'text');
    writeTextString(w, v as string, field);
  },
};

export const encodedStringCodec: ValueCodec = {
  grammar: 'Encoded-string-value',
  read: (r, field) => readEncodedString(r, field),
  write(w, v, field) {
    if (!isEncodedString(v)) bad(field, v, 'a string or { charset, text }');
    writeEncodedString(w, v as EncodedString, field);
  },
};

export const longCodec: ValueCodec = {
  grammar: 'Long-integer',
  read: (r, field) => readLongInteger(r, field),
  write(w, v, field) {
    if (typeof v !== 'number') bad(field, v, 'an integer');
    writeLongInteger(w, v as number, field);
  },
};

export const integerCodec: ValueCodec = {
  grammar: 'Integer-value',
  read: (r, field) => readInteger(r, field),
  write(w, v, field) {
    if (typeof v !== 'number') bad(field, v, 'an integer');
    writeInteger(w, v as number, field);
  },
};

/** MMS-version-value: Short-integer, major in bits 6..4, minor in bits 3..0 (0x7F = minor unknown). */
export const versionCodec: ValueCodec = {
  grammar: 'MMS-version-value (Short-integer)',
  read(r, field) {
    const at = r.offset;
    const o = r.u8(field);
    if (o < 0x80) r.fail(field, `expected Short-integer version, got 0x${o.toString(16)}`, at);
    return `${(o >> 4) & 0x07}.${o & 0x0f}`;
  },
  write(w, v, field) {
    const m = typeof v === 'string' ? /^([0-7])\.([0-9]|1[0-5])$/.exec(v) : null;
    if (!m) bad(field, v, "a version such as '1.2'");
    w.u8(0x80 | (Number(m![1]) << 4) | Number(m![2]));
  },
};

export const contentTypeCodec: ValueCodec = {
  grammar: 'Content-type-value (WAP-230-WSP 8.4.2.24)',
  read: (r, field) => readContentType(r, field),
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    if (!isObj(o) || !('mediaType' in o)) bad(field, v, '{ mediaType, params }');
    writeContentType(w, v as unknown as ContentType, field);
  },
};

/** From-value = Value-length (Address-present-token 128 Encoded-string-value | Insert-address-token 129). */
export const fromCodec: ValueCodec = {
  grammar: 'From-value',
  read(r, field) {
    const len = readValueLength(r, field);
    const sub = r.sub(len, field);
    const at = sub.offset;
    const t = sub.u8(field);
    if (t === 0x81) {
      if (!sub.atEnd()) sub.fail(field, 'octets after Insert-address-token');
      return { insertAddress: true };
    }
    if (t !== 0x80)
      sub.fail(field, `expected Address-present-token or Insert-address-token, got 0x${t.toString(16)}`, at);
    const v = readEncodedString(sub, field);
    if (!sub.atEnd()) sub.fail(field, 'octets after the address');
    return v;
  },
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    if (isObj(o) && o.insertAddress === true) {
      w.u8(1).u8(0x81);
      return;
    }
    if (!isEncodedString(v)) bad(field, v, 'an address or { insertAddress: true }');
    const inner = new ByteWriter(64);
    inner.u8(0x80);
    writeEncodedString(inner, v as EncodedString, field);
    lengthPrefixed(w, inner, field);
  },
};

function lengthPrefixed(w: ByteWriter, inner: ByteWriter, field: string): void {
  const out = inner.finish();
  writeValueLength(w, out.length, field);
  w.bytes(out);
}

/** Expiry / Delivery-Time / Reply-Charging-Deadline: Value-length (Absolute 128 Date | Relative 129 Delta-seconds). */
export const timeCodec: ValueCodec = {
  grammar: 'Value-length (Absolute-token Date-value | Relative-token Delta-seconds-value)',
  read(r, field): MmsTime {
    const len = readValueLength(r, field);
    const sub = r.sub(len, field);
    const at = sub.offset;
    const t = sub.u8(field);
    // Date-value and Delta-seconds-value are Long-integers (OMA-TS-MMS_ENC §7.3, Expiry field); a Short-integer
    // delta is accepted on decode (WSP's own Delta-seconds-value is an Integer-value) and written back as Long.
    const n = readInteger(sub, field);
    if (!sub.atEnd()) sub.fail(field, 'octets after the time value');
    if (t === 0x80) return { absolute: n };
    if (t === 0x81) return { relative: n };
    return sub.fail(
      field,
      `expected Absolute-token (128) or Relative-token (129), got 0x${t.toString(16)}`,
      at,
    );
  },
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    const inner = new ByteWriter(16);
    if (isObj(o) && typeof o.absolute === 'number') {
      inner.u8(0x80);
      writeLongInteger(inner, o.absolute, field);
    } else if (isObj(o) && typeof o.relative === 'number') {
      inner.u8(0x81);
      writeLongInteger(inner, o.relative as number, field);
    } else bad(field, v, '{ absolute } or { relative }');
    lengthPrefixed(w, inner, field);
  },
};

/** Previously-sent-by-value = Value-length Forwarded-count-value Encoded-string-value. */
export const prevSentByCodec: ValueCodec = {
  grammar: 'Value-length Forwarded-count-value Encoded-string-value',
  read(r, field): MmsPreviouslySentBy {
    const sub = r.sub(readValueLength(r, field), field);
    const count = readInteger(sub, field);
    const address = readEncodedString(sub, field);
    if (!sub.atEnd()) sub.fail(field, 'octets after the address');
    return { count, address };
  },
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    if (!isObj(o) || typeof o.count !== 'number' || !isEncodedString(o.address))
      bad(field, v, '{ count, address }');
    const p = v as unknown as MmsPreviouslySentBy;
    const inner = new ByteWriter(64);
    writeInteger(inner, p.count, field);
    writeEncodedString(inner, p.address, field);
    lengthPrefixed(w, inner, field);
  },
};

/** Previously-sent-date-value = Value-length Forwarded-count-value Date-value. */
export const prevSentDateCodec: ValueCodec = {
  grammar: 'Value-length Forwarded-count-value Date-value',
  read(r, field): MmsPreviouslySentDate {
    const sub = r.sub(readValueLength(r, field), field);
    const count = readInteger(sub, field);
    const date = readLongInteger(sub, field);
    if (!sub.atEnd()) sub.fail(field, 'octets after the date');
    return { count, date };
  },
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    if (!isObj(o) || typeof o.count !== 'number' || typeof o.date !== 'number')
      bad(field, v, '{ count, date }');
    const p = v as unknown as MmsPreviouslySentDate;
    const inner = new ByteWriter(16);
    writeInteger(inner, p.count, field);
    writeLongInteger(inner, p.date, field);
    lengthPrefixed(w, inner, field);
  },
};

const FLAG_OPS: EnumTable = { 128: 'Add', 129: 'Remove', 130: 'Filter' };
/** MM-flags-value = Value-length (Add-token | Remove-token | Filter-token) Encoded-string-value. */
export const mmFlagsCodec: ValueCodec = {
  grammar: 'Value-length (Add | Remove | Filter) Encoded-string-value',
  read(r, field): MmsFlag {
    const sub = r.sub(readValueLength(r, field), field);
    const at = sub.offset;
    const o = sub.u8(field);
    if (o < 0x80) sub.fail(field, 'expected a flag token', at);
    const flag = readEncodedString(sub, field);
    if (!sub.atEnd()) sub.fail(field, 'octets after the flag');
    return { op: (FLAG_OPS[o] as MmsFlag['op']) ?? o, flag };
  },
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    if (!isObj(o) || !isEncodedString(o.flag)) bad(field, v, '{ op, flag }');
    const p = v as unknown as MmsFlag;
    const code = typeof p.op === 'number' ? p.op : enumCode(FLAG_OPS, p.op);
    if (code === undefined || code < 128 || code > 255) bad(field, p.op, 'Add, Remove or Filter');
    const inner = new ByteWriter(32);
    inner.u8(code as number);
    writeEncodedString(inner, p.flag, field);
    lengthPrefixed(w, inner, field);
  },
};

const QUOTA_UNITS: EnumTable = { 128: 'messages', 129: 'bytes' };
/** Mbox-totals/quotas-value = Value-length (Message-total-token | Size-total-token) Integer-value. */
export const quotaCodec: ValueCodec = {
  grammar: 'Value-length (Message-token | Size-token) Integer-value',
  read(r, field): MmsQuota {
    const sub = r.sub(readValueLength(r, field), field);
    const at = sub.offset;
    const o = sub.u8(field);
    if (o < 0x80) sub.fail(field, 'expected a quota token', at);
    const value = readInteger(sub, field);
    if (!sub.atEnd()) sub.fail(field, 'octets after the quota');
    return { unit: (QUOTA_UNITS[o] as MmsQuota['unit']) ?? o, value };
  },
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    if (!isObj(o) || typeof o.value !== 'number') bad(field, v, '{ unit, value }');
    const p = v as unknown as MmsQuota;
    const code = typeof p.unit === 'number' ? p.unit : enumCode(QUOTA_UNITS, p.unit);
    if (code === undefined || code < 128 || code > 255) bad(field, p.unit, 'messages or bytes');
    const inner = new ByteWriter(16);
    inner.u8(code as number);
    writeInteger(inner, p.value, field);
    lengthPrefixed(w, inner, field);
  },
};

/** Element-Descriptor-value = Value-length Content-Reference-value *(Parameter). */
export const elementDescriptorCodec: ValueCodec = {
  grammar: 'Value-length Content-Reference-value *(Parameter)',
  read(r, field): MmsElementDescriptor {
    const sub = r.sub(readValueLength(r, field), field);
    const reference = readTextString(sub, field);
    return { reference, params: readParams(sub, field) };
  },
  write(w, v, field) {
    const o = v as unknown as Record<string, unknown>;
    if (!isObj(o) || typeof o.reference !== 'string' || !Array.isArray(o.params))
      bad(field, v, '{ reference, params }');
    const p = v as unknown as MmsElementDescriptor;
    const inner = new ByteWriter(64);
    writeTextString(inner, p.reference, field);
    writeParams(inner, p.params, field);
    lengthPrefixed(w, inner, field);
  },
};

/**
 * In m-delete-conf and m-mbox-delete-conf, Content-Location, Response-Status and Response-Text may carry a
 * Value-length Status-count-value prefix (the index of the message the entry refers to). This wraps the plain
 * codec: a Value-length first octet (0..31) selects the indexed form. For Response-Text the plain form may
 * itself start with a Value-length, so the wrapper is only installed for those two PDUs (see decode-mms.ts).
 */
export function indexedCodec(inner: ValueCodec): ValueCodec {
  return {
    grammar: `Value-length Status-count-value ${inner.grammar}`,
    read(r, field): MmsIndexed {
      const sub = r.sub(readValueLength(r, field), field);
      const index = readInteger(sub, field);
      const value = inner.read(sub, field) as MmsIndexed['value'];
      if (!sub.atEnd()) sub.fail(field, 'octets after the indexed value');
      return { index, value };
    },
    write(w, v, field) {
      const o = v as unknown as Record<string, unknown>;
      if (!isObj(o) || typeof o.index !== 'number' || !('value' in o)) bad(field, v, '{ index, value }');
      const p = v as unknown as MmsIndexed;
      const b = new ByteWriter(32);
      writeInteger(b, p.index, field);
      inner.write(b, p.value, field);
      lengthPrefixed(w, b, field);
    },
  };
}

/** Either form: plain values, or `{ index, value }` objects (written in the indexed form). */
export function maybeIndexedCodec(inner: ValueCodec): ValueCodec {
  const indexed = indexedCodec(inner);
  return {
    grammar: `${inner.grammar} | ${indexed.grammar}`,
    plain: inner,
    read(r, field) {
      return r.peek(field) <= 31 ? indexed.read(r, field) : inner.read(r, field);
    },
    write(w, v, field) {
      const o = v as unknown as Record<string, unknown>;
      if (isObj(o) && 'index' in o && 'value' in o) indexed.write(w, v, field);
      else inner.write(w, v, field);
    },
  };
}

/** Attributes-value: the Short-integer code of a header field (§7.3, X-Mms-Attributes). */
export function attributesCodec(
  nameOf: (code: number) => string | undefined,
  codeOf: (name: string) => number | undefined,
): ValueCodec {
  return {
    grammar: 'Short-integer (header field code)',
    read(r, field) {
      const at = r.offset;
      const o = r.u8(field);
      if (o < 0x80) r.fail(field, 'expected a header field code', at);
      return nameOf(o & 0x7f) ?? o;
    },
    write(w, v, field) {
      const code = typeof v === 'number' ? v & 0x7f : typeof v === 'string' ? codeOf(v) : undefined;
      if (code === undefined) bad(field, v, 'a header field name');
      w.u8(0x80 | (code as number));
    },
  };
}
