import type { MmsPdu } from '../mms/types.ts';
import { EAIF_MESSAGE_TYPES, type EaifMessageType, eaifHeaderRow } from './eaif-headers.ts';

/** One HTTP header of an EAIF message, name and value as on the wire. */
export interface EaifHeader {
  name: string;
  value: string;
}

/**
 * One EAIF HTTP message (NOKIA-EAIF §4.2): a POST between MMSC and application (`request`) or its
 * answer (`response`). `headers` holds the X-NOKIA-MMSC-* headers in wire order (other HTTP
 * headers are the transport's); `body` the octets of the body; `pdu` the body decoded (set by
 * decodeEaif; encodeEaif writes `body`, or `pdu` encoded when `body` is empty).
 */
export interface EaifMessage {
  kind: 'request' | 'response';
  /** The HTTP status of a response. */
  status?: number;
  /** Content-Type of the body ('' when there is none). */
  contentType: string;
  headers: EaifHeader[];
  body: Uint8Array;
  pdu?: MmsPdu;
}

/** A rule of EAIF an encoded message would break (validateEaif). */
export interface EaifIssue {
  /** The header (or `Content-Type`, `body`, `status`) concerned. */
  field: string;
  /** Index of the header in `headers`, or -1 when it concerns the whole message. */
  offset: number;
  reason: string;
}

/** Every value of a header (any case of its name), in wire order. */
export function eaifHeaderValues(msg: Pick<EaifMessage, 'headers'>, name: string): string[] {
  const lower = name.toLowerCase();
  return msg.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

/** The first value of a header, or undefined. */
export function eaifHeader(msg: Pick<EaifMessage, 'headers'>, name: string): string | undefined {
  return eaifHeaderValues(msg, name)[0];
}

/** X-NOKIA-MMSC-Message-Type of a message when it is one of the three values, else undefined. */
export function eaifMessageType(msg: Pick<EaifMessage, 'headers'>): EaifMessageType | undefined {
  const v = eaifHeader(msg, 'X-NOKIA-MMSC-Message-Type')?.trim();
  return (EAIF_MESSAGE_TYPES as readonly string[]).includes(v ?? '') ? (v as EaifMessageType) : undefined;
}

/** The recipients of X-NOKIA-MMSC-To: every instance, each split at commas (as Mbuni reads it). */
export function eaifRecipients(msg: Pick<EaifMessage, 'headers'>): string[] {
  return eaifHeaderValues(msg, 'X-NOKIA-MMSC-To')
    .flatMap((v) => v.split(','))
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

/** The header's spelling in the table when EAIF defines it, else as written. */
export function eaifCanonicalName(name: string): string {
  return eaifHeaderRow(name)?.name ?? name;
}
