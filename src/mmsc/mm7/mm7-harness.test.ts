import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPeerKinds } from '../../harness/peer-kinds.ts';
import { runSuites } from '../../harness/runner.ts';
import { loadSuites } from '../../harness/suite-loader.ts';
import { EmbeddedTarget } from '../../harness/targets/embedded.ts';

/**
 * suites/examples/mm7-smoke.yaml through the harness runner against the embedded target, whose
 * `mmscConfigForPeers` registers the case's VASP (VASPID, credentials, short codes, callback URL)
 * with the reference MMSC, and whose starter plugs the MM7 module in.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const suite = path.join(repoRoot, 'suites/examples/mm7-smoke.yaml');

describe('suites/examples/mm7-smoke.yaml on the embedded target', () => {
  it('passes: SubmitReq -> notification -> retrieval -> DeliveryReportReq; handset -> short code -> DeliverReq', async () => {
    const loaded = await loadSuites({ root: path.join(repoRoot, 'suites'), files: [suite] });
    expect(loaded.diagnostics).toEqual([]);
    // The embedded target's own starter: MM1 plus the MM4, MM3 and MM7 modules.
    const target = new EmbeddedTarget();
    await target.open();
    try {
      const run = await runSuites({
        cases: loaded.cases,
        target,
        peerKinds: await loadPeerKinds(),
        seed: 7,
      });
      const verdicts = run.cases.map(
        (c) => `${c.id} ${c.verdict}${c.failure ? `: ${JSON.stringify(c.failure).slice(0, 300)}` : ''}`,
      );
      expect(verdicts).toEqual(['examples.mm7.submit.001 pass', 'examples.mm7.deliver.001 pass']);
    } finally {
      await target.close();
    }
  }, 60_000);
});
