import type {
  ContentType,
  ContentTypeParam,
  EncodedString,
  MultipartEntry,
  TaggedString,
} from '../wsp/index.ts';

/** X-Mms-Message-Type values (OMA-TS-MMS_ENC-V1_3 §7.3, Message-type-value 128..151). */
export const MMS_MESSAGE_TYPES = [
  'm-send-req',
  'm-send-conf',
  'm-notification-ind',
  'm-notifyresp-ind',
  'm-retrieve-conf',
  'm-acknowledge-ind',
  'm-delivery-ind',
  'm-read-rec-ind',
  'm-read-orig-ind',
  'm-forward-req',
  'm-forward-conf',
  'm-mbox-store-req',
  'm-mbox-store-conf',
  'm-mbox-view-req',
  'm-mbox-view-conf',
  'm-mbox-upload-req',
  'm-mbox-upload-conf',
  'm-mbox-delete-req',
  'm-mbox-delete-conf',
  'm-mbox-descr',
  'm-delete-req',
  'm-delete-conf',
  'm-cancel-req',
  'm-cancel-conf',
] as const;
export type MmsMessageType = (typeof MMS_MESSAGE_TYPES)[number];

/** Expiry, Delivery-Time, Reply-Charging-Deadline: absolute (epoch seconds) or relative (seconds). */
export type MmsTime = { absolute: number } | { relative: number };
/** From (§7.3): an address, or the Insert-address-token asking the MMSC to fill it in. */
export type MmsInsertAddress = { insertAddress: true };
/** X-Mms-Previously-Sent-By / -Date: forwarded-count plus address or date. */
export type MmsPreviouslySentBy = { count: number; address: EncodedString };
export type MmsPreviouslySentDate = { count: number; date: number };
/** X-Mms-MM-Flags: Add / Remove / Filter a keyword. */
export type MmsFlag = { op: 'Add' | 'Remove' | 'Filter' | number; flag: EncodedString };
/** X-Mms-Mbox-Totals / X-Mms-Mbox-Quotas: a count of messages or of bytes. */
export type MmsQuota = { unit: 'messages' | 'bytes' | number; value: number };
/** X-Mms-Element-Descriptor: content reference plus parameters. */
export type MmsElementDescriptor = { reference: string; params: ContentTypeParam[] };
/** Status-count form used in m-delete-conf / m-mbox-delete-conf (index of the referenced message). */
export type MmsIndexed = { index: number; value: string | number | EncodedString };

/**
 * A header value, shaped by the header's codec (see MMS_HEADERS):
 * string — text, addresses, enumerated tokens ('Ok', 'Personal'), version '1.2';
 * number — integers, sizes, dates (epoch seconds), unknown enumerated values (the octet, e.g. 0xA0 = 160);
 * TaggedString — text with a charset; Uint8Array — raw value octets of an unknown header code;
 * the object types above for structured values.
 */
export type MmsValue =
  | string
  | number
  | Uint8Array
  | TaggedString
  | ContentType
  | MmsTime
  | MmsInsertAddress
  | MmsPreviouslySentBy
  | MmsPreviouslySentDate
  | MmsFlag
  | MmsQuota
  | MmsElementDescriptor
  | MmsIndexed;

export interface MmsHeader {
  name: string;
  value: MmsValue;
  /**
   * The field came as an Application-header (Token-text name, Text-string value: OMA-TS-MMS_ENC-V1_3 §7.1,
   * WAP-230-WSP 8.4.2.6) although its name is a well-known field or reads as `Unknown-0xNN`. Set by the
   * decoders only then; the encoder writes such a header in that textual form, never as a field code, so
   * its value keeps the Text-string grammar. Absent on every other header.
   */
  textual?: true;
}

/** A part of a multipart body (WAP-230-WSP §8.5): content type, part headers, data view. */
export type MmsPart = MultipartEntry;

export interface MmsPdu {
  type: MmsMessageType;
  /** Wire order; includes X-Mms-Message-Type, X-Mms-Transaction-Id, X-Mms-MMS-Version, Content-Type. */
  headers: MmsHeader[];
  /** Multipart body (Content-Type application/vnd.wap.multipart.* or multipart/*). */
  parts?: MmsPart[];
  /** Single-part body. */
  body?: Uint8Array;
}

export interface EncodeOptions {
  /** Default true: refuse a PDU validateMms finds fault with. False lets robustness suites send it. */
  validate?: boolean;
}
