import { type MimeEntity, parseParams } from '../../src/codec/mime/index.ts';
import type { Mm4Header, Mm4Message, Mm4MessageType } from '../../src/codec/mm4/index.ts';
import { formatRfc5322Date } from '../../src/codec/mm4/index.ts';
import type { Clock } from '../../src/util/case-clock.ts';

/**
 * The MM4 messages the remote MMSC originates, as Mm4Message values for encodeMm4:
 * MM4_forward.RES (TS 23.140 §8.4.1.2), MM4_delivery_report.REQ (§8.4.2.1),
 * MM4_read_reply_report.REQ (§8.4.3.1), their .RES answers, and MM4_forward.REQ (§8.4.1.1)
 * for the `forward` action. Header order follows the tables of those clauses.
 */

export const MM4_VERSION_DEFAULT = '6.10.0';

/** A header getter over an Mm4Message (case-insensitive, first occurrence). */
export function header(msg: Mm4Message, name: string): string | undefined {
  const n = name.toLowerCase();
  return msg.headers.find((h) => h.name.toLowerCase() === n)?.value;
}

export interface Mm4Identity {
  /** The remote MMSC's domain (`mms.mnc002.mcc310.gprs`). */
  domain: string;
  version: string;
  /** The clock of the Date fields it writes (the case's in a seeded run). */
  clock: Clock;
}

/** The system address a relay uses on MM4 (IR.52: a mailbox at the MMSC's own domain). */
export function systemAddress(domain: string): string {
  return `system-user@${domain}`;
}

function base(type: Mm4MessageType, id: Mm4Identity, transactionId: string, messageId: string): Mm4Header[] {
  return [
    { name: 'X-Mms-3GPP-MMS-Version', value: id.version },
    { name: 'X-Mms-Message-Type', value: type },
    { name: 'X-Mms-Transaction-ID', value: transactionId },
    { name: 'X-Mms-Message-ID', value: messageId },
  ];
}

function rfcMessageId(id: Mm4Identity, unique: string): string {
  return `<${unique.replace(/[<>@\s]/g, '')}@${id.domain}>`;
}

/** The answer to a REQ of `reqType`: same Transaction-ID and Message-ID (§8.4.1.2, §8.4.2.2, §8.4.3.2). */
export function buildRes(
  reqType: Mm4MessageType,
  req: Mm4Message,
  id: Mm4Identity,
  opts: { requestStatusCode: string; statusText?: string; to: string; unique: string },
): Mm4Message {
  const resType = reqType.replace('.REQ', '.RES') as Mm4MessageType;
  const headers = base(
    resType,
    id,
    header(req, 'X-Mms-Transaction-ID') ?? '',
    header(req, 'X-Mms-Message-ID') ?? '',
  );
  // Answering a REQ that lacked its X-Mms-Message-ID: echo nothing rather than an empty value.
  if (header(req, 'X-Mms-Message-ID') === undefined) headers.splice(3, 1);
  headers.push({ name: 'X-Mms-Request-Status-Code', value: opts.requestStatusCode });
  if (opts.statusText !== undefined) headers.push({ name: 'X-Mms-Status-Text', value: opts.statusText });
  headers.push(
    { name: 'Sender', value: systemAddress(id.domain) },
    { name: 'To', value: opts.to },
    { name: 'Date', value: formatRfc5322Date(new Date(id.clock.now())) },
    { name: 'Message-ID', value: rfcMessageId(id, opts.unique) },
  );
  return { type: resType, headers };
}

export interface ReportSpec {
  transactionId: string;
  /** X-Mms-Message-ID of the original MM (§8.4.2.1: the report refers to it). */
  messageId: string;
  /** The MM's recipient, who reports (From). */
  from: string;
  /** The MM's originator (To). */
  to: string;
  ackRequest: boolean;
  unique: string;
}

export function buildDeliveryReport(
  id: Mm4Identity,
  r: ReportSpec & { mmsStatus: string; statusText?: string },
): Mm4Message {
  const headers = base('MM4_delivery_report.REQ', id, r.transactionId, r.messageId);
  headers.push({ name: 'X-Mms-MMS-Status', value: r.mmsStatus });
  if (r.statusText !== undefined) headers.push({ name: 'X-Mms-Status-Text', value: r.statusText });
  return { type: 'MM4_delivery_report.REQ', headers: [...headers, ...reportTail(id, r)] };
}

