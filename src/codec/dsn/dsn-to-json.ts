import type { JsonObject } from '../../util/json.ts';
import { getHeader } from '../mime/get-header.ts';
import type { Dsn, DsnTyped } from './dsn.ts';

/** Header fields of the returned original that say which message the DSN is about. */
const ORIGINAL_FIELDS = [
  'Message-ID',
  'X-Mms-Message-ID',
  'X-Mms-Transaction-ID',
  'X-Mms-Message-Type',
  'Subject',
] as const;

const typedText = (t: DsnTyped | undefined) => (t ? `${t.type}; ${t.value}` : undefined);

/**
 * One observable record per recipient of a DSN (what suites match): the recipient's action,
 * status and addresses, the per-message fields, and the identities of the original message
 * (its Message-ID, X-Mms-Message-ID, X-Mms-Transaction-ID when the DSN returned its header).
 */
export function dsnObservations(dsn: Dsn): JsonObject[] {
  const original: JsonObject = {};
  if (dsn.original)
    for (const name of ORIGINAL_FIELDS) {
      const v = getHeader(dsn.original, name);
      if (v !== undefined) original[name] = v;
    }
  return dsn.recipients.map((r, index) => {
    const o: JsonObject = {
      action: r.action,
      status: r.status,
      finalRecipient: r.finalRecipient.value,
      finalRecipientType: r.finalRecipient.type,
    };
    if (r.originalRecipient) o.originalRecipient = r.originalRecipient.value;
    const diag = typedText(r.diagnosticCode);
    if (diag !== undefined) o.diagnosticCode = diag;
    const remote = typedText(r.remoteMta);
    if (remote !== undefined) o.remoteMta = remote;
    if (r.lastAttemptDate !== undefined) o.lastAttemptDate = r.lastAttemptDate;
    if (r.willRetryUntil !== undefined) o.willRetryUntil = r.willRetryUntil;
    o.reportingMta = typedText(dsn.reportingMta) ?? '';
    if (dsn.originalEnvelopeId !== undefined) o.originalEnvelopeId = dsn.originalEnvelopeId;
    if (dsn.arrivalDate !== undefined) o.arrivalDate = dsn.arrivalDate;
    o.recipient = index + 1;
    o.recipients = dsn.recipients.length;
    if (dsn.original) o.original = original;
    const subject = getHeader(dsn.headers, 'Subject');
    if (subject !== undefined) o.subject = subject;
    return o;
  });
}
