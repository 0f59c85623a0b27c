import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDsn } from '../../src/codec/dsn/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import type { MessageObservation } from '../../src/wire/timeline.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { RemoteMmsc } from '../remote-mmsc/remote-mmsc.ts';
import { MailMta } from './mail-mta.ts';
import { smtpSend } from './smtp-send.ts';

const enc = (s: string) => new TextEncoder().encode(s.replace(/\r?\n/g, '\r\n'));

function bounce(to: string, rcpts: string[]): Uint8Array {
  return encodeDsn({
    from: 'MAILER-DAEMON@mms.mnc001.mcc310.gprs',
    to,
    date: new Date(),
    messageId: '<dsn-t@mms.mnc001.mcc310.gprs>',
    text: 'could not be delivered',
    reportingMta: 'mms.mnc001.mcc310.gprs',
    originalEnvelopeId: 'env-7',
    recipients: rcpts.map((r) => ({ finalRecipient: r, action: 'failed' as const, status: '5.1.1' })),
    originalHeaders: enc(
      'From: carol@example.com\nMessage-ID: <orig-1@example.com>\nX-Mms-Transaction-ID: tid-9\n',
    ),
  });
}

/** A bounce from an MTA in front of the target reaches our peers as `dsn`, never as mail or MM4. */
describe('DSN at our SMTP peers', () => {
  const timeline = new Timeline();
  const mail = new MailMta({ domains: ['example.com'] });
  const remote = new RemoteMmsc({ domain: 'mms.mnc002.mcc310.gprs' });
  let mailUrl = '';
  let remoteUrl = '';
  beforeAll(async () => {
    mailUrl = (await mail.start({ timeline, host: '127.0.0.1' }))[0].url;
    remoteUrl = (await remote.start({ timeline, host: '127.0.0.1' }))[0].url;
  });
  afterAll(async () => {
    await mail.stop();
    await remote.stop();
  });

  const dsns = (node: string, since: number) =>
    timeline
      .all()
      .slice(since)
      .filter((o): o is MessageObservation => o.kind === 'message' && o.type === 'dsn' && o.node === node);

  it('our MTA (MM3): one dsn per recipient with action, status, addresses and the original ids; no mailbox entry', async () => {
    const since = timeline.length;
    const r = await smtpSend(
      { url: mailUrl },
      { from: '', to: ['carol@example.com'] },
      bounce('carol@example.com', ['+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs', 'dave@example.org']),
    );
    expect(r.ok).toBe(true);
    const seen = dsns('mail', since);
    expect(seen).toHaveLength(2);
    expect(seen[0].iface).toBe('MM3');
    expect(seen[0].direction).toBe('in');
    expect(seen[0].raw).toBeDefined();
    expect(seen[1].raw).toBeUndefined();
    expect(seen[0].fields).toMatchObject({
      action: 'failed',
      status: '5.1.1',
      finalRecipient: '+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs',
      originalEnvelopeId: 'env-7',
      original: { 'Message-ID': '<orig-1@example.com>', 'X-Mms-Transaction-ID': 'tid-9' },
      envelope: { mailFrom: '', rcptTo: ['carol@example.com'] },
    });
    expect((seen[1].fields as JsonObject).finalRecipient).toBe('dave@example.org');
    expect(((await mail.actions.mailbox({})) as JsonObject).count).toBe(0);
  });

  it('our remote MMSC (MM4): a dsn, not an undecodable MM4 request, accepted with 250', async () => {
    const since = timeline.length;
    const r = await smtpSend(
      { url: remoteUrl },
      { from: '', to: ['system-user@mms.mnc002.mcc310.gprs'] },
      bounce('system-user@mms.mnc002.mcc310.gprs', ['+15551112222/TYPE=PLMN@mms.mnc009.mcc999.gprs']),
    );
    expect(r.ok).toBe(true);
    const seen = dsns('remote-mmsc', since);
    expect(seen).toHaveLength(1);
    expect(seen[0].iface).toBe('MM4');
    expect(seen[0].fields).toMatchObject({
      action: 'failed',
      finalRecipient: '+15551112222/TYPE=PLMN@mms.mnc009.mcc999.gprs',
    });
    expect(remote.inbox()).toHaveLength(0);
    const undecodable = timeline
      .all()
      .slice(since)
      .filter((o) => o.kind === 'event' && o.name === 'mm4-undecodable');
    expect(undecodable).toEqual([]);
  });

  it('a mail that says it is a DSN but breaks RFC 3464 is the event dsn-undecodable, still accepted', async () => {
    const since = timeline.length;
    const broken = enc(
      'From: MAILER-DAEMON@x.example\nTo: carol@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\nsorry\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x.example\n\nFinal-Recipient: rfc822; a@b.example\nAction: bounced\nStatus: 5.1.1\n--b--\n',
    );
    const r = await smtpSend({ url: mailUrl }, { from: '', to: ['carol@example.com'] }, broken);
    expect(r.ok).toBe(true);
    expect(dsns('mail', since)).toEqual([]);
    const ev = timeline
      .all()
      .slice(since)
      .find((o) => o.kind === 'event' && o.name === 'dsn-undecodable');
    expect(ev?.kind === 'event' && (ev.detail as JsonObject).error).toMatch(/Action: .*RFC 3464 §2\.3\.3/);
  });
});
