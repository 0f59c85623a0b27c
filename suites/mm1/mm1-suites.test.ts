import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durationMs } from '../../src/harness/duration.ts';
import { icsTemplateValues } from '../../src/harness/ics/ics-template-values.ts';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import type { Expectation } from '../../src/harness/suite-schema.ts';
import { embeddedIcs } from '../../src/harness/targets/embedded.ts';
import { renderTemplate } from '../../src/harness/template.ts';

/**
 * Static checks of the MM1 suites (they run against a target with `mmscert run`): every file
 * loads without diagnostics, ids follow mm1.<topic>.<NNN>, every case carries its prose and
 * requirements, and every case asserts decoded fields somewhere (not only "a message arrived")
 * with short deadlines, so the whole family stays fast.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(here, f));

const ics = icsTemplateValues(embeddedIcs());

describe('suites/mm1', async () => {
  const { cases, diagnostics } = await loadSuites({ root, files });

  it('loads without diagnostics', () => {
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)).toEqual([]);
  });

  it('has at least 60 distinct cases (families counted once) and unique expanded ids', () => {
    const definitions = new Set(cases.map((c) => c.family?.id ?? c.id));
    expect(definitions.size).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('names cases mm1.<topic>.<NNN> and gives each prose and requirements', () => {
    for (const c of cases) {
      expect(c.id, c.id).toMatch(/^mm1\.[a-z]+\.\d{3}(\.\d{3})?$/);
      expect(c.description?.trim(), c.id).toBeTruthy();
      expect(c.expectation?.trim(), c.id).toBeTruthy();
      expect(c.requirements.length, c.id).toBeGreaterThan(0);
      expect(c.title, c.id).not.toMatch(/\{\{\s*each\./);
    }
  });

  it('asserts decoded fields in every case, within short deadlines', () => {
    for (const c of cases) {
      const expectations = c.steps
        .filter((s) => s.kind === 'expect' || s.kind === 'expect-none')
        .map((s) => (s.spec as Record<string, unknown>)[s.kind] as Expectation);
      expect(expectations.length, c.id).toBeGreaterThan(0);
      expect(
        expectations.some((e) => e.where && Object.keys(e.where).length > 0),
        `${c.id} matches no field`,
      ).toBe(true);
      // a deadline from the target's ICS timers is measured with the embedded target's ICS: at
      // most 5 s per timer it adds up (a reconnect then a notification is two)
      for (const e of expectations) {
        const within = renderTemplate(e.within, { values: { ics } }) as string | number | null;
        const timers = typeof e.within === 'string' ? (e.within.match(/\{\{\s*ics\./g) ?? []).length : 0;
        expect(durationMs(within ?? undefined, 2000), c.id).toBeLessThanOrEqual(5000 * Math.max(1, timers));
      }
    }
  });
});
