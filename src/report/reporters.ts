export const REPORTERS = ['terminal', 'json', 'junit', 'html'] as const;
export type ReporterName = (typeof REPORTERS)[number];

/** The parts of a case each reporter needs rendered. */
export function caseParts(reporters: readonly ReporterName[]): { json: boolean; html: boolean } {
  return { json: reporters.includes('json'), html: reporters.includes('html') };
}
