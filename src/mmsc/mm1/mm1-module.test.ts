import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSmsc, type ReceivedPush } from '../../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../../test/support/mm1-client.ts';
import { buildPdu, getHeader, getHeaders, type MmsPdu, mmsSummary } from '../../codec/mms/index.ts';
import { type Observation, Timeline } from '../../wire/timeline.ts';
import { type RunningMmsc, startReferenceMmsc } from '../index.ts';

/** End-to-end over loopback: HTTP MM1 client -> reference MMSC -> SMPP (smpp package server). */

const A = '15550001';
const B = '15550002';
const C = '15550003';
const plmn = (m: string) => `+${m}/TYPE=PLMN`;

let smsc: FakeSmsc;
let mmsc: RunningMmsc;
let client: Mm1Client;
let timeline: Timeline;

async function start(extra: Record<string, unknown> = {}) {
  mmsc = await startReferenceMmsc(
    {
      notification: smsc.route({ throttleBackoffMs: 20 }),
      retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 200 },
      ...extra,
    },
    { timeline },
  );
  client = new Mm1Client(mmsc.endpoints[0].url);
}

beforeEach(async () => {
  smsc = new FakeSmsc();
  await smsc.start();
  timeline = new Timeline();
});

afterEach(async () => {
  client?.close();
  await mmsc?.stop();
  await smsc.stop();
});

const h = (pdu: MmsPdu | undefined, name: string) => (pdu ? getHeader(pdu, name) : undefined);
const loc = (p: ReceivedPush) => String(getHeaders(p.pdu, 'X-Mms-Content-Location')[0]);
const tidOf = (p: ReceivedPush) => String(getHeader(p.pdu, 'X-Mms-Transaction-Id'));
const pushesTo = (m: string) => smsc.pushes.filter((p) => p.to === m);

const waitPush = (pred: (p: ReceivedPush) => boolean, timeoutMs = 5000) => smsc.waitPush(pred, timeoutMs);

/**
 * Resolves once the MMSC has published that message `id`'s first recipient reached `status` (its
 * `recipient-status` event, already on the timeline or still to come): the state a step needs,
 * not a time. The status moves after the push (on the SMSC's submit_sm_resp), so a test that only
 * saw the push may still find the recipient `pending`.
 */
function reachedStatus(id: string, status: string): Promise<void> {
  const hit = (o: Observation) =>
    o.kind === 'event' &&
    o.name === 'recipient-status' &&
    isDeepStrictEqual(o.detail, { messageId: id, index: 0, status });
  return new Promise((resolve) => {
    const stop = timeline.subscribe((o) => {
      if (!hit(o)) return;
      stop();
      resolve();
    });
    if (timeline.all().some(hit)) {
      stop();
      resolve();
    }
  });
}

function notifyResp(tid: string, status: string, version = '1.3', extra: Record<string, string> = {}) {
  return buildPdu('m-notifyresp-ind', {
    'X-Mms-Transaction-Id': tid,
    'X-Mms-MMS-Version': version,
    'X-Mms-Status': status,
    ...extra,
  });
}

