import { type ActionDef, type Peer, type PeerAction, PeerConfigError } from './peer.ts';

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

/** The table entry of `clear-behaviours` (no parameters). */
export const CLEAR_BEHAVIOURS_DEF: ActionDef = {
  description: 'ends every scripted behaviour of this peer (it recovers mid-case)',
  params: {},
};

/** The table entry of `configure {target}`. */
export function configureTargetDef(what: string): ActionDef {
  return {
    description: `points the peer at the MMSC interface it sends to (${what})`,
    params: { target: `the ${what} of the MMSC` },
  };
}

/** Parameters of a request a VASP or remote MMSC sends with a text body or parts. */
export const CONTENT_PARAMS = {
  text: 'a text/plain part',
  parts: 'a list of parts { contentType, content (text or {$base64}) | size, contentId?, filename? }',
} as const;
