import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PEER_KINDS } from '../../test/support/loopback-clients.ts';
import { runSuites } from './runner.ts';
import { loadSuites } from './suite-loader.ts';
import { PeersOnlyTarget } from './targets/peers-only.ts';

/**
 * Where an expect-none window starts: at the step, or at the last action with `from: last-action`
 * (what was waited for in between does not push the window later), and never scaled.
 */
const SUITE = `suite: windows
interfaces: [SMPP]
peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
requirements: [{ spec: SMPP 3.4, clause: '4.4', level: SHALL }]
cases:
  - id: w.001
    title: an expect-none window from the action, one from the step
    steps:
      - do: esme.bind
      - wait: 400ms
      - expect-none: { message: submit_sm, node: smsc, from: last-action, within: 300ms }
      - expect-none: { message: submit_sm, node: smsc, within: 300ms }
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-windows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expect-none windows', () => {
  it('from: last-action runs from the action (closed here after a longer wait); otherwise from the step, unscaled', async () => {
    const file = path.join(dir, 'windows.yaml');
    writeFileSync(file, SUITE);
    const loaded = await loadSuites({ root: dir, files: [file], peerKinds: TEST_PEER_KINDS });
    expect(loaded.diagnostics).toEqual([]);
    for (const timeScale of [1, 2]) {
      const run = await runSuites({
        cases: loaded.cases,
        target: new PeersOnlyTarget(),
        peerKinds: TEST_PEER_KINDS,
        seed: 7,
        timeScale,
      });
      const c = run.cases[0];
      expect(c.verdict).toBe('pass');
      const [fromAction, fromStep] = [c.steps[2], c.steps[3]];
      // the wait (400 ms, more when scaled) outlasted the 300 ms window from the action
      expect(fromAction.deadlineNs).toBe(fromAction.startNs);
      expect((fromStep.deadlineNs ?? 0) - fromStep.startNs).toBe(300e6);
    }
  }, 30_000);
});
