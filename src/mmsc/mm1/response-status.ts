import { compareVersions } from '../mmsc-core.ts';

/**
 * What went wrong with a request, independent of the version, and the X-Mms-Response-Status
 * token it becomes (OMA-TS-MMS_ENC-V1_3 §7.3.48, Table 25). MMS 1.0 defined only the codes
 * 128..136; 1.1 introduced the transient (192..) and permanent (224..) families and made
 * 129..136 obsolete, so a 1.1+ client gets the family member and a 1.0 client the old code.
 */
export type SendProblem =
  | 'ok'
  | 'transient-failure'
  | 'permanent-failure'
  | 'service-denied'
  | 'format-corrupt'
  | 'address-unresolved'
  | 'address-unresolved-transient'
  | 'message-not-found'
  | 'content-not-accepted'
  | 'unsupported-message'
  | 'reply-charging-not-supported';

const V10: Record<SendProblem, string> = {
  ok: 'Ok',
  // 1.0 has no transient family: Error-unspecified is its catch-all.
  'transient-failure': 'Error-unspecified',
  'permanent-failure': 'Error-unspecified',
  'service-denied': 'Error-service-denied',
  'format-corrupt': 'Error-message-format-corrupt',
  'address-unresolved': 'Error-sending-address-unresolved',
  'address-unresolved-transient': 'Error-sending-address-unresolved',
  'message-not-found': 'Error-message-not-found',
  'content-not-accepted': 'Error-content-not-accepted',
  'unsupported-message': 'Error-unsupported-message',
  // reply charging is MMS 1.1+: a 1.0 client cannot ask for it; its catch-all if it does.
  'reply-charging-not-supported': 'Error-unspecified',
};

const V11: Record<SendProblem, string> = {
  ok: 'Ok',
  'transient-failure': 'Error-transient-failure',
  // §7.3.48: "an unspecified permanent error" — e.g. more recipients than the MMSC takes in one MM
  // (no status names that limit; resending the same request cannot succeed).
  'permanent-failure': 'Error-permanent-failure',
  'service-denied': 'Error-permanent-service-denied',
  'format-corrupt': 'Error-permanent-message-format-corrupt',
  'address-unresolved': 'Error-permanent-sending-address-unresolved',
  'address-unresolved-transient': 'Error-transient-sending-address-unresolved',
  'message-not-found': 'Error-permanent-message-not-found',
  'content-not-accepted': 'Error-permanent-content-not-accepted',
  // 1.1+ has no family member for an unsupported message; the 1.0 code stays defined.
  'unsupported-message': 'Error-unsupported-message',
  'reply-charging-not-supported': 'Error-permanent-reply-charging-not-supported',
};

export function responseStatus(problem: SendProblem, version: string): string {
  return compareVersions(version, '1.1') >= 0 ? V11[problem] : V10[problem];
}

/** Every Response-Status token the reference MMSC can produce (for docs and tests). */
export const PRODUCED_RESPONSE_STATUSES: readonly string[] = [
  ...new Set([...Object.values(V10), ...Object.values(V11)]),
];
