import { describe, expect, it } from 'vitest';
import { DEVIATIONS } from '../../mmsc/deviations.ts';
import { casesFor, outcomeLine } from './mutation.ts';

describe('mmscert mutation', () => {
  it('tries a deviation only on the baseline-passing cases its probe names', () => {
    const d = DEVIATIONS.find((x) => x.name === 'mm3-no-date')!;
    expect(casesFor(d, ['mm3.out.001', 'mm1.send.001', 'chain.mm1-mm3.001'])).toEqual([
      'mm3.out.001',
      'chain.mm1-mm3.001',
    ]);
  });

  it('prints CAUGHT with the cases, MISSED with the reason', () => {
    expect(outcomeLine({ name: 'omit-date', ran: 3, failed: ['mm1.send.003'], errored: [] })).toBe(
      'CAUGHT omit-date by mm1.send.003',
    );
    expect(outcomeLine({ name: 'x', ran: 0, failed: [], errored: [] })).toMatch(/^MISSED x\b/);
    expect(outcomeLine({ name: 'y', ran: 4, failed: [], unconfirmed: ['mm4.in.006'], errored: [] })).toBe(
      'MISSED y  (4 case(s) ran, none failed reproducibly (not confirmed alone: mm4.in.006))',
    );
  });
});