export function buildReadReply(
  id: Mm4Identity,
  r: ReportSpec & { readStatus: string; statusText?: string },
): Mm4Message {
  const headers = base('MM4_read_reply_report.REQ', id, r.transactionId, r.messageId);
  headers.push({ name: 'X-Mms-Read-Status', value: r.readStatus });
  if (r.statusText !== undefined) headers.push({ name: 'X-Mms-Status-Text', value: r.statusText });
  return { type: 'MM4_read_reply_report.REQ', headers: [...headers, ...reportTail(id, r)] };
}

function reportTail(id: Mm4Identity, r: ReportSpec): Mm4Header[] {
  const out: Mm4Header[] = [];
  if (r.ackRequest) out.push({ name: 'X-Mms-Ack-Request', value: 'Yes' });
  out.push(
    { name: 'X-Mms-Originator-System', value: systemAddress(id.domain) },
    { name: 'Sender', value: systemAddress(id.domain) },
    { name: 'From', value: r.from },
    { name: 'To', value: r.to },
    { name: 'Date', value: formatRfc5322Date(new Date(id.clock.now())) },
    { name: 'Message-ID', value: rfcMessageId(id, r.unique) },
  );
  return out;
}

export interface ForwardPart {
  contentType: string;
  body: Uint8Array;
  contentId?: string;
  filename?: string;
}

export interface ForwardSpec {
  transactionId: string;
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject?: string;
  ackRequest: boolean;
  deliveryReport?: boolean;
  readReply?: boolean;
  messageClass?: string;
  priority?: string;
  /** X-Mms-Originator-System and Sender (default this MMSC's system address). */
  originatorSystem?: string;
  /** Extra header fields, copied verbatim after the standard ones (robustness cases). */
  extra: Mm4Header[];
  parts: ForwardPart[];
  unique: string;
}

/** MM4_forward.REQ (§8.4.1.1); several parts travel as multipart/related (§8.4.1.1 Content-Type). */
export function buildForwardReq(id: Mm4Identity, f: ForwardSpec): Mm4Message {
  const headers = base('MM4_forward.REQ', id, f.transactionId, f.messageId);
  if (f.ackRequest) headers.push({ name: 'X-Mms-Ack-Request', value: 'Yes' });
  if (f.deliveryReport !== undefined)
    headers.push({ name: 'X-Mms-Delivery-Report', value: f.deliveryReport ? 'Yes' : 'No' });
  if (f.readReply !== undefined)
    headers.push({ name: 'X-Mms-Read-Reply', value: f.readReply ? 'Yes' : 'No' });
  if (f.messageClass !== undefined) headers.push({ name: 'X-Mms-Message-Class', value: f.messageClass });
  if (f.priority !== undefined) headers.push({ name: 'X-Mms-Priority', value: f.priority });
  const system = f.originatorSystem ?? systemAddress(id.domain);
  headers.push({ name: 'X-Mms-Originator-System', value: system });
  headers.push({ name: 'Sender', value: system }, { name: 'From', value: f.from });
  if (f.to.length > 0) headers.push({ name: 'To', value: f.to.join(', ') });
  if (f.cc.length > 0) headers.push({ name: 'Cc', value: f.cc.join(', ') });
  if (f.subject !== undefined) headers.push({ name: 'Subject', value: f.subject });
  headers.push({ name: 'Date', value: formatRfc5322Date(new Date(id.clock.now())) });
  headers.push({ name: 'Message-ID', value: rfcMessageId(id, f.unique) });
  headers.push(...f.extra);
  return { type: 'MM4_forward.REQ', headers, content: forwardContent(f.parts) };
}

function leaf(p: ForwardPart): MimeEntity {
  const { value: type, params } = parseParams(p.contentType);
  if (p.filename !== undefined && params.name === undefined) params.name = p.filename;
  return {
    headers: [],
    contentType: type.trim().toLowerCase(),
    params,
    ...(p.contentId !== undefined ? { contentId: p.contentId } : {}),
    ...(p.filename !== undefined ? { contentLocation: p.filename } : {}),
    body: p.body,
  };
}

function forwardContent(parts: ForwardPart[]): MimeEntity {
  if (parts.length === 1) return leaf(parts[0]);
  const smil = parts.find((p) => p.contentType.toLowerCase().startsWith('application/smil'));
  const params: Record<string, string> = {};
  if (smil) {
    params.type = 'application/smil';
    if (smil.contentId !== undefined) params.start = `<${smil.contentId}>`;
  }
  return {
    headers: [],
    contentType: smil ? 'multipart/related' : 'multipart/mixed',
    params,
    body: new Uint8Array(0),
    parts: parts.map(leaf),
  };
}
