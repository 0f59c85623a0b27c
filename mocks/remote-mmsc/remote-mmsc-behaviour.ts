import { MM4_VALUE_SETS } from '../../src/codec/mm4/index.ts';
import type { BehaviourSpec } from '../peer.ts';
import { PeerConfigError } from '../peer.ts';

/**
 * Behaviours of the remote MMSC, as data (a YAML suite names them):
 * - `reject {requestStatusCode}`: accept the SMTP transaction, answer MM4_forward.RES with
 *   that X-Mms-Request-Status-Code (TS 23.140 §8.4.1.2). With no ack requested there is no RES
 *   to carry it, so the refusal becomes SMTP 550 5.7.1 naming the code.
 * - `never-answer`: accept (250) but never send a RES or a report.
 * - `smtp-error {code}`: answer DATA with a 4xx/5xx reply (the message is still observed).
 * - `slow {ms}`: hold the DATA reply (and so everything after it) for ms.
 * - `duplicate`: send each RES and report twice (same Transaction-ID: a retransmission).
 */
export type RemoteMmscBehaviour =
  | { kind: 'reject'; requestStatusCode: string }
  | { kind: 'never-answer' }
  | { kind: 'smtp-error'; code: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'duplicate' };

export const REMOTE_MMSC_BEHAVIOURS = ['reject', 'never-answer', 'smtp-error', 'slow', 'duplicate'] as const;

export function parseRemoteMmscBehaviour(peer: string, b: BehaviourSpec): RemoteMmscBehaviour {
  switch (b.kind) {
    case 'reject': {
      const code = b.requestStatusCode ?? 'Error-service-denied';
      const known = MM4_VALUE_SETS.requestStatus.find(
        (c) => typeof code === 'string' && c.toLowerCase() === code.toLowerCase(),
      );
      if (!known || known === 'Ok') {
        throw new PeerConfigError(
          peer,
          `reject: requestStatusCode must be one of ${MM4_VALUE_SETS.requestStatus.filter((c) => c !== 'Ok').join(', ')}`,
        );
      }
      return { kind: 'reject', requestStatusCode: known };
    }
    case 'never-answer':
      return { kind: 'never-answer' };
    case 'smtp-error': {
      const code = b.code;
      if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) {
        throw new PeerConfigError(peer, 'smtp-error: code must be an SMTP 4xx or 5xx reply code');
      }
      return { kind: 'smtp-error', code };
    }
    case 'slow': {
      const ms = b.ms;
      if (typeof ms !== 'number' || ms < 0 || ms > 600_000)
        throw new PeerConfigError(peer, 'slow: ms must be 0..600000');
      return { kind: 'slow', ms };
    }
    case 'duplicate':
      return { kind: 'duplicate' };
    default:
      throw new PeerConfigError(
        peer,
        `unknown behaviour ${b.kind} (known: ${REMOTE_MMSC_BEHAVIOURS.join(', ')})`,
      );
  }
}
