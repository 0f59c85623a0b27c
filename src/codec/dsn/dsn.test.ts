import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../codec-error.ts';
import { decodeDeliveryStatus, decodeDsn, decodeXtext, isDsnMail } from './decode-dsn.ts';
import { dsnObservations } from './dsn-to-json.ts';
import { encodeDsn, encodeXtext } from './encode-dsn.ts';

const enc = (s: string) => new TextEncoder().encode(s.replace(/\r?\n/g, '\r\n'));

/**
 * A bounce in the form Postfix's bounce(8) writes (written here from RFC 3464 and Postfix's
 * documented layout, not copied from a capture): a Postfix front end accepted a mail for an MMS
 * subscriber, the MMSC behind it (a pipe transport) refused the recipient.
 */
const POSTFIX_DSN = `Return-Path: <>
Received: by mx.mms.example (Postfix) id 4XyZ1b2C3d; Mon,  7 Dec 2026 00:41:02 +0000 (UTC)
Date: Mon,  7 Dec 2026 00:41:02 +0000 (UTC)
From: MAILER-DAEMON@mx.mms.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: carol@example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4XyZ1b2C3d.1765068062/mx.mms.example"
Content-Transfer-Encoding: 8bit
Message-Id: <20261207004102.5E6F7A8B9@mx.mms.example>

This is a MIME-encapsulated message.

--4XyZ1b2C3d.1765068062/mx.mms.example
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.mms.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs>: unknown user:
    "+15559990000/TYPE=PLMN"

--4XyZ1b2C3d.1765068062/mx.mms.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.mms.example
X-Postfix-Queue-ID: 4XyZ1b2C3d
X-Postfix-Sender: rfc822; carol@example.com
Original-Envelope-Id: mail+2D42+40example.com
Arrival-Date: Mon,  7 Dec 2026 00:41:01 +0000 (UTC)

Final-Recipient: rfc822; +15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs
Original-Recipient: rfc822;+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs
Action: failed
Status: 5.1.1
Diagnostic-Code: X-Postfix; unknown user: "+15559990000/TYPE=PLMN"

Final-Recipient: rfc822; +15550000001/TYPE=PLMN@mms.mnc001.mcc310.gprs
Action: delayed
Status: 4.4.1 (connection refused)
Remote-MTA: dns; mmsc.mms.example
Diagnostic-Code: smtp; 451 4.4.1 try again later
Will-Retry-Until: Sat, 12 Dec 2026 00:41:01 +0000

--4XyZ1b2C3d.1765068062/mx.mms.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <carol@example.com>
Received: from client.example.com (localhost [127.0.0.1])
\tby mx.mms.example (Postfix) with ESMTP id 4XyZ1b2C3d
\tfor <+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs>; Mon,  7 Dec 2026 00:41:01 +0000 (UTC)
From: carol@example.com
To: +15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs
Subject: anyone?
Message-ID: <mail-42@example.com>
X-Mms-Transaction-ID: tid-77
Date: Mon, 07 Dec 2026 00:41:00 +0000

--4XyZ1b2C3d.1765068062/mx.mms.example--
`;

