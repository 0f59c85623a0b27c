import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpSend } from '../../../mocks/mail/smtp-send.ts';
import {
  ALICE,
  BOB,
  hdr,
  inbox,
  OUR_DOMAIN,
  REMOTE_DOMAIN,
  RITA,
  remoteReceived,
  startTestNetwork,
  type TestNetwork,
  until,
} from '../../../test/support/mm4-test-network.ts';
import type { JsonObject } from '../../util/json.ts';

/**
 * MM4 end to end over loopback: handsets (MM1 through the WAP gateway, pushes by SMPP over the
 * air interface) <-> reference MMSC <-> remote MMSC mock (SMTP, its own MM4 decoder and
 * validator), MM5 by the HLR mock's ENUM DNS.
 */

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork();
}, 30_000);

afterAll(async () => {
  await net?.stop();
});

const ritaAt = (d = REMOTE_DOMAIN) => `+${RITA}/TYPE=PLMN@${d}`;
const statusOf = (id: string, i = 0) => net.mmsc.core.store.get(id)?.recipients[i]?.status;

async function aliceSends(extra: JsonObject = {}, on = net): Promise<string> {
  const sent = (await on.alice.actions.send({
    to: `+${RITA}`,
    subject: 'to the other network',
    parts: [{ contentType: 'text/plain', text: 'hello rita' }],
    ...extra,
  })) as JsonObject;
  expect(sent.responseStatus).toBe('Ok');
  return String(sent.messageId);
}

/** The remote's MM4_delivery_report.REQ from rita for an MM we never forwarded. */
async function reportForUnknownMm(messageId: string): Promise<JsonObject> {
  return (await net.remote.actions.deliveryReport({
    messageId,
    from: ritaAt(),
    to: `+${ALICE}/TYPE=PLMN@${OUR_DOMAIN}`,
    rcptTo: `mms@${OUR_DOMAIN}`,
  })) as JsonObject;
}

function forwardsFor(id: string, on = net) {
  return remoteReceived(on.remote, 'MM4_forward.REQ').then((ms) =>
    ms.filter((m) => hdr(m, 'X-Mms-Message-ID') === id),
  );
}

