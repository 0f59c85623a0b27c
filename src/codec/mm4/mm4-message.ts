import type { MimeEntity } from '../mime/mime-entity.ts';

/** X-Mms-Message-Type values on MM4 (3GPP TS 23.140 §8.4.1–§8.4.3). */
export const MM4_MESSAGE_TYPES = [
  'MM4_forward.REQ',
  'MM4_forward.RES',
  'MM4_delivery_report.REQ',
  'MM4_delivery_report.RES',
  'MM4_read_reply_report.REQ',
  'MM4_read_reply_report.RES',
] as const;
export type Mm4MessageType = (typeof MM4_MESSAGE_TYPES)[number];

/** One RFC 5322 header field; `value` is the decoded text (RFC 2047 words decoded). */
export interface Mm4Header {
  name: string;
  value: string;
  /**
   * The field body exactly as to be written (ASCII, already RFC 2047-encoded in the charset the
   * sender chose); encodeMm4 writes it instead of encoding `value`. Decoders never set it.
   */
  wire?: string;
}

/**
 * An MM4 message: an RFC 5322 message whose X-Mms-* header fields carry the MM4
 * information elements. `headers` holds every field in wire order except the MIME ones
 * (MIME-Version, Content-Type, Content-Transfer-Encoding), which come from `content`.
 */
export interface Mm4Message {
  type: Mm4MessageType;
  headers: Mm4Header[];
  /** The message content (MM4_forward.REQ: the MM's body parts). */
  content?: MimeEntity;
}

/** One finding of validateMm4: header name (or 'content'), what is wrong, the clause. */
export interface Mm4Issue {
  field: string;
  reason: string;
  clause: string;
}
