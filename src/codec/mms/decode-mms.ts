import { ByteReader } from '../bytes.ts';
import {
  type ContentType,
  isMultipartMedia,
  readMultipart,
  readRawValue,
  readTextString,
  readTokenText,
} from '../wsp/index.ts';
import { INDEXED_RESPONSE_TEXT, MESSAGE_TYPE_CODES, MMS_HEADERS, mmsHeaderByCode } from './header-table.ts';
import type { MmsHeader, MmsMessageType, MmsPdu, MmsValue } from './types.ts';
import type { ValueCodec } from './value-codecs.ts';

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
 * Decodes an MMS PDU (OMA-TS-MMS_ENC-V1_3 §7.1): header fields (binary code | 0x80 followed by the value,
 * or an application header Token-text Text-string), up to and including Content-Type, after which comes
 * the body (§7.1: Content-Type is the last header). Unknown codes keep their raw value octets (delimited
 * by the WSP generic value rule). Part bodies and single bodies are views into `buf` (no copy).
 * Decoding does not validate presence or order: that is validateMms.
 */
export function decodeMms(buf: Uint8Array): MmsPdu {
  const r = new ByteReader(buf);
  if (r.atEnd()) r.fail('X-Mms-Message-Type', 'empty PDU');
  const headers: MmsHeader[] = [];
  let type: MmsMessageType | undefined;
  let contentType: ContentType | undefined;
  while (!r.atEnd()) {
    const at = r.offset;
    const o = r.buf[at];
    if (o >= 0x80) {
      r.offset++;
      const code = o & 0x7f;
      const def = mmsHeaderByCode(code);
      if (!def) {
        const name = `Unknown-0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
        headers.push({ name, value: readRawValue(r, name) });
        continue;
      }
      const read =
        code === RESPONSE_TEXT && (type === 'm-delete-conf' || type === 'm-mbox-delete-conf')
          ? READ_INDEXED_RESPONSE_TEXT
          : (READ_BY_CODE[code] as ReadValue);
      const value = read(r, def.name);
      headers.push({ name: def.name, value });
      if (code === MESSAGE_TYPE && type === undefined) {
        if (typeof value === 'number')
          r.fail(def.name, `unknown message type 0x${value.toString(16)}`, at + 1);
        type = value as MmsMessageType;
      } else if (code === CONTENT_TYPE) {
        contentType = value as ContentType;
        break;
      }
    } else if (o >= 0x20 && o < 0x7f) {
      // Application-header = Token-text Application-specific-value (§7.1, WAP-230-WSP 8.4.2.6)
      const name = readTokenText(r, 'header');
      headers.push({ name, value: readTextString(r, name) });
    } else {
      r.fail('header', `octet 0x${o.toString(16).padStart(2, '0')} is neither a field code nor a token`, at);
    }
  }
  if (type === undefined) {
    const known = Object.keys(MESSAGE_TYPE_CODES).length;
    return r.fail('X-Mms-Message-Type', `missing (one of ${known} message types is required)`, 0);
  }
  const pdu: MmsPdu = { type, headers };
  if (contentType) {
    if (isMultipartMedia(contentType.mediaType)) pdu.parts = readMultipart(r, 'body');
    else pdu.body = r.bytes(r.remaining, 'body');
  }
  return pdu;
}