describe('MM4 out: MM1 -> MM4_forward.REQ -> RES -> reports back to the handset', () => {
  it('forwards, maps RES Ok to Forwarded and the remote delivery / read reports to MM1 PDUs', async () => {
    const id = await aliceSends({ deliveryReport: true, readReport: true });
    const [fwd] = await until(
      () => forwardsFor(id),
      (m) => m.length === 1,
      'forward at the remote',
    );
    // Judged by the remote mock's own validator (validateMm4): no issues, SMTP 250.
    expect(fwd.issues).toEqual([]);
    expect(fwd.accepted).toBe(true);
    expect(fwd.rcptTo).toEqual([ritaAt()]);
    expect(hdr(fwd, 'From')).toBe(`+${ALICE}/TYPE=PLMN@${OUR_DOMAIN}`);
    expect(hdr(fwd, 'To')).toBe(ritaAt());
    expect(hdr(fwd, 'X-Mms-Ack-Request')).toBe('Yes');
    expect(hdr(fwd, 'X-Mms-Delivery-Report')).toBe('Yes');
    expect(hdr(fwd, 'X-Mms-Read-Reply')).toBe('Yes');
    expect(hdr(fwd, 'Subject')).toBe('to the other network');
    expect(hdr(fwd, 'X-Mms-Originator-System')).toBe(`mms@${OUR_DOMAIN}`);

    // RES Ok -> forwarded; the remote's delivery report (Retrieved) -> retrieved.
    await until(
      () => statusOf(id),
      (s) => s === 'retrieved',
      'recipient retrieved',
    );
    const reports = await until(
      () => inbox(net.alice),
      (es) =>
        es.filter((e) => e.type === 'm-delivery-ind' && e.messageId === id).length >= 2 &&
        es.some((e) => e.type === 'm-read-orig-ind' && e.messageId === id),
      'delivery and read reports at alice',
    );
    const statuses = reports
      .filter((e) => e.type === 'm-delivery-ind' && e.messageId === id)
      .map((e) => (e.fields as JsonObject)['X-Mms-Status']);
    expect(statuses).toEqual(expect.arrayContaining(['Forwarded', 'Retrieved']));
    const read = reports.find((e) => e.type === 'm-read-orig-ind' && e.messageId === id)!;
    expect((read.fields as JsonObject)['X-Mms-Read-Status']).toBe('Read');

    // Our RES to each report (they asked with X-Mms-Ack-Request: Yes), valid by the remote's checks.
    for (const type of ['MM4_delivery_report.RES', 'MM4_read_reply_report.RES']) {
      const res = await until(
        () => remoteReceived(net.remote, type),
        (ms) => ms.some((m) => hdr(m, 'X-Mms-Message-ID') === id),
        type,
      );
      const mine = res.find((m) => hdr(m, 'X-Mms-Message-ID') === id)!;
      expect(mine.issues).toEqual([]);
      expect(hdr(mine, 'X-Mms-Request-Status-Code')).toBe('Ok');
    }
    const out = net.timeline.messages({ node: 'mmsc', iface: 'MM4' }).map((o) => `${o.direction} ${o.type}`);
    expect(out).toEqual(
      expect.arrayContaining([
        'out MM4_forward.REQ',
        'in MM4_forward.RES',
        'in MM4_delivery_report.REQ',
        'out MM4_delivery_report.RES',
        'in MM4_read_reply_report.REQ',
        'out MM4_read_reply_report.RES',
      ]),
    );
    // Every observation carries the bytes; the tap recorded the SMTP dialogue.
    expect(
      net.timeline.messages({ node: 'mmsc', iface: 'MM4' }).every((o) => o.raw && o.raw.length > 0),
    ).toBe(true);
    expect(
      net.timeline.query((o) => o.kind === 'bytes' && o.iface === 'MM4' && o.node === 'mmsc').length,
    ).toBeGreaterThan(0);
  }, 20_000);

  it('a mixed recipient list: the local one is notified, only the foreign one is in the envelope', async () => {
    const sent = (await net.alice.actions.send({
      to: [`+${BOB}`, `+${RITA}`],
      bcc: 'carol@example.com',
      subject: 'mixed',
      parts: [{ contentType: 'text/plain', text: 'to both' }],
    })) as JsonObject;
    expect(sent.responseStatus).toBe('Ok');
    const id = String(sent.messageId);
    const [fwd] = await until(
      () => forwardsFor(id),
      (m) => m.length === 1,
      'forward',
    );
    expect(fwd.rcptTo).toEqual([ritaAt()]);
    // Every visible recipient at its own MMSC's domain; the Bcc recipient is not named (§8.4.1.1).
    expect(hdr(fwd, 'To')).toBe(`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}, ${ritaAt()}`);
    expect(JSON.stringify(fwd.fields)).not.toContain('carol@example.com');
    await until(
      () => inbox(net.bob),
      (es) => es.some((e) => (e.retrieved as JsonObject)?.messageId === id),
      'bob retrieved his copy',
    );
  }, 20_000);

  it('retries after an SMTP 4xx from the remote, then forwards', async () => {
    net.remote.use({ kind: 'smtp-error', code: 451 });
    const id = await aliceSends();
    await until(
      () => forwardsFor(id),
      (m) => m.length >= 1 && m.every((x) => x.accepted === false),
      'refused try',
    );
    expect(statusOf(id)).toBe('pending');
    net.remote.resetBehaviours();
    await until(
      () => statusOf(id),
      (s) => s === 'forwarded',
      'forwarded after retry',
    );
    const tries = await forwardsFor(id);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    // The same Transaction-ID on every attempt: the peer can recognise a repeat.
    expect(new Set(tries.map((t) => hdr(t, 'X-Mms-Transaction-ID'))).size).toBe(1);
  }, 20_000);

  it('retries when the remote never answers with a RES (timeout), then forwards', async () => {
    net.remote.use({ kind: 'never-answer' });
    const id = await aliceSends();
    await net.timeline.waitFor(
      (o) => o.kind === 'event' && o.name === 'mm4-res-timeout' && JSON.stringify(o.detail).includes(id),
      { timeoutMs: 8000 },
    );
    expect(statusOf(id)).toBe('pending');
    net.remote.resetBehaviours();
    await until(
      () => statusOf(id),
      (s) => s === 'forwarded' || s === 'retrieved',
      'forwarded after timeout',
    );
  }, 20_000);

  it('a transient RES status (Error-network-problem) is retried with the same Transaction-ID', async () => {
    net.remote.use({ kind: 'reject', requestStatusCode: 'Error-network-problem' });
    const id = await aliceSends();
    await until(
      () => forwardsFor(id),
      (m) => m.length >= 1,
      'first try',
    );
    await net.timeline.waitFor(
      (o) =>
        o.kind === 'event' &&
        o.name === 'mm4-res' &&
        JSON.stringify(o.detail).includes('Error-network-problem'),
      { timeoutMs: 8000 },
    );
    expect(statusOf(id)).toBe('pending');
    net.remote.resetBehaviours();
    await until(
      () => statusOf(id),
      (s) => s === 'forwarded' || s === 'retrieved',
      'forwarded after retry',
    );
    const tries = await forwardsFor(id);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tries.map((t) => hdr(t, 'X-Mms-Transaction-ID'))).size).toBe(1);
  }, 20_000);

  it('a permanent RES error fails the recipient and reports it to the originator', async () => {
    net.remote.use({ kind: 'reject', requestStatusCode: 'Error-service-denied' });
    try {
      const id = await aliceSends({ deliveryReport: true });
      await until(
        () => statusOf(id),
        (s) => s === 'failed',
        'failed',
      );
      expect(net.mmsc.core.store.get(id)?.recipients[0].reason).toContain('Error-service-denied');
      await until(
        () => inbox(net.alice),
        (es) => es.some((e) => e.type === 'm-delivery-ind' && e.messageId === id),
        'Unreachable report',
      );
    } finally {
      net.remote.resetBehaviours();
    }
  }, 20_000);
});

