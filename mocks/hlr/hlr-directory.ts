import { englishFaker } from '../../src/util/english-faker.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';
import { isMcc, isMnc, mmscDomain, normaliseE164 } from './enum.ts';

/** One subscriber as the HLR (and ENUM) know it. */
export interface Subscriber {
  msisdn: string;
  imsi: string;
  mcc: string;
  mnc: string;
  ported: boolean;
  roaming: boolean;
  /** Serving MMSC when it is not the home one (roaming / hosted), if configured. */
  servingMmsc?: string;
}

export function subscriberJson(s: Subscriber): JsonObject {
  return {
    msisdn: s.msisdn,
    imsi: s.imsi,
    mcc: s.mcc,
    mnc: s.mnc,
    mmscDomain: mmscDomain(s.mcc, s.mnc),
    ported: s.ported,
    roaming: s.roaming,
    ...(s.servingMmsc ? { servingMmsc: s.servingMmsc } : {}),
  };
}

function fail(message: string): never {
  throw new PeerConfigError('hlr', message);
}

/** Validates a subscriber from config or from an `add-subscriber` action. */
export function subscriberFromJson(v: Json, where: string): Subscriber {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`${where}: a subscriber must be an object`);
  const msisdn = typeof v.msisdn === 'string' ? normaliseE164(v.msisdn) : undefined;
  if (!msisdn) fail(`${where}: msisdn must be an E.164 number like +15550001`);
  const mcc = String(v.mcc ?? '');
  const mnc = String(v.mnc ?? '');
  if (!isMcc(mcc)) fail(`${where}: mcc must be 3 digits`);
  if (!isMnc(mnc)) fail(`${where}: mnc must be 2 or 3 digits`);
  const imsi =
    v.imsi === undefined
      ? `${mcc}${mnc.padStart(3, '0')}${msisdn.slice(1).slice(-9).padStart(9, '0')}`
      : String(v.imsi);
  if (!/^\d{6,15}$/.test(imsi)) fail(`${where}: imsi must be 6 to 15 digits`);
  for (const k of ['ported', 'roaming'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'boolean') fail(`${where}: ${k} must be true or false`);
  }
  if (v.servingMmsc !== undefined && typeof v.servingMmsc !== 'string')
    fail(`${where}: servingMmsc must be a string`);
  return {
    msisdn,
    imsi,
    mcc,
    mnc,
    ported: v.ported === true,
    roaming: v.roaming === true,
    ...(typeof v.servingMmsc === 'string' ? { servingMmsc: v.servingMmsc } : {}),
  };
}

/**
 * Subscribers generated from the run's seed: MSISDNs +1555 0000000.., home network
 * MCC 310 / MNC 001..003. Same seed, same subscribers (faker's own seeded generator,
 * a private instance so the global faker stream is untouched).
 */
export function generateSubscribers(count: number, seed: number): Subscriber[] {
  const f = englishFaker(seed);
  const out: Subscriber[] = [];
  const used = new Set<string>();
  while (out.length < count) {
    const msisdn = `+1555${f.string.numeric({ length: 7, allowLeadingZeros: true })}`;
    if (used.has(msisdn)) continue;
    used.add(msisdn);
    const mnc = f.helpers.arrayElement(['001', '002', '003']);
    out.push({
      msisdn,
      imsi: `310${mnc}${f.string.numeric({ length: 9, allowLeadingZeros: true })}`,
      mcc: '310',
      mnc,
      ported: f.datatype.boolean({ probability: 0.1 }),
      roaming: f.datatype.boolean({ probability: 0.1 }),
    });
  }
  return out;
}

/** The HLR's data: subscribers by MSISDN and the MMSC domains it answers A / MX for. */
export class HlrDirectory {
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly domains = new Map<string, string>();

  constructor(subscribers: Subscriber[] = [], domains: Record<string, string> = {}) {
    for (const s of subscribers) this.put(s);
    for (const [d, a] of Object.entries(domains)) this.addDomain(d, a);
  }

  put(s: Subscriber): void {
    this.subscribers.set(s.msisdn, s);
  }

  get(msisdn: string): Subscriber | undefined {
    const n = normaliseE164(msisdn);
    return n ? this.subscribers.get(n) : undefined;
  }

  remove(msisdn: string): boolean {
    const n = normaliseE164(msisdn);
    return n ? this.subscribers.delete(n) : false;
  }

  list(): Subscriber[] {
    return [...this.subscribers.values()];
  }

  /** Only loopback: the mock never points anyone at another address. */
  addDomain(domain: string, address: string): void {
    if (address !== '127.0.0.1') fail(`domains.${domain}: only 127.0.0.1 is allowed (got ${address})`);
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) fail(`domains: '${domain}' is not a domain name`);
    this.domains.set(domain.toLowerCase(), address);
  }

  /** A configured MMSC domain, or the home domain of any subscriber; undefined otherwise. */
  domainAddress(domain: string): string | undefined {
    const d = domain.toLowerCase().replace(/\.$/, '');
    const a = this.domains.get(d);
    if (a) return a;
    for (const s of this.subscribers.values()) if (mmscDomain(s.mcc, s.mnc) === d) return '127.0.0.1';
    return undefined;
  }
}
