import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/wire/timeline.ts';
import { AirInterface } from '../air-interface.ts';
import { PeerConfigError } from '../peer.ts';
import { PEER_KINDS } from '../peer-kinds.ts';

describe('PEER_KINDS entries for remote-mmsc, vasp, mail', () => {
  const deps = () => ({ timeline: new Timeline(), air: new AirInterface() });

  it.each([
    ['remote-mmsc', { domain: 'mms.mnc002.mcc310.gprs', deliveryStatus: 'Retrieved' }, 'smtp'],
    ['vasp', { vaspId: 'v1', version: 'REL-5-MM7-1-3', path: '/x' }, 'http'],
    ['mail', { domains: ['example.com'] }, 'smtp'],
  ])('%s builds from JSON config, starts on loopback and stops', async (kind, config, protocol) => {
    const d = deps();
    const peer = PEER_KINDS[kind].create(config, d);
    const eps = await peer.start({ timeline: d.timeline, host: '127.0.0.1' });
    try {
      expect(eps[0].protocol).toBe(protocol);
      expect(eps[0].url).toMatch(/^\w+:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await peer.stop();
      await peer.stop(); // idempotent
    }
  });

  it.each([
    ['remote-mmsc', { deliveryStatus: 'Lost' }, /deliveryStatus/],
    ['remote-mmsc', { target: 'http://x' }, /target/],
    ['remote-mmsc', { colour: 'red' }, /colour|Unrecognized/i],
    ['vasp', { version: 'REL-7-MM7-1-0' }, /version/],
    ['vasp', { port: 70000 }, /port/],
    ['mail', { domains: [] }, /domains/],
  ])('%s rejects bad config %j', (kind, config, re) => {
    const d = deps();
    expect(() => PEER_KINDS[kind].create(config, d)).toThrow(PeerConfigError);
    expect(() => PEER_KINDS[kind].create(config, d)).toThrow(re);
  });
});
