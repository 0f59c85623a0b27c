import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Timeline } from '../wire/timeline.ts';
import type { LoadedStep } from './case-model.ts';
import {
  ENCODING_DEFECT_EVENT,
  ENCODING_REQUIREMENTS,
  encodingFindings,
  encodingRequirementId,
  judgeFindings,
} from './findings.ts';
import { loadRequirementCatalogue } from './suite-loader.ts';

const SOURCE = { file: 's.yaml', line: 1, col: 1 };
const STEPS = [0, 1, 2].map(
  (index): LoadedStep => ({
    index,
    kind: 'expect',
    label: `step ${index + 1}: x`,
    spec: { expect: {} } as LoadedStep['spec'],
    source: { ...SOURCE, line: 10 + index },
  }),
);

function defect(t: Timeline, node: string, step: string, detail: Record<string, string | number>): void {
  t.setContext({ case: 'c', step });
  t.publish({
    kind: 'event',
    name: ENCODING_DEFECT_EVENT,
    node,
    role: node === 'smsc' ? 'smsc' : 'ue',
    iface: 'MM1',
    direction: 'local',
    detail,
  });
}

const SIZE_DEFECT = {
  messageType: 'm-notification-ind',
  field: 'X-Mms-Message-Size',
  offset: 23,
  reason: 'Long-integer length 244 not in 1..30',
  clause: 'OMA-TS-MMS_ENC-V1_3 §7.3 (X-Mms-Message-Size: Long-integer)',
};

describe('findings: one defect, one failure', () => {
  it('the same defect seen at the SMSC and the handset, twice, is one finding', () => {
    const t = new Timeline();
    defect(t, 'smsc', 'step 2: x', SIZE_DEFECT);
    defect(t, 'ue.alice', 'step 2: x', SIZE_DEFECT);
    defect(t, 'ue.alice', 'step 3: x', { ...SIZE_DEFECT, offset: 25 });
    const f = encodingFindings(t.all());
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      requirement: { id: 'ENC-encoding-integer', spec: 'WAP-230-WSP' },
      nodes: ['smsc', 'ue.alice'],
      seen: 3,
      offset: 23,
      step: 'step 2: x',
      cause: 'X-Mms-Message-Size: Long-integer length 244 not in 1..30',
    });
  });

  it('a passing case fails on the defect, cited at the step that saw it; a failed step is recorded beside it', () => {
    const t = new Timeline();
    defect(t, 'ue.alice', 'step 2: x', SIZE_DEFECT);
    const findings = encodingFindings(t.all());
    const c = { steps: STEPS, source: SOURCE, level: 'SHOULD' as const };
    const passed = judgeFindings(c, 'pass', undefined, findings);
    expect(passed.verdict).toBe('fail');
    expect(passed.level).toBe('SHALL');
    expect(passed.failure).toMatchObject({ step: 1, label: 'step 2: x', source: { line: 11 } });
    expect(passed.failure?.message).toContain(
      'offset 23: X-Mms-Message-Size: Long-integer length 244 not in 1..30',
    );
    expect(passed.failure?.message).toContain("the case's own steps passed");
    const stepFailure = { step: 2, label: 'step 3: x', source: SOURCE, message: 'no matching observation' };
    const failed = judgeFindings(c, 'inconclusive', stepFailure, findings);
    expect(failed.verdict).toBe('fail');
    expect(failed.failure?.message).toContain(
      'own steps: inconclusive at step 3: x: no matching observation',
    );
    expect(judgeFindings(c, 'error', stepFailure, findings)).toMatchObject({
      verdict: 'error',
      failure: stepFailure,
    });
    expect(judgeFindings(c, 'pass', undefined, [])).toEqual({ verdict: 'pass', level: 'SHOULD' });
  });

  it('each field maps to the requirement of its value grammar', () => {
    expect(
      [
        ['X-Mms-Message-Size', 'MM1'],
        ['X-Mms-MMS-Version', 'MM1'],
        ['X-Mms-Message-Class', 'MM1'],
        ['X-Mms-Content-Location', 'MM1'],
        ['Subject', 'MM1'],
        ['From', 'MM1'],
        ['X-Mms-Expiry', 'MM1'],
        ['Content-Type', 'MM1'],
        ['body[1].Content-Type', 'MM1'],
        ['X-Mms-Message-Type', 'MM1'],
        ['header', 'MM1'],
        ['Content-Type', 'WAP-PUSH'],
      ].map(([f, i]) => `${f} -> ${encodingRequirementId(f, i as 'MM1')}`),
    ).toEqual([
      'X-Mms-Message-Size -> ENC-encoding-integer',
      'X-Mms-MMS-Version -> ENC-encoding-token',
      'X-Mms-Message-Class -> ENC-encoding-token',
      'X-Mms-Content-Location -> ENC-encoding-text',
      'Subject -> ENC-encoding-text',
      'From -> ENC-encoding-value-length',
      'X-Mms-Expiry -> ENC-encoding-value-length',
      'Content-Type -> ENC-encoding-content-type',
      'body[1].Content-Type -> ENC-encoding-body',
      'X-Mms-Message-Type -> ENC-encoding-message-type',
      'header -> ENC-encoding-header',
      'Content-Type -> ENC-encoding-push',
    ]);
  });

  it('every requirement a finding can cite is in the catalogue, with the same spec, clause and level', () => {
    const { catalogue } = loadRequirementCatalogue(path.resolve(import.meta.dirname, '../../suites'));
    for (const [id, r] of Object.entries(ENCODING_REQUIREMENTS)) {
      expect(catalogue.get(id), id).toMatchObject({ id, spec: r.spec, clause: r.clause, level: r.level });
    }
  });
});
