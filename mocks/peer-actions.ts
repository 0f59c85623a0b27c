import { type Peer, type PeerAction, PeerConfigError } from './peer.ts';

/**
 * Actions several peers offer under the same name, built once so their parameters, errors and
 * answers stay the same everywhere a suite calls them.
 */

/** `clear-behaviours`: ends every scripted behaviour mid-case (a peer that recovers), like resetBehaviours(). */
export function clearBehavioursAction(peer: Pick<Peer, 'resetBehaviours'>): PeerAction {
  return async () => {
    peer.resetBehaviours();
    return { cleared: true };
  };
}

/**
 * `configure {target}`: points the peer at the MMSC interface it sends to (known only once the MMSC
 * is up); `what` names the URL kind in the error ('smtp URL', 'MM7 URL').
 */
export function configureTargetAction(
  peer: string,
  what: string,
  setTarget: (url: string) => void,
): PeerAction {
  return async (p) => {
    if (typeof p.target !== 'string') throw new PeerConfigError(peer, `configure: target (${what}) required`);
    setTarget(p.target);
    return { target: p.target };
  };
}
