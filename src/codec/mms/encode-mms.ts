import { ByteCounter, ByteWriter } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';
import { isMultipartMedia, writeMultipart, writeTextString, writeTokenText } from '../wsp/index.ts';
import { INDEXED_RESPONSE_TEXT, MMS_HEADERS, type MmsHeaderDef, mmsHeaderByName } from './header-table.ts';
import type { EncodeOptions, MmsHeader, MmsPdu } from './types.ts';
import { checkPdu } from './validate-mms.ts';

const UNKNOWN_RE = /^Unknown-0x([0-9A-Fa-f]{2})$/;

/** Table rows by their spelling in the table (what decodeMms and the builders produce): no lower-casing per header. */
const BY_EXACT_NAME = new Map<string, MmsHeaderDef>(MMS_HEADERS.map((d) => [d.name, d]));

/** The table row of a header name: exact spelling first, then the case-insensitive lookup. */
export function headerDefOf(name: string): MmsHeaderDef | undefined {
  return BY_EXACT_NAME.get(name) ?? mmsHeaderByName(name);
}

/**
 * Encodes an MMS PDU: headers in the given order, then the body after Content-Type. Refuses a PDU
 * validateMms rejects (first error thrown) unless `{ validate: false }`. Never repairs anything.
 */
export function encodeMms(pdu: MmsPdu, options: EncodeOptions = {}): Uint8Array {
  if (options.validate !== false) {
    const errors = checkPdu(pdu, false);
    if (errors.length > 0) {
      const e = errors[0];
      throw new EncodeError(e.offset, e.field, e.reason);
    }
  }
  let size = 256;
  if (pdu.body) size += pdu.body.length;
  if (pdu.parts) for (const p of pdu.parts) size += p.data.length + 64;
  const w = new ByteWriter(size);
  const headers = pdu.headers;
  for (let i = 0; i < headers.length; i++) writeMmsHeader(w, headers[i], pdu.type, i);
  if (pdu.parts) writeMultipart(w, pdu.parts, 'body');
  else if (pdu.body) w.bytes(pdu.body);
  return w.finish();
}

/**
 * The octets encodeMms(pdu) writes (dns-packet's encodingLength): the same header writers and
 * multipart writer run over a ByteCounter, no output buffer, body octets counted not copied.
 * Does not validate (encodeMms does, by default); throws the EncodeError encodeMms would for a
 * value that cannot be written.
 */
export function encodingLengthMms(pdu: MmsPdu): number {
  const w = new ByteCounter();
  const headers = pdu.headers;
  for (let i = 0; i < headers.length; i++) writeMmsHeader(w, headers[i], pdu.type, i);
  if (pdu.parts) writeMultipart(w, pdu.parts, 'body');
  else if (pdu.body) w.bytes(pdu.body);
  return w.length;
}

/** Writes one header (code | 0x80 + value, application header, or raw unknown code). */
export function writeMmsHeader(w: ByteWriter, h: MmsHeader, type: string, index = -1): void {
  try {
    const def = headerDefOf(h.name);
    if (def) {
      w.u8(0x80 | def.code);
      const codec =
        def.name === 'X-Mms-Response-Text' && (type === 'm-delete-conf' || type === 'm-mbox-delete-conf')
          ? INDEXED_RESPONSE_TEXT
          : def.codec;
      codec.write(w, h.value, def.name);
      return;
    }
    const unknown = UNKNOWN_RE.exec(h.name);
    if (unknown) {
      if (!(h.value instanceof Uint8Array))
        throw new EncodeError(index, h.name, 'unknown header code needs raw octets');
      w.u8(0x80 | Number.parseInt(unknown[1], 16)).bytes(h.value);
      return;
    }
    if (typeof h.value !== 'string')
      throw new EncodeError(index, h.name, 'application header value must be text');
    writeTokenText(w, h.name, 'header');
    writeTextString(w, h.value, h.name);
  } catch (e) {
    if (e instanceof EncodeError && e.offset === -1) throw new EncodeError(index, e.field, e.reason);
    throw e;
  }
}

export { isMultipartMedia };
