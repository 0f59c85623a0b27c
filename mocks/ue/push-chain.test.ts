import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMms, getHeader, type MmsPdu } from '../../src/codec/mms/index.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { AirInterface } from '../air-interface.ts';
import type { Peer } from '../peer.ts';
import { PEER_KINDS } from '../registry.ts';
import type { PushProxyGateway } from '../wap-gateway/ppg.ts';
import { handNotificationInd, handRetrieveConf } from '../wap-gateway/test-pdus.ts';
import type { Handset } from './handset.ts';

/**
 * The whole MT path with every peer built from the registry, as a suite would:
 * PAP push-message -> PPG -> submit_sm -> SMSC mock -> AirInterface -> handset ->
 * GET through the WAP gateway -> MM1 endpoint -> m-notifyresp-ind back the same way.
 */
const timeline = new Timeline();
const air = new AirInterface();
const peers: Peer[] = [];
const mm1Seen: Array<{ method: string; url: string; msisdn?: string; pdu?: MmsPdu }> = [];
let mm1: http.Server;
let ppgUrl: string;
let alice: Handset;
let ppg: PushProxyGateway;

beforeAll(async () => {
  mm1 = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      mm1Seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        msisdn: req.headers['x-wap-network-client-msisdn'] as string | undefined,
        pdu: body.length ? decodeMms(body) : undefined,
      });
      if (req.method === 'GET') {
        const conf = handRetrieveConf('msg-1', '+15550002/TYPE=PLMN', 'hello alice');
        res.writeHead(200, {
          'Content-Type': 'application/vnd.wap.mms-message',
          'Content-Length': conf.length,
        });
        res.end(conf);
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => mm1.listen(0, '127.0.0.1', r));
  const mm1Url = `http://127.0.0.1:${(mm1.address() as AddressInfo).port}/mms`;
  const ctx = { timeline, host: '127.0.0.1' as const };
  const deps = { timeline, air };

  const smsc = PEER_KINDS.smsc.create({}, deps);
  peers.push(smsc);
  const [smscEp] = await smsc.start(ctx);
  const smscPort = Number(new URL(smscEp.url).port);

  const gw = PEER_KINDS['wap-gateway'].create({ upstream: mm1Url }, deps);
  peers.push(gw);
  const [gwEp] = await gw.start(ctx);

  ppg = PEER_KINDS.ppg.create(
    { smsc: { port: smscPort, systemId: 'ppg', sourceAddr: '9200' } },
    deps,
  ) as PushProxyGateway;
  peers.push(ppg);
  [{ url: ppgUrl }] = await ppg.start(ctx);

  alice = PEER_KINDS.ue.create(
    { name: 'alice', msisdn: '+15550001', gateway: gwEp.url, mmsc: 'http://mmsc.operator.example/mms' },
    deps,
  ) as Handset;
  peers.push(alice);
  await alice.start(ctx);
});

afterAll(async () => {
  for (const p of peers.reverse()) await p.stop();
  await new Promise<void>((r) => mm1.close(() => r()));
});

function papPush(pushId: string, msisdn: string, content: Uint8Array): Promise<number> {
  const b = 'chain-boundary';
  const control = `<?xml version="1.0"?><pap><push-message push-id="${pushId}"><address address-value="WAPPUSH=${msisdn}/TYPE=PLMN@ppg"/></push-message></pap>`;
  const body = Buffer.concat([
    Buffer.from(
      `--${b}\r\nContent-Type: application/xml\r\n\r\n${control}\r\n--${b}\r\nContent-Type: application/vnd.wap.mms-message\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const req = http.request(
      ppgUrl,
      { method: 'POST', headers: { 'Content-Type': `multipart/related; boundary=${b}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('PAP -> PPG -> SMSC -> air -> handset -> WAP gateway -> MM1', () => {
  it('delivers a concatenated notification push and the handset retrieves and answers through the gateway', async () => {
    const loc = `http://mmsc.operator.example/mms/${'c'.repeat(180)}`;
    expect(
      await papPush('chain-1', '+15550001', handNotificationInd('T-chain', '+15550002/TYPE=PLMN', 1000, loc)),
    ).toBe(202);
    await ppg.settled();
    await timeline.waitFor(
      (o) => o.kind === 'message' && o.node === 'ue.alice' && o.type === 'm-notifyresp-ind',
      {
        timeoutMs: 10_000,
        description: 'alice answers the notification',
      },
    );
    await alice.settled();
    expect(mm1Seen.map((s) => `${s.method} ${s.url.slice(0, 9)} ${s.msisdn}`)).toEqual([
      'GET /mms/cccc 15550001',
      'POST /mms 15550001',
    ]);
    expect(mm1Seen[1].pdu?.type).toBe('m-notifyresp-ind');
    expect(getHeader(mm1Seen[1].pdu!, 'X-Mms-Transaction-Id')).toBe('T-chain');
    expect(getHeader(mm1Seen[1].pdu!, 'X-Mms-Status')).toBe('Retrieved');
    // Every leg is on the timeline: PAP in, SMPP out of the PPG, the SMSC's submits, the handset's push.
    const seen = new Set(timeline.messages().map((m) => `${m.node}:${m.iface}:${m.type}`));
    for (const k of [
      'ppg:PAP:push-message',
      'ppg:SMPP:submit_sm',
      'smsc:SMPP:submit_sm',
      'ue.alice:WAP-PUSH:wsp-push',
      'ue.alice:MM1:m-notification-ind',
      'wap-gateway:MM1:m-retrieve-conf',
      'wap-gateway:MM1:m-notifyresp-ind',
    ]) {
      expect(seen, k).toContain(k);
    }
  });
});