describe('MM1 flow', () => {
  it('submit -> store -> submit_sm push -> retrieve -> notifyresp -> delivery report', async () => {
    await start();
    const conf = await client.postPdu(
      sendReq(
        'tx-1',
        [plmn(B)],
        { Bcc: plmn(C), Subject: 'hi', 'X-Mms-Delivery-Report': 'Yes' },
        'hello bob',
      ),
      A,
    );
    expect(conf.status).toBe(200);
    expect(h(conf.pdu, 'X-Mms-Message-Type')).toBe('m-send-conf');
    expect(h(conf.pdu, 'X-Mms-Response-Status')).toBe('Ok');
    const messageId = String(h(conf.pdu, 'Message-ID'));
    expect(messageId.length).toBeGreaterThan(8);

    const push = await waitPush((p) => p.to === B);
    expect(push.pdu.type).toBe('m-notification-ind');
    const s = mmsSummary(push.pdu);
    expect(s.From).toBe(plmn(A));
    expect(s.Subject).toBe('hi');
    // >= 128 random bits, base64url
    expect(loc(push)).toMatch(/\/mms\/[A-Za-z0-9_-]{22,}$/);
    const sub = smsc.submits.find((x) => x.destination_addr === B)!;
    expect(Number(sub.esm_class) & 0x40).toBe(0x40);

    const got = await client.get(loc(push), B);
    expect(got.status).toBe(200);
    expect(got.pdu!.type).toBe('m-retrieve-conf');
    expect(h(got.pdu, 'Message-ID')).toBe(messageId);
    expect(h(got.pdu, 'From')).toBe(plmn(A));
    expect(getHeaders(got.pdu!, 'Bcc')).toEqual([]); // Bcc is not passed on
    expect(new TextDecoder().decode(got.pdu!.parts![0].data)).toBe('hello bob');

    expect((await client.postPdu(notifyResp(tidOf(push), 'Retrieved'), B)).status).toBe(204);
    const dr = await waitPush((p) => p.to === A && p.pdu.type === 'm-delivery-ind');
    expect(h(dr.pdu, 'Message-ID')).toBe(messageId);
    expect(h(dr.pdu, 'X-Mms-Status')).toBe('Retrieved');
    expect(h(dr.pdu, 'To')).toBe(plmn(B));

    // every PDU in and out is on the timeline
    const types = timeline.messages({ iface: 'MM1' }).map((o) => `${o.direction} ${o.type}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'in m-send-req',
        'out m-send-conf',
        'out m-notification-ind',
        'out m-retrieve-conf',
        'in m-notifyresp-ind',
        'out m-delivery-ind',
      ]),
    );
    expect(timeline.messages({ iface: 'SMPP', type: 'submit_sm' }).length).toBeGreaterThanOrEqual(3);
  });

  it('deferred retrieval: Deferred report, later GET + m-acknowledge-ind gives Retrieved', async () => {
    await start();
    await client.postPdu(sendReq('tx-d', plmn(B), { 'X-Mms-Delivery-Report': 'Yes' }), A);
    const push = await waitPush((p) => p.to === B);
    await client.postPdu(notifyResp(tidOf(push), 'Deferred'), B);
    const d1 = await waitPush((p) => p.to === A && h(p.pdu, 'X-Mms-Status') === 'Deferred');
    expect(d1.pdu.type).toBe('m-delivery-ind');
    const got = await client.get(loc(push), B);
    const ackTid = String(h(got.pdu, 'X-Mms-Transaction-Id'));
    const ack = buildPdu('m-acknowledge-ind', { 'X-Mms-Transaction-Id': ackTid, 'X-Mms-MMS-Version': '1.3' });
    expect((await client.postPdu(ack, B)).status).toBe(204);
    await waitPush((p) => p.to === A && h(p.pdu, 'X-Mms-Status') === 'Retrieved');
  });

  it('Report-Allowed: No suppresses the delivery report', async () => {
    await start();
    await client.postPdu(sendReq('tx-ra', plmn(B), { 'X-Mms-Delivery-Report': 'Yes' }), A);
    const push = await waitPush((p) => p.to === B);
    await client.postPdu(notifyResp(tidOf(push), 'Rejected', '1.3', { 'X-Mms-Report-Allowed': 'No' }), B);
    await new Promise((r) => setTimeout(r, 300));
    expect(pushesTo(A)).toEqual([]);
    expect(mmsc.core.store.byToken(loc(push).split('/').pop()!)!.message.recipients[0].status).toBe(
      'rejected',
    );
  });

  it('read report: m-read-rec-ind from the recipient becomes m-read-orig-ind to the sender', async () => {
    await start();
    const conf = await client.postPdu(sendReq('tx-r', plmn(B), { 'X-Mms-Read-Report': 'Yes' }), A);
    const id = String(h(conf.pdu, 'Message-ID'));
    await waitPush((p) => p.to === B);
    const rr = buildPdu('m-read-rec-ind', {
      'X-Mms-MMS-Version': '1.3',
      'Message-ID': id,
      To: plmn(A),
      From: { insertAddress: true },
      'X-Mms-Read-Status': 'Read',
    });
    expect((await client.postPdu(rr, B)).status).toBe(204);
    const orig = await waitPush((p) => p.to === A && p.pdu.type === 'm-read-orig-ind');
    expect(h(orig.pdu, 'X-Mms-Read-Status')).toBe('Read');
    expect(h(orig.pdu, 'From')).toBe(plmn(B));
    expect(h(orig.pdu, 'Message-ID')).toBe(id);
    // a read report by someone who is not a recipient is refused
    expect((await client.postPdu(rr, C)).status).toBe(403);
  });

  it('m-forward-req -> m-forward-conf; the new recipient is notified; the sender gets Forwarded', async () => {
    await start();
    await client.postPdu(sendReq('tx-f', plmn(B), { 'X-Mms-Delivery-Report': 'Yes' }, 'forward me'), A);
    const push = await waitPush((p) => p.to === B);
    const fwd = buildPdu('m-forward-req', {
      'X-Mms-Transaction-Id': 'fw-1',
      'X-Mms-MMS-Version': '1.3',
      From: { insertAddress: true },
      To: plmn(C),
      'X-Mms-Content-Location': loc(push),
    });
    const conf = await client.postPdu(fwd, B);
    expect(conf.pdu!.type).toBe('m-forward-conf');
    expect(h(conf.pdu, 'X-Mms-Response-Status')).toBe('Ok');
    const pc = await waitPush((p) => p.to === C);
    expect(h(pc.pdu, 'From')).toBe(plmn(B));
    const got = await client.get(loc(pc), C);
    expect(new TextDecoder().decode(got.pdu!.parts![0].data)).toBe('forward me');
    expect(mmsSummary(got.pdu!)['X-Mms-Previously-Sent-By']).toEqual([{ count: 1, address: plmn(A) }]);
    await waitPush((p) => p.to === A && h(p.pdu, 'X-Mms-Status') === 'Forwarded');
    // forwarding a location one was not given is refused; an unknown one is not found
    expect(h((await client.postPdu(fwd, C)).pdu, 'X-Mms-Response-Status')).toBe(
      'Error-permanent-service-denied',
    );
    const bogus = buildPdu('m-forward-req', {
      'X-Mms-Transaction-Id': 'fw-2',
      'X-Mms-MMS-Version': '1.3',
      From: { insertAddress: true },
      To: plmn(C),
      'X-Mms-Content-Location': `${mmsc.endpoints[0].url}/AAAAAAAAAAAAAAAAAAAAAAAA`,
    });
    expect(h((await client.postPdu(bogus, B)).pdu, 'X-Mms-Response-Status')).toBe(
      'Error-permanent-message-not-found',
    );
  });

  it('cancel: m-cancel-req pushed to the notified client, location 404, m-cancel-conf accepted', async () => {
    await start();
    const conf = await client.postPdu(sendReq('tx-c', plmn(B)), A);
    const id = String(h(conf.pdu, 'Message-ID'));
    const push = await waitPush((p) => p.to === B);
    await reachedStatus(id, 'notified');
    await mmsc.core.cancel(id);
    const cancel = await waitPush((p) => p.to === B && p.pdu.type === 'm-cancel-req');
    expect(h(cancel.pdu, 'X-Mms-Cancel-ID')).toBe(id);
    expect((await client.get(loc(push), B)).status).toBe(404);
    const cc = buildPdu('m-cancel-conf', {
      'X-Mms-Transaction-Id': String(h(cancel.pdu, 'X-Mms-Transaction-Id')),
      'X-Mms-MMS-Version': '1.3',
      'X-Mms-Cancel-Status': 'Cancel-request-successfully-received',
    });
    expect((await client.postPdu(cc, B)).status).toBe(204);
  });

  it('m-delete-req (1.3) discards a notified message: Rejected report, location 404, others by index', async () => {
    await start();
    const conf = await client.postPdu(
      sendReq('tx-del', [plmn(B)], { 'X-Mms-Delivery-Report': 'Yes' }, 'never read'),
      A,
    );
    const push = await waitPush((p) => p.to === B);
    const stranger = `${loc(push).slice(0, -4)}zzzz`;
    const del = await client.postPdu(
      buildPdu('m-delete-req', {
        'X-Mms-Transaction-Id': 'del-1',
        'X-Mms-MMS-Version': '1.3',
        'X-Mms-Content-Location': [loc(push), stranger],
      }),
      B,
    );
    expect(del.pdu!.type).toBe('m-delete-conf');
    expect(h(del.pdu, 'X-Mms-Transaction-Id')).toBe('del-1');
    expect(getHeaders(del.pdu!, 'X-Mms-Content-Location')).toEqual([{ index: 1, value: stranger }]);
    expect(getHeaders(del.pdu!, 'X-Mms-Response-Status')).toEqual([
      { index: 1, value: 'Error-permanent-message-not-found' },
    ]);
    expect((await client.get(loc(push), B)).status).toBe(404);
    const dr = await waitPush((p) => p.to === A && p.pdu.type === 'm-delivery-ind');
    expect(h(dr.pdu, 'Message-ID')).toBe(h(conf.pdu, 'Message-ID'));
    expect(h(dr.pdu, 'X-Mms-Status')).toBe('Rejected');
    // a second delete of the same location finds nothing left to delete
    const again = await client.postPdu(
      buildPdu('m-delete-req', {
        'X-Mms-Transaction-Id': 'del-2',
        'X-Mms-MMS-Version': '1.3',
        'X-Mms-Content-Location': loc(push),
      }),
      B,
    );
    expect(getHeaders(again.pdu!, 'X-Mms-Response-Status')).toEqual([
      { index: 0, value: 'Error-permanent-message-not-found' },
    ]);
  });

  it('notifies at once with the directories store layout too (a job never runs before its message)', async () => {
    await start({ storeLayout: 'directories' });
    for (let i = 0; i < 5; i++) await client.postPdu(sendReq(`dir-${i}`, [plmn(B)], {}, `m${i}`), A);
    const deadline = Date.now() + 5000;
    while (pushesTo(B).length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pushesTo(B)).toHaveLength(5);
  });

  it('a message already expired when accepted expires at once and reports Expired', async () => {
    await start();
    const conf = await client.postPdu(
      sendReq(
        'tx-exp0',
        [plmn(B)],
        { 'X-Mms-Expiry': { relative: 0 }, 'X-Mms-Delivery-Report': 'Yes' },
        'late',
      ),
      A,
    );
    const id = String(h(conf.pdu, 'Message-ID'));
    const dr = await waitPush((p) => p.to === A && p.pdu.type === 'm-delivery-ind');
    expect(h(dr.pdu, 'X-Mms-Status')).toBe('Expired');
    expect(mmsc.core.store.get(id)?.state).toBe('expired');
  });

  it('a duplicate transaction id returns the same m-send-conf and stores once', async () => {
    await start();
    const pdu = sendReq('tx-dup', plmn(B));
    const [c1, c2] = await Promise.all([client.postPdu(pdu, A), client.postPdu(pdu, A)]);
    const c3 = await client.postPdu(pdu, A);
    const ids = [c1, c2, c3].map((c) => h(c.pdu, 'Message-ID'));
    expect(new Set(ids).size).toBe(1);
    expect(mmsc.core.store.size).toBe(1);
    await waitPush((p) => p.to === B);
    await new Promise((r) => setTimeout(r, 200));
    expect(pushesTo(B).length).toBe(1);
    // the same transaction id from another subscriber is another message
    const other = await client.postPdu(pdu, C);
    expect(h(other.pdu, 'Message-ID')).not.toBe(ids[0]);
  });

  it('a rejected message is no longer served to that recipient (found by mm1.notify.011)', async () => {
    await start();
    await client.postPdu(sendReq('tx-rj', plmn(B), { 'X-Mms-Delivery-Report': 'Yes' }), A);
    const push = await waitPush((p) => p.to === B);
    expect((await client.postPdu(notifyResp(tidOf(push), 'Rejected'), B)).status).toBe(204);
    await waitPush((p) => p.to === A && h(p.pdu, 'X-Mms-Status') === 'Rejected');
    expect((await client.get(loc(push), B)).status).toBe(404);
  });

  it('expiry: an unretrieved message expires, the sender gets Expired, the location goes 404', async () => {
    await start();
    await client.postPdu(
      sendReq('tx-x', plmn(B), { 'X-Mms-Delivery-Report': 'Yes', 'X-Mms-Expiry': { relative: 1 } }),
      A,
    );
    const push = await waitPush((p) => p.to === B);
    const dr = await waitPush((p) => p.to === A && p.pdu.type === 'm-delivery-ind', 5000);
    expect(h(dr.pdu, 'X-Mms-Status')).toBe('Expired');
    expect((await client.get(loc(push), B)).status).toBe(404);
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'expired').length).toBe(1);
  });

  it('refuses reply charging (not offered) with Error-permanent-reply-charging-not-supported (found by mm1.attrs.007)', async () => {
    await start();
    const conf = await client.postPdu(
      sendReq('tx-rc', plmn(B), { 'X-Mms-Reply-Charging': 'Requested', 'X-Mms-Reply-Charging-Size': 1000 }),
      A,
    );
    expect(h(conf.pdu, 'X-Mms-Response-Status')).toBe('Error-permanent-reply-charging-not-supported');
    expect(h(conf.pdu, 'Message-ID')).toBeUndefined();
    expect(mmsc.core.store.size).toBe(0);
  });

  it('X-Mms-Delivery-Time defers the notification', async () => {
    await start();
    const t0 = Date.now();
    await client.postPdu(sendReq('tx-dt', plmn(B), { 'X-Mms-Delivery-Time': { relative: 1 } }), A);
    await new Promise((r) => setTimeout(r, 300));
    expect(pushesTo(B)).toEqual([]);
    await waitPush((p) => p.to === B, 5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });
});

describe('version negotiation', () => {
  it('answers a 1.0 client in 1.0, with 1.0 status codes', async () => {
    await start();
    const pdu = sendReq('tx-v10', plmn(B), { 'X-Mms-MMS-Version': '1.0' });
    const ok = await client.postPdu(pdu, A);
    expect(h(ok.pdu, 'X-Mms-MMS-Version')).toBe('1.0');
    const spoof = sendReq('tx-v10b', plmn(B), { 'X-Mms-MMS-Version': '1.0', From: plmn(C) });
    expect(h((await client.postPdu(spoof, A)).pdu, 'X-Mms-Response-Status')).toBe('Error-service-denied');
  });

  it('m-retrieve-conf uses the lower of the client version and ours, dropping newer headers', async () => {
    await start({ mmsVersion: '1.2' });
    await client.postPdu(
      sendReq('tx-v', plmn(B), { 'X-Mms-Read-Report': 'Yes', 'X-Mms-Content-Class': 'text' }),
      A,
    );
    const push = await waitPush((p) => p.to === B);
    expect(h(push.pdu, 'X-Mms-MMS-Version')).toBe('1.2');
    // the recipient's client speaks 1.1 (learned from its m-notifyresp-ind)
    await client.postPdu(notifyResp(tidOf(push), 'Deferred', '1.1'), B);
    const got = await client.get(loc(push), B);
    expect(h(got.pdu, 'X-Mms-MMS-Version')).toBe('1.1');
    expect(h(got.pdu, 'X-Mms-Content-Class')).toBeUndefined(); // a 1.3 header
    expect(h(got.pdu, 'X-Mms-Read-Report')).toBe('Yes');
    // a 1.3 client of a 1.2 MMSC gets 1.2
    const conf = await client.postPdu(sendReq('tx-v2', plmn(B)), C);
    expect(h(conf.pdu, 'X-Mms-MMS-Version')).toBe('1.2');
  });
});

describe('every m-send-conf Response-Status', () => {
  it.each([
    ['Ok', async () => (await client.postPdu(sendReq('s1', plmn(B)), A)).pdu],
    [
      'Error-permanent-service-denied',
      async () => (await client.postPdu(sendReq('s2', plmn(B), { From: plmn(C) }), A)).pdu,
    ],
    [
      'Error-permanent-sending-address-unresolved',
      async () => (await client.postPdu(sendReq('s3', plmn(B)))).pdu,
    ],
    [
      'Error-sending-address-unresolved',
      async () => (await client.postPdu(sendReq('s3b', plmn(B), { 'X-Mms-MMS-Version': '1.0' }))).pdu,
    ],
    [
      'Error-permanent-message-format-corrupt',
      async () => (await client.post(new Uint8Array([0x8c, 0x80, 0x98, 0x41, 0x42]), A)).pdu,
    ],
    [
      'Error-permanent-message-format-corrupt',
      async () => {
        const p = sendReq('s4', plmn(B));
        p.headers = p.headers.filter((x) => x.name !== 'To');
        return (await client.postPdu(p, A)).pdu;
      },
    ],
    [
      'Error-permanent-content-not-accepted',
      async () => (await client.postPdu(sendReq('s5', plmn(B), {}, 'x'.repeat(2000)), A)).pdu,
    ],
    [
      'Error-permanent-content-not-accepted',
      async () => {
        const p = sendReq('s6', plmn(B));
        p.parts![0].contentType = { mediaType: 'application/x-msdownload', params: [] };
        return (await client.postPdu(p, A)).pdu;
      },
    ],
    [
      'Error-permanent-sending-address-unresolved',
      async () => (await client.postPdu(sendReq('s7', '10.0.0.1/TYPE=IPv4'), A)).pdu,
    ],
    [
      'Error-unsupported-message',
      async () => (await client.postPdu(sendReq('s8', plmn(B), { 'X-Mms-MMS-Version': '2.0' }), A)).pdu,
    ],
    [
      'Error-transient-failure',
      async () => {
        const spy = vi.spyOn(mmsc.core.store, 'create').mockRejectedValueOnce(new Error('ENOSPC'));
        const r = (await client.postPdu(sendReq('s9', plmn(B)), A)).pdu;
        spy.mockRestore();
        return r;
      },
    ],
  ] as Array<[string, () => Promise<MmsPdu | undefined>]>)('%s', async (status, run) => {
    await start({ maxMessageSize: 1024 });
    const pdu = await run();
    expect(pdu?.type).toBe('m-send-conf');
    expect(h(pdu, 'X-Mms-Response-Status')).toBe(status);
    expect(h(pdu, 'Message-ID') !== undefined).toBe(status === 'Ok');
    // and it keeps serving
    expect(
      h((await client.postPdu(sendReq(`after-${status}`, plmn(B)), A)).pdu, 'X-Mms-Response-Status'),
    ).toBe('Ok');
  });

  it('Error-transient-sending-address-unresolved when MM5 cannot answer', async () => {
    // an ENUM server that never answers (a UDP port nobody reads) and no HLR
    const dgram = await import('node:dgram');
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    try {
      await start({ mm5: { enumServer: `127.0.0.1:${sock.address().port}`, timeoutMs: 200 } });
      const conf = await client.postPdu(sendReq('t1', plmn(B)), A);
      expect(h(conf.pdu, 'X-Mms-Response-Status')).toBe('Error-transient-sending-address-unresolved');
    } finally {
      sock.close();
    }
  });
});

describe('bad input gets HTTP 4xx and the server keeps serving', () => {
  it.each([
    [
      'GET unknown location -> 404',
      () => client.get(`${mmsc.endpoints[0].url}/AAAAAAAAAAAAAAAAAAAAAAAA`),
      404,
    ],
    ['GET traversal -> 404', () => client.get(`${mmsc.endpoints[0].url}/..%2F..%2Fetc%2Fpasswd`), 404],
    ['wrong content type -> 415', () => client.post(new Uint8Array([1, 2, 3]), A, 'text/plain'), 415],
    ['not an MMS PDU -> 400', () => client.post(new Uint8Array([0x01, 0x02]), A), 400],
    ['empty body -> 400', () => client.post(new Uint8Array(0), A), 400],
    [
      'PDU a client never sends -> 400',
      () =>
        client.postPdu(
          buildPdu('m-send-conf', { 'X-Mms-Transaction-Id': 'x', 'X-Mms-Response-Status': 'Ok' }),
          A,
        ),
      400,
    ],
    [
      'notifyresp for an unknown transaction -> 404',
      () => client.postPdu(notifyResp('nope', 'Retrieved'), B),
      404,
    ],
  ] as Array<[string, () => Promise<{ status: number }>, number]>)('%s', async (_name, run, status) => {
    await start();
    expect((await run()).status).toBe(status);
    expect(h((await client.postPdu(sendReq('ok', plmn(B)), A)).pdu, 'X-Mms-Response-Status')).toBe('Ok');
  });

  it('someone else cannot retrieve or answer for a recipient', async () => {
    await start();
    await client.postPdu(sendReq('o1', plmn(B)), A);
    const push = await waitPush((p) => p.to === B);
    expect((await client.get(loc(push), C)).status).toBe(403);
    expect((await client.postPdu(notifyResp(tidOf(push), 'Retrieved'), C)).status).toBe(403);
    expect((await client.get(loc(push), B)).status).toBe(200);
  });

  it.each([
    ['no subscriber header', undefined],
    ['a blank one', '   '],
    ['a non-numeric one', 'anonymous'],
  ])(
    'a caller with %s is served neither the message nor its transaction (403), the recipient still is',
    async (_n, who) => {
      await start();
      const id = String(h((await client.postPdu(sendReq('o2', plmn(B)), A)).pdu, 'Message-ID'));
      const push = await waitPush((p) => p.to === B);
      await reachedStatus(id, 'notified');
      expect((await client.get(loc(push), who)).status).toBe(403);
      expect((await client.postPdu(notifyResp(tidOf(push), 'Retrieved'), who)).status).toBe(403);
      expect(mmsc.core.store.byToken(loc(push).split('/').pop()!)!.message.recipients[0].status).toBe(
        'notified',
      );
      expect((await client.get(loc(push), B)).status).toBe(200);
    },
  );
});

describe('SMPP notification route', () => {
  it('backs off on ESME_RTHROTTLED and still delivers', async () => {
    smsc.throttleNext = 3;
    await start();
    await client.postPdu(sendReq('th', plmn(B)), A);
    await waitPush((p) => p.to === B);
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'smpp-throttled').length).toBe(3);
  });

  it('reconnects after the SMSC drops the connection and delivers from the queue', async () => {
    await start();
    await client.postPdu(sendReq('rc1', plmn(B)), A);
    await waitPush((p) => p.to === B);
    const binds = smsc.binds;
    smsc.dropAll();
    await client.postPdu(sendReq('rc2', plmn(C)), A);
    await waitPush((p) => p.to === C);
    expect(smsc.binds).toBeGreaterThan(binds);
  });

  it('retries a notification from the durable queue while the SMSC refuses binds', async () => {
    smsc.refuseBinds = 0x0d;
    await start();
    await client.postPdu(sendReq('rb', plmn(B)), A);
    await new Promise((r) => setTimeout(r, 300));
    expect(pushesTo(B)).toEqual([]);
    smsc.refuseBinds = undefined;
    await waitPush((p) => p.to === B, 8000);
  });
});
