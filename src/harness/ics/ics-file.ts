import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { positionOf } from '../yaml-positions.ts';
import { type Ics, IcsSchema } from './ics-schema.ts';

/** An ICS file that cannot be used: one `file:line:col: message` line (exit 2). */
export class IcsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcsFileError';
  }
}

/** Reads and validates an ICS file (YAML or JSON); the first problem as `file:line:col: path: message`. */
export function loadIcsFile(file: string): Ics {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new IcsFileError(`cannot read ICS ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseIcs(text, file);
}

export function parseIcs(text: string, file: string): Ics {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const { line, col } = lines.linePos(doc.errors[0].pos[0]);
    throw new IcsFileError(`${file}:${line}:${col}: YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const r = IcsSchema.safeParse(doc.toJS());
  if (!r.success) {
    // an unknown item (a typo) says more than the missing one it was meant to be
    const i = r.error.issues.find((x) => x.code === 'unrecognized_keys') ?? r.error.issues[0];
    // an unknown item is reported at its own key, not at the map holding it
    const keys = i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys : [];
    const at = keys.length > 0 ? [...i.path, keys[0]] : i.path;
    const p = positionOf(doc, lines, file, at, keys.length > 0 ? { key: true } : {});
    const what = keys.length > 0 ? `unknown ICS item "${keys.join('", "')}"` : i.message;
    throw new IcsFileError(`${p.file}:${p.line}:${p.col}: ${i.path.join('.') || '(document)'}: ${what}`);
  }
  return r.data;
}
