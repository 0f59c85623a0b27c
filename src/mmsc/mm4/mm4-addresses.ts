import { parseMm4Address } from '../../codec/mm4/index.ts';
import { parseMmsAddress } from '../mm5/address.ts';
import type { StoredRecipient } from '../store/message-store.ts';

/**
 * Address forms between MM1 and MM4/MM3 (TS 23.140 §8.4.4, GSMA IR.52 §2.2): an MSISDN is
 * `+E164/TYPE=PLMN` on MM1 and `+E164/TYPE=PLMN@<mmsc domain>` on SMTP; e-mail stays itself.
 */

/** `+1555/TYPE=PLMN` -> `+1555/TYPE=PLMN@domain`; e-mail unchanged; undefined when unparsable. */
export function mm4Form(mm1Address: string, domain: string): string | undefined {
  const a = parseMmsAddress(mm1Address);
  if (!a) return undefined;
  if (a.kind === 'plmn') return `${a.international ? '+' : ''}${a.digits}/TYPE=PLMN@${domain}`;
  if (a.kind === 'email') return `${a.local}@${a.domain}`;
  return undefined;
}

/** `"Name" <+1555/TYPE=PLMN@d>` -> `+1555/TYPE=PLMN`; e-mail -> the bare addr-spec. */
export function mm1Form(mm4Address: string): string | undefined {
  const a = parseMm4Address(mm4Address);
  if (!a) return undefined;
  if (a.kind === 'PLMN') return `${a.address}/TYPE=PLMN`;
  if (a.kind === 'email') return a.address;
  return undefined;
}

/** The bare addr-spec of a header address (`"x" <a@b>` -> `a@b`). */
export function bareAddress(value: string): string {
  const v = value.trim();
  const lt = v.lastIndexOf('<');
  return lt >= 0 && v.endsWith('>') ? v.slice(lt + 1, -1).trim() : v;
}

/** How a stored recipient is named in MM4/MM3 header fields: its home MMSC's domain for numbers. */
export function recipientMailAddress(r: StoredRecipient, ownDomain: string): string | undefined {
  const domain = r.route === 'mm4' && r.domain ? r.domain : ownDomain;
  return mm4Form(r.address, domain);
}

/** True when the SMTP address names the same subscriber as the stored recipient. */
export function sameSubscriber(r: StoredRecipient, address: string): boolean {
  const a = parseMm4Address(bareAddress(address));
  if (!a) return false;
  if (a.kind === 'PLMN') return r.msisdn !== undefined && r.msisdn === a.address.replace(/^\+/, '');
  const e = parseMmsAddress(r.address);
  return e?.kind === 'email' && `${e.local}@${e.domain}`.toLowerCase() === a.address.toLowerCase();
}
