import { describe, expect, it } from 'vitest';
import { applicability } from '../../src/harness/ics/ics-select.ts';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import { embeddedIcs } from '../../src/harness/targets/embedded.ts';

/**
 * mm7.deliver.008 / .009 read ICS mm7.deliverVersion (TS 23.140 leaves the DeliverReq's schema
 * version to provisioning): as-vasp runs every row the target's versions allow; a fixed version
 * runs its own row only, the others not applicable with the reason.
 */
describe('mm7.deliver.008/009 and ICS mm7.deliverVersion', async () => {
  const { cases, diagnostics } = await loadSuites({ files: ['suites/mm7/deliver.yaml'] });
  const rows = cases.filter((c) => /^mm7\.deliver\.00[89]\./.test(c.id));
  const applicable = (ics: unknown) =>
    rows.filter((c) => applicability(ics, c.ics).applicable).map((c) => String(c.family?.values.version));
  const ics = embeddedIcs();

  it('loads nine rows, one per schema version', () => {
    expect(diagnostics).toEqual([]);
    expect(rows).toHaveLength(9);
  });

  it('as-vasp (the reference MMSC): every version it accepts', () => {
    expect(applicable(ics)).toEqual(ics.mm7.versions);
  });

  it('a fixed REL-5-MM7-1-2: that row only; the others say why not', () => {
    const fixed = { ...ics, mm7: { ...ics.mm7, deliverVersion: 'REL-5-MM7-1-2' as const } };
    expect(applicable(fixed)).toEqual(['REL-5-MM7-1-2']);
    const other = rows.find((c) => c.family?.values.version === 'REL-6-MM7-1-4');
    expect(applicability(fixed, other?.ics ?? []).reasons).toEqual([
      'ICS mm7.deliverVersion is "REL-5-MM7-1-2" (case needs mm7.deliverVersion in as-vasp, REL-6-MM7-1-4)',
    ]);
  });

  it('not declared: no row (nothing is claimed)', () => {
    const { deliverVersion: _d, ...mm7 } = ics.mm7;
    expect(applicable({ ...ics, mm7 })).toEqual([]);
  });
});
