import { Resolver } from 'node:dns/promises';
import type { Mm4PeerConfig, MmscConfig, VaspConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import type { MmscObserver } from '../observer.ts';
import { enumDomain, parseMmsAddress } from './address.ts';

/**
 * MM5 (3GPP TS 23.140 §8.5 / §6.1.1): where a recipient lives. For an E.164 recipient the
 * MMSC asks ENUM (RFC 6116 NAPTR, service E2U+mms) and, when ENUM has no answer, the HLR;
 * the domain of the resulting address decides the route: one of ours -> local subscriber
 * (MM1 notification); another MMSC's -> MM4; an e-mail address -> MM3; a configured VASP
 * short code -> MM7.
 */
export type Mm5Route =
  | { kind: 'local'; address: string; msisdn: string; domain: string; via: Mm5Source }
  | { kind: 'mm4'; address: string; msisdn?: string; domain: string; peer?: Mm4PeerConfig; via: Mm5Source }
  | { kind: 'mm3'; address: string; email: string; domain: string; via: Mm5Source }
  | { kind: 'mm7'; address: string; shortCode: string; vasp: VaspConfig; via: Mm5Source }
  | { kind: 'unresolved'; address: string; reason: string; transient: boolean; via: Mm5Source };

export type Mm5Source = 'enum' | 'hlr' | 'config' | 'address' | 'default';

interface NaptrAnswer {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

export class Mm5Resolver {
  private readonly resolver: Resolver | undefined;
  private readonly domains: Set<string>;

  constructor(
    private readonly config: MmscConfig,
    private readonly observer: MmscObserver,
  ) {
    this.domains = new Set(config.domains.map((d) => d.toLowerCase()));
    if (config.mm5.enumServer) {
      this.resolver = new Resolver({ timeout: config.mm5.timeoutMs, tries: 1 });
      this.resolver.setServers([config.mm5.enumServer]);
    }
  }

  isOwnDomain(domain: string): boolean {
    return this.domains.has(domain.toLowerCase());
  }

  async resolve(address: string): Promise<Mm5Route> {
    const route = await this.decide(address);
    this.observer.message('MM5', 'local', 'route', {
      address,
      route: route.kind,
      via: route.via,
      ...('domain' in route ? { domain: route.domain } : {}),
      ...(route.kind === 'unresolved' ? { reason: route.reason } : {}),
    });
    return route;
  }

  private async decide(address: string): Promise<Mm5Route> {
    const a = parseMmsAddress(address);
    if (!a)
      return { kind: 'unresolved', address, reason: 'malformed address', transient: false, via: 'address' };
    if (a.kind === 'email') {
      if (this.isOwnDomain(a.domain) && /^\+?\d+$/.test(a.local)) {
        return {
          kind: 'local',
          address,
          msisdn: a.local.replace(/^\+/, ''),
          domain: a.domain,
          via: 'address',
        };
      }
      return { kind: 'mm3', address, email: `${a.local}@${a.domain}`, domain: a.domain, via: 'address' };
    }
    if (a.kind !== 'plmn') {
      return {
        kind: 'unresolved',
        address,
        reason: `${a.kind} addresses are not routed`,
        transient: false,
        via: 'address',
      };
    }
    if (!a.international) {
      const vasp = this.config.vasps.find((v) => v.shortCodes.includes(a.digits));
      if (vasp) return { kind: 'mm7', address, shortCode: a.digits, vasp, via: 'config' };
    }
    const msisdn = a.digits;
    let transientProblem: string | undefined;
    if (this.resolver && !deviates(this.config, 'skip-enum')) {
      try {
        const domain = await this.enumLookup(msisdn);
        if (domain) return this.byDomain(address, msisdn, domain, 'enum');
      } catch (e) {
        transientProblem = `ENUM: ${(e as Error).message}`;
      }
    }
    if (this.config.mm5.hlrUrl) {
      try {
        const domain = await this.hlrLookup(msisdn);
        if (domain) return this.byDomain(address, msisdn, domain, 'hlr');
        if (!transientProblem) {
          return {
            kind: 'unresolved',
            address,
            reason: 'unknown subscriber (HLR)',
            transient: false,
            via: 'hlr',
          };
        }
      } catch (e) {
        transientProblem = `${transientProblem ? `${transientProblem}; ` : ''}HLR: ${(e as Error).message}`;
      }
    }
    if (transientProblem) {
      const transient = !deviates(this.config, 'mm5-failure-permanent');
      return { kind: 'unresolved', address, reason: transientProblem, transient, via: 'enum' };
    }
    if (this.resolver) {
      return { kind: 'unresolved', address, reason: 'no ENUM record', transient: false, via: 'enum' };
    }
    // Neither ENUM nor HLR configured: every number is one of our subscribers.
    return { kind: 'local', address, msisdn, domain: this.config.domains[0], via: 'default' };
  }

  private byDomain(address: string, msisdn: string, domain: string, via: Mm5Source): Mm5Route {
    const d = domain.toLowerCase();
    if (this.isOwnDomain(d)) return { kind: 'local', address, msisdn, domain: d, via };
    const peer = this.config.mm4.peers.find((p) => p.domain.toLowerCase() === d);
    return { kind: 'mm4', address, msisdn, domain: d, ...(peer ? { peer } : {}), via };
  }

  /** The MMSC domain ENUM names for the number, undefined on NXDOMAIN / no E2U+mms record. */
  private async enumLookup(msisdn: string): Promise<string | undefined> {
    const name = enumDomain(msisdn, this.config.mm5.enumSuffix);
    this.observer.message('MM5', 'out', 'NAPTR', { name, query: true });
    let answers: NaptrAnswer[];
    try {
      answers = (await this.resolver!.resolveNaptr(name)) as NaptrAnswer[];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.observer.message('MM5', 'in', 'NAPTR', { name, error: code ?? String(e) });
      if (code === 'ENOTFOUND' || code === 'ENODATA') return undefined;
      throw new Error(code ?? String(e));
    }
    this.observer.message('MM5', 'in', 'NAPTR', {
      name,
      answers: answers.map((a) => ({
        order: a.order,
        preference: a.preference,
        flags: a.flags,
        service: a.service,
        regexp: a.regexp,
      })),
    });
    // RFC 6116 §3.4 / RFC 3403: lowest order, then lowest preference; terminal "u" rules.
    const mms = answers
      .filter((a) => /^E2U\+mms(:|$)/i.test(a.service) && a.flags.toLowerCase() === 'u')
      .sort((x, y) => x.order - y.order || x.preference - y.preference);
    if (deviates(this.config, 'naptr-order-ignored')) mms.reverse();
    for (const n of mms) {
      const uri = applyNaptrRegexp(n.regexp, `+${msisdn}`);
      if (!uri) continue;
      const at = uri.lastIndexOf('@');
      if (at >= 0) return uri.slice(at + 1).replace(/[>\s].*$/, '');
    }
    return undefined;
  }

  private async hlrLookup(msisdn: string): Promise<string | undefined> {
    const url = `${this.config.mm5.hlrUrl!.replace(/\/$/, '')}/hlr/v1/subscribers/${encodeURIComponent(msisdn)}`;
    this.observer.message('MM5', 'out', 'hlr-lookup', { msisdn, url });
    const res = await fetch(url, { signal: AbortSignal.timeout(this.config.mm5.timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as { mmscDomain?: unknown; servingMmsc?: unknown };
    this.observer.message('MM5', 'in', 'hlr-lookup', {
      msisdn,
      status: res.status,
      mmscDomain: typeof body.mmscDomain === 'string' ? body.mmscDomain : null,
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const d = typeof body.servingMmsc === 'string' && body.servingMmsc ? body.servingMmsc : body.mmscDomain;
    return typeof d === 'string' && d ? d : undefined;
  }
}

/**
 * Applies a NAPTR substitution expression `!ERE!replacement!flags` (RFC 3402 §3.2) to the
 * application unique string (the E.164 number with '+'); undefined if it does not match.
 */
export function applyNaptrRegexp(regexp: string, aus: string): string | undefined {
  if (regexp.length < 3) return undefined;
  const delim = regexp[0];
  const parts = regexp.slice(1).split(delim);
  if (parts.length < 3) return undefined;
  const [ere, repl, flags] = parts;
  let re: RegExp;
  try {
    re = new RegExp(ere, flags.includes('i') ? 'i' : '');
  } catch {
    return undefined;
  }
  const m = re.exec(aus);
  if (!m) return undefined;
  // backreferences \1..\9 in the replacement
  return repl.replace(/\\(\d)/g, (_s, d: string) => m[Number(d)] ?? '');
}
