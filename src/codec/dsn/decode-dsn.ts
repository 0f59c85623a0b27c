import { DecodeError } from '../codec-error.ts';
import { parseContentType } from '../mime/content-type.ts';
import { getHeader } from '../mime/get-header.ts';
import type { MimeEntity, MimeHeader } from '../mime/mime-entity.ts';
import { parseHeaderBlock, parseMime } from '../mime/parse-mime.ts';
import {
  type DeliveryStatus,
  DSN_ACTIONS,
  type Dsn,
  type DsnAction,
  type DsnRecipient,
  type DsnTyped,
} from './dsn.ts';

const ascii = new TextDecoder('utf-8', { fatal: false });

/**
 * Whether a mail presents itself as a DSN: top-level Content-Type multipart/report with
 * report-type=delivery-status (RFC 3464 §2 (a)). Cheap: reads the header only; never throws.
 * What says so is then decoded by decodeDsn (which may still refuse it).
 */
export function isDsnMail(raw: Uint8Array): boolean {
  try {
    const { headers } = parseHeaderBlock(raw);
    const ct = parseContentType(getHeader(headers, 'Content-Type') ?? '');
    return (
      ct?.type === 'multipart/report' && (ct.params['report-type'] ?? '').toLowerCase() === 'delivery-status'
    );
  } catch {
    return false;
  }
}

/**
 * Decodes a whole DSN mail (RFC 3464 §2): multipart/report; report-type=delivery-status, the first
 * component human-readable, the second message/delivery-status, an optional third returning the
 * original (message/rfc822 or text/rfc822-headers). Total: a Dsn or one DecodeError (offset into
 * `raw`, the field, the clause broken).
 */
export function decodeDsn(raw: Uint8Array): Dsn {
  const top = parseMime(raw);
  if (top.contentType !== 'multipart/report')
    throw new DecodeError(0, 'Content-Type', `${top.contentType}, not multipart/report (RFC 3464 §2 (a))`);
  const reportType = (top.params['report-type'] ?? '').toLowerCase();
  if (reportType !== 'delivery-status')
    throw new DecodeError(
      0,
      'Content-Type',
      `report-type ${JSON.stringify(reportType)}, not delivery-status (RFC 3464 §2 (a))`,
    );
  const parts = top.parts ?? [];
  // §2 (b), (c): the human-readable explanation first, message/delivery-status second.
  if (parts.length < 2)
    throw new DecodeError(
      top.bodyOffset ?? 0,
      'multipart/report',
      `${parts.length} component(s); a DSN has a human-readable part and a message/delivery-status part (RFC 3464 §2 (b), (c))`,
    );
  const status = parts[1];
  if (status.contentType !== 'message/delivery-status')
    throw new DecodeError(
      status.offset ?? 0,
      'Content-Type',
      `second component is ${status.contentType}, not message/delivery-status (RFC 3464 §2 (c))`,
    );
  const ds = decodeDeliveryStatus(status.body, status.bodyOffset ?? 0);
  const third = parts[2];
  const original = third ? returnedHeaders(third) : undefined;
  return {
    headers: top.headers,
    humanReadable: parts[0].parts ? '' : ascii.decode(parts[0].body),
    ...ds,
    ...(original ? { original } : {}),
  };
}

/** Header fields of the returned original (§2 (d)); undefined for a part that returns neither. */
function returnedHeaders(part: MimeEntity): MimeHeader[] | undefined {
  if (part.contentType !== 'message/rfc822' && part.contentType !== 'text/rfc822-headers') return undefined;
  try {
    return parseHeaderBlock(part.body, 0, part.bodyOffset ?? 0).headers;
  } catch {
    // a damaged copy of the original says nothing about the notification itself
    return undefined;
  }
}

/**
 * The body of a message/delivery-status part (RFC 3464 §2.1):
 * `per-message-fields 1*( CRLF per-recipient-fields )`, each group in RFC 822 header syntax
 * (§2.1.1: folding, comments in parentheses, case-insensitive names). `base` is the offset of the
 * body in the caller's buffer.
 */
