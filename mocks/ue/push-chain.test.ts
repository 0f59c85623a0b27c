import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMms, getHeader, type MmsPdu } from '../../src/codec/mms/index.ts';
import { buildPcapng } from '../../src/wire/build-pcapng.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { pcapCheck, tsharkFields, tsharkOracleReady } from '../../test/support/tshark.ts';
import { handNotificationInd, handRetrieveConf } from '../../test/support/wap-test-pdus.ts';
import { AirInterface } from '../air-interface.ts';
import type { Peer } from '../peer.ts';
import { PEER_KINDS } from '../peer-kinds.ts';
import type { PushProxyGateway } from '../wap-gateway/ppg.ts';
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
const ports = { mm1: 0, gw: 0, smsc: 0, ppg: 0 };

const hasTshark = tsharkOracleReady('push-chain');

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
  ports.mm1 = (mm1.address() as AddressInfo).port;
  const mm1Url = `http://127.0.0.1:${ports.mm1}/mms`;
  const ctx = { timeline, host: '127.0.0.1' as const };
  const deps = { timeline, air };

  const smsc = PEER_KINDS.smsc.create({}, deps);
  peers.push(smsc);
  const [smscEp] = await smsc.start(ctx);
  const smscPort = Number(new URL(smscEp.url).port);
  ports.smsc = smscPort;

  const gw = PEER_KINDS['wap-gateway'].create({ upstream: mm1Url }, deps);
  peers.push(gw);
  const [gwEp] = await gw.start(ctx);
  ports.gw = Number(new URL(gwEp.url).port);

  ppg = PEER_KINDS.ppg.create(
    { smsc: { port: smscPort, systemId: 'ppg', sourceAddr: '9200' } },
    deps,
  ) as PushProxyGateway;
  peers.push(ppg);
  [{ url: ppgUrl }] = await ppg.start(ctx);
  ports.ppg = Number(new URL(ppgUrl).port);

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

  it.skipIf(!hasTshark)(
    'the recorded capture decodes in tshark: X-MSISDN on MM1, WAP push SMS down to the m-notification-ind',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-chain-'));
      try {
        const file = path.join(dir, 'chain.pcapng');
        writeFileSync(file, buildPcapng(timeline.all(), { originEpochMs: timeline.originEpochMs }));
        const decodeAs = [
          ...['gw', 'mm1', 'ppg'].map((k) => `tcp.port==${ports[k as keyof typeof ports]},http`),
          `tcp.port==${ports.smsc},smpp`,
        ];
        const check = pcapCheck(file, ['http', 'smpp', 'wsp', 'mmse'], decodeAs);
        expect(check.status, check.out).toBe(0);
        const fields = (filter: string, ...names: string[]) =>
          tsharkFields(file, filter, names, { decodeAs, aggregator: ',' });
        // The gateway's leg to the MMSC carries the subscriber header; the handset's leg does not.
        const toMmsc = fields(`http.request && tcp.dstport==${ports.mm1}`, 'http.request.line').map(
          (r) => r[0],
        );
        expect(toMmsc.length).toBe(2);
        for (const lines of toMmsc) expect(lines).toContain('X-WAP-Network-Client-MSISDN: 15550001');
        const fromUe = fields(`http.request && tcp.dstport==${ports.gw}`, 'http.request.line').map(
          (r) => r[0],
        );
        for (const lines of fromUe) expect(lines).not.toContain('MSISDN');
        // The PPG's submit_sm: 8-bit data, UDHI, to alice, reassembled by tshark into the WSP push of the notification.
        const submits = fields(
          `smpp.command_id==0x00000004 && tcp.dstport==${ports.smsc}`,
          'smpp.destination_addr',
          'smpp.data_coding',
          'mmse.message_type',
          'mmse.transaction_id',
        );
        expect(submits.length).toBeGreaterThan(1);
        for (const r of submits) expect(r.slice(0, 2)).toEqual(['15550001', '0x04']);
        expect(submits.some((r) => r[2] === '0x82' && r[3] === 'T-chain')).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
