import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from './event-names.ts';

/**
 * EVENT_NAMES (what the strict suite check accepts as `event:`) against the sources that publish
 * events: every name a peer, handset, the harness or the reference MMSC passes to an event(...)
 * call or writes as `kind: 'event', ... name: '...'` is listed, and every listed name is written
 * somewhere in those sources (no stale entry).
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');
const DIRS = ['mocks', 'src/harness', 'src/wire', 'src/mmsc'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'testing') out.push(...sources(full));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const texts = DIRS.flatMap((d) => sources(path.join(repoRoot, d))).map((f) => ({
  file: path.relative(repoRoot, f),
  text: readFileSync(f, 'utf8'),
}));
const INTERFACE_ARGS = new Set(['MM1', 'MM3', 'MM4', 'MM7']);

describe('EVENT_NAMES', () => {
  it('lists every event name the sources publish', () => {
    const call = /(?:\.event|\bharnessEvent|\bfail)\(([^{;]*?)(?:\{|\)|$)/gm;
    const obj = /kind: 'event',[^;]{0,300}?name: '([a-z0-9-]+)'/gs;
    const missing: string[] = [];
    for (const { file, text } of texts) {
      for (const m of text.matchAll(call)) {
        if (m[1].length > 200) continue;
        for (const l of m[1].matchAll(/'([a-z][a-z0-9-]+)'/g))
          if (!INTERFACE_ARGS.has(l[1]) && !EVENT_NAMES.has(l[1])) missing.push(`${file}: ${l[1]}`);
      }
      for (const m of text.matchAll(obj)) if (!EVENT_NAMES.has(m[1])) missing.push(`${file}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('has no name the sources never write', () => {
    const all = texts.map((t) => t.text).join('\n');
    expect([...EVENT_NAMES].filter((n) => !all.includes(`'${n}'`))).toEqual([]);
  });
});
