import { EncodeError } from '../codec-error.ts';
import { encodeMms } from '../mms/encode-mms.ts';
import type { EaifMessage } from './eaif-message.ts';
import { validateEaif } from './validate-eaif.ts';

/** An EAIF message as HTTP: its header lines (Content-Type first, when there is one) and body. */
export interface EaifHttp {
  headers: [string, string][];
  body: Uint8Array;
}

/**
 * Writes an EAIF message as HTTP header lines and body octets: `body` as it is, or `pdu` encoded
 * when `body` is empty. Never repairs: with `validate` (default true) a message that breaks
 * validateEaif is refused with one EncodeError (offset = the header's index, or -1); with
 * `validate: false` it is written as given (robustness suites send what EAIF forbids).
 */
export function encodeEaif(msg: EaifMessage, opts: { validate?: boolean } = {}): EaifHttp {
  const body = msg.body.byteLength === 0 && msg.pdu ? encodeMms(msg.pdu, { validate: false }) : msg.body;
  if (opts.validate !== false) {
    const issue = validateEaif({ ...msg, body })[0];
    if (issue) throw new EncodeError(issue.offset, issue.field, issue.reason);
  }
  const headers: [string, string][] = [];
  if (msg.contentType) headers.push(['Content-Type', msg.contentType]);
  for (const h of msg.headers) headers.push([h.name, h.value]);
  return { headers, body };
}
