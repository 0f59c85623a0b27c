import type { Json } from '../../util/json.ts';
import type { Observation } from '../../wire/timeline.ts';

/**
 * The identities an observation carries, as routing keys for peers shared by concurrent cases
 * (see observation-router.ts):
 *   `n:<digits>`  a subscriber number (E.164 digits, `+`, `/TYPE=PLMN`, domain dropped): SMPP
 *                 destination_addr / source_addr, MM1/MM4 addresses, MM7 Number, an ENUM name
 *                 (RFC 6116 §2.4: the digits reversed under e164.arpa), an HLR lookup path;
 *   `a:<address>` an e-mail address (lower case): MM3 RCPT / MAIL FROM, MM4 envelope;
 *   `id:<value>`  a message or transaction identity: X-Mms-Message-ID / Message-ID,
 *                 X-Mms-Transaction-Id, MM7 TransactionID / MessageID / LinkedID, EAIF
 *                 X-NOKIA-MMSC-Message-Id, SMPP message_id /
 *                 receipted_message_id, the SMSC's messageIds.
 * Numbers are 7..15 digits (ITU-T E.164 §6: at most 15), so short codes and ports are never keys.
 */
export type IdentityKey = string;

/** Field names whose (string) values are message or transaction identities. */
const ID_FIELD = /^(x-mms-|x-nokia-mmsc-)?(message|transaction|linked)[-_]?ids?$|^receipted_message_id$/i;
const NUMBER = /^\+?(\d{7,15})$/;
const PLMN = /\+?(\d{7,15})\/TYPE=PLMN/gi;
const ENUM = /^((?:\d\.){7,15})e164\.arpa\.?$/i;
// a local part starts where its characters start (the lookbehind): without it each position of a
// long run without `@` (a 25 kB text part) rescans the run to its end, quadratic (6 s for 25 kB)
const EMAIL = /(?<![A-Za-z0-9._%+=/-])[A-Za-z0-9._%+=/-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PATH_NUMBER = /\/\+?(\d{7,15})$/;

/** The keys of one string value (`field` is the name of the field that holds it, if any). */
export function keysOfString(value: string, field?: string): IdentityKey[] {
  const out: IdentityKey[] = [];
  const v = value.trim();
  if (v === '') return out;
  if (field !== undefined && ID_FIELD.test(field)) {
    out.push(`id:${v}`);
    return out;
  }
  const n = NUMBER.exec(v);
  if (n) return [`n:${n[1]}`];
  const e = ENUM.exec(v);
  if (e) return [`n:${e[1].split('.').filter(Boolean).reverse().join('')}`];
  for (const m of v.matchAll(PLMN)) out.push(`n:${m[1]}`);
  if (out.length === 0) {
    for (const m of v.matchAll(EMAIL)) out.push(`a:${m[0].toLowerCase()}`);
    const p = PATH_NUMBER.exec(v);
    if (p && !v.includes('@')) out.push(`n:${p[1]}`);
  }
  return out;
}

/** Every key in a JSON value (walked whole; field names carried to array items). */
export function keysOfJson(
  value: Json | undefined,
  out = new Set<IdentityKey>(),
  field?: string,
): Set<IdentityKey> {
  if (typeof value === 'string') {
    for (const k of keysOfString(value, field)) out.add(k);
  } else if (Array.isArray(value)) {
    for (const v of value) keysOfJson(v, out, field);
  } else if (value !== null && typeof value === 'object') {
    // bytes ({ $base64 }) carry no identity
    if ('$base64' in value) return out;
    for (const [k, v] of Object.entries(value)) keysOfJson(v, out, k);
  }
  return out;
}

/** The keys of a message or event observation (its fields or detail, and its `about` hint). */
export function keysOfObservation(o: Observation): Set<IdentityKey> {
  const out = new Set<IdentityKey>();
  if (o.kind === 'message') keysOfJson(o.fields, out);
  else if (o.kind === 'event') keysOfJson(o.detail, out);
  if (o.about) for (const a of o.about) for (const k of keysOfString(a)) out.add(k);
  return out;
}

/** Only the message / transaction identities among keys (what a case learns from its own traffic). */
export function idKeys(keys: Iterable<IdentityKey>): IdentityKey[] {
  return [...keys].filter((k) => k.startsWith('id:'));
}

/** The key of a subscriber number (`+1555...` or digits). */
export function numberKey(msisdn: string): IdentityKey {
  return `n:${msisdn.replace(/^\+/, '').replace(/[\s-]/g, '')}`;
}
