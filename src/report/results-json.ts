import type { CaseResult, RunResult } from '../harness/run-result.ts';
import { jsonReplacer } from '../util/json.ts';

/**
 * results.json: the whole RunResult (verdicts and every kept timeline), bytes as { $base64 }.
 * The run is indented; each case is one line (caseJson): indented, the cases were 40% spaces,
 * and a case per line is what grep and a diff of two runs read best.
 */
export function resultsJson(run: RunResult): string {
  if (run.cases.length === 0) return `${JSON.stringify(run, jsonReplacer, 2)}\n`;
  const { head, tail } = resultsJsonFrame(run);
  return `${head}${run.cases.map(caseJson).join(CASE_SEPARATOR)}${tail}`;
}

/** One case as it stands in results.json's `cases` (one line, bytes as { $base64 }). */
export function caseJson(c: CaseResult): string {
  return JSON.stringify(c, jsonReplacer);
}

const MARK = '\u0001mmscert-cases\u0001';

/**
 * The same text as resultsJson(run), with each case's JSON already rendered (render-case.ts,
 * `json`, by index in run.cases): the run is stringified around a marker in place of its cases.
 */
export function resultsJsonFrom(run: RunResult, caseJson: readonly string[]): string {
  if (run.cases.length === 0) return resultsJson(run);
  if (caseJson.length !== run.cases.length)
    throw new Error(`results.json: ${caseJson.length} rendered case(s) for ${run.cases.length}`);
  const { head, tail } = resultsJsonFrame(run);
  return `${head}${caseJson.join(CASE_SEPARATOR)}${tail}`;
}

/** Between two cases' JSON in results.json. */
export const CASE_SEPARATOR = ',\n    ';

/**
 * results.json's text before the first case's JSON and after the last one (the run has cases):
 * head + the cases' JSON joined with CASE_SEPARATOR + tail is resultsJson(run).
 */
export function resultsJsonFrame(run: RunResult): { head: string; tail: string } {
  const text = JSON.stringify({ ...run, cases: [MARK] }, jsonReplacer, 2);
  // the marker as the only element of the top-level `cases` (a string value never holds a raw newline)
  const marker = `"cases": [\n    ${JSON.stringify(MARK)}`;
  const at = text.indexOf(marker) + marker.length - JSON.stringify(MARK).length;
  return { head: text.slice(0, at), tail: `${text.slice(at + JSON.stringify(MARK).length)}\n` };
}
