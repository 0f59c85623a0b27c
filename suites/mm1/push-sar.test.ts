import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPeerKinds } from '../../src/harness/peer-kinds.ts';
import { runSuites } from '../../src/harness/runner.ts';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import { EmbeddedTarget } from '../../src/harness/targets/embedded.ts';

/**
 * The SAR side of the concatenation ICS item (notification.smpp.concatenation): the reference
 * MMSC concatenates by UDH by default, so a default run finds mm1.push.005 not applicable. Here it
 * runs with `concatenation: sar` (SMPP 3.4 §5.3.2.20-24): the SAR case passes, the cases that
 * read the target's own UDH are not applicable, and the reference-agnostic one still passes.
 */
const here = path.dirname(fileURLToPath(import.meta.url));

describe('mm1.push against the reference MMSC concatenating with the SAR TLVs', async () => {
  const { cases } = await loadSuites({
    root: path.resolve(here, '..'),
    files: [path.join(here, 'push-segmentation.yaml')],
  });

  it('passes mm1.push.003 and .005; .001, .002 and .004 (UDH) are not applicable', async () => {
    const target = new EmbeddedTarget({ mmsc: { notification: { concatenation: 'sar' } } });
    await target.open();
    try {
      const run = await runSuites({ cases, target, peerKinds: await loadPeerKinds(), seed: 5, jobs: 6 });
      const verdicts = Object.fromEntries(run.cases.map((c) => [c.id, c.verdict]));
      expect(verdicts).toEqual({
        'mm1.push.001': 'not-applicable',
        'mm1.push.002.001': 'not-applicable',
        'mm1.push.002.002': 'not-applicable',
        'mm1.push.003': 'pass',
        'mm1.push.004': 'not-applicable',
        'mm1.push.005': 'pass',
      });
    } finally {
      await target.close();
    }
  }, 60_000);
});
