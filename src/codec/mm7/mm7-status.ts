export interface Mm7StatusRow {
  code: number;
  /** The status text the table assigns (StatusText of a response). */
  text: string;
  /** What the code means, in our words (the table's meaning column, not its wording). */
  meaning: string;
  /** 1xxx success, 2xxx client error, 3xxx server error, 4xxx service error (TS 23.140 §8.7 status codes). */
  class: 'success' | 'client' | 'server' | 'service';
  /** First schema release that defines the code. */
  since: 'REL-5' | 'REL-6';
}

/**
 * MM7 request status codes: the numeric StatusCode of every response (3GPP TS 23.140 §8.7, the
 * table of status codes and status texts; REL-6 adds the application-addressing codes 2008, 2009,
 * 3004 and 4008). The first digit is the class; a code the receiver does not know is read as the
 * x000 code of its class, and a code outside the four classes as 3000 (same clause). Each row was
 * checked against the table as published and against independent MM7 implementations' tables.
 * mm7-status.test.ts pins every row.
 */
export const MM7_STATUS: readonly Mm7StatusRow[] = (
  [
    [1000, 'Success', 'REL-5', 'the request was carried out in full'],
    [1100, 'Partial success', 'REL-5', 'the request was carried out in part (e.g. some recipients failed)'],
    [2000, 'Client error', 'REL-5', 'the client made an invalid request'],
    [2001, 'Operation restricted', 'REL-5', 'refused: the client lacks the permission for the operation'],
    [
      2002,
      'Address Error',
      'REL-5',
      'an address is malformed, or not served by this relay/server (with several recipients: at least one)',
    ],
    [
      2003,
      'Address Not Found',
      'REL-5',
      'the address given cannot be located (no earlier message found for that address)',
    ],
    [
      2004,
      'Multimedia content refused',
      'REL-5',
      'the MIME content referenced by the Content element cannot be parsed, or its size or media type is not acceptable',
    ],
    [2005, 'Message ID Not found', 'REL-5', 'no earlier message with the MessageID given'],
    [2006, 'LinkedID not found', 'REL-5', 'no message related to the LinkedID given'],
    [2007, 'Message format corrupt', 'REL-5', 'an element value is in an inappropriate or incorrect format'],
    [2008, 'Application ID not found', 'REL-6', 'the application ID given is not known'],
    [2009, 'Reply Application ID not found', 'REL-6', 'the reply application ID given is not known'],
    [3000, 'Server Error', 'REL-5', 'the server failed to carry out an apparently valid request'],
    [
      3001,
      'Not Possible',
      'REL-5',
      'the message is known but the operation is no longer possible (e.g. cancel or replace of a delivered message)',
    ],
    [3002, 'Message rejected', 'REL-5', 'the server could not complete the requested service'],
    [
      3003,
      'Multiple addresses not supported',
      'REL-5',
      'the operation is not supported for several recipients (it may be resubmitted per recipient)',
    ],
    [
      3004,
      'Application Addressing not supported',
      'REL-6',
      'the server does not support application addressing',
    ],
    [4000, 'General service error', 'REL-5', 'the requested service cannot be fulfilled'],
    [
      4001,
      'Improper identification',
      'REL-5',
      'the identification header does not uniquely identify the client',
    ],
    [4002, 'Unsupported version', 'REL-5', 'the version named in MM7Version is not supported'],
    [4003, 'Unsupported operation', 'REL-5', 'the request (its message type) is not supported by the server'],
    [
      4004,
      'Validation error',
      'REL-5',
      'the SOAP / XML structure cannot be parsed, a mandatory field is missing, or the format is not the one specified',
    ],
    [4005, 'Service error', 'REL-5', 'the operation made the server fail; it should not be resent'],
    [4006, 'Service unavailable', 'REL-5', 'the server is temporarily unavailable (e.g. busy)'],
    [4007, 'Service denied', 'REL-5', 'the client is not authorised to perform the requested operation'],
    [
      4008,
      'Application denied',
      'REL-6',
      'the application is not authorised to perform the requested operation',
    ],
  ] as const
).map(([code, text, since, meaning]) => ({ code, text, meaning, class: classOf(code), since }));

function classOf(code: number): Mm7StatusRow['class'] {
  if (code < 2000) return 'success';
  if (code < 3000) return 'client';
  if (code < 4000) return 'server';
  return 'service';
}

const BY_CODE = new Map(MM7_STATUS.map((r) => [r.code, r]));

/** The table's row of a status code, or undefined. */
export function mm7StatusInfo(code: number): Mm7StatusRow | undefined {
  return BY_CODE.get(code);
}

/** The spec text of a status code, or undefined. */
export function mm7StatusText(code: number): string | undefined {
  return BY_CODE.get(code)?.text;
}

/** success / client / server / service, or undefined outside 1000..4999. */
export function mm7StatusClass(code: number): Mm7StatusRow['class'] | undefined {
  return code >= 1000 && code <= 4999 ? classOf(code) : undefined;
}

/**
 * The code a receiver acts on: a known code itself; an unknown one the x000 code of its class;
 * one outside the four classes 3000 (TS 23.140 §8.7 status codes).
 */
export function mm7StatusEffective(code: number): number {
  if (BY_CODE.has(code)) return code;
  if (code >= 1000 && code <= 4999) return Math.floor(code / 1000) * 1000;
  return 3000;
}
