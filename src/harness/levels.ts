/** Requirement levels, strongest first (RFC 2119 MUST/REQUIRED read as SHALL). */
export const LEVELS = ['SHALL', 'SHOULD', 'MAY'] as const;
export type Level = (typeof LEVELS)[number];