export function decodeDeliveryStatus(body: Uint8Array, base = 0): DeliveryStatus {
  const groups: Array<{ headers: MimeHeader[]; offsets: number[]; at: number }> = [];
  let pos = skipBlankLines(body, 0);
  while (pos < body.length) {
    const at = pos;
    const { headers, offsets, bodyStart } = parseHeaderBlock(body.subarray(pos), 0, base + pos);
    if (headers.length > 0) groups.push({ headers, offsets, at: base + at });
    pos = skipBlankLines(body, pos + Math.max(bodyStart, 1));
  }
  const [msg, ...rcpts] = groups;
  if (!msg) throw new DecodeError(base, 'message/delivery-status', 'empty (RFC 3464 §2.1)');
  const get = (g: (typeof groups)[number], name: string) => {
    const i = g.headers.findIndex((h) => h.name.toLowerCase() === name.toLowerCase());
    return i < 0 ? undefined : { value: g.headers[i].value, at: g.offsets[i] };
  };
  const reporting = get(msg, 'Reporting-MTA');
  if (!reporting)
    throw new DecodeError(
      msg.at,
      'Reporting-MTA',
      'missing from the per-message fields (RFC 3464 §2.2.2: MUST)',
    );
  if (rcpts.length === 0)
    throw new DecodeError(
      base + body.length,
      'message/delivery-status',
      'no per-recipient fields (RFC 3464 §2.1: at least one group)',
    );
  const envid = get(msg, 'Original-Envelope-Id');
  const gateway = get(msg, 'DSN-Gateway');
  const receivedFrom = get(msg, 'Received-From-MTA');
  const arrival = get(msg, 'Arrival-Date');
  const out: DeliveryStatus = {
    ...(envid ? { originalEnvelopeId: decodeXtext(stripComment(envid.value)) } : {}),
    reportingMta: typed(reporting.value, reporting.at, 'Reporting-MTA', '§2.2.2'),
    ...(gateway ? { dsnGateway: typed(gateway.value, gateway.at, 'DSN-Gateway', '§2.2.3') } : {}),
    ...(receivedFrom
      ? { receivedFromMta: typed(receivedFrom.value, receivedFrom.at, 'Received-From-MTA', '§2.2.4') }
      : {}),
    ...(arrival ? { arrivalDate: arrival.value } : {}),
    fields: msg.headers,
    recipients: [],
  };
  for (const g of rcpts) {
    const final = get(g, 'Final-Recipient');
    if (!final)
      throw new DecodeError(
        g.at,
        'Final-Recipient',
        'missing from a per-recipient group (RFC 3464 §2.3.2: MUST)',
      );
    const action = get(g, 'Action');
    if (!action)
      throw new DecodeError(g.at, 'Action', 'missing from a per-recipient group (RFC 3464 §2.3.3: MUST)');
    const a = stripComment(action.value).toLowerCase();
    if (!(DSN_ACTIONS as readonly string[]).includes(a))
      throw new DecodeError(
        action.at,
        'Action',
        `${JSON.stringify(action.value)} is none of ${DSN_ACTIONS.join(', ')} (RFC 3464 §2.3.3)`,
      );
    const status = get(g, 'Status');
    if (!status)
      throw new DecodeError(g.at, 'Status', 'missing from a per-recipient group (RFC 3464 §2.3.4: MUST)');
    // §2.3.4: status-code = DIGIT "." 1*3DIGIT "." 1*3DIGIT, no leading zeros, a comment may follow;
    // the class is 2, 4 or 5 (RFC 3463 §3.1).
    const code = stripComment(status.value);
    if (!/^[245]\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.test(code))
      throw new DecodeError(
        status.at,
        'Status',
        `${JSON.stringify(status.value)} is not a status-code class.subject.detail (RFC 3464 §2.3.4, RFC 3463 §3.1)`,
      );
    const orig = get(g, 'Original-Recipient');
    const remote = get(g, 'Remote-MTA');
    const diag = get(g, 'Diagnostic-Code');
    const last = get(g, 'Last-Attempt-Date');
    const logId = get(g, 'Final-Log-ID');
    const retry = get(g, 'Will-Retry-Until');
    const r: DsnRecipient = {
      ...(orig
        ? { originalRecipient: typed(orig.value, orig.at, 'Original-Recipient', '§2.3.1', false) }
        : {}),
      finalRecipient: typed(final.value, final.at, 'Final-Recipient', '§2.3.2', false),
      action: a as DsnAction,
      status: code,
      ...(remote ? { remoteMta: typed(remote.value, remote.at, 'Remote-MTA', '§2.3.5') } : {}),
      ...(diag ? { diagnosticCode: typed(diag.value, diag.at, 'Diagnostic-Code', '§2.3.6', false) } : {}),
      ...(last ? { lastAttemptDate: last.value } : {}),
      ...(logId ? { finalLogId: logId.value } : {}),
      ...(retry ? { willRetryUntil: retry.value } : {}),
      fields: g.headers,
    };
    out.recipients.push(r);
  }
  return out;
}

/**
 * `type ";" value` (RFC 3464 §2.1.2). The type is an atom; an address keeps its text as written
 * (§2.3.2: "report exactly the address received"), other values lose a trailing comment (§2.1.1).
 */
function typed(value: string, at: number, field: string, clause: string, dropComment = true): DsnTyped {
  const semi = value.indexOf(';');
  const type = semi < 0 ? '' : value.slice(0, semi).trim();
  if (!/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/.test(type))
    throw new DecodeError(
      at,
      field,
      `${JSON.stringify(value.slice(0, 60))} is not TYPE; VALUE (RFC 3464 ${clause})`,
    );
  const rest = value.slice(semi + 1).trim();
  return { type: type.toLowerCase(), value: dropComment ? stripComment(rest) : rest };
}

/** The value without a trailing RFC 822 comment `(...)` (RFC 3464 §2.1.1). */
function stripComment(v: string): string {
  return v.replace(/\s*\([^()]*\)\s*$/, '').trim();
}

/** RFC 3461 §4: xtext, `+XX` standing for the octet XX. */
export function decodeXtext(v: string): string {
  return v.replace(/\+([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

function skipBlankLines(b: Uint8Array, pos: number): number {
  let p = pos;
  for (;;) {
    if (b[p] === 0x0d && b[p + 1] === 0x0a) p += 2;
    else if (b[p] === 0x0a) p += 1;
    else return p;
  }
}
