import { mm7StatusClass } from '../../src/codec/mm7/index.ts';
import type { BehaviourSpec } from '../peer.ts';
import { PeerConfigError } from '../peer.ts';

/**
 * Behaviours of the VASP's MM7 server side (what it answers the relay), as data:
 * - `error {statusCode}`: the matching Rsp carries that Status (TS 23.140 §8.7: every Rsp has
 *   a Status; 2xxx/3xxx/4xxx are failures).
 * - `soap-fault {statusCode?}`: a SOAP 1.1 Fault (HTTP 500, SOAP 1.1 §6.2) whose detail is a
 *   VASPErrorRsp (TS 23.140 §8.7.6), default 3000 Server Error.
 * - `slow {ms}`: hold the answer for ms.
 * - `wrong-version {version}`: answer in another schema version (`REL-5-MM7-1-0`) or with another
 *   MM7Version text (`5.0.0`).
 * - `http-status {code}`: answer with that HTTP status and no SOAP body.
 * - `status {statusCode}`: the matching Rsp (HTTP 200, no fault) carries exactly this StatusCode,
 *   whatever its class: also a code no status table defines (1599, 3599) or one outside the four
 *   classes (5000, `'0999'`, written as given), to see the relay act on it by its class
 *   (TS 23.140 §8.7 status codes: an unknown code is read as the x000 code of its class, a code
 *   outside the classes as 3000).
 */
export type VaspBehaviour =
  | { kind: 'error'; statusCode: number }
  | { kind: 'soap-fault'; statusCode: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'wrong-version'; version: string }
  | { kind: 'http-status'; code: number }
  | { kind: 'status'; statusCode: string };

export const VASP_BEHAVIOURS = [
  'error',
  'soap-fault',
  'slow',
  'wrong-version',
  'http-status',
  'status',
] as const;

export function parseVaspBehaviour(peer: string, b: BehaviourSpec): VaspBehaviour {
  const statusCode = (v: unknown, dflt: number, what: string): number => {
    const c = v ?? dflt;
    const cls = typeof c === 'number' && Number.isInteger(c) ? mm7StatusClass(c) : undefined;
    if (typeof c !== 'number' || cls === undefined || cls === 'success') {
      throw new PeerConfigError(peer, `${what}: statusCode must be an MM7 error code 2000..4999`);
    }
    return c;
  };
  switch (b.kind) {
    case 'error':
      return { kind: 'error', statusCode: statusCode(b.statusCode, 4000, 'error') };
    case 'soap-fault':
      return { kind: 'soap-fault', statusCode: statusCode(b.statusCode, 3000, 'soap-fault') };
    case 'slow':
      if (typeof b.ms !== 'number' || b.ms < 0 || b.ms > 600_000)
        throw new PeerConfigError(peer, 'slow: ms must be 0..600000');
      return { kind: 'slow', ms: b.ms };
    case 'wrong-version':
      if (typeof b.version !== 'string' || b.version.length === 0) {
        throw new PeerConfigError(
          peer,
          'wrong-version: version (REL-x-MM7-y-z or an MM7Version like 5.0.0) required',
        );
      }
      return { kind: 'wrong-version', version: b.version };
    case 'http-status':
      if (typeof b.code !== 'number' || !Number.isInteger(b.code) || b.code < 200 || b.code > 599) {
        throw new PeerConfigError(peer, 'http-status: code must be an HTTP status 200..599');
      }
      return { kind: 'http-status', code: b.code };
    case 'status': {
      // digits as written (a number, or a string keeping leading zeros: '0999'), 1 to 5 of them
      const c = typeof b.statusCode === 'number' ? String(b.statusCode) : b.statusCode;
      if (typeof c !== 'string' || !/^\d{1,5}$/.test(c))
        throw new PeerConfigError(peer, 'status: statusCode must be 1 to 5 digits (1599, 5000, "0999")');
      return { kind: 'status', statusCode: c };
    }
    default:
      throw new PeerConfigError(peer, `unknown behaviour ${b.kind} (known: ${VASP_BEHAVIOURS.join(', ')})`);
  }
}
