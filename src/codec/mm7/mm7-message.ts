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
  /** Decode only: the message as it stood on the wire, for receivers that refuse what decoding tolerates. */
  wire?: Mm7Wire;
}

/**
 * What the tolerant decoder read past, kept so a strict receiver can refuse it (checkMm7Wire).
 * Offsets are octets into the decoded input.
 */
export interface Mm7Wire {
  /** Namespace of the Envelope element, as sent (SOAP 1.1 or SOAP 1.2's). */
  envelopeNs: string;
  /** Namespace of the operation element (SubmitReq …), as sent. */
  operationNs: string;
  /** Namespace of the TransactionID header element, as sent. */
  transactionIdNs: string;
  /** Where the SOAP envelope starts. */
  xmlOffset: number;
  /** Content@href as sent, when there is one. */
  href?: string;
  /**
   * Whether `href` names a MIME part of the request (RFC 2392 cid: URL or Content-Location);
   * when false, `content` is the decoder's guess (the only other part, or all of them).
   */
  hrefResolved?: boolean;
  /** Offset of the end of a multipart body (the request's or its content's) that has no close-delimiter. */
  unclosedMultipartAt?: number;
}
