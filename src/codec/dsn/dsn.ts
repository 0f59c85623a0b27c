import type { MimeHeader } from '../mime/mime-entity.ts';

/**
 * A delivery status notification (RFC 3464): a multipart/report (RFC 6522, formerly RFC 3462) with
 * report-type=delivery-status whose second part is message/delivery-status: one group of
 * per-message fields, then one group of per-recipient fields per recipient (RFC 3464 §2.1).
 */

/** RFC 3464 §2.3.3: the action-value (any case on the wire; lower case here). */
export const DSN_ACTIONS = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'] as const;
export type DsnAction = (typeof DSN_ACTIONS)[number];

/** `address-type ";" generic-address` / `mta-name-type ";" mta-name` (RFC 3464 §2.1.2). */
export interface DsnTyped {
  type: string;
  value: string;
}

/** One group of per-recipient fields (RFC 3464 §2.3). */
export interface DsnRecipient {
  /** §2.3.1, optional. */
  originalRecipient?: DsnTyped;
  /** §2.3.2, MUST be present: the envelope address as the Reporting MTA accepted it. */
  finalRecipient: DsnTyped;
  /** §2.3.3, MUST be present. */
  action: DsnAction;
  /** §2.3.4, MUST be present: `class.subject.detail` (RFC 3463), the trailing comment dropped. */
  status: string;
  /** §2.3.5, optional. */
  remoteMta?: DsnTyped;
  /** §2.3.6, optional: `smtp; 550 5.1.1 ...`. */
  diagnosticCode?: DsnTyped;
  /** §2.3.7, optional. */
  lastAttemptDate?: string;
  /** §2.3.8, optional. */
  finalLogId?: string;
  /** §2.3.9, only with Action delayed. */
  willRetryUntil?: string;
  /** Every field of the group as written (extension fields §2.4 included). */
  fields: MimeHeader[];
}

/** The per-message fields (RFC 3464 §2.2) and the recipients of one DSN. */
export interface DeliveryStatus {
  /** §2.2.1: the ENVID the sender gave (RFC 3461 §4.4), xtext decoded. */
  originalEnvelopeId?: string;
  /** §2.2.2, MUST be present. */
  reportingMta: DsnTyped;
  /** §2.2.3. */
  dsnGateway?: DsnTyped;
  /** §2.2.4. */
  receivedFromMta?: DsnTyped;
  /** §2.2.5. */
  arrivalDate?: string;
  /** Every per-message field as written. */
  fields: MimeHeader[];
  /** At least one (§2.1: `1*( CRLF per-recipient-fields )`). */
  recipients: DsnRecipient[];
}

/** A whole DSN message: its own header, the human-readable part, the status and the returned original. */
export interface Dsn extends DeliveryStatus {
  /** The DSN's own header fields (From, To, Subject, Message-ID...). */
  headers: MimeHeader[];
  /** The first component, as text (RFC 3464 §2 (b)). */
  humanReadable: string;
  /**
   * Header fields of the returned original message (RFC 3464 §2 (d): message/rfc822 or
   * text/rfc822-headers, RFC 6522 §4), when the third component is there.
   */
  original?: MimeHeader[];
}
