import { describe, expect, it } from 'vitest';
import type { CaseResult } from './run-result.ts';
import { normaliseCause, topCauses } from './top-causes.ts';

const SRC = { file: 'f.yaml', line: 1, col: 1 };
function c(id: string, verdict: CaseResult['verdict'], message?: string, finding?: string): CaseResult {
  return {
    id,
    verdict,
    ...(message ? { failure: { step: 1, label: 'step 2', source: SRC, message } } : {}),
    ...(finding ? { findings: [{ cause: finding } as NonNullable<CaseResult['findings']>[number]] } : {}),
  } as CaseResult;
}

describe('top causes', () => {
  it('groups failed and inconclusive cases by first cause, most frequent first', () => {
    const size = 'X-Mms-Message-Size: Long-integer length 244 not in 1..30';
    const cases = [
      c('a', 'fail', 'encoding defect ...', size),
      c('b', 'inconclusive', 'x', size),
      c('c', 'fail', 'no matching observation within 3000 ms; nearest: #12 m-send-conf at ue.alice (in)'),
      c('d', 'fail', 'no matching observation within 3000 ms; nearest: #40 m-send-conf at ue.alice (in)'),
      c('e', 'fail', size.replace('244', '245'), size),
      c('f', 'pass'),
      c('g', 'error', 'peer broke'),
    ];
    expect(topCauses(cases)).toEqual([
      { cause: size, count: 3, cases: ['a', 'b', 'e'] },
      {
        cause: 'no matching observation within 3000 ms; nearest: # m-send-conf at ue.alice (in)',
        count: 2,
        cases: ['c', 'd'],
      },
    ]);
  });

  it('blanks what varies between cases, keeps what names the defect', () => {
    expect(
      normaliseCause(
        'Message-ID = "mxcf60up-EQ4AyBJHikX_" to +15550001 at http://127.0.0.1:40123/m/17 #44 within 3000 ms',
      ),
    ).toBe('Message-ID = "X" to N at http://127.0.0.1:N/… # within 3000 ms');
    for (const keep of [
      'X-Mms-Message-Size: Long-integer length 244 not in 1..30',
      'MM4_forward.RES at remote-mmsc (in) [OMA-TS-MMS_ENC-V1_3]',
    ])
      expect(normaliseCause(keep)).toBe(keep);
  });
});
