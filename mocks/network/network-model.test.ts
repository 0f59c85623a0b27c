import { describe, expect, it } from 'vitest';
import { FULL_AGREEMENT, type HomeRecord, NetworkModel, operatorOf } from './network-model.ts';

const HOME: HomeRecord = { imsi: '310001000000042', mcc: '310', mnc: '001' };
const BOB = '+15550000042';
const VISITED = operatorOf('234', '15', 'visited');

function network(): NetworkModel {
  const n = new NetworkModel();
  n.attachHlr({
    home: (m) => (m.replace(/^\+/, '') === BOB.slice(1) ? HOME : undefined),
    sriSm: (m) => n.route(m),
  });
  return n;
}

function roam(n: NetworkModel, over: Partial<Parameters<NetworkModel['locate']>[0]> = {}): void {
  n.locate({
    msisdn: BOB,
    serving: VISITED,
    attached: true,
    autoRetrieveRoaming: true,
    agreement: FULL_AGREEMENT,
    ...over,
  });
}

describe('NetworkModel', () => {
  it('names operators by PLMN: MMS domain with a 3-digit MNC (3GPP TS 23.003 §15), node names', () => {
    expect(VISITED).toMatchObject({
      name: 'visited',
      mmsDomain: 'mms.mnc015.mcc234.gprs',
      msc: 'msc.23415',
      sgsn: 'sgsn.23415',
      ggsn: 'ggsn.23415',
    });
  });

  it('leaves a subscriber no handset placed unmodelled: no route, no PDP context', () => {
    const n = network();
    expect(n.sriSm(BOB, 'smsc')).toBeUndefined();
    expect(n.pdpContext(BOB)).toBeUndefined();
  });

  it('routes an MT SMS for a roamer to the visited MSC, and the data path to the home GGSN', () => {
    const n = network();
    roam(n);
    expect(n.roaming(BOB)).toBe(true);
    expect(n.sriSm(BOB, 'smsc')).toEqual({
      result: 'route',
      imsi: HOME.imsi,
      msc: 'msc.23415',
      serving: '234-15',
      roaming: true,
    });
    expect(n.pdpContext(BOB)).toMatchObject({
      accepted: true,
      sgsn: 'sgsn.23415',
      ggsn: 'ggsn.310001',
      sgsnMccMnc: '23415',
      imsi: HOME.imsi,
      msisdn: BOB.slice(1),
      roaming: true,
    });
  });

  it('turns each missing agreement into its own failure', () => {
    const n = network();
    roam(n, { agreement: { sms: false, gprs: true, apnBlocked: false } });
    expect(n.sriSm(BOB, 'smsc')).toMatchObject({ result: 'error', error: 'callBarred' });
    expect(n.pdpContext(BOB)?.accepted).toBe(true);
    roam(n, { agreement: { sms: true, gprs: false, apnBlocked: false } });
    expect(n.sriSm(BOB, 'smsc')).toMatchObject({ result: 'route' });
    expect(n.pdpContext(BOB)).toMatchObject({ accepted: false, cause: expect.stringContaining('#14') });
    roam(n, { agreement: { sms: true, gprs: true, apnBlocked: true } });
    expect(n.pdpContext(BOB)).toMatchObject({ accepted: false, cause: expect.stringContaining('#8') });
  });

  it('ignores the agreement at home (no roaming) and answers absent for a detached subscriber', () => {
    const n = network();
    roam(n, { serving: operatorOf('310', '001'), agreement: { sms: false, gprs: false, apnBlocked: true } });
    expect(n.roaming(BOB)).toBe(false);
    expect(n.sriSm(BOB, 'smsc')).toMatchObject({ result: 'route', roaming: false });
    expect(n.pdpContext(BOB)?.accepted).toBe(true);
    roam(n, { attached: false });
    expect(n.sriSm(BOB, 'smsc')).toMatchObject({ result: 'error', error: 'absentSubscriberSM' });
  });

  it('alerts waiting service centres once when the subscriber attaches (3GPP TS 23.040 §10.3)', () => {
    const n = network();
    roam(n, { attached: false });
    let fired = 0;
    n.onAlert(BOB, () => fired++);
    roam(n, { attached: false });
    expect(fired).toBe(0);
    roam(n, { attached: true });
    roam(n, { attached: true });
    expect(fired).toBe(1);
  });

  it('has no route once the HLR is unplugged or the subscriber forgotten', () => {
    const n = new NetworkModel();
    const unplug = n.attachHlr({ home: () => HOME, sriSm: (m) => n.route(m) });
    roam(n);
    expect(n.sriSm(BOB, 'smsc')?.result).toBe('route');
    n.forget(BOB);
    expect(n.sriSm(BOB, 'smsc')).toBeUndefined();
    roam(n);
    unplug();
    expect(n.hasHlr).toBe(false);
    expect(n.sriSm(BOB, 'smsc')).toBeUndefined();
  });
});
