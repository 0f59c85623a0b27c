/**
 * Requirement levels (RFC 2119 MUST/REQUIRED read as SHALL). ROBUSTNESS is mmscert's own
 * robustness profile (hostile input answered with the protocol's error, service kept): no
 * specification makes it a SHALL, so it is reported apart, though by default it gates a run as
 * a SHALL does.
 */
export const LEVELS = ['SHALL', 'SHOULD', 'MAY', 'ROBUSTNESS'] as const;
export type Level = (typeof LEVELS)[number];
