import { DecodeError, isCodecError } from '../codec-error.ts';
import { decodeMms } from '../mms/decode-mms.ts';
import { EAIF_CONTENT_TYPE, eaifHeaderRow, isEaifHeaderName } from './eaif-headers.ts';
import type { EaifHeader, EaifMessage } from './eaif-message.ts';
import { checkEaifValue } from './eaif-value.ts';

/** An EAIF HTTP message as the transport hands it over. */
export interface EaifHttpInput {
  kind: 'request' | 'response';
  /** HTTP status of a response. */
  status?: number;
  /** Header lines in wire order, flat `[name, value, name, value, ...]` (node's rawHeaders). */
  rawHeaders: readonly string[];
  body: Uint8Array;
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Decodes one EAIF message (NOKIA-EAIF §4.2). Total: a message, or one DecodeError whose offset is
 * the octet where the fault starts and whose field names what was being read:
 * - a header: offset of its line in the header block as written (`Name: value\r\n` per line, in
 *   order), field the header name (X-NOKIA-MMSC-Version ...);
 * - a request whose Content-Type is not application/vnd.wap.mms-message: field `Content-Type`;
 * - the body: offset within the body, field `body` or `body/<MMS field>` (the MMS decoder's).
 * A response's body is decoded only when it is an MMS PDU (answers normally have none).
 * Unknown X-NOKIA-MMSC-* headers are kept as they are; other HTTP headers are not EAIF's.
 */
export function decodeEaif(input: EaifHttpInput): EaifMessage {
  const headers: EaifHeader[] = [];
  let contentType = '';
  let contentTypeAt = -1;
  let at = 0;
  const raw = input.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    const lineAt = at;
    at += name.length + 2 + value.length + 2;
    if (name.toLowerCase() === 'content-type') {
      contentType = value.trim();
      contentTypeAt = lineAt;
      continue;
    }
    if (!isEaifHeaderName(name)) continue;
    const row = eaifHeaderRow(name);
    if (row) {
      const why = checkEaifValue(row, value);
      if (why) throw new DecodeError(lineAt, row.name, why);
    }
    headers.push({ name, value: value.trim() });
  }
  const msg: EaifMessage = {
    kind: input.kind,
    ...(input.status !== undefined ? { status: input.status } : {}),
    contentType,
    headers,
    body: input.body,
  };
  const isMms = mediaTypeOf(contentType) === EAIF_CONTENT_TYPE;
  if (input.kind === 'request') {
    if (!isMms) {
      throw new DecodeError(
        Math.max(contentTypeAt, 0),
        'Content-Type',
        `an EAIF body is ${EAIF_CONTENT_TYPE}, not ${JSON.stringify(contentType || '(none)')}`,
      );
    }
    if (input.body.byteLength === 0) throw new DecodeError(0, 'body', 'an EAIF request carries an MMS PDU');
  }
  if (isMms && input.body.byteLength > 0) msg.pdu = decodeBody(input.body);
  return msg;
}

function decodeBody(body: Uint8Array): NonNullable<EaifMessage['pdu']> {
  try {
    return decodeMms(body);
  } catch (e) {
    if (!isCodecError(e)) throw e;
    throw new DecodeError(e.offset, `body/${e.field}`, e.reason);
  }
}
