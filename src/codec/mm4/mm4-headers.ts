import { CONTENT_CLASS } from '../mms/enums.ts';
import type { Mm4MessageType } from './mm4-message.ts';

/** M = mandatory, O = optional, C = conditional (a rule in validate-mm4 decides). */
export type Mm4Presence = 'M' | 'O' | 'C';

/** The value codecs MM4 header fields use (TS 23.140 §8.4; RFC 5322 §3.3–§3.6). */
export type Mm4ValueCodec =
  | 'text'
  | 'encoded-text'
  | 'version'
  | 'message-type'
  | 'msg-id'
  | 'address'
  | 'address-list'
  | 'date'
  | 'date-or-seconds'
  | 'integer'
  | 'yes-no'
  | 'enum';

export interface Mm4HeaderRow {
  /** Header field name, spelled as in the spec. */
  name: string;
  /** Which MM4 messages carry it, and how. */
  messages: Partial<Record<Mm4MessageType, Mm4Presence>>;
  codec: Mm4ValueCodec;
  /** For `enum`: the allowed values (case-insensitive on input, this spelling on output). */
  values?: readonly string[];
  clause: string;
}

/** Value sets of the enumerated MM4 header fields (TS 23.140 §8.4.1–§8.4.3 tables). */
export const MM4_VALUE_SETS = {
  messageClass: ['Personal', 'Informational', 'Advertisement', 'Auto'],
  priority: ['Low', 'Normal', 'High'],
  senderVisibility: ['Show', 'Hide'],
  requestStatus: [
    'Ok',
    'Error-unspecified',
    'Error-service-denied',
    'Error-message-format-corrupt',
    'Error-sending-address-unresolved',
    'Error-message-not-found',
    'Error-network-problem',
    'Error-content-not-accepted',
    'Error-unsupported-message',
  ],
  mmsStatus: ['Expired', 'Retrieved', 'Rejected', 'Deferred', 'Indeterminate', 'Forwarded', 'Unrecognised'],
  readStatus: ['Read', 'Deleted without being read'],
  replyCharging: ['Requested', 'Requested text only', 'Accepted', 'Accepted text only'],
  // The content classes of OMA-TS-MMS_ENC §7.3.9 by name (TS 23.140 §8.4.1.4 uses the same names).
  contentClass: Object.values(CONTENT_CLASS),
} as const;

const REQ_FWD = 'MM4_forward.REQ';
const RES_FWD = 'MM4_forward.RES';
const REQ_DR = 'MM4_delivery_report.REQ';
const RES_DR = 'MM4_delivery_report.RES';
const REQ_RR = 'MM4_read_reply_report.REQ';
const RES_RR = 'MM4_read_reply_report.RES';

const ALL_M = {
  [REQ_FWD]: 'M',
  [RES_FWD]: 'M',
  [REQ_DR]: 'M',
  [RES_DR]: 'M',
  [REQ_RR]: 'M',
  [RES_RR]: 'M',
} as const;
const RES_ONLY = { [RES_FWD]: 'M', [RES_DR]: 'M', [RES_RR]: 'M' } as const;

/**
 * THE MM4 header table: one row per header field. Encode (order of output), decode
 * (canonical spelling, value decoding), validation (presence, value sets) and the docs
 * all read it. Clauses refer to 3GPP TS 23.140 V6.16.0 unless stated.
 */
