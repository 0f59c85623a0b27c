import { fileURLToPath } from 'node:url';
import type { DefinedCase } from './case-model.ts';
import type { CaseSpec } from './suite-schema.ts';
import type { SourcePos } from './yaml-positions.ts';

/** Where the caller of defineCase() sits, from the stack (file:line:col), when it can be read. */
function callerPosition(): SourcePos | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  // [0] "Error", [1] callerPosition, [2] defineCase, [3] the suite file
  const frame = stack[3] ?? '';
  const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(frame);
  if (!m) return undefined;
  const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
  return { file, line: Number(m[2]), col: Number(m[3]) };
}

/**
 * A case written in TypeScript (suites/**\/*.case.ts, default export: one case or an array), on
 * the same model as a YAML case and validated by the same schema when loaded.
 */
export function defineCase(spec: CaseSpec): DefinedCase {
  const source = callerPosition();
  return source ? { ...spec, __source: source } : { ...spec };
}
