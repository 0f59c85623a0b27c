import { ByteReader } from '../bytes.ts';
import { DecodeError } from '../codec-error.ts';
import { type ContentType, isMultipartMedia, readMultipartLenient, readRawValue } from '../wsp/index.ts';
import { readApplicationHeader, readValue } from './decode-mms.ts';
import { mmsHeaderByCode, mmsHeaderByName } from './header-table.ts';
import {
  MMS_MESSAGE_TYPES,
  type MmsHeader,
  type MmsMessageType,
  type MmsPart,
  type MmsPdu,
} from './types.ts';

const CONTENT_TYPE = 0x04;
const MESSAGE_TYPE = 0x0c;

/** What decodeMmsLenient could read of a PDU, and what it could not. */
export interface LenientMmsPdu {
  /** The first X-Mms-Message-Type that named a known type; undefined when there was none. */
  type: MmsMessageType | undefined;
  /** Every header whose value read by its grammar, in wire order; a header that did not is left out. */
  headers: MmsHeader[];
  parts?: MmsPart[];
  body?: Uint8Array;
  /** Each place the bytes broke their grammar, in wire order: empty exactly when decodeMms accepts them. */
  defects: DecodeError[];
  /** Where reading gave up with octets left that no rule could delimit (absent when it read to the end). */
  stoppedAt?: number;
}

function asDecodeError(e: unknown, at: number, field: string): DecodeError {
  if (e instanceof DecodeError) return e;
  return new DecodeError(at, field, e instanceof Error ? e.message : String(e));
}

/**
 * Decodes an MMS PDU as a tolerant handset would (OMA-TS-MMS_ENC-V1_3 §7.1, §7.2): each header is read
 * by the table's grammar, as decodeMms reads it; a value that breaks its grammar becomes a defect and is
 * stepped over by the generic rule of WAP-230-WSP §8.4.1.2, which delimits any field value from its first
 * octet alone (0..30 Short-length and 31 Length-quote + uintvar: that many octets; 32..127: a Text-string
 * up to its NUL; 128..255: one Short-integer octet), so the next header is found. Reading stops only
 * where that rule cannot delimit the value either (a length beyond the PDU, a text without NUL, an octet
 * that starts no header). A multipart body is read entry by entry (each delimited by its own lengths,
 * WAP-230-WSP §8.5.3), keeping the entries that decode.
 *
 * Total: never throws. Without defects it returns what decodeMms returns.
 */
export function decodeMmsLenient(buf: Uint8Array): LenientMmsPdu {
  const out: LenientMmsPdu = { type: undefined, headers: [], defects: [] };
  const r = new ByteReader(buf);
  if (buf.length === 0) {
    out.defects.push(new DecodeError(0, 'X-Mms-Message-Type', 'empty PDU'));
    return out;
  }
  let contentType: ContentType | undefined;
  let typeSeen = false;
  let body = false;
  while (!r.atEnd()) {
    const at = r.offset;
    const o = buf[at];
    if (o < 0x80) {
      if (!applicationHeader(r, out)) {
        out.stoppedAt = at;
        break;
      }
      continue;
    }
    const code = o & 0x7f;
    const name =
      mmsHeaderByCode(code)?.name ?? `Unknown-0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    r.offset = at + 1;
    try {
      const value = mmsHeaderByCode(code) ? readValue(r, code, out.type, name) : readRawValue(r, name);
      out.headers.push({ name, value });
      if (code === MESSAGE_TYPE && !typeSeen) {
        typeSeen = true;
        if (typeof value === 'number')
          out.defects.push(new DecodeError(at + 1, name, `unknown message type 0x${value.toString(16)}`));
        else out.type = value as MmsMessageType;
      } else if (code === CONTENT_TYPE) {
        contentType = value as ContentType;
        body = true;
        break;
      }
    } catch (e) {
      out.defects.push(asDecodeError(e, at + 1, name));
      // WAP-230-WSP §8.4.1.2: the value's first octet says how far it reaches
      r.offset = at + 1;
      try {
        readRawValue(r, name);
      } catch {
        out.stoppedAt = at;
        break;
      }
      if (code === MESSAGE_TYPE) typeSeen = true;
      // §7.1: Content-Type is the last header; what follows it is the body, whatever its type
      if (code === CONTENT_TYPE) {
        body = true;
        break;
      }
    }
  }
  if (!typeSeen) {
    out.defects.push(
      new DecodeError(
        0,
        'X-Mms-Message-Type',
        `missing (one of ${MMS_MESSAGE_TYPES.length} message types is required)`,
      ),
    );
  }
  if (body) readBody(r, out, contentType);
  return out;
}

/** Application-header = Token-text Application-specific-value (§7.1): two NUL-terminated texts. */
function applicationHeader(r: ByteReader, out: LenientMmsPdu): boolean {
  const at = r.offset;
  try {
    readApplicationHeader(r, out.headers);
    return true;
  } catch (e) {
    out.defects.push(asDecodeError(e, at, 'header'));
  }
  const o = r.buf[at];
  if (o < 0x20 || o === 0x7f) return false;
  r.offset = at;
  const nameEnd = r.indexOf(0);
  if (nameEnd < 0) return false;
  r.offset = nameEnd + 1;
  const valueEnd = r.indexOf(0);
  if (valueEnd < 0) return false;
  r.offset = valueEnd + 1;
  return true;
}

function readBody(r: ByteReader, out: LenientMmsPdu, contentType: ContentType | undefined): void {
  const at = r.offset;
  try {
    if (contentType && isMultipartMedia(contentType.mediaType)) {
      out.parts = readMultipartLenient(r, 'body', out.defects);
    } else out.body = r.bytes(r.remaining, 'body');
  } catch (e) {
    out.defects.push(asDecodeError(e, at, 'body'));
  }
}

/** The PDU, when a message type was read (its headers are those that decoded). */
export function lenientPdu(l: LenientMmsPdu): MmsPdu | undefined {
  if (l.type === undefined) return undefined;
  return {
    type: l.type,
    headers: l.headers,
    ...(l.parts ? { parts: l.parts } : {}),
    ...(l.body ? { body: l.body } : {}),
  };
}

/**
 * The clause a defect in `field` breaks: the field's value grammar (§7.3, one subclause per field) for
 * a header of the table; §7.1 for the header structure; WAP-230-WSP §8.5 for the multipart body.
 */
export function mmsDefectClause(field: string): string {
  const def = mmsHeaderByName(field);
  if (def) return `OMA-TS-MMS_ENC-V1_3 §7.3 (${def.name}: ${def.codec.grammar})`;
  if (field.startsWith('body'))
    return 'OMA-TS-MMS_ENC-V1_3 §7.1 (message body); WAP-230-WSP §8.5 (multipart)';
  return 'OMA-TS-MMS_ENC-V1_3 §7.1 (header fields); WAP-230-WSP §8.4.1.2 (field values)';
}
