/**
 * MMS addresses as they appear in To/Cc/Bcc/From (OMA-TS-MMS_ENC 1.3 §8: Address =
 * ( e-mail | device-address ), device-address = global-phone-number "/TYPE=PLMN" | ipv4 "/TYPE=IPv4" | ...).
 */
export type ParsedAddress =
  | { kind: 'plmn'; raw: string; digits: string; international: boolean }
  | { kind: 'email'; raw: string; local: string; domain: string }
  | { kind: 'ipv4' | 'ipv6' | 'other'; raw: string; value: string };

export function parseMmsAddress(raw: string): ParsedAddress | undefined {
  const a = raw.trim();
  const typed = /^(.*)\/TYPE=([A-Za-z0-9]+)$/.exec(a);
  if (typed) {
    const [, value, type] = typed;
    if (type.toUpperCase() === 'PLMN') {
      const m = /^(\+?)(\d{1,20})$/.exec(value.replace(/[\s-]/g, ''));
      if (!m) return undefined;
      return { kind: 'plmn', raw: a, digits: m[2], international: m[1] === '+' };
    }
    if (type === 'IPv4') return { kind: 'ipv4', raw: a, value };
    if (type === 'IPv6') return { kind: 'ipv6', raw: a, value };
    return { kind: 'other', raw: a, value };
  }
  // `+15550001/TYPE=PLMN@mms.example` (MM4 form) or a plain RFC 5322 addr-spec
  const at = a.lastIndexOf('@');
  if (at > 0 && at < a.length - 1) {
    const local = a.slice(0, at);
    const domain = a.slice(at + 1).toLowerCase();
    if (!/^[A-Za-z0-9.-]+$/.test(domain)) return undefined;
    const inner = parseMmsAddress(local);
    if (inner?.kind === 'plmn') return inner;
    return { kind: 'email', raw: a, local, domain };
  }
  // a bare number (some handsets omit /TYPE=PLMN)
  const bare = /^(\+?)(\d{3,20})$/.exec(a);
  if (bare) return { kind: 'plmn', raw: a, digits: bare[2], international: bare[1] === '+' };
  return undefined;
}

/** `+15550001/TYPE=PLMN` */
export function plmnAddress(digits: string): string {
  return `+${digits}/TYPE=PLMN`;
}

/** RFC 6116 §2.4: the ENUM domain of an E.164 number: digits reversed, dot-separated, under e164.arpa. */
export function enumDomain(digits: string, suffix = 'e164.arpa'): string {
  return `${[...digits].reverse().join('.')}.${suffix}`;
}
