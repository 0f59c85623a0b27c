import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirInterface } from '../../mocks/air-interface.ts';
import type { Peer } from '../../mocks/peer.ts';
import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import type { Json, JsonObject } from '../util/json.ts';
import { Timeline } from '../wire/timeline.ts';
import { type RunningMmsc, startReferenceMmsc } from './index.ts';

/**
 * The reference MMSC among the independent mock peers, notifications by PAP:
 * handset alice --MM1 via WAP gateway--> MMSC --PAP--> PPG --SMPP--> SMSC mock --air-->
 * handset bob --GET / m-notifyresp-ind via the gateway--> MMSC --PAP ... --> alice gets
 * the m-delivery-ind. Every decoder on the far side is someone else's code.
 */
const timeline = new Timeline();
const air = new AirInterface();
const peers: Peer[] = [];
let mmsc: RunningMmsc;
let alice: Peer;
let bob: Peer;

beforeAll(async () => {
  const ctx = { timeline, host: '127.0.0.1' as const };
  const deps = { timeline, air };
  const smsc = PEER_KINDS.smsc.create({}, deps);
  peers.push(smsc);
  const [smscEp] = await smsc.start(ctx);
  const ppg = PEER_KINDS.ppg.create(
    { smsc: { port: Number(new URL(smscEp.url).port), systemId: 'ppg', sourceAddr: '9200' } },
    deps,
  );
  peers.push(ppg);
  const [ppgEp] = await ppg.start(ctx);
  mmsc = await startReferenceMmsc(
    {
      notification: { route: 'pap', url: ppgEp.url },
      retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500 },
    },
    { timeline },
  );
  const mm1Url = mmsc.endpoints[0].url;
  const gw = PEER_KINDS['wap-gateway'].create({ upstream: mm1Url }, deps);
  peers.push(gw);
  const [gwEp] = await gw.start(ctx);
  alice = PEER_KINDS.ue.create({ name: 'alice', msisdn: '+15550001', gateway: gwEp.url, mmsc: mm1Url }, deps);
  bob = PEER_KINDS.ue.create({ name: 'bob', msisdn: '+15550002', gateway: gwEp.url, mmsc: mm1Url }, deps);
  peers.push(alice, bob);
  await alice.start(ctx);
  await bob.start(ctx);
}, 30_000);

afterAll(async () => {
  await mmsc?.stop();
  for (const p of peers.reverse()) await p.stop();
});

async function inboxUntil(
  ue: Peer,
  pred: (entries: JsonObject[]) => boolean,
  timeoutMs = 8000,
): Promise<JsonObject[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = (await ue.actions.inbox({})) as Json;
    const entries = (
      Array.isArray(r) ? r : (((r as JsonObject).entries as Json[] | undefined) ?? [])
    ) as JsonObject[];
    if (pred(entries)) return entries;
    if (Date.now() > deadline)
      throw new Error(`inbox of ${ue.name}: ${JSON.stringify(entries).slice(0, 400)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('reference MMSC with the mock peers (PAP route)', () => {
  it('send, notify by PAP/SMPP, retrieve through the gateway, delivery report back', async () => {
    const sent = (await alice.actions.send({
      to: '+15550002',
      subject: 'chain',
      parts: [{ contentType: 'text/plain', text: 'hello bob' }],
      deliveryReport: true,
    })) as JsonObject;
    expect(sent.responseStatus).toBe('Ok');
    const messageId = String(sent.messageId);

    const bobInbox = await inboxUntil(bob, (es) => es.some((e) => e.notifyStatus === 'Retrieved'));
    const entry = bobInbox.find((e) => e.type === 'm-notification-ind')!;
    expect(entry.retrieved).toMatchObject({
      status: 200,
      messageId,
      from: '+15550001/TYPE=PLMN',
      subject: 'chain',
      parts: 1,
    });

    const aliceInbox = await inboxUntil(alice, (es) => JSON.stringify(es).includes('m-delivery-ind'));
    expect(JSON.stringify(aliceInbox)).toContain('Retrieved');

    const mm1 = timeline.messages({ node: 'mmsc', iface: 'MM1' }).map((o) => `${o.direction} ${o.type}`);
    expect(mm1).toEqual(
      expect.arrayContaining([
        'in m-send-req',
        'out m-send-conf',
        'out m-notification-ind',
        'out m-retrieve-conf',
        'in m-notifyresp-ind',
        'out m-delivery-ind',
      ]),
    );
    expect(
      timeline.messages({ node: 'mmsc', iface: 'PAP', type: 'push-response' }).length,
    ).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
