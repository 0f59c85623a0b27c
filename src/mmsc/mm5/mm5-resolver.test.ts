import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HlrPeer, hlrConfigFromJson } from '../../../mocks/hlr/hlr-peer.ts';
import type { PeerEndpoint } from '../../../mocks/peer.ts';
import { Timeline } from '../../wire/timeline.ts';
import { resolveMmscConfig } from '../config.ts';
import { MmscObserver } from '../observer.ts';
import { enumDomain, parseMmsAddress } from './address.ts';
import { applyNaptrRegexp, Mm5Resolver } from './mm5-resolver.ts';

/** MM5 against the HLR mock: ENUM NAPTR over real UDP DNS, then the HLR HTTP lookup. */

let hlr: HlrPeer;
let eps: PeerEndpoint[];
let timeline: Timeline;

beforeEach(async () => {
  timeline = new Timeline();
  hlr = new HlrPeer(
    hlrConfigFromJson({
      subscribers: [
        { msisdn: '+15550001', mcc: '310', mnc: '001' },
        { msisdn: '+15550002', mcc: '310', mnc: '002' },
      ],
    }),
  );
  eps = await hlr.start({ timeline, host: '127.0.0.1' });
});
afterEach(async () => {
  await hlr.stop();
});

function resolver(extra: Record<string, unknown> = {}) {
  const dns = eps.find((e) => e.protocol.startsWith('dns') || e.protocol === 'udp')!;
  const http = eps.find((e) => e.protocol === 'http')!;
  const config = resolveMmscConfig({
    mm5: {
      enumServer: `127.0.0.1:${new URL(dns.url).port}`,
      hlrUrl: new URL(http.url).origin,
      timeoutMs: 1000,
    },
    mm4: { peers: [{ domain: 'mms.mnc002.mcc310.gprs', port: 2525 }] },
    vasps: [{ vaspId: 'VASP1', shortCodes: ['1234'] }],
    ...extra,
  });
  return new Mm5Resolver(config, new MmscObserver('mmsc', timeline));
}

describe('Mm5Resolver', () => {
  it('routes our subscriber locally, a foreign one to MM4, e-mail to MM3, a short code to MM7', async () => {
    const r = resolver();
    expect(await r.resolve('+15550001/TYPE=PLMN')).toMatchObject({
      kind: 'local',
      msisdn: '15550001',
      via: 'enum',
    });
    expect(await r.resolve('+15550002/TYPE=PLMN')).toMatchObject({
      kind: 'mm4',
      domain: 'mms.mnc002.mcc310.gprs',
      peer: { port: 2525 },
    });
    expect(await r.resolve('bob@example.org')).toMatchObject({ kind: 'mm3', email: 'bob@example.org' });
    expect(await r.resolve('1234/TYPE=PLMN')).toMatchObject({ kind: 'mm7', shortCode: '1234' });
    expect(await r.resolve('+15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs')).toMatchObject({ kind: 'local' });
  });

  it('an unknown number is unresolved (NXDOMAIN, then HLR 404)', async () => {
    const r = resolver();
    expect(await r.resolve('+15559999/TYPE=PLMN')).toMatchObject({ kind: 'unresolved', transient: false });
    const types = timeline.messages({ iface: 'MM5' }).map((o) => `${o.direction} ${o.type}`);
    expect(types).toEqual(
      expect.arrayContaining(['out NAPTR', 'in NAPTR', 'out hlr-lookup', 'in hlr-lookup', 'local route']),
    );
  });

  it('falls back to the HLR when ENUM does not answer; SERVFAIL everywhere is transient', async () => {
    const dgram = await import('node:dgram');
    const mute = dgram.createSocket('udp4');
    await new Promise<void>((r) => mute.bind(0, '127.0.0.1', () => r()));
    try {
      const http = eps.find((e) => e.protocol === 'http')!;
      const r = resolver({
        mm5: {
          enumServer: `127.0.0.1:${mute.address().port}`,
          hlrUrl: new URL(http.url).origin,
          timeoutMs: 300,
        },
      });
      expect(await r.resolve('+15550001/TYPE=PLMN')).toMatchObject({ kind: 'local', via: 'hlr' });
    } finally {
      mute.close();
    }
    hlr.use({ kind: 'servfail' });
    expect(await resolver().resolve('+15550001/TYPE=PLMN')).toMatchObject({
      kind: 'unresolved',
      transient: true,
    });
  });

  it('follows number portability', async () => {
    const r = resolver();
    await hlr.actions.port({ msisdn: '15550001', mnc: '002' });
    expect(await r.resolve('+15550001/TYPE=PLMN')).toMatchObject({
      kind: 'mm4',
      domain: 'mms.mnc002.mcc310.gprs',
    });
  });

  it('malformed addresses are unresolved, permanently', async () => {
    const r = resolver();
    for (const a of ['', 'garbage', '+1555x/TYPE=PLMN', '10.0.0.1/TYPE=IPv4']) {
      expect(await r.resolve(a)).toMatchObject({ kind: 'unresolved', transient: false });
    }
  });
});

describe('address helpers', () => {
  it('builds the RFC 6116 ENUM domain', () => {
    expect(enumDomain('15550001')).toBe('1.0.0.0.5.5.5.1.e164.arpa');
  });
  it('applies NAPTR substitutions (RFC 3402 §3.2)', () => {
    expect(applyNaptrRegexp('!^.*$!mailto:+15550001/TYPE=PLMN@mms.example!', '+15550001')).toBe(
      'mailto:+15550001/TYPE=PLMN@mms.example',
    );
    expect(applyNaptrRegexp('!^\\+(\\d+)$!sip:\\1@x!', '+42')).toBe('sip:42@x');
    expect(applyNaptrRegexp('!^9!x!', '+1')).toBeUndefined();
    expect(applyNaptrRegexp('!(!x!', '+1')).toBeUndefined();
  });
  it('parses MMS address forms', () => {
    expect(parseMmsAddress('+15550001/TYPE=PLMN')).toMatchObject({
      kind: 'plmn',
      digits: '15550001',
      international: true,
    });
    expect(parseMmsAddress('alice@Example.ORG')).toMatchObject({ kind: 'email', domain: 'example.org' });
    expect(parseMmsAddress('1.2.3.4/TYPE=IPv4')).toMatchObject({ kind: 'ipv4' });
    expect(parseMmsAddress('nope')).toBeUndefined();
  });
});
