import { ByteCounter, ByteWriter } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';
import { isMultipartMedia, writeMultipart } from '../wsp/index.ts';
import type { EncodeOptions, MmsPdu } from './types.ts';
import { checkPdu } from './validate-mms.ts';
import { writeMmsHeader } from './write-header.ts';

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

export { isMultipartMedia };
