import { describe, expect, it } from 'vitest';
import { PeerConfigError } from '../peer.ts';
import { handsetConfigFromJson } from '../ue/handset-config-from-json.ts';
import { ppgConfigFromJson, wapGatewayConfigFromJson } from './config-from-json.ts';

describe('configs from JSON', () => {
  it('reads every documented key', () => {
    expect(
      wapGatewayConfigFromJson({
        port: 9201,
        upstream: 'http://127.0.0.1:8002/mms',
        msisdnHeaders: ['X-MSISDN'],
        msisdnFormat: 'international',
        requireSubscriber: true,
      }),
    ).toMatchObject({
      port: 9201,
      msisdnFormat: 'international',
      requireSubscriber: true,
      msisdnHeaders: ['X-MSISDN'],
    });
    expect(
      ppgConfigFromJson({ path: '/push', smsc: { port: 2775, systemId: 'ppg', password: 'pw' } }),
    ).toMatchObject({
      path: '/push',
      smsc: { port: 2775, systemId: 'ppg', password: 'pw' },
    });
    expect(
      handsetConfigFromJson({
        name: 'bob',
        msisdn: '+15550002',
        profile: { maxMessageSize: 1000, mmsVersion: '1.0' },
      }),
    ).toEqual({
      name: 'bob',
      msisdn: '+15550002',
      profile: { maxMessageSize: 1000, mmsVersion: '1.0' },
    });
    expect(
      handsetConfigFromJson({ name: 'c', msisdn: '1', profile: 'mms-1.3', retrieval: 'deferred' }),
    ).toMatchObject({ profile: 'mms-1.3', retrieval: 'deferred' });
  });

  it.each([
    () => wapGatewayConfigFromJson({ port: 70000 }),
    () => wapGatewayConfigFromJson({ upstreem: 'x' }),
    () => wapGatewayConfigFromJson({ msisdnFormat: 'e164' }),
    () => ppgConfigFromJson({ smsc: { host: '127.0.0.1' } }),
    () => ppgConfigFromJson({ path: 'pap' }),
    () => handsetConfigFromJson({ name: 'x' }),
    () => handsetConfigFromJson({ name: 'x', msisdn: '+1', profile: { mmsVersion: '2.0' } }),
    () => handsetConfigFromJson({ name: 'x', msisdn: '+1', retrieval: 'never' }),
  ])('refuses bad config %#', (f) => {
    expect(f).toThrow(PeerConfigError);
  });
});
