import { mediaTypeOf } from './decode-eaif.ts';
import { EAIF_BODY_PDU, EAIF_CONTENT_TYPE, eaifHeaderRow, isEaifHeaderName } from './eaif-headers.ts';
import { type EaifIssue, type EaifMessage, eaifHeaderValues, eaifMessageType } from './eaif-message.ts';
import { checkEaifValue } from './eaif-value.ts';

/** Headers that appear at most once in a message (all but X-NOKIA-MMSC-To, which may repeat). */
const SINGLE = [
  'X-NOKIA-MMSC-From',
  'X-NOKIA-MMSC-Version',
  'X-NOKIA-MMSC-Message-Type',
  'X-NOKIA-MMSC-Message-Id',
];

/**
 * What an EAIF message breaks (NOKIA-EAIF §4.2), apart from encoding so that robustness suites
 * can send what EAIF forbids:
 * - every header of the table well-formed and sent in its direction (request / answer);
 * - a request carries X-NOKIA-MMSC-Version and X-NOKIA-MMSC-Message-Type once (Mbuni writes both
 *   on every POST), its body is an MMS PDU (application/vnd.wap.mms-message) of the type its
 *   Message-Type carries (EAIF_BODY_PDU);
 * - an answer has an HTTP status 100..599.
 * Which of these a receiver refuses is its own policy (the reference MMSC: src/mmsc/eaif).
 */
export function validateEaif(msg: EaifMessage): EaifIssue[] {
  const issues: EaifIssue[] = [];
  msg.headers.forEach((h, i) => {
    if (!isEaifHeaderName(h.name)) {
      issues.push({ field: h.name, offset: i, reason: 'not an X-NOKIA-MMSC- header' });
      return;
    }
    const row = eaifHeaderRow(h.name);
    if (!row) return;
    const why = checkEaifValue(row, h.value);
    if (why) issues.push({ field: row.name, offset: i, reason: why });
    if (row.direction !== 'both' && row.direction !== msg.kind) {
      issues.push({
        field: row.name,
        offset: i,
        reason: `travels in a ${row.direction}, not in a ${msg.kind}`,
      });
    }
  });
  for (const name of SINGLE) {
    if (eaifHeaderValues(msg, name).length > 1)
      issues.push({ field: name, offset: -1, reason: 'more than once' });
  }
  if (msg.kind === 'response') {
    const s = msg.status;
    if (s === undefined || !Number.isInteger(s) || s < 100 || s > 599)
      issues.push({ field: 'status', offset: -1, reason: `not an HTTP status: ${String(s)}` });
    return issues;
  }
  for (const name of ['X-NOKIA-MMSC-Version', 'X-NOKIA-MMSC-Message-Type']) {
    if (eaifHeaderValues(msg, name).length === 0) issues.push({ field: name, offset: -1, reason: 'missing' });
  }
  if (mediaTypeOf(msg.contentType) !== EAIF_CONTENT_TYPE)
    issues.push({ field: 'Content-Type', offset: -1, reason: `must be ${EAIF_CONTENT_TYPE}` });
  const type = eaifMessageType(msg);
  const pduType = msg.pdu?.type;
  if (msg.body.byteLength === 0 && !msg.pdu) issues.push({ field: 'body', offset: -1, reason: 'no MMS PDU' });
  else if (type && pduType && !EAIF_BODY_PDU[type].includes(pduType))
    issues.push({
      field: 'body',
      offset: -1,
      reason: `a ${type} carries ${EAIF_BODY_PDU[type].join(' or ')}, not ${pduType}`,
    });
  return issues;
}
