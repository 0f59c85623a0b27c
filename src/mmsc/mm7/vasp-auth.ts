import { timingSafeEqual } from 'node:crypto';
import type { VaspConfig } from '../config.ts';

/**
 * Who is calling the MM7 endpoint. TS 23.140 §8.7.1 leaves VASP authentication to the
 * transport and names HTTP Basic authentication (RFC 7617) between VASP and MMS Relay/Server;
 * the SenderIdentification VASPID/VASID then names the VASP inside the request.
 *
 * Decisions (documented in README.md):
 * - Credentials missing or wrong where credentials are required → HTTP 401 with
 *   `WWW-Authenticate: Basic realm="mmsc-mm7"` (RFC 7235 §3.1): the transport user is unknown,
 *   so there is no SOAP conversation yet.
 * - A known transport user whose request names another VASPID (or a VASID other than its
 *   configured one) → the operation's own response with StatusCode 4001 "Improper
 *   identification" (status table of §8.7: the identification of the request does not
 *   identify the client). The request is understood, the client is not entitled to it.
 * - A VASP configured without credentials is identified by its VASPID alone (a lab set-up).
 */

export type TransportAuth =
  | { kind: 'authenticated'; vasps: VaspConfig[] }
  | { kind: 'anonymous' }
  | { kind: 'refused'; reason: string };

/** user:pass of an `Authorization: Basic …` header, or undefined. */
export function parseBasicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function hasCredentials(v: VaspConfig): boolean {
  return v.username !== undefined;
}

/** Step 1, before the body is read: the HTTP Basic credentials against the VASP list. */
export function authenticateTransport(
  header: string | undefined,
  vasps: readonly VaspConfig[],
): TransportAuth {
  const creds = parseBasicAuth(header);
  if (header !== undefined && !creds) return { kind: 'refused', reason: 'malformed Authorization header' };
  if (creds) {
    const matching = vasps.filter(
      (v) => hasCredentials(v) && same(v.username ?? '', creds.user) && same(v.password ?? '', creds.pass),
    );
    if (matching.length === 0) return { kind: 'refused', reason: 'unknown user or wrong password' };
    return { kind: 'authenticated', vasps: matching };
  }
  if (!vasps.some((v) => !hasCredentials(v))) return { kind: 'refused', reason: 'credentials required' };
  return { kind: 'anonymous' };
}

export type VaspIdentity =
  | { ok: true; vasp: VaspConfig }
  | { ok: false; status: 401; reason: string }
  | { ok: false; status: 4001; reason: string };

/**
 * Step 2, once the request is decoded: the VASP the request speaks for. `vaspId`/`vasId` are
 * SenderIdentification's (absent in a request that has none).
 */
export function identifyVasp(
  auth: Exclude<TransportAuth, { kind: 'refused' }>,
  vasps: readonly VaspConfig[],
  vaspId: string | undefined,
  vasId: string | undefined,
): VaspIdentity {
  if (auth.kind === 'authenticated') {
    const v = vaspId === undefined ? auth.vasps[0] : auth.vasps.find((x) => x.vaspId === vaspId);
    if (!v) {
      return {
        ok: false,
        status: 4001,
        reason: `VASPID ${vaspId} is not the VASP these credentials belong to`,
      };
    }
    if (v.vasId !== undefined && vasId !== undefined && vasId !== v.vasId)
      return { ok: false, status: 4001, reason: `VASID ${vasId} is not a service of VASP ${v.vaspId}` };
    return { ok: true, vasp: v };
  }
  if (vaspId === undefined)
    return { ok: false, status: 4001, reason: 'no VASPID in SenderIdentification and no credentials' };
  const v = vasps.find((x) => x.vaspId === vaspId);
  if (!v) return { ok: false, status: 4001, reason: `VASPID ${vaspId} is not a known VASP` };
  if (hasCredentials(v)) return { ok: false, status: 401, reason: `VASP ${vaspId} must authenticate` };
  if (v.vasId !== undefined && vasId !== undefined && vasId !== v.vasId)
    return { ok: false, status: 4001, reason: `VASID ${vasId} is not a service of VASP ${v.vaspId}` };
  return { ok: true, vasp: v };
}
