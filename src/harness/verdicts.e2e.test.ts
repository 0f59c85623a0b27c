import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PEER_KINDS } from '../../test/support/loopback-clients.ts';
import { junitXml } from '../report/junit-xml.ts';
import type { RunResult } from './run-result.ts';
import { runSuites } from './runner.ts';
import { loadSuites } from './suite-loader.ts';
import { PeersOnlyTarget } from './targets/peers-only.ts';

/**
 * The verdicts a target case can get besides pass/fail/error, over the real SMSC peer and an
 * ESME client: not-applicable (an ICS item the target does not claim; nothing started), and
 * inconclusive (our own stimulus was not sent as meant).
 */
const SUITE = `suite: verdicts
interfaces: [SMPP]
peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
requirements: [{ spec: SMPP 3.4, clause: '4.4', level: SHALL }]
cases:
  - id: v.pass
    title: applies and passes
    ics: [notification.via == smpp]
    steps:
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550002', text: x }
      - expect: { message: submit_sm_resp, node: smsc, direction: out, within: 3s }
  - id: v.na
    title: needs PAP notification, which the target does not claim
    ics: [notification.via == pap, mm1.mmbox]
    steps:
      - do: esme.bind
  - id: v.inconclusive
    title: our ESME never submits, so the stimulus check fails
    steps:
      - do: esme.bind
      - expect: { message: submit_sm, node: smsc, direction: in, within: 200ms }
        precondition: true
  - id: v.fail
    title: the same check as a requirement on the target fails
    steps:
      - do: esme.bind
      - expect: { message: submit_sm, node: smsc, direction: in, within: 200ms }
`;

let dir: string;
let run: RunResult;
const byId = (id: string) => {
  const c = run.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-verdicts-'));
  const file = path.join(dir, 'verdicts.yaml');
  writeFileSync(file, SUITE);
  const loaded = await loadSuites({ root: dir, files: [file], peerKinds: TEST_PEER_KINDS });
  expect(loaded.diagnostics).toEqual([]);
  run = await runSuites({
    cases: loaded.cases,
    target: new PeersOnlyTarget(),
    peerKinds: TEST_PEER_KINDS,
    seed: 7,
    jobs: 4,
  });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verdicts of conformance testing', () => {
  it('not-applicable: the ICS items it lacks, nothing started, not unexpected', () => {
    const c = byId('v.na');
    expect(c.verdict).toBe('not-applicable');
    expect(c.notApplicable?.reasons).toEqual([
      'ICS notification.via is "smpp" (case needs notification.via == pap)',
    ]);
    expect(c.peers).toEqual([]);
    expect(c.steps.every((s) => s.status === 'skipped')).toBe(true);
    expect(c.unexpected).toBe(false);
  });

  it('inconclusive: a failed precondition says nothing about the target, but the run is not green', () => {
    const c = byId('v.inconclusive');
    expect(c.verdict).toBe('inconclusive');
    expect(c.failure?.message).toMatch(/^precondition: /);
    expect(c.unexpected).toBe(true);
    expect(byId('v.fail').verdict).toBe('fail');
    expect(byId('v.pass').verdict).toBe('pass');
  });

  it('counts each verdict apart; JUnit shows n/a as skipped with the reason and inconclusive as a typed error', () => {
    expect(run.summary).toMatchObject({
      total: 4,
      pass: 1,
      fail: 1,
      inconclusive: 1,
      notApplicable: 1,
      error: 0,
      unexpected: 2,
    });
    const xml = junitXml(run);
    expect(xml).toContain(
      '<skipped message="not applicable: ICS notification.via is &quot;smpp&quot; (case needs notification.via == pap)"/>',
    );
    expect(xml).toMatch(/<error message="inconclusive: precondition: [^"]*" type="inconclusive">/);
  });
});
