import type { BehaviourDef } from '../behaviour-tables.ts';
import type { BehaviourSpec } from '../peer.ts';
import { PeerConfigError } from '../peer.ts';

/**
 * Behaviours of the application's EAIF server side (what it answers the MMSC), as data:
 * - `http-status {code}`: every POST answered with that HTTP status (a 4xx/5xx is an error,
 *   NOKIA-EAIF §4.2 as NowSMS and Mbuni read it);
 * - `slow {ms}`: the answer held for ms.
 */
export type EaifAppBehaviour = { kind: 'http-status'; code: number } | { kind: 'slow'; ms: number };

export const EAIF_APP_BEHAVIOUR_TABLE = {
  'http-status': { description: 'answers with this HTTP status', params: { code: 'HTTP status 200..599' } },
  slow: { description: 'answers delayed', params: { ms: 'milliseconds 0..600000' } },
} as const satisfies Readonly<Record<string, BehaviourDef>>;

export function parseEaifAppBehaviour(peer: string, b: BehaviourSpec): EaifAppBehaviour {
  switch (b.kind) {
    case 'http-status':
      if (typeof b.code !== 'number' || !Number.isInteger(b.code) || b.code < 200 || b.code > 599)
        throw new PeerConfigError(peer, 'http-status: code must be an HTTP status 200..599');
      return { kind: 'http-status', code: b.code };
    case 'slow':
      if (typeof b.ms !== 'number' || b.ms < 0 || b.ms > 600_000)
        throw new PeerConfigError(peer, 'slow: ms must be 0..600000');
      return { kind: 'slow', ms: b.ms };
    default:
      throw new PeerConfigError(peer, `unknown behaviour ${b.kind} (known: http-status, slow)`);
  }
}
