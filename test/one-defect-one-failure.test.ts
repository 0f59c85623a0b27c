import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/harness/run-result.ts';
import { runSuites } from '../src/harness/runner.ts';
import { loadSuites } from '../src/harness/suite-loader.ts';
import { htmlReport } from '../src/report/html-report.ts';
import { resultsJson } from '../src/report/results-json.ts';
import { TerminalReporter } from '../src/report/terminal-reporter.ts';
import { TEST_PEER_KINDS } from './support/loopback-clients.ts';
import { MisEncodingTarget } from './support/mis-encoding-target.ts';

/**
 * Issue 14 item 5, "one defect, one failure", end to end over loopback: a target that mis-encodes
 * X-Mms-Message-Size in every m-notification-ind (as Mbuni did) pushes it through our SMSC peer to a
 * handset. The handset reads it leniently, retrieves and acknowledges; each case fails once, on the
 * encoding requirement, with field and offset in its text; the top causes group the cases in one line.
 */
const SUITE = `suite: enc-defect
interfaces: [MM1]
cases:
  - id: enc.defect.{{each.n}}
    title: 'alice sends bob a message ({{each.n}})'
    requirements: [{ spec: OMA-TS-MMS_CTR-V1_3, clause: Notification, level: SHALL }]
    peers: { smsc: true, ue: [alice, bob] }
    each: [{ n: '001' }, { n: '002' }, { n: '003' }]
    steps:
      - do: ue.alice.send
        with: { to: '{{ue.bob.msisdn}}', subject: 'hi {{each.n}}' }
      - expect: { message: m-notification-ind, node: ue.bob, direction: in, within: 5s }
      - expect: { message: m-retrieve-conf, node: ue.bob, direction: in, within: 5s }
      - expect: { message: m-notifyresp-ind, node: ue.bob, direction: out, where: { X-Mms-Status: Retrieved }, within: 5s }
  - id: enc.defect.size
    title: the notification names the size of the message
    requirements: [{ spec: OMA-TS-MMS_ENC-V1_3, clause: '6.2', level: SHALL }]
    peers: { smsc: true, ue: [alice, bob] }
    steps:
      - do: ue.alice.send
        with: { to: '{{ue.bob.msisdn}}', subject: size }
      - expect: { message: m-notification-ind, node: ue.bob, direction: in, where: { X-Mms-Message-Size: { present: true } }, within: 1s }
`;

let dir: string;
let run: RunResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-enc-'));
  const file = path.join(dir, 'enc.yaml');
  writeFileSync(file, SUITE);
  const loaded = await loadSuites({ root: dir, files: [file], peerKinds: TEST_PEER_KINDS });
  expect(loaded.diagnostics).toEqual([]);
  run = await runSuites({
    cases: loaded.cases,
    target: new MisEncodingTarget(),
    peerKinds: TEST_PEER_KINDS,
    seed: 14,
    jobs: 2,
  });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byId = (id: string) => {
  const c = run.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

describe('one defect of the target, one failure', () => {
  it('the handset acts on the mis-encoded notification: it retrieves and acknowledges', () => {
    const c = byId('enc.defect.001');
    expect(c.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    const types = c.timeline.observations
      .filter((o) => o.node === 'ue.bob' && o.kind === 'message')
      .map((o) => (o.kind === 'message' ? `${o.type} ${o.direction}` : ''));
    expect(types).toEqual(
      expect.arrayContaining(['m-notification-ind in', 'm-retrieve-conf in', 'm-notifyresp-ind out']),
    );
  });

  it('each case fails once, on the encoding requirement, with field and offset in the text', () => {
    for (const id of ['enc.defect.001', 'enc.defect.002', 'enc.defect.003']) {
      const c = byId(id);
      expect(c.verdict, id).toBe('fail');
      expect(c.findings, id).toHaveLength(1);
      const f = c.findings![0];
      expect(f.requirement.id).toBe('ENC-encoding-integer');
      expect(f.field).toBe('X-Mms-Message-Size');
      expect(f.messageType).toBe('m-notification-ind');
      // the SMSC saw it in the push, the handset received it: one finding
      expect(f.nodes).toEqual(expect.arrayContaining(['smsc', 'ue.bob']));
      expect(c.failure?.message).toMatch(
        /encoding defect \[ENC-encoding-integer, OMA-TS-MMS_ENC-V1_3 §7\.3 \(X-Mms-Message-Size: Long-integer\)\]: m-notification-ind from the target at .*: offset \d+: X-Mms-Message-Size: Long-integer length 244 not in 1\.\.30/,
      );
      expect(c.failure?.message).toContain("the case's own steps passed");
      // cited at the step during which the push arrived (the send's, or the next one)
      expect(c.failure?.label).toMatch(/^step [12]: /);
    }
  });

  it('a step that fails on the same defect is recorded beside it, not as a second cause', () => {
    const c = byId('enc.defect.size');
    expect(c.verdict).toBe('fail');
    expect(c.findings).toHaveLength(1);
    expect(c.steps[1].status).toBe('fail');
    expect(c.failure?.message).toContain("the case's own steps: fail at step 2");
    // the step's own text names what it saw instead: the notification without the field, and the defect
    expect(c.steps[1].message).toMatch(/m-notification-ind .*X-Mms-Message-Size.*absent/);
    expect(c.steps[1].message).toContain('encoding-defect');
  });

  it('the top causes group the four cases in one line', () => {
    expect(run.topCauses).toEqual([
      {
        cause: 'X-Mms-Message-Size: Long-integer length 244 not in 1..30',
        count: 4,
        cases: ['enc.defect.001', 'enc.defect.002', 'enc.defect.003', 'enc.defect.size'],
      },
    ]);
    const terminal = new TerminalReporter({ write: () => true }, run.cases.length, { color: false }).summary(
      run,
    );
    expect(terminal).toContain('X-Mms-Message-Size: Long-integer length 244 not in 1..30 — 4 cases');
    expect(JSON.parse(resultsJson(run)).topCauses[0].count).toBe(4);
    expect(htmlReport(run)).toMatch(
      /<h2>Top causes<\/h2>[\s\S]*<td class="n">4<\/td><td>X-Mms-Message-Size: Long-integer length 244 not in 1\.\.30<\/td>/,
    );
  });

  it('the encoding requirement appears in the requirement matrix as failed', () => {
    expect(htmlReport(run)).toContain('ENC-encoding-integer');
  });
});
