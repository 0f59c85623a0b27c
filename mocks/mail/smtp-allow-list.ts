import { isIP } from 'node:net';

/**
 * Who may talk to an SMTP mock and for whom it accepts mail. Client entries are IP addresses or
 * domains; a domain matches an EHLO name or MAIL FROM domain equal to it or below it
 * (`mnc001.mcc310.gprs` matches `mms.mnc001.mcc310.gprs`). Recipients are accepted only in the
 * local domains (case-insensitive, RFC 5321 §2.4), whatever the local part (`+1555/TYPE=PLMN`).
 */
export class SmtpAllowList {
  private readonly ips: Set<string>;
  private readonly domains: string[];
  private readonly local: Set<string>;

  constructor(clients: readonly string[], localDomains: readonly string[]) {
    this.ips = new Set(clients.filter((c) => isIP(c) !== 0).map(normaliseIp));
    this.domains = clients.filter((c) => isIP(c) === 0).map((d) => d.toLowerCase().replace(/^\.+|\.+$/g, ''));
    this.local = new Set(localDomains.map((d) => d.toLowerCase()));
  }

  get open(): boolean {
    return this.ips.size === 0 && this.domains.length === 0;
  }

  /** At connect time only the IP is known: refuse early only when no domain entry could still match. */
  ipMayConnect(ip: string): boolean {
    return this.open || this.ips.has(normaliseIp(ip)) || this.domains.length > 0;
  }

  clientAllowed(ip: string, heloName: string, mailFrom: string): boolean {
    if (this.open || this.ips.has(normaliseIp(ip))) return true;
    const candidates = [heloName, domainOf(mailFrom)].map((s) => s.toLowerCase()).filter((s) => s.length > 0);
    return candidates.some((c) => this.domains.some((d) => c === d || c.endsWith(`.${d}`)));
  }

  recipientLocal(address: string): boolean {
    const d = domainOf(address).toLowerCase();
    return d.length > 0 && this.local.has(d);
  }
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).replace(/>$/, '');
}

function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