describe('MM4 out: expiry while a forward is in flight', () => {
  // Its own network: a RES timeout (5 s) longer than the remote's hold, so the forward succeeds.
  let slowNet: TestNetwork;
  beforeAll(async () => {
    slowNet = await startTestNetwork({ mm4ResponseTimeoutMs: 5000 });
  }, 30_000);
  afterAll(async () => {
    await slowNet?.stop();
  });

  it('a forward the peer accepts as the message expires stays Forwarded: no Expired report', async () => {
    // The remote holds its SMTP answer past the 1 s expiry: the forward is running when the
    // message expires. Before the fix the copy was reported Expired although it had been handed on.
    slowNet.remote.use({ kind: 'slow', ms: 1800 });
    try {
      const id = await aliceSends({ deliveryReport: true, expiry: 1 }, slowNet);
      await until(
        () => slowNet.mmsc.core.store.get(id)?.state,
        (s) => s === 'expired',
        'message expired',
      );
      const settled = await until(
        () => slowNet.mmsc.core.store.get(id)?.recipients[0]?.status,
        (s) => s !== 'pending',
        'copy settled',
      );
      // forwarded, or already retrieved by the time we look (the remote's delivery report)
      expect(['forwarded', 'retrieved']).toContain(settled);
      expect(await forwardsFor(id, slowNet)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 300));
      const reports = (await inbox(slowNet.alice)).filter(
        (e) => e.type === 'm-delivery-ind' && e.messageId === id,
      );
      expect(JSON.stringify(reports)).not.toContain('Expired');
    } finally {
      slowNet.remote.resetBehaviours();
    }
  }, 20_000);
});

