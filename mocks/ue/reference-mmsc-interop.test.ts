import { afterEach, describe, expect, it } from 'vitest';
import { type RunningMmsc, startReferenceMmsc } from '../../src/mmsc/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import type { MessageObservation } from '../../src/wire/timeline.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { AirInterface } from '../air-interface.ts';
import type { Peer } from '../peer.ts';
import { PEER_KINDS } from '../peer-kinds.ts';
import type { WapGateway } from '../wap-gateway/wap-gateway.ts';
import type { Handset } from './handset.ts';

/**
 * Our handsets and gateways against the reference MMSC (src/mmsc), with both notification
 * routes: SMPP straight to the SMSC mock, and PAP through the PPG mock to the SMSC mock.
 * alice sends to bob through the WAP gateway; the MMSC identifies alice from the gateway's
 * subscriber header, pushes bob a notification, bob retrieves through the gateway and answers.
 */
let stack: { peers: Peer[]; mmsc?: RunningMmsc } = { peers: [] };

afterEach(async () => {
  for (const p of stack.peers.reverse()) await p.stop();
  await stack.mmsc?.stop();
  stack = { peers: [] };
});

async function startStack(route: 'smpp' | 'pap') {
  const timeline = new Timeline();
  const air = new AirInterface();
  const deps = { timeline, air };
  const ctx = { timeline, host: '127.0.0.1' as const };
  const start = async (kind: string, config: JsonObject) => {
    const p = PEER_KINDS[kind].create(config, deps);
    stack.peers.push(p);
    return { peer: p, eps: await p.start(ctx) };
  };
  const smsc = await start('smsc', {});
  const smscPort = Number(new URL(smsc.eps[0].url).port);
  let notification: JsonObject;
  if (route === 'pap') {
    const ppg = await start('ppg', { smsc: { port: smscPort, systemId: 'ppg', sourceAddr: '9200' } });
    notification = { route: 'pap', url: ppg.eps[0].url };
  } else {
    notification = { route: 'smpp', host: '127.0.0.1', port: smscPort, systemId: 'mmsc', password: 'pw' };
  }
  stack.mmsc = await startReferenceMmsc({ fsync: false, notification }, { timeline });
  const mm1 = stack.mmsc.endpoints.find((e) => e.iface === 'MM1')!.url;
  const gw = await start('wap-gateway', { upstream: mm1 });
  const gwUrl = gw.eps[0].url;
  const ue = async (name: string, msisdn: string) =>
    (await start('ue', { name, msisdn, gateway: gwUrl, mmsc: 'http://mmsc.operator.example/mms' }))
      .peer as Handset;
  const alice = await ue('alice', '+15550001');
  const bob = await ue('bob', '+15550002');
  return { timeline, alice, bob, gw: gw.peer as WapGateway };
}

describe.each(['smpp', 'pap'] as const)(
  'handsets through the WAP gateway against the reference MMSC (route %s)',
  (route) => {
    it('alice sends, bob is notified, retrieves through the gateway and answers', async () => {
      const { timeline, alice, bob } = await startStack(route);
      const sent = (await alice.actions.send({
        to: '+15550002',
        subject: 'interop',
        parts: [{ contentType: 'text/plain', text: 'hello bob' }],
      })) as Record<string, unknown>;
      expect(sent).toMatchObject({ status: 200, responseStatus: 'Ok' });
      expect(typeof sent.messageId).toBe('string');

      await timeline.waitFor(
        (o) =>
          o.kind === 'message' &&
          o.node === 'ue.bob' &&
          o.type === 'm-notifyresp-ind' &&
          o.direction === 'out',
        { timeoutMs: 15_000, description: 'bob answers the notification' },
      );
      await bob.settled();
      const inbox = (await bob.actions.inbox({})) as Array<Record<string, unknown>>;
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ type: 'm-notification-ind', state: 'retrieved' });
      const retrieved = inbox[0].retrieved as Record<string, unknown>;
      expect(retrieved.messageId).toBe(sent.messageId);
      // The MMSC took the sender from the gateway's subscriber header (alice sent Insert-address-token).
      expect(retrieved.from).toMatch(/15550001/);
      const conf = timeline.messages({ node: 'ue.bob', type: 'm-retrieve-conf' })[0] as MessageObservation;
      expect((conf.fields as Record<string, unknown>).Subject).toBe('interop');
      // The MMSC got bob's m-notifyresp-ind relayed by the gateway.
      await timeline.waitFor(
        (o) => o.kind === 'message' && o.node === 'mmsc' && o.type === 'm-notifyresp-ind',
        {
          timeoutMs: 5_000,
          description: 'the MMSC receives the m-notifyresp-ind',
        },
      );
    });

    it('delivery and read reports come back to alice by push', async () => {
      const { timeline, alice, bob } = await startStack(route);
      const sent = (await alice.actions.send({
        to: '+15550002',
        parts: [{ contentType: 'text/plain', text: 'report me' }],
        deliveryReport: true,
        readReport: true,
      })) as Record<string, unknown>;
      expect(sent.responseStatus).toBe('Ok');
      const pushedTo = (node: string, type: string) =>
        timeline.waitFor(
          (o) => o.kind === 'message' && o.node === node && o.type === type && o.direction === 'in',
          {
            timeoutMs: 15_000,
            description: `${type} reaches ${node}`,
          },
        );
      await pushedTo('ue.bob', 'm-retrieve-conf');
      await bob.settled();
      const read = (await bob.actions['read-report']({
        messageId: sent.messageId as string,
        to: '+15550001',
        status: 'Read',
      })) as Record<string, unknown>;
      expect(read.status).toBeLessThan(300);
      await pushedTo('ue.alice', 'm-delivery-ind');
      await pushedTo('ue.alice', 'm-read-orig-ind');
      await alice.settled();
      const inbox = (await alice.actions.inbox({})) as Array<Record<string, unknown>>;
      const byType = Object.fromEntries(inbox.map((e) => [e.type, e]));
      expect(byType['m-delivery-ind']).toMatchObject({ state: 'report', messageId: sent.messageId });
      expect((byType['m-delivery-ind'].fields as Record<string, unknown>)['X-Mms-Status']).toBe('Retrieved');
      expect(byType['m-read-orig-ind']).toMatchObject({ state: 'report', messageId: sent.messageId });
    });

    it('with the subscriber headers stripped the MMSC cannot identify the sender', async () => {
      const { alice, gw } = await startStack(route);
      gw.use({ kind: 'strip-msisdn' });
      const sent = (await alice.actions.send({
        to: '+15550002',
        parts: [{ contentType: 'text/plain', text: 'x' }],
      })) as Record<string, unknown>;
      expect(sent.responseStatus).toMatch(/^Error-/);
    });
  },
);
