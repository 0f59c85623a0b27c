import type { RunResult } from '../harness/run-result.ts';
import { jsonReplacer } from '../util/json.ts';

/** results.json: the whole RunResult (verdicts and every case's timeline), bytes as { $base64 }. */
export function resultsJson(run: RunResult): string {
  return `${JSON.stringify(run, jsonReplacer, 2)}\n`;
}
