/**
 * EAIF, the Nokia External Application Interface: MMS between an MMSC and an application as a
 * binary MMS PDU (OMA-TS-MMS_ENC, Content-Type application/vnd.wap.mms-message) in an HTTP POST,
 * with the routing information in X-NOKIA-MMSC-* HTTP headers. Source: Nokia, "MMS Center
 * Application Development Guide", version 1.0, 2002 (NOKIA-EAIF below): §4.2 HTTP messages,
 * §5 originating applications (application -> MMSC), §6 terminating applications (MMSC ->
 * application), §3.2 delivery reporting. The guide's body text could not be read here; its table
 * of contents (section numbers and titles) could. What each header carries is taken from two
 * independent implementations of the same interface, named per row: the NowSMS EAIF
 * documentation ("Submitting MMS messages: EAIF") and the Mbuni MMS gateway's EAIF code (the
 * MMSC side and the application side). A row whose `confirmed` is false names a header seen only
 * in such code, not in a description of the interface.
 *
 * One table drives decode, encode, validation and the JSON form (`eaifToJson`).
 */

/** X-NOKIA-MMSC-Message-Type values (NOKIA-EAIF §4.2; Mbuni sends exactly these three). */
export const EAIF_MESSAGE_TYPES = ['MultiMediaMessage', 'DeliveryReport', 'ReadReply'] as const;
export type EaifMessageType = (typeof EAIF_MESSAGE_TYPES)[number];

/**
 * The MMS PDU each EAIF message type carries as its body (Mbuni: a MultiMediaMessage is an
 * m-send-req, made one from an m-retrieve-conf before it is sent; a DeliveryReport the
 * m-delivery-ind, a ReadReply the m-read-orig-ind of the recipient's MMSC).
 */
export const EAIF_BODY_PDU: Readonly<Record<EaifMessageType, readonly string[]>> = {
  MultiMediaMessage: ['m-send-req', 'm-retrieve-conf'],
  DeliveryReport: ['m-delivery-ind'],
  ReadReply: ['m-read-orig-ind'],
};

/** The one media type of an EAIF body (NOKIA-EAIF §4.2; NowSMS; Mbuni). */
export const EAIF_CONTENT_TYPE = 'application/vnd.wap.mms-message';

/** How a header's value is read and checked. */
export type EaifValueCodec =
  /** one MMS address (`+15550001/TYPE=PLMN`, a short code, an e-mail address) */
  | 'address'
  /** addresses separated by commas; the header may also repeat (Mbuni splits both) */
  | 'address-list'
  /** `major.minor` (Mbuni writes `%d.%d`; NowSMS and deployed applications send 1.0 .. 3.0) */
  | 'version'
  /** one of EAIF_MESSAGE_TYPES */
  | 'message-type'
  /** an opaque identifier without white space */
  | 'id'
  /** decimal digits */
  | 'integer'
  /** a token of letters */
  | 'token';

/** Where a header travels: the POST (`request`), the HTTP answer (`response`), or both. */
export type EaifDirection = 'request' | 'response' | 'both';

export interface EaifHeaderRow {
  /** The header name as the sources spell it (HTTP header names compare case-insensitively). */
  name: string;
  codec: EaifValueCodec;
  direction: EaifDirection;
  /** Section of NOKIA-EAIF (by its table of contents), and where the content was confirmed. */
  clause: string;
  /** Whether a description of the interface names the header (false: seen in code only). */
  confirmed: boolean;
}

export const EAIF_HEADERS: readonly EaifHeaderRow[] = [
  {
    name: 'X-NOKIA-MMSC-To',
    codec: 'address-list',
    direction: 'request',
    clause: 'NOKIA-EAIF §4.2, §5 (NowSMS: recipients in the PDU or in this header; Mbuni)',
    confirmed: true,
  },
  {
    name: 'X-NOKIA-MMSC-From',
    codec: 'address',
    direction: 'request',
    clause: 'NOKIA-EAIF §4.2, §6 (Mbuni: sender of the MM, both directions)',
    confirmed: true,
  },
  {
    name: 'X-NOKIA-MMSC-Version',
    codec: 'version',
    direction: 'both',
    clause: 'NOKIA-EAIF §4.2 (Mbuni: on every request and every answer)',
    confirmed: true,
  },
  {
    name: 'X-NOKIA-MMSC-Message-Type',
    codec: 'message-type',
    direction: 'request',
    clause: 'NOKIA-EAIF §4.2 (MultiMediaMessage, DeliveryReport, ReadReply; Mbuni)',
    confirmed: true,
  },
  {
    name: 'X-NOKIA-MMSC-Message-Id',
    codec: 'id',
    direction: 'both',
    clause:
      'NOKIA-EAIF §4.2, §5 (NowSMS: the 204 answer to a submission carries it; Mbuni: on a MultiMediaMessage to the application)',
    confirmed: true,
  },
  {
    name: 'X-NOKIA-MMSC-Status',
    codec: 'integer',
    direction: 'request',
    clause: 'NOKIA-EAIF §4.2 (not confirmed: seen only as "200" in the asynchronous answer of an Mbuni fork)',
    confirmed: false,
  },
  {
    name: 'X-NOKIA-MMSC-Charging',
    codec: 'integer',
    direction: 'request',
    clause: 'NOKIA-EAIF (not confirmed: set to "100" by users of the Nokia MMS Java library)',
    confirmed: false,
  },
  {
    name: 'X-NOKIA-MMSC-Charged-Party',
    codec: 'token',
    direction: 'request',
    clause: 'NOKIA-EAIF (not confirmed: listed, letters only, by an HTTP proxy header table)',
    confirmed: false,
  },
];

const BY_NAME = new Map(EAIF_HEADERS.map((r) => [r.name.toLowerCase(), r]));

/** The row of a header name (any case), or undefined for a header EAIF does not define. */
export function eaifHeaderRow(name: string): EaifHeaderRow | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Whether a header name is in the X-NOKIA-MMSC- family (known or not). */
export function isEaifHeaderName(name: string): boolean {
  return /^x-nokia-mmsc-/i.test(name);
}
