import { describe, expect, it } from 'vitest';
import type { Peer } from '../../../mocks/peer.ts';
import type { StartedPeer } from '../target.ts';
import { peerWiring } from './peer-wiring.ts';

const smsc = (config: StartedPeer['config']): StartedPeer => ({
  kind: 'smsc',
  name: 'smsc',
  peer: {} as Peer,
  endpoints: [{ protocol: 'smpp', url: 'smpp://127.0.0.1:2775' }] as StartedPeer['endpoints'],
  config,
});

const ctx = (peers: StartedPeer[]) => ({ target: {}, peers, msisdns: new Map<string, string>(), seed: 1 });

describe('peerWiring ppg', () => {
  it('binds to the case SMSC with the credentials that SMSC accepts', () => {
    expect(peerWiring('ppg', 'ppg', ctx([smsc({ systemId: 'mmsc', password: 'secret' })]))).toEqual({
      smsc: { host: '127.0.0.1', port: 2775, systemId: 'mmsc', password: 'secret' },
    });
  });
  it('gives no credentials when the SMSC has none, and nothing without an SMSC', () => {
    expect(peerWiring('ppg', 'ppg', ctx([smsc({})]))).toEqual({ smsc: { host: '127.0.0.1', port: 2775 } });
    expect(peerWiring('ppg', 'ppg', ctx([]))).toEqual({});
  });
});
