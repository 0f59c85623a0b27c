import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { resolveMmscConfig } from '../../mmsc/config.ts';
import { icsTemplate } from '../ics/ics-template.ts';
import { REFERENCE_PROVISIONING, referenceIcs } from '../ics/reference-ics.ts';
import { TEST_BED_MM4_RESPONSE_TIMEOUT_MS, TEST_BED_SMPP_LINK } from './embedded.ts';

/**
 * The reference MMSC certified as any vendor's MMSC would be: started as a separate process
 * (`mmscert serve --config mmsc.yaml`) and run as an `external` target (target.yaml) with its ICS
 * (ics.yaml, derived from mmsc.yaml). One port block: the MMSC's four interfaces at base..base+3,
 * our peers (which the MMSC is pointed at) from base+10.
 */
export interface SelfCertificationFiles {
  dir: string;
  mmscConfig: string;
  targetConfig: string;
  ics: string;
  ports: Record<string, number>;
}

/** How many ports from the base one self-certification uses. */
export const SELF_CERTIFICATION_PORT_SPAN = 20;

export function selfCertificationPorts(base: number): Record<string, number> {
  return {
    mm1: base,
    mm7: base + 1,
    mm4: base + 2,
    mm3: base + 3,
    smsc: base + 10,
    hlrDns: base + 11,
    hlrHttp: base + 12,
    remoteMmsc: base + 13,
    mail: base + 14,
    vasp: base + 15,
    eaifApp: base + 16,
  };
}

export function writeSelfCertificationFiles(
  dir: string,
  opts: {
    portBase: number;
    storeDir?: string;
    deviate?: readonly string[];
    fsync?: boolean;
    /** MM3 and MM4 behind the MTA front end (MMSC config `mtaFront`; the ICS says mtaFronted). */
    mtaFronted?: boolean;
  },
): SelfCertificationFiles {
  mkdirSync(dir, { recursive: true });
  const p = selfCertificationPorts(opts.portBase);
  const prov = REFERENCE_PROVISIONING;
  const smpp = { systemId: 'mmsc', password: 'secret' };
  const vaspUrl = `http://127.0.0.1:${p.vasp}/mm7`;
  const mmsc = {
    host: '127.0.0.1',
    ports: { mm1: p.mm1, mm7: p.mm7, mm4: p.mm4, mm3: p.mm3 },
    mm1Path: '/mms',
    storeDir: opts.storeDir ?? path.join(dir, 'store'),
    ...(opts.fsync === false ? { fsync: false } : {}),
    domains: [prov.domain],
    notification: {
      route: 'smpp',
      host: '127.0.0.1',
      port: p.smsc,
      ...smpp,
      reconnectMs: 200,
      ...TEST_BED_SMPP_LINK,
    },
    mm5: { enumServer: `127.0.0.1:${p.hlrDns}`, hlrUrl: `http://127.0.0.1:${p.hlrHttp}` },
    mm4: {
      peers: [{ domain: prov.foreign.domain, host: '127.0.0.1', port: p.remoteMmsc }],
      responseTimeoutMs: TEST_BED_MM4_RESPONSE_TIMEOUT_MS,
    },
    mm3: { relay: { host: '127.0.0.1', port: p.mail } },
    ...(opts.mtaFronted ? { mtaFront: { mm3: true, mm4: true, maxSize: 10 * 1024 * 1024 } } : {}),
    vasps: Object.values(prov.vasps).map((a) => ({
      vaspId: a.vaspId,
      ...(a.vasId ? { vasId: a.vasId } : {}),
      ...(a.username !== undefined ? { username: a.username } : {}),
      ...(a.password !== undefined ? { password: a.password } : {}),
      shortCodes: [a.shortCode],
      // the EAIF application (dialect eaif) is called back at our eaif-app peer
      callbackUrl: a.dialect === 'eaif' ? `http://127.0.0.1:${p.eaifApp}/eaif` : vaspUrl,
      ...(a.dialect === 'eaif' ? { dialect: 'eaif' } : {}),
    })),
    // the queue of a test bed: first retry after 200 ms (the ICS timers say so)
    retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 2000 },
    ...(opts.deviate && opts.deviate.length > 0 ? { deviate: [...opts.deviate] } : {}),
  };
  const ics = referenceIcs(resolveMmscConfig(mmsc), prov);
  const target = {
    target: {
      kind: 'external',
      name: 'reference MMSC (separate process)',
      ics: './ics.yaml',
      endpoints: {
        mm1: `http://127.0.0.1:${p.mm1}/mms`,
        mm7: `http://127.0.0.1:${p.mm7}/mm7`,
        mm4: `smtp://127.0.0.1:${p.mm4}`,
        mm3: `smtp://127.0.0.1:${p.mm3}`,
        eaif: `http://127.0.0.1:${p.mm7}/eaif`,
      },
    },
    peers: {
      smsc: { port: p.smsc },
      hlr: { dnsPort: p.hlrDns, httpPort: p.hlrHttp },
      'remote-mmsc': { port: p.remoteMmsc },
      mail: { port: p.mail },
      vasp: { port: p.vasp },
      'eaif-app': { port: p.eaifApp },
    },
  };
  const files = {
    dir,
    mmscConfig: path.join(dir, 'mmsc.yaml'),
    targetConfig: path.join(dir, 'target.yaml'),
    ics: path.join(dir, 'ics.yaml'),
    ports: p,
  };
  writeFileSync(files.mmscConfig, `# mmscert serve --config ${files.mmscConfig}\n${stringify(mmsc)}`);
  writeFileSync(files.targetConfig, `# mmscert run --config ${files.targetConfig}\n${stringify(target)}`);
  writeFileSync(files.ics, icsTemplate(ics));
  return files;
}
