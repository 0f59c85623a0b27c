import type { Clock } from '../src/util/case-clock.ts';
import type { JsonObject } from '../src/util/json.ts';
import type { Timeline } from '../src/wire/timeline.ts';
import type { AirInterface } from './air-interface.ts';
import type { BehaviourDef } from './behaviour-tables.ts';
import type { ParamHeaders, ParamItems } from './param-items.ts';
import type { ActionDefs, Peer, PeerEndpoint } from './peer.ts';

/**
 * A peer kind as one row: everything the harness, the suite loader, `mmscert peers` and the
 * targets know of a kind of mock peer. Each peer's folder holds its row (mocks/<peer>/*-kind.ts);
 * mocks/peer-kinds.ts lists the rows. Adding a peer is its folder and one line in that list.
 */

/** Shared things a peer may need besides its own config. */
export interface PeerDeps {
  timeline: Timeline;
  /** The radio link between the SMSC and the handsets. */
  air: AirInterface;
  /** The case's seed, for peers that generate data (HLR subscribers) or random values in what they send. */
  seed?: number;
  /** The case's clock (the target's: a seeded case clock for the embedded target), for the times peers write. */
  clock?: Clock;
}

/**
 * Where a peer starts among a case's peers: the servers the target calls first, then the gateways
 * in front of the target, then the handsets that call through them.
 */
export type PeerStartPhase = 'called-by-target' | 'gateway' | 'handset';

/** What a peer is pointed at when it is created: the target's endpoints, the peers started before it. */
export interface PeerWiringContext {
  /** The target's endpoint URLs (absent: the target has no such interface). */
  target: { mm1?: string; mm3?: string; mm4?: string; mm7?: string; eaif?: string };
  /** Peers already started in this case, in start order. */
  peers: readonly { kind: string; endpoints: readonly PeerEndpoint[]; config: JsonObject }[];
}

/** A VASP account on the target (MM7 SenderIdentification, HTTP Basic, its short code). */
export interface VaspAccount {
  vaspId: string;
  vasId?: string;
  username?: string;
  password?: string;
  shortCode: string;
  /** What it speaks: MM7 (default) or EAIF (the Nokia External Application Interface). */
  dialect?: 'mm7' | 'eaif';
}

/**
 * What the target is provisioned with (its ICS), in the terms our peers need to play the
 * counterparts it knows: the harness derives it from the ICS (src/harness/targets/ics-identities.ts).
 */
export interface TargetProvisioning {
  /** The bind the target makes to our SMSC, when it notifies over SMPP. */
  smppBind?: { systemId: string; password: string };
  /** The VASP account the target knows our VASP by. */
  mainVasp: VaspAccount;
  /** Every VASP account the target knows (the main one too), in the ICS's order. */
  vasps: readonly VaspAccount[];
  /** The EAIF application account the target knows (ICS provisioning.vasps.eaif), if any. */
  eaifApp?: VaspAccount;
  /** The foreign MMS domain the target routes to over MM4. */
  foreignDomain: string;
  /** The target's own network (3GPP TS 23.003 §15: mms.mncMNC.mccMCC.gprs). */
  mcc: string;
  mnc: string;
}

export interface PeerKind {
  /** The kind's name in suites (`peers: { smsc: ... }`), `mmscert peers --only` and docker. */
  name: string;
  /** One line for `mmscert peers --help` and the docs. */
  description: string;
  /** Builds the peer from its JSON config (checked against the kind's config schema); does not start it. Throws PeerConfigError. */
  create(config: JsonObject, deps: PeerDeps): Peer;
  /**
   * Its actions and their parameters (the suite loader refuses any other `do:` / `with:`). A kind
   * without a table (a test's own peer) has its actions unchecked until they run.
   */
  actions?: ActionDefs;
  /** Message types its observations carry beyond the codecs' own (a test's own peer). */
  messages?: readonly string[];
  /** Its behaviours and their parameters (`behaviour:` steps; none: those steps are unchecked). */
  behaviours?: Readonly<Record<string, BehaviourDef>>;
  /** The keys of the items of its actions' list parameters (`with: { parts: [{ ... }] }`). */
  items?: ParamItems;
  /** The field names of its actions' header-map parameters (`with: { headers: { ... } }`). */
  headers?: ParamHeaders;
  /** When it starts among a case's peers (default: after the servers, before the handsets). */
  phase?: PeerStartPhase;
  /**
   * Config keys that point it at the target and at the peers started before it (only keys with a
   * value: peer configs are strict). Merged under the suite's own config.
   */
  wiring?(name: string, ctx: PeerWiringContext): JsonObject;
  /**
   * Config the target's provisioning imposes (the SMSC the target binds to, the VASP accounts it
   * knows...): merged over the suite's config, a suite cannot make the target something it is not.
   */
  provisioned?(p: TargetProvisioning): JsonObject;
  /** Defaults from the target's provisioning and the case's handsets, under the suite's config. */
  provisionedDefaults?(p: TargetProvisioning, msisdns: ReadonlyMap<string, string>): JsonObject;
  /** Config of the one instance a run shares between its cases (an external target's peers). */
  sharedDefaults?: JsonObject;
}

/**
 * Start rank of a kind among a case's peers: by phase (servers the target calls, gateways,
 * handsets), then by its place in the registry; a kind the registry lacks starts with the gateways.
 */
export function peerStartRank(kinds: Readonly<Record<string, PeerKind>>, kind: string): number {
  const names = Object.keys(kinds);
  const at = names.indexOf(kind);
  const phase = kinds[kind]?.phase ?? 'gateway';
  const base = phase === 'called-by-target' ? 0 : phase === 'gateway' ? 1 : 2;
  return base * (names.length + 1) + (at === -1 ? names.length : at);
}

/** The URL of the first started peer of a kind (its endpoint of `protocol`, else its first). */
export function startedPeerUrl(
  peers: PeerWiringContext['peers'],
  kind: string,
  protocol: string,
): string | undefined {
  const p = peers.find((x) => x.kind === kind);
  return p?.endpoints.find((e) => e.protocol === protocol)?.url ?? p?.endpoints[0]?.url;
}

/** Only the keys with a value (peer configs are strict: no `undefined` keys). */
export function definedKeys(
  o: Readonly<Record<string, JsonObject[keyof JsonObject] | undefined>>,
): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
