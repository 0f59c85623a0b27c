import { describe, expect, it } from 'vitest';
import { Timeline } from '../src/wire/timeline.ts';
import { AirInterface } from './air-interface.ts';
import { PeerConfigError } from './peer.ts';
import { peerStartRank } from './peer-kind.ts';
import { PEER_KINDS } from './peer-kinds.ts';

describe('PEER_KINDS', () => {
  it('every entry has a description and a factory', () => {
    for (const [kind, k] of Object.entries(PEER_KINDS)) {
      expect(k.description, kind).toMatch(/\w/);
      expect(typeof k.create, kind).toBe('function');
    }
  });

  it('is one row a kind: keyed by its name, each with its action table', () => {
    expect(Object.keys(PEER_KINDS)).toEqual([
      'smsc',
      'hlr',
      'remote-mmsc',
      'vasp',
      'eaif-app',
      'mail',
      'wap-gateway',
      'ppg',
      'ue',
    ]);
    for (const [kind, k] of Object.entries(PEER_KINDS)) {
      expect(k.name).toBe(kind);
      expect(Object.keys(k.actions ?? {}).length, kind).toBeGreaterThan(0);
    }
  });

  it('starts the servers the target calls first, then the gateways, then the handsets', () => {
    const order = Object.keys(PEER_KINDS).sort(
      (a, b) => peerStartRank(PEER_KINDS, a) - peerStartRank(PEER_KINDS, b),
    );
    expect(order.slice(0, 6).sort()).toEqual(['eaif-app', 'hlr', 'mail', 'remote-mmsc', 'smsc', 'vasp']);
    expect(order.slice(6)).toEqual(['wap-gateway', 'ppg', 'ue']);
    // a kind only a test knows starts with the gateways, after the registry's own
    const withTest = {
      ...PEER_KINDS,
      esme: { name: 'esme', description: 'test', create: PEER_KINDS.smsc.create },
    };
    expect(peerStartRank(withTest, 'esme')).toBeGreaterThan(peerStartRank(withTest, 'ppg'));
    expect(peerStartRank(withTest, 'esme')).toBeLessThan(peerStartRank(withTest, 'ue'));
  });

  it('builds, starts and stops the SMSC and the HLR from JSON config with the shared deps', async () => {
    const deps = { timeline: new Timeline(), air: new AirInterface(), seed: 3 };
    const smsc = PEER_KINDS.smsc.create({ systemId: 'mmsc', password: 'pw' }, deps);
    const hlr = PEER_KINDS.hlr.create({ generate: 2 }, deps);
    expect([smsc.role, hlr.role]).toEqual(['smsc', 'hlr']);
    const eps = [
      ...(await smsc.start({ timeline: deps.timeline, host: '127.0.0.1' })),
      ...(await hlr.start({ timeline: deps.timeline, host: '127.0.0.1' })),
    ];
    expect(eps.map((e) => e.protocol)).toEqual(['smpp', 'dns', 'http']);
    expect(smsc.endpoints()).toEqual(eps.slice(0, 1));
    await smsc.stop();
    await hlr.stop();
    await smsc.stop(); // idempotent
    expect(() => PEER_KINDS.smsc.create({ bogus: 1 }, deps)).toThrow(PeerConfigError);
    expect(() => PEER_KINDS.hlr.create({ subscribers: [{ msisdn: 'x' }] }, deps)).toThrow(PeerConfigError);
  });
});
