import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMmscConfigFile } from '../../mmsc/config.ts';
import { loadIcsFile } from '../ics/ics-file.ts';
import { referenceIcs } from '../ics/reference-ics.ts';
import { icsOfConfig } from './create-target.ts';
import { SELF_CERTIFICATION_PORT_SPAN, writeSelfCertificationFiles } from './self-certification.ts';
import { loadTargetConfig } from './target-config.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-selfcert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('self-certification files (certify-self, mutation)', () => {
  it('an MMSC config, an external target config and an ICS that agree with each other', async () => {
    const f = writeSelfCertificationFiles(dir, { portBase: 21020, fsync: false, deviate: ['omit-date'] });
    const mmsc = await loadMmscConfigFile(f.mmscConfig);
    const target = loadTargetConfig(f.targetConfig);
    if (target.target.kind !== 'external') throw new Error('expected an external target');
    // the MMSC listens where the target config says, and is pointed at our peers' fixed ports
    const port = (u?: string) => Number(new URL(u ?? 'x://none').port);
    expect([port(target.target.endpoints.mm1), port(target.target.endpoints.mm7)]).toEqual([
      mmsc.ports.mm1,
      mmsc.ports.mm7,
    ]);
    if (mmsc.notification.route !== 'smpp') throw new Error('expected SMPP notification');
    expect(target.peers?.smsc).toEqual({ port: mmsc.notification.port });
    expect(mmsc.mm5.enumServer).toBe(
      `127.0.0.1:${(target.peers?.hlr as { dnsPort: number } | undefined)?.dnsPort}`,
    );
    expect(
      mmsc.vasps.every(
        (v) =>
          v.callbackUrl ===
          `http://127.0.0.1:${(target.peers?.vasp as { port: number } | undefined)?.port}/mm7`,
      ),
    ).toBe(true);
    expect(mmsc.deviate).toEqual(['omit-date']);
    expect(mmsc.fsync).toBe(false);
    // every port inside the block
    for (const p of Object.values(f.ports)) expect(p - 21020).toBeLessThan(SELF_CERTIFICATION_PORT_SPAN);
    // the ICS is the one derived from the MMSC config, and the target config resolves to it
    const ics = loadIcsFile(f.ics);
    expect(ics).toEqual(referenceIcs(mmsc));
    expect(icsOfConfig(target, dir)).toEqual(ics);
    expect(ics.notification.smpp).toEqual({
      systemId: mmsc.notification.systemId,
      password: mmsc.notification.password,
      // the test bed's pushes ask for delivery receipts and carry a validity period (TEST_BED_SMPP_LINK)
      registeredDelivery: true,
      validityPeriod: true,
      bindFallback: true,
      concatenation: 'udh',
      window: mmsc.notification.route === 'smpp' ? mmsc.notification.window : undefined,
    });
  });
});