export const MM4_HEADERS: readonly Mm4HeaderRow[] = [
  { name: 'X-Mms-3GPP-MMS-Version', messages: ALL_M, codec: 'version', clause: '23.140 §8.4.1.1 table 9' },
  { name: 'X-Mms-Message-Type', messages: ALL_M, codec: 'message-type', clause: '23.140 §8.4.1.1' },
  { name: 'X-Mms-Transaction-ID', messages: ALL_M, codec: 'text', clause: '23.140 §8.4.1.1' },
  { name: 'X-Mms-Message-ID', messages: ALL_M, codec: 'text', clause: '23.140 §8.4.1.1' },
  {
    name: 'X-Mms-Request-Status-Code',
    messages: RES_ONLY,
    codec: 'enum',
    values: MM4_VALUE_SETS.requestStatus,
    clause: '23.140 §8.4.1.2 table 10',
  },
  {
    name: 'X-Mms-Status-Text',
    messages: { [RES_FWD]: 'O', [RES_DR]: 'O', [RES_RR]: 'O', [REQ_DR]: 'O', [REQ_RR]: 'O' },
    codec: 'encoded-text',
    clause: '23.140 §8.4.1.2',
  },
  // At least one of To / Cc carries the recipients of a forward; on reports To is the originator.
  {
    name: 'To',
    messages: { [REQ_FWD]: 'C', [RES_FWD]: 'M', [REQ_DR]: 'M', [RES_DR]: 'M', [REQ_RR]: 'M', [RES_RR]: 'M' },
    codec: 'address-list',
    clause: 'RFC 5322 §3.6.3; 23.140 §8.4.1.1',
  },
  {
    name: 'Cc',
    messages: { [REQ_FWD]: 'C' },
    codec: 'address-list',
    clause: 'RFC 5322 §3.6.3; 23.140 §8.4.1.1',
  },
  {
    name: 'From',
    messages: { [REQ_FWD]: 'M', [REQ_DR]: 'M', [REQ_RR]: 'M' },
    codec: 'address',
    clause: 'RFC 5322 §3.6.2; 23.140 §8.4.1.1 (an insert-address-token is not allowed on MM4)',
  },
  {
    name: 'Sender',
    messages: ALL_M,
    codec: 'address',
    clause: 'RFC 5322 §3.6.2; 23.140 §8.4.1.1, IR.52 §2.2',
  },
  {
    name: 'Date',
    messages: { [REQ_FWD]: 'M', [RES_FWD]: 'O', [REQ_DR]: 'M', [RES_DR]: 'O', [REQ_RR]: 'M', [RES_RR]: 'O' },
    codec: 'date',
    clause: 'RFC 5322 §3.3; 23.140 §8.4.1.1',
  },
  {
    name: 'Message-ID',
    messages: { [REQ_FWD]: 'O', [RES_FWD]: 'O', [REQ_DR]: 'O', [RES_DR]: 'O', [REQ_RR]: 'O', [RES_RR]: 'O' },
    codec: 'msg-id',
    clause: 'RFC 5322 §3.6.4',
  },
  {
    name: 'Subject',
    messages: { [REQ_FWD]: 'O' },
    codec: 'encoded-text',
    clause: 'RFC 5322 §3.6.5; RFC 2047',
  },
  {
    name: 'X-Mms-Message-Class',
    messages: { [REQ_FWD]: 'O' },
    codec: 'enum',
    values: MM4_VALUE_SETS.messageClass,
    clause: '23.140 §8.4.1.1',
  },
  { name: 'X-Mms-Expiry', messages: { [REQ_FWD]: 'O' }, codec: 'date-or-seconds', clause: '23.140 §8.4.1.1' },
  { name: 'X-Mms-Delivery-Report', messages: { [REQ_FWD]: 'O' }, codec: 'yes-no', clause: '23.140 §8.4.1.1' },
  {
    name: 'X-Mms-Priority',
    messages: { [REQ_FWD]: 'O' },
    codec: 'enum',
    values: MM4_VALUE_SETS.priority,
    clause: '23.140 §8.4.1.1',
  },
  {
    name: 'X-Mms-Sender-Visibility',
    messages: { [REQ_FWD]: 'O' },
    codec: 'enum',
    values: MM4_VALUE_SETS.senderVisibility,
    clause: '23.140 §8.4.1.1',
  },
  { name: 'X-Mms-Read-Reply', messages: { [REQ_FWD]: 'O' }, codec: 'yes-no', clause: '23.140 §8.4.1.1' },
  {
    name: 'X-Mms-Reply-Charging',
    messages: { [REQ_FWD]: 'O' },
    codec: 'enum',
    values: MM4_VALUE_SETS.replyCharging,
    clause: '23.140 §8.4.1.1',
  },
  { name: 'X-Mms-Reply-Charging-ID', messages: { [REQ_FWD]: 'O' }, codec: 'text', clause: '23.140 §8.4.1.1' },
  {
    name: 'X-Mms-Reply-Charging-Deadline',
    messages: { [REQ_FWD]: 'O' },
    codec: 'date-or-seconds',
    clause: '23.140 §8.4.1.1',
  },
  {
    name: 'X-Mms-Reply-Charging-Size',
    messages: { [REQ_FWD]: 'O' },
    codec: 'integer',
    clause: '23.140 §8.4.1.1',
  },
  {
    name: 'X-Mms-Ack-Request',
    messages: { [REQ_FWD]: 'O', [REQ_DR]: 'O', [REQ_RR]: 'O' },
    codec: 'yes-no',
    clause: '23.140 §8.4.1.1 (a RES is returned only when Yes)',
  },
  {
    name: 'X-Mms-Forward-Counter',
    messages: { [REQ_FWD]: 'O' },
    codec: 'integer',
    clause: '23.140 §8.4.1.1',
  },
  {
    name: 'X-Mms-Previously-sent-by',
    messages: { [REQ_FWD]: 'O' },
    codec: 'text',
    clause: '23.140 §8.4.1.1 ("index, address" per forward)',
  },
  {
    name: 'X-Mms-Previously-sent-date-and-time',
    messages: { [REQ_FWD]: 'O' },
    codec: 'text',
    clause: '23.140 §8.4.1.1 ("index, date" per forward)',
  },
  {
    name: 'X-Mms-Originator-System',
    messages: { [REQ_FWD]: 'O', [REQ_DR]: 'O', [REQ_RR]: 'O' },
    codec: 'address',
    clause: '23.140 §8.4.1.1 (where the RES goes); IR.52',
  },
  {
    name: 'X-Mms-Originator-Recipient-Address',
    messages: { [RES_FWD]: 'O', [RES_DR]: 'O', [RES_RR]: 'O' },
    codec: 'address',
    clause: '23.140 §8.4.1.2; IR.52',
  },
  {
    name: 'X-Mms-MMS-Status',
    messages: { [REQ_DR]: 'M' },
    codec: 'enum',
    values: MM4_VALUE_SETS.mmsStatus,
    clause: '23.140 §8.4.2.1 table 11',
  },
  {
    name: 'X-Mms-MMS-Status-Text',
    messages: { [REQ_DR]: 'O' },
    codec: 'encoded-text',
    clause: '23.140 §8.4.2.1',
  },
  {
    name: 'X-Mms-Read-Status',
    messages: { [REQ_RR]: 'M' },
    codec: 'enum',
    values: MM4_VALUE_SETS.readStatus,
    clause: '23.140 §8.4.3.1 table 13',
  },
  { name: 'X-Mms-VASP-ID', messages: { [REQ_FWD]: 'O' }, codec: 'text', clause: '23.140 §8.4.1.1' },
  { name: 'X-Mms-VAS-ID', messages: { [REQ_FWD]: 'O' }, codec: 'text', clause: '23.140 §8.4.1.1' },
  { name: 'X-Mms-Service-Code', messages: { [REQ_FWD]: 'O' }, codec: 'text', clause: '23.140 §8.4.1.1' },
  {
    name: 'X-Mms-Content-Class',
    messages: { [REQ_FWD]: 'O' },
    codec: 'enum',
    values: MM4_VALUE_SETS.contentClass,
    clause: '23.140 §8.4.1.1 (Rel-6)',
  },
  {
    name: 'X-Mms-DRM-Content',
    messages: { [REQ_FWD]: 'O' },
    codec: 'yes-no',
    clause: '23.140 §8.4.1.1 (Rel-6)',
  },
  {
    name: 'X-Mms-Adaptation-Allowed',
    messages: { [REQ_FWD]: 'O' },
    codec: 'yes-no',
    clause: '23.140 §8.4.1.1 (Rel-6)',
  },
  {
    name: 'X-Mms-Applic-ID',
    messages: { [REQ_FWD]: 'O', [REQ_DR]: 'O', [REQ_RR]: 'O' },
    codec: 'text',
    clause: '23.140 §8.4.1.1 (Rel-6)',
  },
  {
    name: 'X-Mms-Reply-Applic-ID',
    messages: { [REQ_FWD]: 'O', [REQ_DR]: 'O', [REQ_RR]: 'O' },
    codec: 'text',
    clause: '23.140 §8.4.1.1 (Rel-6)',
  },
  {
    name: 'X-Mms-Aux-Applic-Info',
    messages: { [REQ_FWD]: 'O', [REQ_DR]: 'O', [REQ_RR]: 'O' },
    codec: 'text',
    clause: '23.140 §8.4.1.1 (Rel-6)',
  },
  {
    name: 'X-Mms-Content-Location',
    messages: { [REQ_FWD]: 'O' },
    codec: 'text',
    clause: '23.140 §8.4.1.1 (MMBox copy reference)',
  },
];

const BY_NAME = new Map(MM4_HEADERS.map((r) => [r.name.toLowerCase(), r]));

/** The table row of a header field name (case-insensitive), or undefined for other fields. */
export function mm4HeaderRow(name: string): Mm4HeaderRow | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/**
 * Mail header fields an MM4 message carries besides the MM4 table's own (RFC 5322 §3.6 origination,
 * destination, identification, informational and trace fields; RFC 2045 §3 MIME fields; RFC 2183).
 */
export const MM4_MAIL_FIELDS: readonly string[] = [
  'Date',
  'From',
  'Sender',
  'Reply-To',
  'To',
  'Cc',
  'Bcc',
  'Message-ID',
  'In-Reply-To',
  'References',
  'Subject',
  'Comments',
  'Keywords',
  'Received',
  'Return-Path',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'Content-ID',
  'Content-Description',
  'Content-Disposition',
];

/** Every field name an MM4 message may carry: the MM4 table's and the mail fields. */
export const MM4_MESSAGE_FIELD_NAMES: readonly string[] = [
  ...new Set([...MM4_HEADERS.map((h) => h.name), ...MM4_MAIL_FIELDS]),
];
