import {
  type ContentType,
  getHeader,
  getHeaders,
  type MmsHeader,
  type MmsMessageType,
  type MmsPdu,
  type MmsValue,
  mmsHeaderByName,
} from '../../codec/mms/index.ts';
import { compareVersions } from '../mmsc-core.ts';

/**
 * The PDUs the reference MMSC emits on MM1, built as MmsPdu values (headers in the order
 * OMA-TS-MMS_ENC 1.3 §7.4 asks: X-Mms-Message-Type, X-Mms-Transaction-Id, X-Mms-MMS-Version
 * first, Content-Type last) and encoded by src/codec/mms.
 */

type Fields = Array<[string, MmsValue | undefined]>;

export function makePdu(
  type: MmsMessageType,
  transactionId: string | undefined,
  version: string,
  fields: Fields,
): MmsPdu {
  const headers: MmsHeader[] = [{ name: 'X-Mms-Message-Type', value: type }];
  if (transactionId !== undefined) headers.push({ name: 'X-Mms-Transaction-Id', value: transactionId });
  headers.push({ name: 'X-Mms-MMS-Version', value: version });
  for (const [name, value] of fields) if (value !== undefined) headers.push({ name, value });
  return { type, headers };
}

export function sendConf(
  tid: string,
  version: string,
  status: string,
  messageId?: string,
  text?: string,
  stored?: MboxStored,
): MmsPdu {
  return makePdu('m-send-conf', tid, version, [
    ['X-Mms-Response-Status', status],
    ['X-Mms-Response-Text', text],
    ['Message-ID', messageId],
    ...mboxStoredFields(stored),
  ]);
}

export function forwardConf(
  tid: string,
  version: string,
  status: string,
  messageId?: string,
  text?: string,
  stored?: MboxStored,
): MmsPdu {
  return makePdu('m-forward-conf', tid, version, [
    ['X-Mms-Response-Status', status],
    ['X-Mms-Response-Text', text],
    ['Message-ID', messageId],
    ...mboxStoredFields(stored),
  ]);
}

/** The outcome of X-Mms-Store: Yes (ENC 1.3 M-Send.conf / M-Forward.conf): where the MMBox copy is, or why not. */
export interface MboxStored {
  status: string;
  text?: string;
  location?: string;
}

function mboxStoredFields(stored: MboxStored | undefined): Fields {
  if (!stored) return [];
  return [
    ['X-Mms-Content-Location', stored.location],
    ['X-Mms-Store-Status', stored.status],
    ['X-Mms-Store-Status-Text', stored.text],
  ];
}

export interface NotificationInfo {
  transactionId: string;
  version: string;
  from?: string;
  subject?: MmsValue;
  messageClass: string;
  size: number;
  /** Epoch seconds. */
  expiry: number;
  contentLocation: string;
  deliveryReport?: boolean;
  priority?: MmsValue;
}

/** m-notification-ind (ENC §6.2): Message-Class, Message-Size, Expiry, Content-Location are mandatory. */
export function notificationInd(n: NotificationInfo): MmsPdu {
  return makePdu('m-notification-ind', n.transactionId, n.version, [
    ['From', n.from],
    ['Subject', n.subject],
    ['X-Mms-Delivery-Report', n.deliveryReport === undefined ? undefined : n.deliveryReport ? 'Yes' : 'No'],
    ['X-Mms-Message-Class', n.messageClass],
    ['X-Mms-Priority', n.priority],
    ['X-Mms-Message-Size', n.size],
    ['X-Mms-Expiry', { absolute: n.expiry }],
    ['X-Mms-Content-Location', n.contentLocation],
  ]);
}

/** m-delivery-ind (ENC §6.9): Message-ID, To, Date, X-Mms-Status. */
export function deliveryInd(
  version: string,
  messageId: string,
  to: string,
  date: Date,
  status: string,
): MmsPdu {
  return makePdu('m-delivery-ind', undefined, version, [
    ['Message-ID', messageId],
    ['To', to],
    ['Date', Math.floor(date.getTime() / 1000)],
    ['X-Mms-Status', status],
  ]);
}

