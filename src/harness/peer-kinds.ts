import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AirInterface } from '../../mocks/air-interface.ts';
import type { Peer } from '../../mocks/peer.ts';
import type { JsonObject } from '../util/json.ts';
import type { Timeline } from '../wire/timeline.ts';

/** What a peer factory is handed besides its config: the case's shared things. */
export interface PeerDeps {
  timeline: Timeline;
  air: AirInterface;
  /** The case's seed, for peers that generate data (HLR subscribers). */
  seed?: number;
}

/** One entry of the peer registry (mocks/registry.ts `PEER_KINDS`). */
export interface PeerKind {
  description: string;
  create(config: JsonObject, deps: PeerDeps): Peer;
}

export type PeerKinds = Readonly<Record<string, PeerKind>>;

function isPeerKinds(v: unknown): v is PeerKinds {
  if (!v || typeof v !== 'object') return false;
  return Object.values(v).every(
    (k) => k && typeof k === 'object' && typeof (k as { create?: unknown }).create === 'function',
  );
}

/**
 * The peer registry, loaded from mocks/registry.ts (the harness names no peer module: a new
 * peer is one registry entry). Resolved at run time so the harness works while peers land.
 */
export async function loadPeerKinds(repoRoot = process.cwd()): Promise<PeerKinds> {
  const file = path.resolve(repoRoot, 'mocks/registry.ts');
  let mod: { PEER_KINDS?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { PEER_KINDS?: unknown };
  } catch (e) {
    throw new Error(`cannot load the peer registry ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isPeerKinds(mod.PEER_KINDS)) throw new Error(`${file} does not export PEER_KINDS`);
  return mod.PEER_KINDS;
}
