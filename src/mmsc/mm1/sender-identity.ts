import type { IncomingHttpHeaders } from 'node:http';
import { parseMmsAddress, plmnAddress } from '../mm5/address.ts';

/**
 * The subscriber behind an MM1 request. The MMSC does not believe what the terminal writes
 * in From: the WAP gateway identifies the subscriber from the PDP context and adds a
 * header (X-MSISDN, X-WAP-Network-Client-MSISDN, ...); the MMSC trusts only the names it is
 * configured with, in order.
 */
export function subscriberFromHeaders(
  headers: IncomingHttpHeaders,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const v = headers[lowerCased(name)];
    const s = Array.isArray(v) ? v[0] : v;
    if (!s) continue;
    if (DIGITS.test(s)) return s; // the usual plain digits: nothing to strip
    const digits = s.trim().replace(/^\+/, '').replace(/[\s-]/g, '');
    if (DIGITS.test(digits)) return digits;
  }
  return undefined;
}

const DIGITS = /^\d{3,20}$/;
const lowered = new Map<string, string>();

/** Configured header names, lower-cased once (node's IncomingMessage.headers keys are lower case). */
function lowerCased(name: string): string {
  let l = lowered.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (lowered.size < 64) lowered.set(name, l);
  }
  return l;
}

export type SenderDecision =
  | { ok: true; msisdn: string; address: string; inserted: boolean }
  | { ok: false; problem: 'service-denied' | 'address-unresolved'; text: string };

/**
 * Decides the sender of an m-send-req / m-forward-req.
 *
 * - From = Insert-address-token: the MMSC inserts the subscriber's address (OMA-TS-MMS_ENC
 *   1.3 §7.3.21 From; OMA-TS-MMS_CTR 1.3 §8.1.2: the Proxy-Relay inserts the address of the
 *   originator). Without a subscriber header there is nothing to insert:
 *   Error-(permanent-)sending-address-unresolved.
 * - From = an address that is not the subscriber's: refused with
 *   Error-(permanent-)service-denied, the status ENC §7.3.48 gives for a request the
 *   Proxy-Relay will not serve for this originator (authorisation), rather than
 *   sending-address-unresolved (the address did resolve — to someone else).
 * - No subscriber header and `requireMsisdnHeader`: service denied (unidentified client).
 */
export function decideSender(
  from: { insertAddress: true } | string | undefined,
  subscriber: string | undefined,
  requireHeader: boolean,
): SenderDecision {
  const insert = from === undefined || typeof from !== 'string';
  if (subscriber) {
    if (insert) return { ok: true, msisdn: subscriber, address: plmnAddress(subscriber), inserted: true };
    const a = parseMmsAddress(from);
    if (a?.kind === 'plmn' && a.digits === subscriber) {
      return { ok: true, msisdn: subscriber, address: plmnAddress(subscriber), inserted: false };
    }
    return { ok: false, problem: 'service-denied', text: `From ${from} is not the subscriber's address` };
  }
  if (insert) {
    return { ok: false, problem: 'address-unresolved', text: 'no subscriber identity to insert as From' };
  }
  if (requireHeader)
    return { ok: false, problem: 'service-denied', text: 'request without subscriber identity' };
  const a = parseMmsAddress(from);
  if (a?.kind === 'plmn')
    return { ok: true, msisdn: a.digits, address: plmnAddress(a.digits), inserted: false };
  return { ok: false, problem: 'address-unresolved', text: `From ${from} is not a PLMN address` };
}
