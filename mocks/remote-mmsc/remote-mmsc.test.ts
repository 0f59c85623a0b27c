import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/util/json.ts';
import type { MessageObservation, Observation } from '../../src/wire/timeline.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { smtpSend } from '../mail/smtp-send.ts';
import { RemoteMmsc } from './remote-mmsc.ts';

/**
 * End to end over loopback: a RemoteMmsc (mms.mnc002) and a second instance standing in for
 * the originating MMSC (mms.mnc001), each pointed at the other. Inbound requests are written
 * by hand here (not by our encoder) and sent with nodemailer.
 */

const HOME = 'mms.mnc001.mcc310.gprs';
const REMOTE = 'mms.mnc002.mcc310.gprs';

function forwardReq(o: {
  tid: string;
  ack?: boolean;
  dr?: boolean;
  rr?: boolean;
  omit?: string;
  to?: string;
}): Uint8Array {
  const lines = [
    'X-Mms-3GPP-MMS-Version: 6.10.0',
    'X-Mms-Message-Type: MM4_forward.REQ',
    `X-Mms-Transaction-ID: ${o.tid}`,
    `X-Mms-Message-ID: msg-${o.tid}`,
    ...(o.ack === false ? [] : ['X-Mms-Ack-Request: Yes']),
    ...(o.dr ? ['X-Mms-Delivery-Report: Yes'] : []),
    ...(o.rr ? ['X-Mms-Read-Reply: Yes'] : []),
    `X-Mms-Originator-System: system-user@${HOME}`,
    `Sender: system-user@${HOME}`,
    `From: +15550001/TYPE=PLMN@${HOME}`,
    `To: ${o.to ?? `+15550002/TYPE=PLMN@${REMOTE}`}`,
    'Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=',
    'Date: Sun, 22 Nov 2026 03:00:00 +0000',
    `Message-ID: <${o.tid}@${HOME}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="bb"; type="text/plain"',
    '',
    '--bb',
    'Content-Type: text/plain; charset=utf-8',
    'Content-ID: <t1>',
    '',
    'hello',
    '--bb',
    'Content-Type: image/gif',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <i1>',
    '',
    'R0lGODlhAQABAAAAACw=',
    '--bb--',
    '',
  ].filter((l) => o.omit === undefined || !l.startsWith(o.omit));
  return new TextEncoder().encode(lines.join('\r\n'));
}

const isMsg = (o: Observation): o is MessageObservation => o.kind === 'message';
const hdr = (o: MessageObservation, name: string) =>
  ((o.fields as JsonObject).headers as JsonObject)[name] as string | undefined;

describe('RemoteMmsc (MM4)', () => {
  const timeline = new Timeline();
  const remote = new RemoteMmsc({ domain: REMOTE, deliveryReportDelayMs: 5, readReplyDelayMs: 10 });
  const home = new RemoteMmsc({ name: 'home-mmsc', domain: HOME, autoReports: false });
  let remoteUrl = '';
  const envelope = { from: `system-user@${HOME}`, to: [`+15550002/TYPE=PLMN@${REMOTE}`] };

  beforeAll(async () => {
    remoteUrl = (await remote.start({ timeline, host: '127.0.0.1' }))[0].url;
    const homeUrl = (await home.start({ timeline, host: '127.0.0.1' }))[0].url;
    remote.setTarget(homeUrl);
    home.setTarget(remoteUrl);
  });
  afterAll(async () => {
    await remote.stop();
    await home.stop();
  });
  afterEach(() => remote.resetBehaviours());

  const arrivedAtHome = (type: string, tid?: string, since = 0) =>
    timeline.waitFor<MessageObservation>(
      (o) =>
        isMsg(o) &&
        o.node === 'home-mmsc' &&
        o.direction === 'in' &&
        o.type === type &&
        (tid === undefined || hdr(o, 'X-Mms-Transaction-ID') === tid),
      { timeoutMs: 5000, since, description: `${type} ${tid ?? ''} at home` },
    );

  it('accepts a forward, answers RES Ok, then delivery and read-reply reports that get their RES', async () => {
    const since = timeline.length;
    const r = await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't1', dr: true, rr: true }));
    expect(r.ok).toBe(true);
    const inbound = timeline.messages(
      { node: 'remote-mmsc', type: 'MM4_forward.REQ', direction: 'in' },
      since,
    );
    expect(inbound).toHaveLength(1);
    expect(hdr(inbound[0], 'Subject')).toBe('grüße');
    const res = await arrivedAtHome('MM4_forward.RES', 't1', since);
    expect(hdr(res, 'X-Mms-Request-Status-Code')).toBe('Ok');
    expect(hdr(res, 'X-Mms-Message-ID')).toBe('msg-t1');
    const dr = await arrivedAtHome('MM4_delivery_report.REQ', undefined, since);
    expect(hdr(dr, 'X-Mms-MMS-Status')).toBe('Retrieved');
    expect(hdr(dr, 'X-Mms-Message-ID')).toBe('msg-t1');
    expect(hdr(dr, 'From')).toBe(`+15550002/TYPE=PLMN@${REMOTE}`);
    expect(hdr(dr, 'To')).toBe(`+15550001/TYPE=PLMN@${HOME}`);
    const rr = await arrivedAtHome('MM4_read_reply_report.REQ', undefined, since);
    expect(hdr(rr, 'X-Mms-Read-Status')).toBe('Read');
    // The home instance answers the ack-requested reports; the remote receives those RES.
    await timeline.waitFor(
      (o) =>
        isMsg(o) &&
        o.node === 'remote-mmsc' &&
        o.type === 'MM4_read_reply_report.RES' &&
        o.direction === 'in',
      { timeoutMs: 5000, since },
    );
    // Every message the remote emitted is valid MM4 as the home side decoded it.
    const homeIn = (await home.actions.received({})) as JsonObject;
    for (const m of homeIn.messages as JsonObject[]) expect(m.issues).toEqual([]);
  });

  it('invalid forward with ack request: 250 then RES Error-message-format-corrupt', async () => {
    const since = timeline.length;
    const r = await smtpSend(
      { url: remoteUrl },
      envelope,
      forwardReq({ tid: 't2', omit: 'X-Mms-Message-ID' }),
    );
    expect(r.ok).toBe(true);
    const res = await arrivedAtHome('MM4_forward.RES', 't2', since);
    expect(hdr(res, 'X-Mms-Request-Status-Code')).toBe('Error-message-format-corrupt');
    expect(hdr(res, 'X-Mms-Status-Text')).toMatch(/X-Mms-Message-ID: mandatory/);
  });

  it('invalid forward without ack request: SMTP 554 5.6.0', async () => {
    const r = await smtpSend(
      { url: remoteUrl },
      envelope,
      forwardReq({ tid: 't3', ack: false, omit: 'From:' }),
    );
    expect(r.code).toBe(554);
    expect(r.response).toMatch(/5\.6\.0 Invalid MM4_forward\.REQ: From/);
  });

  it.each([
    ['plain e-mail', 'From: a@b.example\r\nTo: x@y.example\r\n\r\nhi\r\n'],
    ['unknown message type', 'X-Mms-Message-Type: MM4_teleport.REQ\r\n\r\n'],
    ['empty', ''],
    ['binary', '\u0000\u00ff\u0001\r\n\r\n'],
  ])('not MM4 (%s): 554 5.6.0 and the server keeps serving', async (n, text) => {
    const r = await smtpSend({ url: remoteUrl }, envelope, new TextEncoder().encode(text));
    expect(r.code).toBe(554);
    expect(r.response).toMatch(/5\.6\.0 Not an MM4 message/);
    const ok = await smtpSend(
      { url: remoteUrl },
      envelope,
      forwardReq({ tid: `ok-${n.replace(/\W/g, '')}`, ack: false }),
    );
    expect(ok.ok).toBe(true);
  });

  it('is never an open relay: 550 5.7.1 for recipients outside its domain', async () => {
    const r = await smtpSend(
      { url: remoteUrl },
      { from: envelope.from, to: ['+1555/TYPE=PLMN@mms.other.gprs'] },
      forwardReq({ tid: 't4' }),
    );
    expect(r.code).toBe(550);
    expect(r.response).toMatch(/5\.7\.1/);
  });

  it('behaviour reject: RES with the given status; without ack: 550 5.7.1', async () => {
    remote.use({ kind: 'reject', requestStatusCode: 'Error-service-denied' });
    const since = timeline.length;
    expect((await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't5' }))).ok).toBe(true);
    const res = await arrivedAtHome('MM4_forward.RES', 't5', since);
    expect(hdr(res, 'X-Mms-Request-Status-Code')).toBe('Error-service-denied');
    const noAck = await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't6', ack: false }));
    expect(noAck.code).toBe(550);
    expect(noAck.response).toMatch(/Error-service-denied/);
    expect(() => remote.use({ kind: 'reject', requestStatusCode: 'Ok' })).toThrow(/requestStatusCode/);
  });

  it('behaviour never-answer: no RES for that forward, RES again after reset', async () => {
    remote.use({ kind: 'never-answer' });
    const since = timeline.length;
    expect((await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't7' }))).ok).toBe(true);
    remote.resetBehaviours();
    expect((await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't8' }))).ok).toBe(true);
    await arrivedAtHome('MM4_forward.RES', 't8', since);
    const all = timeline.messages({ node: 'home-mmsc', type: 'MM4_forward.RES', direction: 'in' }, since);
    expect(all.map((o) => hdr(o, 'X-Mms-Transaction-ID'))).toEqual(['t8']);
  });

  it('behaviour smtp-error: DATA answered with the code', async () => {
    remote.use({ kind: 'smtp-error', code: 451 });
    const r = await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't9' }));
    expect(r.code).toBe(451);
    expect(() => remote.use({ kind: 'smtp-error', code: 250 })).toThrow(/4xx or 5xx/);
  });

  it('behaviour slow: the answer is held, then given', async () => {
    remote.use({ kind: 'slow', ms: 100 });
    const since = timeline.length;
    expect((await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't10', ack: false }))).ok).toBe(
      true,
    );
    const ev = timeline.query((o) => o.kind === 'event' && o.name === 'behaviour-applied', since);
    expect(ev).toHaveLength(1);
  });

  it('behaviour duplicate: the RES is sent twice with the same Transaction-ID', async () => {
    remote.use({ kind: 'duplicate' });
    const since = timeline.length;
    expect((await smtpSend({ url: remoteUrl }, envelope, forwardReq({ tid: 't11' }))).ok).toBe(true);
    await timeline.waitFor(
      () =>
        timeline.messages({ node: 'home-mmsc', type: 'MM4_forward.RES', direction: 'in' }, since).length >= 2,
      { timeoutMs: 5000, since },
    );
    const got = timeline.messages({ node: 'home-mmsc', type: 'MM4_forward.RES', direction: 'in' }, since);
    expect(got.map((o) => hdr(o, 'X-Mms-Transaction-ID'))).toEqual(['t11', 't11']);
  });

  it('action forward injects an MM4_forward.REQ and returns the RES status', async () => {
    const out = (await remote.actions.forward({
      from: `+15550009/TYPE=PLMN@${REMOTE}`,
      to: `+15550001/TYPE=PLMN@${HOME}`,
      subject: 'Grüße aus dem Netz',
      deliveryReport: true,
      parts: [
        { contentType: 'application/smil', content: '<smil/>', contentId: 'smil' },
        { contentType: 'text/plain; charset=utf-8', content: 'hi', contentId: 't1' },
        {
          contentType: 'image/gif',
          content: { $base64: 'R0lGODlhAQABAAAAACw=' },
          contentId: 'i1',
          filename: 'a.gif',
        },
      ],
      waitMs: 5000,
    })) as JsonObject;
    expect((out.smtp as JsonObject).ok).toBe(true);
    expect(out.requestStatusCode).toBe('Ok');
    const got = (await home.actions.received({ type: 'MM4_forward.REQ' })) as JsonObject;
    const m = (got.messages as JsonObject[]).at(-1) as JsonObject;
    expect(m.issues).toEqual([]);
    const fields = m.fields as JsonObject;
    expect((fields.headers as JsonObject).Subject).toBe('Grüße aus dem Netz');
    expect(JSON.stringify(fields.content)).toContain('multipart/related');
  });

  it('action forward: sample media parts, a legacy-charset text and Subject, its own originator system', async () => {
    const out = (await remote.actions.forward({
      from: `+15550009/TYPE=PLMN@${REMOTE}`,
      to: `+15550001/TYPE=PLMN@${HOME}`,
      subject: 'Café',
      subjectCharset: 'iso-8859-1',
      originatorSystem: `mms-relay@${REMOTE}`,
      parts: [
        { contentType: 'text/plain', content: 'crème', charset: 'iso-8859-1' },
        { contentType: 'image/jpeg', media: 'jpeg', size: 5000 },
      ],
    })) as JsonObject;
    const seen = await arrivedAtHome('MM4_forward.REQ', String(out.transactionId));
    const raw = new TextDecoder('latin1').decode(seen.raw);
    // RFC 2047 §4.1: the Subject as a B word in the charset asked for
    expect(raw).toContain(`Subject: =?iso-8859-1?B?${Buffer.from('Café', 'latin1').toString('base64')}?=`);
    expect(hdr(seen, 'Subject')).toBe('Café');
    expect(hdr(seen, 'X-Mms-Originator-System')).toBe(`mms-relay@${REMOTE}`);
    const parts = ((seen.fields as JsonObject).content as JsonObject).parts as JsonObject[];
    expect(parts[0].params).toEqual({ charset: 'iso-8859-1' });
    expect(parts[0].size).toBe(5); // crème: one octet a character in ISO-8859-1
    expect([parts[1].contentType, parts[1].size]).toEqual(['image/jpeg', 5000]);
    expect(String((parts[1].body as JsonObject).$base64)).toMatch(/^\/9j\//);
  });

  it('actions deliveryReport and readReply send valid reports', async () => {
    const since = timeline.length;
    const a = (await remote.actions.deliveryReport({
      messageId: 'orig-1',
      from: `+15550002/TYPE=PLMN@${REMOTE}`,
      to: `+15550001/TYPE=PLMN@${HOME}`,
      status: 'Rejected',
    })) as JsonObject;
    expect((a.smtp as JsonObject).ok).toBe(true);
    const dr = await arrivedAtHome('MM4_delivery_report.REQ', a.transactionId as string, since);
    expect(hdr(dr, 'X-Mms-MMS-Status')).toBe('Rejected');
    await expect(
      remote.actions.readReply({ messageId: 'x', from: 'a@b.c', to: 'c@d.e', status: 'Maybe' }),
    ).rejects.toThrow(/status must be one of/);
  });
});

describe('RemoteMmsc access control', () => {
  it('STARTTLS required, AUTH required, client allow-list by domain', async () => {
    const timeline = new Timeline();
    const remote = new RemoteMmsc({
      domain: REMOTE,
      requireTls: true,
      users: { mm4: 'secret' },
      requireAuth: true,
      allowClients: [HOME],
    });
    const [{ url }] = await remote.start({ timeline, host: '127.0.0.1' });
    try {
      const env = { from: `system-user@${HOME}`, to: [`+15550002/TYPE=PLMN@${REMOTE}`] };
      const raw = forwardReq({ tid: 'a1', ack: false });
      // Credentials are refused before STARTTLS (538, RFC 4954 §4), and so is MAIL (530).
      expect(
        (await smtpSend({ url, tls: 'none', user: 'mm4', pass: 'secret', name: HOME }, env, raw)).code,
      ).toBe(538);
      expect((await smtpSend({ url, tls: 'none', name: HOME }, env, raw)).code).toBe(530);
      expect((await smtpSend({ url, tls: 'required', name: HOME }, env, raw)).code).toBe(530);
      expect(
        (await smtpSend({ url, tls: 'required', user: 'mm4', pass: 'no', name: HOME }, env, raw)).code,
      ).toBe(535);
      const stranger = await smtpSend(
        { url, tls: 'required', user: 'mm4', pass: 'secret', name: 'evil.example' },
        { ...env, from: 'x@evil.example' },
        raw,
      );
      expect(stranger.code).toBe(550);
      expect(stranger.response).toMatch(/5\.7\.1/);
      expect(
        (await smtpSend({ url, tls: 'required', user: 'mm4', pass: 'secret', name: HOME }, env, raw)).ok,
      ).toBe(true);
      expect(remote.inbox()).toHaveLength(1);
    } finally {
      await remote.stop();
    }
  });
});

describe('RemoteMmsc stopping', () => {
  it('still sends the RES it owes for a request it took (the originator does not wait its timeout)', async () => {
    const timeline = new Timeline();
    const home = new RemoteMmsc({ name: 'home-mmsc', domain: HOME, autoReports: false });
    const partner = new RemoteMmsc({ domain: REMOTE, autoReports: false });
    const homeUrl = (await home.start({ timeline, host: '127.0.0.1' }))[0].url;
    const partnerUrl = (await partner.start({ timeline, host: '127.0.0.1' }))[0].url;
    partner.setTarget(homeUrl);
    try {
      const r = await smtpSend(
        { url: partnerUrl, name: HOME },
        { from: `system-user@${HOME}`, to: [`+15550002/TYPE=PLMN@${REMOTE}`] },
        forwardReq({ tid: 'owed-1' }),
      );
      expect(r.ok).toBe(true);
      // stopped right after the 250, before its timer sent the RES
      await partner.stop();
      const res = timeline
        .messages({ type: 'MM4_forward.RES', direction: 'in' })
        .filter(
          (o) => o.node === 'home-mmsc' && hdr(o as MessageObservation, 'X-Mms-Transaction-ID') === 'owed-1',
        );
      expect(res).toHaveLength(1);
    } finally {
      await partner.stop();
      await home.stop();
    }
  });
});
