/**
 * MM4 addresses (TS 23.140 §8.4.4 "addressing", GSMA IR.52 §2.2): an MSISDN travels as
 * `+E164/TYPE=PLMN@domain` (the SMTP-visible form of an MM1 `/TYPE=PLMN` address), an
 * IPv4/IPv6 address as `a.b.c.d/TYPE=IPv4@domain`, an e-mail address as itself. A display
 * name in RFC 5322 `name-addr` form is allowed (`"Name" <addr>`).
 */
export interface Mm4Address {
  kind: 'PLMN' | 'IPv4' | 'IPv6' | 'email' | 'other';
  /** The address without the domain: `+4917112345678`, `user@example.com`. */
  address: string;
  /** The MMSC domain after `@` for PLMN/IPv4/IPv6 forms. */
  domain?: string;
  /** A `/TYPE=` value other than the known ones. */
  type?: string;
  displayName?: string;
}

/** Parses one address; returns null when it is not an address at all. */
export function parseMm4Address(input: string): Mm4Address | null {
  let s = input.trim();
  let displayName: string | undefined;
  const lt = s.lastIndexOf('<');
  if (lt >= 0 && s.endsWith('>')) {
    const name = s.slice(0, lt).trim();
    if (name)
      displayName =
        name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replace(/\\(.)/g, '$1') : name;
    s = s.slice(lt + 1, -1).trim();
  }
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1 || /\s/.test(s)) return null;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (!/^[A-Za-z0-9.-]+$/.test(domain) && !/^\[[^\]]+\]$/.test(domain)) return null;
  const m = /^(.*)\/TYPE=([A-Za-z0-9-]+)$/i.exec(local);
  const out: Mm4Address = { kind: 'email', address: s };
  if (m) {
    const type = m[2].toUpperCase();
    out.address = m[1];
    out.domain = domain;
    if (type === 'PLMN') {
      // TS 23.140 §8.4.4 / 23.003: global number with '+', digits only
      if (!/^\+?[0-9]{1,20}$/.test(m[1])) return null;
      out.kind = 'PLMN';
    } else if (type === 'IPV4') out.kind = 'IPv4';
    else if (type === 'IPV6') out.kind = 'IPv6';
    else {
      out.kind = 'other';
      out.type = m[2];
    }
  } else if (!/^[^\s"(),:;<>@[\\\]]+$/.test(local) && !/^"[^"]*"$/.test(local)) return null;
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

/** Writes an address back in its wire form. */
export function formatMm4Address(a: Mm4Address): string {
  let addr: string;
  if (a.kind === 'email') addr = a.address;
  else {
    const type = a.kind === 'other' ? (a.type ?? 'UNKNOWN') : a.kind;
    addr = `${a.address}/TYPE=${type}@${a.domain ?? ''}`;
  }
  if (a.displayName === undefined) return addr;
  return `"${a.displayName.replace(/(["\\])/g, '\\$1')}" <${addr}>`;
}

/** Splits an address-list (RFC 5322 §3.4) at commas outside quotes and angle brackets. */
export function splitAddressList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\') {
      cur += c + (value[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle++;
    else if (!quoted && c === '>') angle = Math.max(0, angle - 1);
    if (c === ',' && !quoted && angle === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
