import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPeerKinds } from '../../src/harness/peer-kinds.ts';
import { runSuites } from '../../src/harness/runner.ts';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import { EmbeddedTarget } from '../../src/harness/targets/embedded.ts';
import { ExternalTarget } from '../../src/harness/targets/external.ts';

/**
 * The reference MMSC's self-tests (scope: reference): checks of its own inside (what it received,
 * its internal events) that no wire observation can make. They run here, against the embedded
 * reference MMSC, and never count towards a target's verdicts: `mmscert run` does not discover
 * this folder, and against any other target they are not applicable.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(here, f));

describe('suites/reference: the reference MMSC self-tests', async () => {
  const { cases, diagnostics } = await loadSuites({ root: path.resolve(here, '..'), files });

  it('load, are all scope: reference, and are not discovered by a default run', async () => {
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)).toEqual([]);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(c.scope, c.id).toBe('reference');
    const discovered = await loadSuites({ root: path.resolve(here, '..') });
    expect(discovered.cases.filter((c) => c.scope === 'reference')).toEqual([]);
  });

  it('pass against the embedded reference MMSC', async () => {
    const target = new EmbeddedTarget();
    await target.open();
    try {
      const run = await runSuites({ cases, target, peerKinds: await loadPeerKinds(), seed: 11, jobs: 16 });
      const bad = run.cases
        .filter((c) => c.verdict !== 'pass')
        .map((c) => `${c.id} ${c.verdict}: ${c.failure?.label ?? ''} ${c.failure?.message ?? ''}`);
      expect(bad).toEqual([]);
    } finally {
      await target.close();
    }
  }, 240_000);

  it('are not applicable to any other target', async () => {
    const ext = new ExternalTarget({}, new EmbeddedTarget().ics);
    const run = await runSuites({ cases: cases.slice(0, 3), target: ext, peerKinds: await loadPeerKinds(), seed: 11 });
    for (const c of run.cases) {
      expect(c.verdict, c.id).toBe('not-applicable');
      expect(c.notApplicable?.reasons.join(''), c.id).toMatch(/reference self-test/);
    }
  });
});
