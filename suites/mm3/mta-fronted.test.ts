import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cpuShare, timeScaleForShare } from '../../src/harness/cpu-share.ts';
import { loadPeerKinds } from '../../src/harness/peer-kinds.ts';
import { runSuites } from '../../src/harness/runner.ts';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import { EmbeddedTarget } from '../../src/harness/targets/embedded.ts';
import type { JsonObject } from '../../src/util/json.ts';

/**
 * The refusal cases of MM3 in and MM4 relay against the reference MMSC behind its MTA front end
 * (config mtaFront, ICS mm3/mm4.mtaFronted): every SMTP transaction gets 250 and each refusal
 * comes back as an RFC 3464 DSN, which the `anyOf:` alternative of each case accepts. The same
 * cases fail when the front end drops the refused mail silently or reports it as delivered.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const files = [path.join(root, 'mm3', 'in.yaml'), path.join(root, 'mm4', 'relay.yaml')];
const REFUSALS = ['mm3.in.005', 'mm3.in.006', 'mm3.in.007', 'mm4.relay.001', 'mm4.relay.002', 'mm4.relay.003'];
const FRONTED = { mtaFront: { mm3: true, mm4: true, maxSize: 10 * 1024 * 1024 } };

async function run(mmsc: Record<string, unknown>) {
  const { cases, diagnostics } = await loadSuites({ root, files });
  expect(diagnostics).toEqual([]);
  const target = new EmbeddedTarget({ mmsc });
  await target.open();
  try {
    return {
      ics: target.ics,
      // deadlines scaled by the CPU share this process gets, as `mmscert run` does (--time-scale auto)
      run: await runSuites({
        cases,
        target,
        peerKinds: await loadPeerKinds(),
        seed: 7,
        jobs: 8,
        timeScale: timeScaleForShare(cpuShare()),
      }),
    };
  } finally {
    await target.close();
  }
}

describe('MTA-fronted MM3 / MM4 (reference MMSC with mtaFront)', () => {
  it('every case passes, the refusals by the DSN the front end sends to our envelope sender', async () => {
    const { ics, run: r } = await run(FRONTED);
    expect(ics.mm3.mtaFronted).toBe(true);
    expect(ics.mm4.mtaFronted).toBe(true);
    const bad = r.cases
      .filter((c) => c.verdict !== 'pass')
      .map((c) => `${c.id} ${c.verdict}: ${c.failure?.label ?? ''} ${c.failure?.message ?? ''}`);
    expect(bad.join('\n')).toBe('');
    for (const id of REFUSALS) {
      const c = r.cases.find((x) => x.id === id);
      const step = c?.steps.find((s) => / any of /.test(s.label));
      // the alternative met was the DSN: Action failed, a 5.x.x Status
      expect(step?.result, id).toMatchObject({ action: 'failed', status: expect.stringMatching(/^5\./) });
      expect((step?.result as JsonObject).finalRecipient, id).toBeTruthy();
    }
  }, 240_000);

  it.each(['mta-front-silent-drop', 'mta-front-dsn-success'])('the deviation %s fails each refusal case', async (d) => {
    const { run: r } = await run({ ...FRONTED, deviate: [d] });
    const verdicts = Object.fromEntries(r.cases.map((c) => [c.id, c.verdict]));
    for (const id of REFUSALS) expect(verdicts[id], id).toBe('fail');
    // the cases the deviation does not touch still pass
    expect(verdicts['mm3.in.001']).toBe('pass');
  }, 240_000);
});
