import { EncodeError } from '../codec-error.ts';
import { makeBoundary } from '../mime/build-mime.ts';
import { formatRfc5322Date } from '../mm4/rfc5322-date.ts';
import type { DsnAction } from './dsn.ts';

/** What a DSN says, for encodeDsn. Addresses are SMTP envelope paths as received. */
export interface DsnSpec {
  /** The DSN's From (the reporting MTA's postmaster, e.g. `MAILER-DAEMON@mmsc.example`). */
  from: string;
  /** The envelope sender being notified (RFC 5321 §6.1: the reverse-path of the original). */
  to: string;
  date: Date;
  /** `<id@host>`. */
  messageId: string;
  subject?: string;
  /** The first component (RFC 3464 §2 (b)). */
  text: string;
  /** Reporting-MTA name (`dns; NAME`, RFC 3464 §2.2.2). */
  reportingMta: string;
  /** ENVID of the original transaction, when the sender gave one (RFC 3461 §4.4, RFC 3464 §2.2.1). */
  originalEnvelopeId?: string;
  arrivalDate?: Date;
  /** The client the original came from (`dns; NAME`, §2.2.4). */
  receivedFromMta?: string;
  recipients: ReadonlyArray<{
    finalRecipient: string;
    /** ORCPT as the sender gave it (`rfc822;addr`), §2.3.1. */
    originalRecipient?: string;
    action: DsnAction;
    status: string;
    /** `smtp; 550 5.1.1 ...` (§2.3.6). */
    diagnosticCode?: string;
    lastAttemptDate?: Date;
  }>;
  /** Header block of the original (returned as text/rfc822-headers, RFC 6522 §4). */
  originalHeaders?: Uint8Array;
  boundary?: string;
}

const CRLF = '\r\n';

/** RFC 3461 §4: xtext, every octet outside `!`..`~`, and `+` and `=`, as `+XX`. */
export function encodeXtext(v: string): string {
  let out = '';
  for (const ch of Buffer.from(v, 'utf8')) {
    out +=
      ch < 0x21 || ch > 0x7e || ch === 0x2b || ch === 0x3d
        ? `+${ch.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(ch);
  }
  return out;
}

/** One line of field text: no CR, LF or other controls (they would end or fold the field), ASCII only. */
function line(v: string, field: string): string {
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new EncodeError(-1, field, 'control character in a DSN field');
  // RFC 3464 §2.1: DSN fields are US-ASCII text (RFC 822 syntax)
  if (/[^\x20-\x7e]/.test(v)) throw new EncodeError(-1, field, 'non-ASCII character in a DSN field');
  return v;
}

/**
 * A DSN as MTAs write it (RFC 3464 §2): multipart/report; report-type=delivery-status with the
 * human-readable text, the message/delivery-status fields (per-message, then one group per
 * recipient, each preceded by a blank line, §2.1) and, when given, the original's header block as
 * text/rfc822-headers. Refuses (EncodeError) a recipient without a valid status-code (§2.3.4).
 */
export function encodeDsn(spec: DsnSpec): Uint8Array {
  if (spec.recipients.length === 0)
    throw new EncodeError(-1, 'recipients', 'a DSN names at least one recipient (RFC 3464 §2.1)');
  const perMessage = [
    ...(spec.originalEnvelopeId !== undefined
      ? [`Original-Envelope-Id: ${encodeXtext(spec.originalEnvelopeId)}`]
      : []),
    `Reporting-MTA: dns; ${line(spec.reportingMta, 'Reporting-MTA')}`,
    ...(spec.receivedFromMta
      ? [`Received-From-MTA: dns; ${line(spec.receivedFromMta, 'Received-From-MTA')}`]
      : []),
    ...(spec.arrivalDate ? [`Arrival-Date: ${formatRfc5322Date(spec.arrivalDate)}`] : []),
  ];
  const groups = spec.recipients.map((r, i) => {
    if (!/^[245]\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.test(r.status))
      throw new EncodeError(
        i,
        'Status',
        `${JSON.stringify(r.status)} is not a status-code (RFC 3464 §2.3.4)`,
      );
    return [
      ...(r.originalRecipient
        ? [`Original-Recipient: ${line(r.originalRecipient, 'Original-Recipient')}`]
        : []),
      `Final-Recipient: rfc822; ${line(r.finalRecipient, 'Final-Recipient')}`,
      `Action: ${r.action}`,
      `Status: ${r.status}`,
      ...(r.diagnosticCode ? [`Diagnostic-Code: ${line(r.diagnosticCode, 'Diagnostic-Code')}`] : []),
      ...(r.lastAttemptDate ? [`Last-Attempt-Date: ${formatRfc5322Date(r.lastAttemptDate)}`] : []),
    ].join(CRLF);
  });
  const text = spec.text.replace(/\r?\n/g, CRLF).replace(/[^\x09\x0d\x0a\x20-\x7e]/g, '?');
  // derived from what it encloses (no clock, no random draw): the same DSN is the same octets
  const boundary =
    spec.boundary ??
    makeBoundary('dsn_', [text, ...perMessage, ...groups, spec.originalHeaders ?? new Uint8Array(0)]);
  const head = [
    `From: ${line(spec.from, 'From')}`,
    `To: ${line(spec.to, 'To')}`,
    `Subject: ${line(spec.subject ?? 'Delivery Status Notification (Failure)', 'Subject')}`,
    `Date: ${formatRfc5322Date(spec.date)}`,
    `Message-ID: ${line(spec.messageId, 'Message-ID')}`,
    // RFC 3834 §5: a notification is no message a person wrote; no auto-reply to it
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;${CRLF}\tboundary="${boundary}"`,
  ];
  const chunks: Array<string | Uint8Array> = [
    `${head.join(CRLF)}${CRLF}${CRLF}This is a MIME-encapsulated message.${CRLF}${CRLF}`,
    `--${boundary}${CRLF}Content-Description: Notification${CRLF}Content-Type: text/plain; charset=us-ascii${CRLF}${CRLF}${text}${CRLF}${CRLF}`,
    `--${boundary}${CRLF}Content-Description: Delivery report${CRLF}Content-Type: message/delivery-status${CRLF}${CRLF}`,
    `${perMessage.join(CRLF)}${CRLF}${groups.map((g) => `${CRLF}${g}${CRLF}`).join('')}${CRLF}`,
  ];
  if (spec.originalHeaders) {
    let h = Buffer.from(spec.originalHeaders).toString('latin1');
    h = h.replace(/\r?\n/g, CRLF);
    if (!h.endsWith(CRLF)) h += CRLF;
    chunks.push(
      `--${boundary}${CRLF}Content-Description: Undelivered Message Headers${CRLF}Content-Type: text/rfc822-headers${CRLF}${CRLF}`,
      Buffer.from(h, 'latin1'),
      CRLF,
    );
  }
  chunks.push(`--${boundary}--${CRLF}`);
  return new Uint8Array(
    Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c)))),
  );
}
