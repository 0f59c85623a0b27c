/**
 * Delivery status notifications (RFC 3464; multipart/report RFC 6522; ENVID/ORCPT xtext RFC 3461):
 * what an MTA in front of an MMSC sends back to the envelope sender when it accepted a mail at
 * SMTP and could not deliver it after all.
 */

export { decodeDeliveryStatus, decodeDsn, decodeXtext, isDsnMail } from './decode-dsn.ts';
export type { DeliveryStatus, Dsn, DsnAction, DsnRecipient, DsnTyped } from './dsn.ts';
export { DSN_ACTIONS } from './dsn.ts';
export { dsnObservations } from './dsn-to-json.ts';
export type { DsnSpec } from './encode-dsn.ts';
export { encodeDsn, encodeXtext } from './encode-dsn.ts';
