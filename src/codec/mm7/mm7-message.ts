import type { MimeEntity } from '../mime/mime-entity.ts';

/** MM7 operations (3GPP TS 23.140 §8.7, Annex L element names). */
export const MM7_MESSAGE_TYPES = [
  'SubmitReq',
  'SubmitRsp',
  'DeliverReq',
  'DeliverRsp',
  'CancelReq',
  'CancelRsp',
  'ReplaceReq',
  'ReplaceRsp',
  'DeliveryReportReq',
  'DeliveryReportRsp',
  'ReadReplyReq',
  'ReadReplyRsp',
  'RSErrorRsp',
  'VASPErrorRsp',
] as const;
export type Mm7MessageType = (typeof MM7_MESSAGE_TYPES)[number];

/**
 * Element content as data: a simple element is its text; a complex one an object keyed
 * by child element local name; attributes are keys `@name`, the text of an element that
 * also has attributes is `#text`; a repeated child is an array. Address elements
 * (Number, RFC2822Address, ShortCode) are always arrays.
 */
export type Mm7Field = string | Mm7Fields | Mm7Field[];
export interface Mm7Fields {
  [name: string]: Mm7Field;
}

export interface Mm7Message {
  type: Mm7MessageType;
  /** The TransactionID SOAP header (mustUnderstand="1", TS 23.140 §8.7.1). */
  transactionId: string;
  /**
   * Schema version id from the namespace (`REL-6-MM7-1-4`). Decoding keeps whatever the
   * peer sent (also non-standard ids such as `REL-6-MM7-6-7`); encoding needs one of MM7_VERSIONS.
   */
  version: string;
  /** The children of the operation element, MM7Version included, in Annex L element names. */
  fields: Mm7Fields;
  /** The MM content referenced by `Content@href` (SOAP with attachments). */
  content?: MimeEntity;
  /** Set when the message came wrapped in a SOAP Fault (RSErrorRsp / VASPErrorRsp in detail). */
  fault?: { faultcode: string; faultstring: string };
}
