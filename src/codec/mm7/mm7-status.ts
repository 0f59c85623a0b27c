export interface Mm7StatusRow {
  code: number;
  text: string;
  /** 1xxx success, 2xxx client error, 3xxx server error, 4xxx service error (TS 23.140 Annex L/M). */
  class: 'success' | 'client' | 'server' | 'service';
  /** First schema version that defines the code. */
  since: 'REL-5' | 'REL-6';
}

/**
 * MM7 request status codes (TS 23.140 §8.7 "status code" table; the numeric StatusCode
 * of every response). An unknown code in a response is classified by its thousand.
 */
export const MM7_STATUS: readonly Mm7StatusRow[] = (
  [
    [1000, 'Success', 'REL-5'],
    [1100, 'Partial success', 'REL-5'],
    [2000, 'Client error', 'REL-5'],
    [2001, 'Operation restricted', 'REL-5'],
    [2002, 'Address Error', 'REL-5'],
    [2003, 'Address Not Found', 'REL-5'],
    [2004, 'Multimedia content refused', 'REL-5'],
    [2005, 'Message ID Not found', 'REL-5'],
    [2006, 'LinkedID not found', 'REL-5'],
    [2007, 'Message format corrupt', 'REL-5'],
    [2008, 'Application ID not found', 'REL-6'],
    [3000, 'Server Error', 'REL-5'],
    [3001, 'Not Possible', 'REL-5'],
    [3002, 'Message rejected', 'REL-5'],
    [3003, 'Multiple addresses not supported', 'REL-5'],
    [3004, 'Application not addressable', 'REL-6'],
    [4000, 'General service error', 'REL-5'],
    [4001, 'Improper identification', 'REL-5'],
    [4002, 'Unsupported version', 'REL-5'],
    [4003, 'Unsupported operation', 'REL-5'],
    [4004, 'Validation error', 'REL-5'],
    [4005, 'Service error', 'REL-5'],
    [4006, 'Service unavailable', 'REL-5'],
    [4007, 'Service denied', 'REL-5'],
    [4008, 'Application denied', 'REL-6'],
  ] as const
).map(([code, text, since]) => ({ code, text, class: classOf(code), since }));

function classOf(code: number): Mm7StatusRow['class'] {
  if (code < 2000) return 'success';
  if (code < 3000) return 'client';
  if (code < 4000) return 'server';
  return 'service';
}

const BY_CODE = new Map(MM7_STATUS.map((r) => [r.code, r]));

/** The spec text of a status code, or undefined. */
export function mm7StatusText(code: number): string | undefined {
  return BY_CODE.get(code)?.text;
}

/** success / client / server / service, or undefined outside 1000..4999. */
export function mm7StatusClass(code: number): Mm7StatusRow['class'] | undefined {
  return code >= 1000 && code <= 4999 ? classOf(code) : undefined;
}
