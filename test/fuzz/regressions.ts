import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Crash, inputId } from './engine.ts';

/**
 * Crashing inputs kept as regressions: test/fuzz-regressions/<target>/<sha1-16>.bin (the exact
 * octets) beside <sha1-16>.txt (what it did when found). fuzz-regressions.test.ts replays every
 * one through its target on each `npm test`.
 */
export const REGRESSIONS_DIR = path.resolve(import.meta.dirname, '../fuzz-regressions');

export function saveRegression(c: Crash, dir = REGRESSIONS_DIR): string {
  const d = path.join(dir, c.target);
  mkdirSync(d, { recursive: true });
  const id = inputId(c.input);
  const file = path.join(d, `${id}.bin`);
  if (!existsSync(file)) {
    writeFileSync(file, c.input);
    writeFileSync(
      path.join(d, `${id}.txt`),
      `kind: ${c.kind}\nsignature: ${c.signature}\nfound: ${new Date().toISOString().slice(0, 10)}\n\n${c.message}\n`,
    );
  }
  return path.relative(process.cwd(), file);
}

export interface Regression {
  target: string;
  id: string;
  input: Uint8Array;
}

export function loadRegressions(dir = REGRESSIONS_DIR): Regression[] {
  if (!existsSync(dir)) return [];
  const out: Regression[] = [];
  for (const target of readdirSync(dir).sort()) {
    const d = path.join(dir, target);
    if (!existsSync(d) || !readdirSync(d)) continue;
    let files: string[];
    try {
      files = readdirSync(d);
    } catch {
      continue; // a file, not a folder (README)
    }
    for (const f of files.sort())
      if (f.endsWith('.bin'))
        out.push({ target, id: f.slice(0, -4), input: new Uint8Array(readFileSync(path.join(d, f))) });
  }
  return out;
}