/** m-read-orig-ind (ENC §6.7.2): Message-ID, To (the originator), From (the reader), Date, X-Mms-Read-Status. */
export function readOrigInd(
  version: string,
  messageId: string,
  to: string,
  from: string,
  date: Date,
  status: string,
): MmsPdu {
  return makePdu('m-read-orig-ind', undefined, version, [
    ['Message-ID', messageId],
    ['To', to],
    ['From', from],
    ['Date', Math.floor(date.getTime() / 1000)],
    ['X-Mms-Read-Status', status],
  ]);
}

/** m-cancel-req (ENC 1.3 §6.14; 1.3 header X-Mms-Cancel-ID): the Proxy-Relay asks the client to drop a notified message. */
export function cancelReq(tid: string, version: string, cancelId: string): MmsPdu {
  return makePdu('m-cancel-req', tid, version, [['X-Mms-Cancel-ID', cancelId]]);
}

/** Headers of an m-send-req that never travel to the recipient. */
const NOT_FOR_RECIPIENT = new Set([
  'Bcc',
  'X-Mms-Transaction-Id',
  'X-Mms-Message-Type',
  'X-Mms-MMS-Version',
  'From',
  'Content-Type',
  'Date',
  'Message-ID',
]);

/**
 * m-retrieve-conf (ENC §6.3) for one recipient, from the submitted PDU: every header the
 * §6.3 table allows in m-retrieve-conf and the negotiated version knows (table-driven via
 * MMS_HEADERS), unknown application headers kept, Bcc dropped (ENC §7.3.3: Bcc is not
 * passed on), From inserted by the MMSC unless the sender asked to hide (X-Mms-Sender-
 * Visibility: Hide, §7.3.51), Date = submission time when absent, the body as submitted.
 */
export function retrieveConf(
  submitted: MmsPdu,
  opts: { transactionId?: string; version: string; messageId: string; from: string; receivedAt: number },
): MmsPdu {
  const fields: Fields = [
    ['Message-ID', opts.messageId],
    ['Date', (getHeader(submitted, 'Date') as number | undefined) ?? Math.floor(opts.receivedAt / 1000)],
  ];
  const hide = getHeader(submitted, 'X-Mms-Sender-Visibility') === 'Hide';
  if (!hide) fields.push(['From', opts.from]);
  for (const h of submitted.headers) {
    if (NOT_FOR_RECIPIENT.has(h.name)) continue;
    const def = mmsHeaderByName(h.name);
    if (def) {
      if (!def.pdus['m-retrieve-conf']) continue;
      if (compareVersions(def.since, opts.version) > 0) continue;
    }
    fields.push([h.name, h.value]);
  }
  fields.push(['Content-Type', getHeader(submitted, 'Content-Type') as ContentType | undefined]);
  const pdu = makePdu('m-retrieve-conf', opts.transactionId, opts.version, fields);
  if (submitted.parts) pdu.parts = submitted.parts;
  if (submitted.body) pdu.body = submitted.body;
  return pdu;
}

/** Text of a string-ish header value (text, encoded-string, token). */
export function textOf(v: MmsValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && 'text' in v && typeof v.text === 'string') return v.text;
  return undefined;
}

export function addressesOf(pdu: MmsPdu, name: 'To' | 'Cc' | 'Bcc'): string[] {
  return getHeaders(pdu, name)
    .map((v) => textOf(v))
    .filter((s): s is string => s !== undefined);
}

/** Media type of a Content-Type value as text (`application/vnd.wap.multipart.related`). */
export function mediaTypeOf(
  ct: MmsValue | undefined,
  nameOf: (code: number) => string | undefined,
): string | undefined {
  if (ct === undefined) return undefined;
  if (typeof ct === 'string') return ct.toLowerCase();
  if (typeof ct === 'object' && ct !== null && 'mediaType' in ct) {
    const m = (ct as ContentType).mediaType;
    return typeof m === 'string' ? m.toLowerCase() : nameOf(m)?.toLowerCase();
  }
  return undefined;
}

/** Epoch ms of an X-Mms-Expiry / X-Mms-Delivery-Time value, relative to `now`. */
export function timeOf(v: MmsValue | undefined, now: number): number | undefined {
  if (v === undefined || typeof v !== 'object' || v === null) return undefined;
  if ('absolute' in v && typeof v.absolute === 'number') return v.absolute * 1000;
  if ('relative' in v && typeof v.relative === 'number') return now + v.relative * 1000;
  return undefined;
}
