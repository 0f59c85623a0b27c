import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { mmscDomain } from '../../../mocks/hlr/enum.ts';
import { loadIcsFile } from '../ics/ics-file.ts';
import type { Ics } from '../ics/ics-schema.ts';
import { loadTargetConfig, type TargetConfig } from '../targets/target-config.ts';

/**
 * Two real MMSCs in one run (issue 17 item 4): carrier A and carrier B, each an ordinary external
 * target config (`mmscert run --config` format) with its own ICS and MMS domain. Our peers sit
 * between them: each side's MM4 route to the other's domain points at our recording relay (the
 * side's `peers.remote-mmsc.port`), its SMPP bind at our SMSC (`peers.smsc`), its ENUM/HLR at our
 * HLR (`peers.hlr`); handsets on both sides reach its MM1 through a WAP gateway of ours.
 *
 *   mmscert interop --a a.yaml --b b.yaml
 *   mmscert interop --config pair.yaml      # targets: { a: a.yaml, b: b.yaml }
 */
export type Side = 'a' | 'b';
export const SIDES: readonly Side[] = ['a', 'b'];

export interface InteropParty {
  side: Side;
  /** The target config file. */
  file: string;
  name: string;
  ics: Ics;
  /** The ICS file, as read (copied into the evidence bundle). */
  icsFile: string;
  icsText: string;
  mm1: string;
  mm4: { host: string; port: number; url: string };
  /** Where this side's MM4 sends to the partner's domain: a listener of our relay. */
  relayPort: number;
  smsc: { port: number; systemId: string; password: string };
  hlr: { dnsPort: number; httpPort: number };
}

export interface InteropConfig {
  a: InteropParty;
  b: InteropParty;
}

export class InteropConfigError extends Error {}

function fail(msg: string): never {
  throw new InteropConfigError(msg);
}

function intPort(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65_535)
    fail(`${what}: a fixed port is needed (the MMSC was pointed at it)`);
  return v;
}

/** `pair.yaml`: `targets: { a: FILE, b: FILE }` (paths relative to it). */
export function loadInteropPair(file: string): { a: string; b: string } {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const t = (doc as { targets?: Record<string, unknown> } | null)?.targets;
  if (!t || typeof t.a !== 'string' || typeof t.b !== 'string' || Object.keys(t).length !== 2)
    fail(`${file}: targets: { a: A.yaml, b: B.yaml } (two target config files) expected`);
  const dir = path.dirname(file);
  return { a: path.resolve(dir, t.a), b: path.resolve(dir, t.b) };
}

function party(side: Side, file: string): InteropParty {
  let cfg: TargetConfig;
  try {
    cfg = loadTargetConfig(file);
  } catch (e) {
    fail((e as Error).message);
  }
  const label = `${side.toUpperCase()} (${file})`;
  const t = cfg.target;
  if (t.kind !== 'external') fail(`${label}: target.kind must be external (a running MMSC)`);
  const { mm1, mm4 } = t.endpoints;
  if (!mm1 || !mm4) fail(`${label}: target.endpoints needs mm1 and mm4`);
  const icsFile = path.resolve(path.dirname(file), t.ics);
  let ics: Ics;
  let icsText: string;
  try {
    icsText = readFileSync(icsFile, 'utf8');
    ics = loadIcsFile(icsFile);
  } catch (e) {
    fail((e as Error).message);
  }
  if (ics.notification.via !== 'smpp' || !ics.notification.smpp)
    fail(
      `${label}: its ICS notifies by ${ics.notification.via}; interop runs take SMPP notifications (notification.smpp)`,
    );
  if (!ics.mm4.supported || !ics.mm4.inbound || !ics.mm4.outbound)
    fail(`${label}: its ICS must support MM4 inbound and outbound`);
  const p = ics.provisioning;
  // our ENUM answers an E.164 number with the IR.52 domain of its operator (mocks/hlr/enum.ts)
  const ir52 = mmscDomain(p.mcc, p.mnc);
  if (p.domain.toLowerCase() !== ir52)
    fail(
      `${label}: provisioning.domain ${p.domain} is not the IR.52 domain of mcc ${p.mcc} mnc ${p.mnc} (${ir52})`,
    );
  const peers = cfg.peers ?? {};
  const u = new URL(mm4);
  return {
    side,
    file,
    name: t.name ?? ics.implementation.name,
    ics,
    icsFile,
    icsText,
    mm1,
    mm4: { host: u.hostname, port: Number(u.port || 25), url: mm4 },
    relayPort: intPort(peers['remote-mmsc']?.port, `${label}: peers.remote-mmsc.port`),
    smsc: {
      port: intPort(peers.smsc?.port, `${label}: peers.smsc.port`),
      systemId: ics.notification.smpp.systemId,
      password: ics.notification.smpp.password,
    },
    hlr: {
      dnsPort: intPort(peers.hlr?.dnsPort, `${label}: peers.hlr.dnsPort`),
      httpPort: intPort(peers.hlr?.httpPort, `${label}: peers.hlr.httpPort`),
    },
  };
}

/** Both parties, checked against each other: each one's foreign network is the other. */
export function loadInteropConfig(files: { a: string; b: string }): InteropConfig {
  const a = party('a', path.resolve(files.a));
  const b = party('b', path.resolve(files.b));
  const da = a.ics.provisioning.domain.toLowerCase();
  const db = b.ics.provisioning.domain.toLowerCase();
  if (da === db) fail(`A and B have the same MMS domain ${da}: two operators need two domains`);
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const f = x.ics.provisioning.foreign;
    const X = x.side.toUpperCase();
    const Y = y.side.toUpperCase();
    if (f.domain.toLowerCase() !== y.ics.provisioning.domain.toLowerCase())
      fail(
        `${X}'s ICS names ${f.domain} as its MM4 partner, but ${Y}'s domain is ${y.ics.provisioning.domain}`,
      );
    if (
      !y.ics.provisioning.subscribers.startsWith(f.subscribers) &&
      !f.subscribers.startsWith(y.ics.provisioning.subscribers)
    )
      fail(
        `${X}'s ICS gives the partner's numbers as ${f.subscribers}, ${Y}'s ICS as ${y.ics.provisioning.subscribers}`,
      );
  }
  if (a.relayPort === b.relayPort)
    fail(
      `A and B name the same peers.remote-mmsc.port ${a.relayPort}: the relay tells the sender by the port it was reached on`,
    );
  if (
    a.smsc.port === b.smsc.port &&
    (a.smsc.systemId !== b.smsc.systemId || a.smsc.password !== b.smsc.password)
  )
    fail(`A and B share SMSC port ${a.smsc.port} with different SMPP credentials: give each its own port`);
  if ((a.hlr.dnsPort === b.hlr.dnsPort) !== (a.hlr.httpPort === b.hlr.httpPort))
    fail('A and B must share both HLR ports (dnsPort, httpPort) or neither');
  return { a, b };
}
