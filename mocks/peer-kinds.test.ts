import { describe, expect, it } from 'vitest';
import { Timeline } from '../src/wire/timeline.ts';
import { AirInterface } from './air-interface.ts';
import { PeerConfigError } from './peer.ts';
import { PEER_KINDS } from './peer-kinds.ts';

describe('PEER_KINDS', () => {
  it('every entry has a description and a factory', () => {
    for (const [kind, k] of Object.entries(PEER_KINDS)) {
      expect(k.description, kind).toMatch(/\w/);
      expect(typeof k.create, kind).toBe('function');
    }
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
