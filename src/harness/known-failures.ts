import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { idGlob } from './id-glob.ts';

/**
 * A target's expectations file: its known failures by case id (globs allowed), each with a
 * reason, so CI fails on regressions only.
 *
 *   known-failures:
 *     - id: mm4.forward.ack.*
 *       reason: vendor bug 1234, fixed in 5.3
 */
export const KnownFailuresSchema = z.strictObject({
  'known-failures': z.array(z.strictObject({ id: z.string().min(1), reason: z.string().min(1) })),
});

export interface KnownFailures {
  lookup(caseId: string): { id: string; reason: string } | undefined;
  readonly entries: readonly { id: string; reason: string }[];
}

export function knownFailures(entries: readonly { id: string; reason: string }[]): KnownFailures {
  const compiled = entries.map((e) => ({ ...e, test: idGlob(e.id) }));
  return {
    entries,
    lookup: (caseId) => {
      const hit = compiled.find((e) => e.test(caseId));
      return hit ? { id: hit.id, reason: hit.reason } : undefined;
    },
  };
}

/** Reads an expectations file; throws an Error whose message is one `file:line:col: ...` line. */
export function loadKnownFailures(file: string): KnownFailures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(
      `cannot read expectations file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const { line, col } = lines.linePos(doc.errors[0].pos[0]);
    throw new Error(`${file}:${line}:${col}: YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const r = KnownFailuresSchema.safeParse(doc.toJS());
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${file}: ${i.path.join('.') || '(document)'}: ${i.message}`);
  }
  return knownFailures(r.data['known-failures']);
}