describe('MM4 in: remote MMSC -> local handset', () => {
  it('a forward reaches bob (notified, retrieved), RES Ok, delivery and read reports go back', async () => {
    const r = (await net.remote.actions.forward({
      from: ritaAt(),
      to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`],
      subject: 'from abroad',
      text: 'hi bob, from rita',
      deliveryReport: true,
      readReply: true,
      waitMs: 8000,
    })) as JsonObject;
    expect((r.smtp as JsonObject).ok).toBe(true);
    expect(r.requestStatusCode).toBe('Ok');
    const mmId = String(r.messageId);
    const entries = await until(
      () => inbox(net.bob),
      (es) =>
        es.some((e) => e.notifyStatus === 'Retrieved' && (e.retrieved as JsonObject)?.messageId === mmId),
      'bob retrieved',
    );
    const got = entries.find((e) => (e.retrieved as JsonObject)?.messageId === mmId)!;
    expect(got.retrieved).toMatchObject({
      status: 200,
      from: `+${RITA}/TYPE=PLMN`,
      subject: 'from abroad',
      parts: 1,
    });

    const dr = await until(
      () => remoteReceived(net.remote, 'MM4_delivery_report.REQ'),
      (ms) => ms.some((m) => hdr(m, 'X-Mms-Message-ID') === mmId),
      'delivery report at the remote',
    );
    const report = dr.find((m) => hdr(m, 'X-Mms-Message-ID') === mmId)!;
    expect(report.issues).toEqual([]);
    expect(hdr(report, 'X-Mms-MMS-Status')).toBe('Retrieved');
    expect(hdr(report, 'From')).toBe(`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`);
    expect(hdr(report, 'To')).toBe(ritaAt());

    await net.bob.actions['read-report']({ messageId: mmId, to: `+${RITA}` });
    const rr = await until(
      () => remoteReceived(net.remote, 'MM4_read_reply_report.REQ'),
      (ms) => ms.some((m) => hdr(m, 'X-Mms-Message-ID') === mmId),
      'read reply at the remote',
    );
    const read = rr.find((m) => hdr(m, 'X-Mms-Message-ID') === mmId)!;
    expect(read.issues).toEqual([]);
    expect(hdr(read, 'X-Mms-Read-Status')).toBe('Read');
  }, 20_000);

  it('no read-reply report goes back when the forward did not ask for one', async () => {
    const r = (await net.remote.actions.forward({
      from: ritaAt(),
      to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`],
      subject: 'no read reply wanted',
      text: 'quiet',
      readReply: false,
      waitMs: 8000,
    })) as JsonObject;
    expect(r.requestStatusCode).toBe('Ok');
    const mmId = String(r.messageId);
    await until(
      () => inbox(net.bob),
      (es) =>
        es.some((e) => e.notifyStatus === 'Retrieved' && (e.retrieved as JsonObject)?.messageId === mmId),
      'bob retrieved',
    );
    await net.bob.actions['read-report']({ messageId: mmId, to: `+${RITA}` });
    await net.timeline.waitFor(
      (o) =>
        o.kind === 'event' && o.name === 'report-not-requested' && JSON.stringify(o.detail).includes(mmId),
      { timeoutMs: 8000 },
    );
    const rr = await remoteReceived(net.remote, 'MM4_read_reply_report.REQ');
    expect(rr.some((m) => hdr(m, 'X-Mms-Message-ID') === mmId)).toBe(false);
  }, 20_000);

  it('a repeated Transaction-ID from the same peer is stored once and answered Ok again', async () => {
    const before = net.mmsc.core.store.size;
    const send = () =>
      net.remote.actions.forward({
        from: ritaAt(),
        to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`],
        text: 'once',
        transactionId: 'dup-tx-1',
        messageId: 'dup-msg-000001',
        waitMs: 8000,
      }) as Promise<JsonObject>;
    const first = await send();
    const second = await send();
    expect(first.requestStatusCode).toBe('Ok');
    expect(second.requestStatusCode).toBe('Ok');
    expect(net.mmsc.core.store.size).toBe(before + 1);
    expect(net.mmsc.core.store.get('dup-msg-000001')?.recipients).toHaveLength(1);
  }, 20_000);

  it('two forwards of one MM (one per recipient, the same X-Mms-Message-ID) arriving at once are both kept', async () => {
    // an originating MMSC sends one forward per recipient (3GPP TS 23.140 §8.4.1.1 lets it), each
    // its own Transaction-ID; they may arrive side by side: neither may overwrite the other
    const before = net.mmsc.core.store.size;
    const send = (to: string, transactionId: string) =>
      net.remote.actions.forward({
        from: ritaAt(),
        to: [`+${to}/TYPE=PLMN@${OUR_DOMAIN}`],
        text: 'one MM, two forwards',
        transactionId,
        messageId: 'split-msg-000001',
        waitMs: 8000,
      }) as Promise<JsonObject>;
    const res = await Promise.all([send(BOB, 'split-tx-1'), send(ALICE, 'split-tx-2')]);
    expect(res.map((r) => r.requestStatusCode)).toEqual(['Ok', 'Ok']);
    expect(net.mmsc.core.store.size).toBe(before + 2);
    const kept = [...net.mmsc.core.store.all()]
      .filter((m) => m.originInfo?.mm4MessageId === 'split-msg-000001')
      .flatMap((m) => m.recipients.map((r) => r.address.split('/')[0]));
    expect(kept.sort()).toEqual([`+${ALICE}`, `+${BOB}`].sort());
  }, 20_000);

  it('a forward breaking the §8.4 tables gets RES Error-message-format-corrupt', async () => {
    const r = (await net.remote.actions.forward({
      from: ritaAt(),
      to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`],
      text: 'bad',
      headers: { 'X-Mms-Priority': 'Urgent' },
      validate: false,
      waitMs: 8000,
    })) as JsonObject;
    expect(r.requestStatusCode).toBe('Error-message-format-corrupt');
    expect(JSON.stringify(r.res)).toContain('X-Mms-Priority');
  }, 20_000);

  it('an unknown recipient gets RES Error-sending-address-unresolved', async () => {
    const r = (await net.remote.actions.forward({
      from: ritaAt(),
      to: [`+15550999/TYPE=PLMN@${OUR_DOMAIN}`],
      text: 'nobody',
      waitMs: 8000,
    })) as JsonObject;
    expect(r.requestStatusCode).toBe('Error-sending-address-unresolved');
  }, 20_000);

  it('a forward for a number that lives elsewhere is refused, not relayed on', async () => {
    const before = (await remoteReceived(net.remote, 'MM4_forward.REQ')).length;
    const r = (await net.remote.actions.forward({
      from: ritaAt(),
      to: [`+${RITA}/TYPE=PLMN@${OUR_DOMAIN}`],
      text: 'bounce me around',
      waitMs: 8000,
    })) as JsonObject;
    expect(r.requestStatusCode).toBe('Error-sending-address-unresolved');
    await new Promise((res) => setTimeout(res, 300));
    expect((await remoteReceived(net.remote, 'MM4_forward.REQ')).length).toBe(before);
  }, 20_000);

  it('a delivery report for an unknown MM gets RES Error-message-not-found', async () => {
    const r = await reportForUnknownMm('no-such-message-1');
    expect((r.smtp as JsonObject).ok).toBe(true);
    const res = await until(
      () => remoteReceived(net.remote, 'MM4_delivery_report.RES'),
      (ms) => ms.some((m) => hdr(m, 'X-Mms-Transaction-ID') === r.transactionId),
      'RES',
    );
    const mine = res.find((m) => hdr(m, 'X-Mms-Transaction-ID') === r.transactionId)!;
    expect(hdr(mine, 'X-Mms-Request-Status-Code')).toBe('Error-message-not-found');
  }, 20_000);
});

