import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Timeline } from '../../src/wire/timeline.ts';
import { AirInterface } from '../air-interface.ts';
import { HlrPeer } from '../hlr/hlr-peer.ts';
import { Handset } from '../ue/handset.ts';
import { WapGateway } from '../wap-gateway/wap-gateway.ts';

/**
 * The roaming data path over loopback: a handset roaming in 234-15 reaches an MM1 endpoint
 * through the WAP gateway, which adds what the home GGSN reported (MSISDN, IMSI, SGSN PLMN); a
 * missing GPRS agreement leaves the handset without a data path. The HLR answers SRI-SM from the
 * same network model.
 */
const BOB = '+15550000042';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function setUp() {
  const timeline = new Timeline();
  const air = new AirInterface();
  const seen: http.IncomingHttpHeaders[] = [];
  const mm1 = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(404, { 'Content-Length': '0' });
    res.end();
  });
  await new Promise<void>((r) => mm1.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise<void>((r) => mm1.close(() => r())));
  const mm1Url = `http://127.0.0.1:${(mm1.address() as AddressInfo).port}/mms`;
  const hlr = new HlrPeer(
    {
      subscribers: [
        { msisdn: BOB, imsi: '310001000000042', mcc: '310', mnc: '001', ported: false, roaming: false },
      ],
    },
    { air },
  );
  await hlr.start({ timeline, host: '127.0.0.1' });
  stops.push(() => hlr.stop());
  const gw = new WapGateway({ upstream: mm1Url }, air);
  const [ep] = await gw.start({ timeline, host: '127.0.0.1' });
  stops.push(() => gw.stop());
  const bob = new Handset({ name: 'bob', msisdn: BOB, gateway: ep.url, mmsc: mm1Url }, { air });
  await bob.start({ timeline, host: '127.0.0.1' });
  stops.push(() => bob.stop());
  return { timeline, air, seen, bob, mm1Url, hlr };
}

describe('roaming data path', () => {
  it('carries the GGSN-reported identity and roaming indication to MM1; GTP and MAP are observed', async () => {
    const { timeline, air, seen, bob, mm1Url } = await setUp();
    expect(await bob.actions.roam({ mcc: '234', mnc: '15', name: 'visited' })).toMatchObject({
      serving: '234-15',
      home: '310-001',
      roaming: true,
    });
    await bob.actions.retrieve({ contentLocation: `${mm1Url}/x1` });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      'x-msisdn': '15550000042',
      'x-imsi': '310001000000042',
      'x-3gpp-sgsn-mcc-mnc': '23415',
    });
    // the source address the home GGSN assigned (its pool), as the proxy reports its client
    expect(seen[0]['x-forwarded-for']).toMatch(/^10\.\d+\.\d+\.\d+$/);
    const types = timeline.all().map((o) => (o.kind === 'message' ? o.type : undefined));
    expect(types).toContain('GTP-Create-PDP-Context-Request');
    expect(air.network.sriSm(BOB, 'smsc')).toMatchObject({ result: 'route', msc: 'msc.23415' });
    expect(types.filter((t) => t === 'MAP-SRI-SM-ack' || t === 'MAP-SRI-SM')).toHaveLength(0);
    const after = timeline.all().map((o) => (o.kind === 'message' ? o.type : undefined));
    expect(after).toContain('MAP-SRI-SM-ack');
  });

  it('without GPRS roaming nothing reaches MM1: the request fails before any HTTP', async () => {
    const { seen, bob, mm1Url } = await setUp();
    await bob.actions.roam({ mcc: '234', mnc: '15', gprsRoaming: false });
    await expect(bob.actions.retrieve({ contentLocation: `${mm1Url}/x2` })).rejects.toThrow(/#14/);
    await bob.actions.roam({ home: true });
    await bob.actions.retrieve({ contentLocation: `${mm1Url}/x2` });
    expect(seen).toHaveLength(1);
    expect(seen[0]['x-3gpp-sgsn-mcc-mnc']).toBe('310001');
  });

  it('drops what the handset claims itself: only the network-inserted identity and source reach MM1', async () => {
    const { seen, bob, mm1Url } = await setUp();
    await bob.actions.roam({ mcc: '234', mnc: '15', name: 'visited' });
    await bob.actions.http({
      method: 'GET',
      url: `${mm1Url}/x3`,
      headers: {
        'X-IMSI': '001010123456789',
        'X-Forwarded-For': '192.0.2.1',
        'X-3GPP-SGSN-MCC-MNC': '310001',
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]['x-imsi']).toBe('310001000000042');
    expect(seen[0]['x-3gpp-sgsn-mcc-mnc']).toBe('23415');
    expect(seen[0]['x-forwarded-for']).not.toContain('192.0.2.1');
  });

  it('hlr.locate registers an inbound roamer of another operator where the case says', async () => {
    const { air, hlr } = await setUp();
    const rita = '+15557770303';
    await hlr.actions['add-subscriber']({ msisdn: rita, mcc: '310', mnc: '002' });
    expect(await hlr.actions.locate({ msisdn: rita, mcc: '310', mnc: '001' })).toMatchObject({
      serving: '310-001',
      home: '310-002',
      roaming: true,
    });
    expect(air.network.route(rita)).toMatchObject({ result: 'route', msc: 'msc.310001', roaming: true });
    await expect(hlr.actions.locate({ msisdn: '+15550009999', mcc: '310', mnc: '001' })).rejects.toThrow(
      /unknown/,
    );
    await hlr.actions['remove-subscriber']({ msisdn: rita });
    expect(air.network.location(rita)).toBeUndefined();
  });
});
