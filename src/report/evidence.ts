import type { CaseResult } from '../harness/run-result.ts';

/**
 * `--evidence`: whose timelines, captures and diagrams a run's reports keep. `failing` (the
 * default of `mmscert run`): only cases that failed, erred or were inconclusive (what someone will
 * look at), so a full run writes a few MB; `all`: every case (a run to audit every capture).
 */
export const EVIDENCE = ['failing', 'all'] as const;
export type Evidence = (typeof EVIDENCE)[number];

export function keepsEvidence(c: Pick<CaseResult, 'verdict'>, evidence: Evidence): boolean {
  return evidence === 'all' || c.verdict === 'fail' || c.verdict === 'error' || c.verdict === 'inconclusive';
}