describe('MM4 in: a retransmitted report while its RES is being sent', () => {
  it('gets a RES of its own (the one in flight may have left before it arrived)', async () => {
    // The remote sends its report twice and holds its DATA answer to our RES for 1.5 s: the
    // first RES is on the wire when the second copy arrives. Before the fix the second copy was
    // folded into that RES, which could reach the remote before the retransmission was complete.
    net.remote.use({ kind: 'duplicate' });
    net.remote.use({ kind: 'slow', ms: 1500 });
    try {
      const r = await reportForUnknownMm('no-such-message-2');
      expect((r.smtp as JsonObject).ok).toBe(true);
      const res = await until(
        () => remoteReceived(net.remote, 'MM4_delivery_report.RES'),
        (ms) => ms.filter((m) => hdr(m, 'X-Mms-Transaction-ID') === r.transactionId).length >= 2,
        'a RES for each copy',
      );
      const mine = res.filter((m) => hdr(m, 'X-Mms-Transaction-ID') === r.transactionId);
      expect(mine.map((m) => hdr(m, 'X-Mms-Request-Status-Code'))).toEqual([
        'Error-message-not-found',
        'Error-message-not-found',
      ]);
    } finally {
      net.remote.resetBehaviours();
    }
  }, 20_000);
});

describe('MM4 in: SMTP refusals (never an open relay)', () => {
  const valid = new TextEncoder().encode(
    'X-Mms-3GPP-MMS-Version: 6.10.0\r\nX-Mms-Message-Type: MM4_forward.REQ\r\nX-Mms-Transaction-ID: t1\r\n' +
      `X-Mms-Message-ID: m1\r\nSender: system-user@${REMOTE_DOMAIN}\r\nFrom: ${ritaAt()}\r\nTo: +${BOB}/TYPE=PLMN@${OUR_DOMAIN}\r\n` +
      'Date: Sun, 22 Nov 2026 03:00:00 +0000\r\nContent-Type: text/plain\r\n\r\nhi\r\n',
  );

  it('refuses recipients outside our domains with 550 5.7.1', async () => {
    const r = await smtpSend(
      { url: net.mm4Url, tls: 'none', name: REMOTE_DOMAIN },
      { from: `system-user@${REMOTE_DOMAIN}`, to: [`+15550005/TYPE=PLMN@other.example`] },
      valid,
    );
    expect(r.ok).toBe(false);
    expect(r.code).toBe(550);
    expect(r.response).toContain('5.7.1');
  });

  it('refuses clients that are not configured MM4 peers with 550 5.7.1', async () => {
    const r = await smtpSend(
      { url: net.mm4Url, tls: 'none', name: 'stranger.example' },
      { from: 'someone@stranger.example', to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`] },
      valid,
    );
    expect(r.ok).toBe(false);
    expect(r.code).toBe(550);
    expect(r.response).toContain('5.7.1');
  });

  it('answers mail that is not MM4 with 554 5.6.0 and keeps serving', async () => {
    const r = await smtpSend(
      { url: net.mm4Url, tls: 'none', name: REMOTE_DOMAIN },
      { from: `system-user@${REMOTE_DOMAIN}`, to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`] },
      new TextEncoder().encode('Subject: hello\r\n\r\njust mail\r\n'),
    );
    expect(r.code).toBe(554);
    expect(r.response).toContain('5.6.0');
    const again = await smtpSend(
      { url: net.mm4Url, tls: 'none', name: REMOTE_DOMAIN },
      { from: `system-user@${REMOTE_DOMAIN}`, to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`] },
      valid,
    );
    expect(again.ok).toBe(true);
  });
});

describe('stopping with an MM4 forward waiting for its RES', () => {
  it('stops at once: the forward in flight is released, not awaited until the RES timeout', async () => {
    const own = await startTestNetwork({ mm4ResponseTimeoutMs: 60_000 });
    try {
      own.remote.use({ kind: 'never-answer' });
      const sent = (await own.alice.actions.send({
        to: `+${RITA}`,
        parts: [{ contentType: 'text/plain', text: 'no RES will come' }],
      })) as JsonObject;
      await until(
        () => remoteReceived(own.remote, 'MM4_forward.REQ'),
        (ms) => ms.some((m) => hdr(m, 'X-Mms-Message-ID') === sent.messageId),
        'forward at the remote',
      );
      const t0 = performance.now();
      await own.mmsc.stop();
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await own.stop();
    }
  }, 30_000);
});
