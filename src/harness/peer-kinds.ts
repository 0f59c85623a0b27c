import type { PeerWiringContext } from '../../mocks/peer-kind.ts';
import { PEER_KINDS, type PeerDeps, type PeerKind } from '../../mocks/peer-kinds.ts';
import type { JsonObject } from '../util/json.ts';

/**
 * The peer registry (mocks/peer-kinds.ts `PEER_KINDS`: one row a kind, in the peer's folder).
 * The harness names no peer module: a new peer is one row. Tests pass their own table.
 */
export type { PeerDeps, PeerKind };
export type PeerKinds = Readonly<Record<string, PeerKind>>;

export async function loadPeerKinds(): Promise<PeerKinds> {
  return PEER_KINDS;
}

/** How a peer is pointed at the target and at the peers started before it: its row's wiring (empty for kinds that need none). */
export function peerWiring(kinds: PeerKinds, kind: string, name: string, ctx: PeerWiringContext): JsonObject {
  return kinds[kind]?.wiring?.(name, ctx) ?? {};
}

/** The kinds the target calls (its SMSC, HLR, remote MMSC, MTA, VASP), in start order. */
export function kindsCalledByTarget(kinds: PeerKinds = PEER_KINDS): string[] {
  return Object.values(kinds)
    .filter((k) => k.phase === 'called-by-target')
    .map((k) => k.name);
}
