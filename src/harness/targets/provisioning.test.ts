import { describe, expect, it } from 'vitest';
import type { Ics } from '../ics/ics-schema.ts';
import { embeddedIcs } from './embedded.ts';
import { formatProvisioning, provisioningSheet } from './provisioning.ts';
import { TargetConfigSchema } from './target-config.ts';

const config = TargetConfigSchema.parse({
  target: {
    kind: 'external',
    name: 'Acme MMSC 5.2',
    ics: 'acme.ics.yaml',
    endpoints: { mm1: 'http://127.0.0.1:8002/mms', mm4: 'smtp://127.0.0.1:2525' },
  },
  peers: {
    smsc: { port: 2775 },
    hlr: { dnsPort: 5353, httpPort: 8053 },
    'remote-mmsc': { port: 2626 },
    mail: { port: 2627 },
    vasp: { port: 9007, path: '/vasp' },
    'eaif-app': { port: 9008 },
  },
});

describe('provisioningSheet', () => {
  it('lists the identities of the ICS and our endpoints from the config', () => {
    const ics = embeddedIcs();
    const s = provisioningSheet(config, ics);
    const p = ics.provisioning;
    expect(s.target).toEqual({
      kind: 'external',
      name: 'Acme MMSC 5.2',
      domain: p.domain,
      mcc: p.mcc,
      mnc: p.mnc,
    });
    expect(s.targetEndpoints).toEqual({ mm1: 'http://127.0.0.1:8002/mms', mm4: 'smtp://127.0.0.1:2525' });
    expect(s.subscribers.range).toBe(`${p.subscribers}*`);
    expect(s.mm4).toMatchObject({
      domain: p.foreign.domain,
      numbers: `${p.foreign.subscribers}*`,
      route: { host: '127.0.0.1', port: 2626 },
    });
    expect(s.enum).toEqual({ host: '127.0.0.1', port: 5353, zone: 'e164.arpa' });
    expect(s.smsc).toEqual({
      host: '127.0.0.1',
      port: 2775,
      systemId: ics.notification.smpp?.systemId,
      password: ics.notification.smpp?.password,
    });
    expect(s.vasp?.callbackUrl).toBe('http://127.0.0.1:9007/vasp');
    // the MM7 accounts; the EAIF application (dialect eaif) on its own, called back at our eaif-app
    expect(s.vasp?.accounts.map((a) => a.vaspId)).toEqual(
      Object.values(p.vasps)
        .filter((a) => a.dialect !== 'eaif')
        .map((a) => a.vaspId),
    );
    expect(s.eaif).toMatchObject({ vaspId: p.vasps.eaif?.vaspId, callbackUrl: 'http://127.0.0.1:9008/eaif' });
    expect(s.mail).toEqual({ domain: p.mailDomain, relay: { host: '127.0.0.1', port: 2627 } });
    expect(s.warnings).toEqual([]);
    const text = formatProvisioning(s);
    expect(text).toContain('    bind to              127.0.0.1:2775');
    expect(text).toContain(`    route (SMTP)         127.0.0.1:2626`);
  });

  it('leaves out what the ICS does not use, and warns of a peer port the config does not fix', () => {
    const base = embeddedIcs();
    const ics: Ics = { ...base, mm7: { ...base.mm7, supported: false }, mm5: { enum: true, hlr: false } };
    const s = provisioningSheet({ ...config, peers: { smsc: { port: 2775 } } }, ics);
    expect(s.vasp).toBeUndefined();
    expect(s.hlr).toBeUndefined();
    expect(s.enum?.port).toBeNull();
    expect(s.warnings).toContain(
      'ENUM server: no fixed port in the config (peers.hlr.dnsPort): our peer would listen on an ephemeral port the target cannot be told',
    );
    expect(formatProvisioning(s)).toContain('    DNS server           127.0.0.1:(not fixed)');
  });
});
