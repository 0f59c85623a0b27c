import { PEER_KINDS, type PeerDeps, type PeerKind } from '../../mocks/registry.ts';

/**
 * The peer registry (mocks/registry.ts `PEER_KINDS`: kind -> { description, create(config, deps) }).
 * The harness names no peer module: a new peer is one registry entry. Tests pass their own table.
 */
export type { PeerDeps, PeerKind };
export type PeerKinds = Readonly<Record<string, PeerKind>>;

export async function loadPeerKinds(): Promise<PeerKinds> {
  return PEER_KINDS;
}