describe('decodeDsn (RFC 3464)', () => {
  it('reads a Postfix-style bounce: per-message fields, two recipients, the returned header', () => {
    const raw = enc(POSTFIX_DSN);
    expect(isDsnMail(raw)).toBe(true);
    const d = decodeDsn(raw);
    expect(d.reportingMta).toEqual({ type: 'dns', value: 'mx.mms.example' });
    expect(d.originalEnvelopeId).toBe('mail-42@example.com');
    expect(d.arrivalDate).toBe('Mon,  7 Dec 2026 00:41:01 +0000 (UTC)');
    expect(d.fields.map((f) => f.name)).toContain('X-Postfix-Queue-ID');
    expect(d.recipients).toHaveLength(2);
    const [a, b] = d.recipients;
    expect(a.finalRecipient).toEqual({
      type: 'rfc822',
      value: '+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs',
    });
    expect(a.originalRecipient?.value).toBe('+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs');
    expect(a.action).toBe('failed');
    expect(a.status).toBe('5.1.1');
    expect(a.diagnosticCode).toEqual({ type: 'x-postfix', value: 'unknown user: "+15559990000/TYPE=PLMN"' });
    expect(b.action).toBe('delayed');
    expect(b.status).toBe('4.4.1');
    expect(b.remoteMta).toEqual({ type: 'dns', value: 'mmsc.mms.example' });
    expect(b.willRetryUntil).toBe('Sat, 12 Dec 2026 00:41:01 +0000');
    expect(d.humanReadable).toContain('could not');
    const obs = dsnObservations(d);
    expect(obs[0]).toMatchObject({
      action: 'failed',
      status: '5.1.1',
      finalRecipient: '+15559990000/TYPE=PLMN@mms.mnc001.mcc310.gprs',
      originalEnvelopeId: 'mail-42@example.com',
      reportingMta: 'dns; mx.mms.example',
      recipient: 1,
      recipients: 2,
      original: {
        'Message-ID': '<mail-42@example.com>',
        'X-Mms-Transaction-ID': 'tid-77',
        Subject: 'anyone?',
      },
      subject: 'Undelivered Mail Returned to Sender',
    });
    expect(obs[1]).toMatchObject({ action: 'delayed', status: '4.4.1', recipient: 2 });
  });

  it('takes a returned message/rfc822 too, and one without a third component', () => {
    const rfc822 = POSTFIX_DSN.replace('Content-Type: text/rfc822-headers', 'Content-Type: message/rfc822');
    expect(decodeDsn(enc(rfc822)).original?.find((h) => h.name === 'Subject')?.value).toBe('anyone?');
    const cut = POSTFIX_DSN.slice(
      0,
      POSTFIX_DSN.indexOf('--4XyZ1b2C3d.1765068062/mx.mms.example\nContent-Description: Undelivered'),
    );
    const d = decodeDsn(enc(`${cut}--4XyZ1b2C3d.1765068062/mx.mms.example--\n`));
    expect(d.original).toBeUndefined();
    expect(dsnObservations(d)[0].original).toBeUndefined();
  });

  it('round-trips what encodeDsn writes', () => {
    const raw = encodeDsn({
      from: 'MAILER-DAEMON@mms.example',
      to: 'carol@example.com',
      date: new Date(Date.UTC(2026, 11, 7, 0, 41, 2)),
      messageId: '<dsn-1@mms.example>',
      text: 'Your message could not be delivered.\nÜnknown recipient.',
      reportingMta: 'mms.example',
      originalEnvelopeId: 'id with space+plus',
      arrivalDate: new Date(Date.UTC(2026, 11, 7, 0, 41, 1)),
      receivedFromMta: 'client.example.com',
      recipients: [
        {
          finalRecipient: 'dave@example.org',
          action: 'failed',
          status: '5.7.1',
          diagnosticCode: 'smtp; 550 5.7.1 Relaying denied',
        },
      ],
      originalHeaders: enc('From: carol@example.com\nMessage-ID: <m1@example.com>\n'),
    });
    const d = decodeDsn(raw);
    expect(d.originalEnvelopeId).toBe('id with space+plus');
    expect(d.receivedFromMta).toEqual({ type: 'dns', value: 'client.example.com' });
    expect(d.recipients[0]).toMatchObject({
      finalRecipient: { type: 'rfc822', value: 'dave@example.org' },
      action: 'failed',
      status: '5.7.1',
      diagnosticCode: { type: 'smtp', value: '550 5.7.1 Relaying denied' },
    });
    expect(d.original?.find((h) => h.name === 'Message-ID')?.value).toBe('<m1@example.com>');
    expect(d.humanReadable).toContain('?nknown recipient.');
    expect(d.headers.find((h) => h.name === 'Auto-Submitted')?.value).toBe('auto-replied');
  });

  it('encodeDsn is pure: the same DSN gives the same octets, another text another boundary', () => {
    const spec = {
      from: 'm@x.example',
      to: 'c@example.com',
      date: new Date(Date.UTC(2026, 11, 7)),
      messageId: '<a@x>',
      text: 'not delivered',
      reportingMta: 'x.example',
      recipients: [{ finalRecipient: 'a@b.example', action: 'failed' as const, status: '5.1.1' }],
    };
    const a = Buffer.from(encodeDsn(spec)).toString('latin1');
    expect(Buffer.from(encodeDsn(spec)).toString('latin1')).toBe(a);
    const boundaryOf = (t: string) => /boundary="([^"]+)"/.exec(t)?.[1];
    const b = Buffer.from(encodeDsn({ ...spec, text: 'still not delivered' })).toString('latin1');
    expect(boundaryOf(b)).toBeDefined();
    expect(boundaryOf(b)).not.toBe(boundaryOf(a));
    expect(decodeDsn(enc(b)).recipients[0].status).toBe('5.1.1');
  });

  it('xtext (RFC 3461 §4) both ways', () => {
    expect(encodeXtext('a+b=c d')).toBe('a+2Bb+3Dc+20d');
    expect(decodeXtext('a+2Bb+3Dc+20d')).toBe('a+b=c d');
  });

  it('encodeDsn refuses what no DSN may say', () => {
    const base = {
      from: 'm@x.example',
      to: 'c@example.com',
      date: new Date(0),
      messageId: '<a@x>',
      text: '',
      reportingMta: 'x.example',
    };
    expect(() => encodeDsn({ ...base, recipients: [] })).toThrow(EncodeError);
    expect(() =>
      encodeDsn({
        ...base,
        recipients: [{ finalRecipient: 'a@b.example', action: 'failed', status: '550' }],
      }),
    ).toThrow(EncodeError);
    expect(() =>
      encodeDsn({
        ...base,
        recipients: [{ finalRecipient: 'a@b.example\r\nBcc: x', action: 'failed', status: '5.1.1' }],
      }),
    ).toThrow(EncodeError);
  });

  const status = (fields: string) => enc(`Reporting-MTA: dns; mx.example\n\n${fields}\n`);
  it.each([
    ['not multipart/report', 'Content-Type: text/plain\n\nhello\n', 'Content-Type'],
    [
      'another report type',
      'Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n--b\n\nx\n--b--\n',
      'Content-Type',
    ],
    [
      'no delivery-status part',
      'Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\nx\n--b\nContent-Type: text/plain\n\ny\n--b--\n',
      'Content-Type',
    ],
    [
      'one component only',
      'Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\nx\n--b--\n',
      'multipart/report',
    ],
    ['no boundary', 'Content-Type: multipart/report; report-type=delivery-status\n\nx\n', 'Content-Type'],
  ])('decodeDsn refuses %s', (_, text, field) => {
    const raw = enc(text);
    let err: unknown;
    try {
      decodeDsn(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).field).toBe(field);
  });

  it.each([
    [
      'no Reporting-MTA',
      enc(
        'Arrival-Date: Mon, 7 Dec 2026 00:00:00 +0000\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.0.0\n',
      ),
      'Reporting-MTA',
    ],
    ['no recipient group', enc('Reporting-MTA: dns; mx.example\n'), 'message/delivery-status'],
    ['empty', enc(''), 'message/delivery-status'],
    ['no Final-Recipient', status('Action: failed\nStatus: 5.0.0'), 'Final-Recipient'],
    ['no Action', status('Final-Recipient: rfc822; a@b.example\nStatus: 5.0.0'), 'Action'],
    [
      'an unknown Action',
      status('Final-Recipient: rfc822; a@b.example\nAction: bounced\nStatus: 5.0.0'),
      'Action',
    ],
    ['no Status', status('Final-Recipient: rfc822; a@b.example\nAction: failed'), 'Status'],
    [
      'an SMTP reply code as Status',
      status('Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 550'),
      'Status',
    ],
    [
      'a status class 3',
      status('Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 3.1.1'),
      'Status',
    ],
    [
      'leading zeros',
      status('Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.01.1'),
      'Status',
    ],
    [
      'an untyped Final-Recipient',
      status('Final-Recipient: a@b.example\nAction: failed\nStatus: 5.1.1'),
      'Final-Recipient',
    ],
    ['a continuation first', enc(' folded\n'), 'header'],
  ])('decodeDeliveryStatus refuses %s', (_, body, field) => {
    let err: unknown;
    try {
      decodeDeliveryStatus(body, 100);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).field).toBe(field);
    expect((err as DecodeError).offset).toBeGreaterThanOrEqual(100);
  });

  it('case-insensitive names and actions, comments, folding (RFC 3464 §2.1.1)', () => {
    const d = decodeDeliveryStatus(
      status(
        'final-recipient: RFC822;\n  a@b.example\nACTION: Failed (gave up)\nstatus: 5.2.2 (mailbox full)',
      ),
    );
    expect(d.recipients[0]).toMatchObject({
      finalRecipient: { type: 'rfc822', value: 'a@b.example' },
      action: 'failed',
      status: '5.2.2',
    });
  });

  it('is total on random bytes and on truncations of a real one (a value or one DecodeError)', () => {
    const raw = enc(POSTFIX_DSN);
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 300; i++) {
      const b = raw.slice(0, rnd() % raw.length);
      for (let k = 0; k < 3; k++) b[rnd() % Math.max(1, b.length)] = rnd() & 0xff;
      try {
        decodeDsn(b);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
      expect(typeof isDsnMail(b)).toBe('boolean');
    }
  });
});
