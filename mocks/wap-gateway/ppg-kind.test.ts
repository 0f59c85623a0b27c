import { describe, expect, it } from 'vitest';
import type { PeerWiringContext } from '../peer-kind.ts';
import { PPG_KIND } from './ppg-kind.ts';

const smsc = (config: PeerWiringContext['peers'][number]['config']) => ({
  kind: 'smsc',
  endpoints: [{ peer: 'smsc', protocol: 'smpp', url: 'smpp://127.0.0.1:2775' }],
  config,
});

const ctx = (peers: PeerWiringContext['peers']): PeerWiringContext => ({ target: {}, peers });
const wiring = (c: PeerWiringContext) => PPG_KIND.wiring?.('ppg', c);

describe('PPG_KIND wiring', () => {
  it('binds to the case SMSC with the credentials that SMSC accepts', () => {
    expect(wiring(ctx([smsc({ systemId: 'mmsc', password: 'secret' })]))).toEqual({
      smsc: { host: '127.0.0.1', port: 2775, systemId: 'mmsc', password: 'secret' },
    });
  });
  it('gives no credentials when the SMSC has none, and nothing without an SMSC', () => {
    expect(wiring(ctx([smsc({})]))).toEqual({ smsc: { host: '127.0.0.1', port: 2775 } });
    expect(wiring(ctx([]))).toEqual({});
  });
});
