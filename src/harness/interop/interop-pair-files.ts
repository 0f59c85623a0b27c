import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { resolveMmscConfig } from '../../mmsc/config.ts';
import type { Ics } from '../ics/ics-schema.ts';
import { icsTemplate } from '../ics/ics-template.ts';
import { REFERENCE_PROVISIONING, referenceIcs } from '../ics/reference-ics.ts';
import { TEST_BED_MM4_RESPONSE_TIMEOUT_MS } from '../targets/embedded.ts';
import { reservePort } from '../targets/reserve-port.ts';
import type { Side } from './interop-config.ts';

/**
 * Two reference MMSCs as two operators, for an interop run between separate processes (the CI
 * proof of `mmscert interop`, and a demonstration): carrier A is the reference provisioning
 * (mms.mnc001.mcc310.gprs, +1555000...), carrier B its foreign network (mms.mnc002.mcc310.gprs,
 * +1555777...). Per side: `<side>.mmsc.yaml` (mmscert serve), `<side>.ics.yaml` (derived from it)
 * and `<side>.yaml` (the external target config naming our peers' ports); `pair.yaml` names both.
 * Ports: a block of 20 from `portBase`, or `ports` (INTEROP_PAIR_PORT_SPAN of them, e.g. from
 * reserveInteropPairPorts: free loopback ports, nothing fixed).
 */
export interface InteropPairFiles {
  dir: string;
  pair: string;
  a: { mmscConfig: string; targetConfig: string; ics: string };
  b: { mmscConfig: string; targetConfig: string; ics: string };
}

export const INTEROP_PAIR_PORT_SPAN = 20;

/**
 * INTEROP_PAIR_PORT_SPAN loopback ports free at the time of asking (reserve-port.ts: drawn below the
 * kernel's ephemeral range, so no port-0 listener or outgoing connection takes one in between).
 */
export async function reserveInteropPairPorts(): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < INTEROP_PAIR_PORT_SPAN) ports.add(await reservePort());
  return [...ports];
}

const A_PROV: Ics['provisioning'] = REFERENCE_PROVISIONING;
const B_PROV: Ics['provisioning'] = {
  ...REFERENCE_PROVISIONING,
  domain: REFERENCE_PROVISIONING.foreign.domain,
  mnc: REFERENCE_PROVISIONING.foreign.mnc,
  mcc: REFERENCE_PROVISIONING.foreign.mcc,
  subscribers: REFERENCE_PROVISIONING.foreign.subscribers,
  foreign: {
    domain: REFERENCE_PROVISIONING.domain,
    mcc: REFERENCE_PROVISIONING.mcc,
    mnc: REFERENCE_PROVISIONING.mnc,
    subscribers: REFERENCE_PROVISIONING.subscribers,
  },
  unknownSubscribers: '+1555888',
  mailDomain: 'example.net',
};

/** A takes up to 1 MB (megapixel MMs), B the reference default of 300 KB. */
const MAX_MESSAGE_SIZE: Record<Side, number> = { a: 1024 * 1024, b: 300 * 1024 };

export function writeInteropPairFiles(
  dir: string,
  opts: ({ portBase: number } | { ports: readonly number[] }) & {
    deviate?: Partial<Record<Side, readonly string[]>>;
  },
): InteropPairFiles {
  mkdirSync(dir, { recursive: true });
  if ('ports' in opts && new Set(opts.ports).size < INTEROP_PAIR_PORT_SPAN)
    throw new RangeError(`interop pair: ${INTEROP_PAIR_PORT_SPAN} distinct ports needed`);
  const port = (i: number): number => ('ports' in opts ? opts.ports[i] : opts.portBase + i);
  const hlr = { dnsPort: port(12), httpPort: port(13) };
  const out = { dir, pair: path.join(dir, 'pair.yaml') } as InteropPairFiles;
  for (const [i, side] of (['a', 'b'] as const).entries()) {
    const prov = side === 'a' ? A_PROV : B_PROV;
    const ports = { mm1: port(4 * i), mm7: port(4 * i + 1), mm4: port(4 * i + 2), mm3: port(4 * i + 3) };
    const smsc = { port: port(10 + i), systemId: `mmsc-${side}`, password: `pw-${side}` };
    const relayPort = port(14 + i);
    const deviate = opts.deviate?.[side] ?? [];
    const mmsc = {
      host: '127.0.0.1',
      ports,
      mm1Path: '/mms',
      storeDir: path.join(dir, `store-${side}`),
      fsync: false,
      domains: [prov.domain],
      node: `mmsc.${side}`,
      notification: {
        route: 'smpp',
        host: '127.0.0.1',
        port: smsc.port,
        systemId: smsc.systemId,
        password: smsc.password,
        reconnectMs: 200,
      },
      mm5: { enumServer: `127.0.0.1:${hlr.dnsPort}`, hlrUrl: `http://127.0.0.1:${hlr.httpPort}` },
      mm4: {
        peers: [{ domain: prov.foreign.domain, host: '127.0.0.1', port: relayPort }],
        responseTimeoutMs: TEST_BED_MM4_RESPONSE_TIMEOUT_MS,
      },
      vasps: [],
      retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 2000 },
      // two carriers with different message size limits (ICS mm1.maxMessageSize): A takes MMs B
      // cannot, so the oversize purpose (MM4-SIZE-01) applies A -> B
      maxMessageSize: MAX_MESSAGE_SIZE[side],
      ...(deviate.length ? { deviate: [...deviate] } : {}),
    };
    const ics = referenceIcs(resolveMmscConfig(mmsc), prov);
    ics.implementation = {
      name: `reference MMSC, carrier ${side.toUpperCase()}`,
      vendor: 'mmscert',
      version: '0.1.0',
    };
    const target = {
      target: {
        kind: 'external',
        name: `carrier ${side.toUpperCase()} (reference MMSC, ${prov.domain})`,
        ics: `./${side}.ics.yaml`,
        endpoints: { mm1: `http://127.0.0.1:${ports.mm1}/mms`, mm4: `smtp://127.0.0.1:${ports.mm4}` },
      },
      peers: { smsc: { port: smsc.port }, hlr, 'remote-mmsc': { port: relayPort } },
    };
    const files = {
      mmscConfig: path.join(dir, `${side}.mmsc.yaml`),
      targetConfig: path.join(dir, `${side}.yaml`),
      ics: path.join(dir, `${side}.ics.yaml`),
    };
    writeFileSync(files.mmscConfig, `# mmscert serve --config ${files.mmscConfig}\n${stringify(mmsc)}`);
    writeFileSync(
      files.targetConfig,
      `# carrier ${side.toUpperCase()}: mmscert interop --${side} ${files.targetConfig}\n${stringify(target)}`,
    );
    writeFileSync(files.ics, icsTemplate(ics));
    out[side] = files;
  }
  writeFileSync(out.pair, `# mmscert interop --config ${out.pair}\ntargets: { a: ./a.yaml, b: ./b.yaml }\n`);
  return out;
}
