import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import type { Expectation } from '../../src/harness/suite-schema.ts';

/**
 * Static checks of the roaming suites (they run against a target with `mmscert run`): they load
 * without diagnostics, ids follow roaming.<topic>.<NNN>, every case carries prose, requirements
 * and at least one check of the target that is not a precondition (what our own network did is a
 * precondition; the verdict rests on the target's wire), and every case names the roaming
 * requirements it is about.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(here, f));

const OUR_NETWORK = /^(MAP-|GTP-)/;

describe('suites/roaming', async () => {
  const { cases, diagnostics } = await loadSuites({ root, files });

  it('loads without diagnostics, with unique roaming.<topic>.<NNN> ids', () => {
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(10);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) expect(c.id).toMatch(/^roaming\.[a-z0-9]+\.\d{3}$/);
  });

  it('gives each case prose and requirements', () => {
    for (const c of cases) {
      expect(c.description?.trim(), c.id).toBeTruthy();
      expect(c.expectation?.trim(), c.id).toBeTruthy();
      expect(c.requirements.length, c.id).toBeGreaterThan(0);
    }
  });

  it('judges each case by the target: a non-precondition check that is not our network signalling', () => {
    for (const c of cases) {
      const verdicts = c.steps
        .filter((s) => s.kind === 'expect' || s.kind === 'expect-none')
        .map((s) => s.spec as Record<string, unknown>)
        .filter((spec) => spec.precondition !== true)
        .map((spec) => (spec.expect ?? spec['expect-none']) as Expectation);
      expect(verdicts.length, c.id).toBeGreaterThan(0);
      for (const e of verdicts) {
        const m = (e as { message?: unknown }).message;
        if (typeof m === 'string') expect(m, `${c.id}: ${m} is our network's, mark it precondition`).not.toMatch(OUR_NETWORK);
      }
    }
  });
});
