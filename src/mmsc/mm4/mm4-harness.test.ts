import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPeerKinds } from '../../harness/peer-kinds.ts';
import { runSuites } from '../../harness/runner.ts';
import { loadSuites } from '../../harness/suite-loader.ts';
import { EmbeddedTarget } from '../../harness/targets/embedded.ts';

/**
 * suites/examples/mm4-mm3-smoke.yaml through the harness runner against the default embedded
 * target: its starter plugs the MM4 and MM3 modules in, and `mmscConfigForPeers` points them at
 * the case's remote MMSC and mail MTA.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const suite = path.join(repoRoot, 'suites/examples/mm4-mm3-smoke.yaml');

describe('suites/examples/mm4-mm3-smoke.yaml on the embedded target', () => {
  it('passes: MM4 out with reports, MM4 in, MM3 out, MM3 in', async () => {
    const loaded = await loadSuites({ root: path.join(repoRoot, 'suites'), files: [suite] });
    expect(loaded.diagnostics).toEqual([]);
    const target = new EmbeddedTarget();
    await target.open();
    try {
      const run = await runSuites({
        cases: loaded.cases,
        target,
        peerKinds: await loadPeerKinds(),
        seed: 11,
      });
      const verdicts = run.cases.map(
        (c) => `${c.id} ${c.verdict}${c.failure ? `: ${JSON.stringify(c.failure).slice(0, 400)}` : ''}`,
      );
      expect(verdicts).toEqual([
        'examples.mm4.forward.001 pass',
        'examples.mm4.inbound.001 pass',
        'examples.mm3.out.001 pass',
        'examples.mm3.in.001 pass',
      ]);
    } finally {
      await target.close();
    }
  }, 90_000);
});
