import { describe, expect, it } from 'vitest';
import { TargetConfigSchema } from '../../harness/targets/target-config.ts';
import { resolveMmscConfig } from '../../mmsc/config.ts';
import { DEVIATIONS } from '../../mmsc/deviations.ts';
import { casesFor, externalConfigs, outcomeLine, SLOT_PORTS, slotPorts } from './mutation.ts';

describe('mmscert mutation', () => {
  it('writes an MMSC config and an external target config that accept each other', () => {
    const { mmsc, target } = externalConfigs(21020, '/tmp/x/store');
    const m = resolveMmscConfig(mmsc as Record<string, unknown>);
    expect(m.ports).toEqual({ mm1: 21020, mm3: 21021, mm4: 21022, mm7: 21023 });
    const t = TargetConfigSchema.parse(target);
    expect(t.target.kind).toBe('external');
    // the MMSC is pointed at the peers the target config starts
    const p = slotPorts(21020);
    expect(m.notification).toMatchObject({ route: 'smpp', port: p.smsc });
    expect(t.peers?.smsc).toMatchObject({ port: p.smsc });
    expect(m.mm5.enumServer).toBe(`127.0.0.1:${p.enumDns}`);
    expect(t.peers?.hlr).toEqual({ dnsPort: p.enumDns, httpPort: p.hlrHttp });
    // every port of a slot stays inside it
    for (const port of Object.values(p)) expect(port - 21020).toBeLessThan(SLOT_PORTS);
  });

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
