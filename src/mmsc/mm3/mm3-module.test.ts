import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpSend } from '../../../mocks/mail/smtp-send.ts';
import {
  ALICE,
  BOB,
  inbox,
  OUR_DOMAIN,
  startTestNetwork,
  type TestNetwork,
  until,
} from '../../../test/support/mm4-test-network.ts';
import type { JsonObject } from '../../util/json.ts';

/**
 * MM3 end to end over loopback: handset -> reference MMSC -> mail MTA mock (which checks each
 * message as RFC 5322 + MIME and parses it with postal-mime, an independent parser), and mail
 * injected by the mock's client -> MMSC -> MM1 notification -> retrieval by the handset.
 */

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork();
}, 30_000);

afterAll(async () => {
  await net?.stop();
});

// 1x1 PNG (signature, IHDR, IDAT, IEND), made here.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
  'hex',
);

async function mailbox(): Promise<JsonObject[]> {
  const r = (await net.mail.actions.mailbox({ raw: true })) as JsonObject;
  return (r.messages as JsonObject[]) ?? [];
}

const statusOf = (id: string) => net.mmsc.core.store.get(id)?.recipients[0]?.status;

async function aliceMails(to: string, subject: string, extra: JsonObject = {}): Promise<string> {
  const sent = (await net.alice.actions.send({
    to,
    subject,
    parts: [
      { contentType: 'text/plain', text: 'hello by e-mail' },
      { contentType: 'image/png', base64: PNG.toString('base64'), name: 'dot.png' },
    ],
    ...extra,
  })) as JsonObject;
  expect(sent.responseStatus).toBe('Ok');
  return String(sent.messageId);
}

describe('MM3 out: MM -> e-mail', () => {
  it('sends RFC 5322 / MIME mail: encoded-word subject, PLMN From, base64 image part', async () => {
    const subject = 'Grüße aus dem Netz ✓';
    const id = await aliceMails('carol@example.com', subject);
    const box = await until(
      mailbox,
      (ms) => ms.some((m) => String(m.messageId).includes(id)),
      'mail at the MTA',
    );
    const m = box.find((x) => String(x.messageId).includes(id))!;
    // The mock's own checks (header syntax, Date/From/Message-ID, MIME-Version ...) and postal-mime.
    expect(m.issues).toEqual([]);
    expect(m.valid).toBe(true);
    expect(m.rcptTo).toEqual(['carol@example.com']);
    expect(m.mailFrom).toBe(`+${ALICE}/TYPE=PLMN@${OUR_DOMAIN}`);
    expect(m.from).toContain(`+${ALICE}/TYPE=PLMN@${OUR_DOMAIN}`);
    expect(m.subject).toBe(subject);
    expect(String(m.text)).toContain('hello by e-mail');
    const attachments = m.attachments as JsonObject[];
    const png = attachments.find((a) => a.mimeType === 'image/png')!;
    expect(png.size).toBe(PNG.length);
    const raw = Buffer.from(String((m.raw as JsonObject).$base64), 'base64').toString('latin1');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(raw).toMatch(/Content-Type: image\/png[\s\S]*?Content-Transfer-Encoding: base64/i);
    await until(
      () => statusOf(id),
      (s) => s === 'forwarded',
      'forwarded',
    );
    expect(
      net.timeline.messages({ node: 'mmsc', iface: 'MM3', type: 'email', direction: 'out' }).length,
    ).toBeGreaterThan(0);
  }, 20_000);

  it('never lets CR/LF in a subject inject header fields', async () => {
    const id = await aliceMails('carol@example.com', 'hi\r\nBcc: victim@example.com\r\nX-Evil: 1');
    const box = await until(mailbox, (ms) => ms.some((m) => String(m.messageId).includes(id)), 'mail');
    const m = box.find((x) => String(x.messageId).includes(id))!;
    const raw = Buffer.from(String((m.raw as JsonObject).$base64), 'base64').toString('latin1');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^Bcc:/im);
    expect(head).not.toMatch(/^X-Evil:/im);
    expect(m.rcptTo).toEqual(['carol@example.com']);
    expect(String(m.subject)).not.toMatch(/[\r\n]/);
  }, 20_000);

  it('a hidden sender is revealed neither in the header nor in the envelope', async () => {
    const id = await aliceMails('carol@example.com', 'anonymous', {
      headers: { 'X-Mms-Sender-Visibility': 'Hide' },
    });
    const box = await until(mailbox, (ms) => ms.some((m) => String(m.messageId).includes(id)), 'mail');
    const m = box.find((x) => String(x.messageId).includes(id))!;
    const raw = Buffer.from(String((m.raw as JsonObject).$base64), 'base64').toString('latin1');
    expect(raw).not.toContain(ALICE);
    expect(m.mailFrom).toBe(`mms@${OUR_DOMAIN}`);
    expect(m.valid).toBe(true);
  }, 20_000);

  it('retries after a 4xx from the relay; a 5xx fails the recipient', async () => {
    net.mail.use({ kind: 'smtp-error', code: 451 });
    const id = await aliceMails('carol@example.com', 'retry me');
    await net.timeline.waitFor(
      (o) => o.kind === 'event' && o.name === 'mm3-send-failed' && JSON.stringify(o.detail).includes('451'),
      { timeoutMs: 8000 },
    );
    expect(statusOf(id)).toBe('pending');
    net.mail.resetBehaviours();
    await until(
      () => statusOf(id),
      (s) => s === 'forwarded',
      'forwarded after retry',
    );

    net.mail.use({ kind: 'smtp-error', code: 554 });
    try {
      const bad = await aliceMails('carol@example.com', 'refused');
      await until(
        () => statusOf(bad),
        (s) => s === 'failed',
        'failed on 5xx',
      );
    } finally {
      net.mail.resetBehaviours();
    }
  }, 20_000);
});

describe('MM3 in: e-mail -> MM1 notification', () => {
  it('mail to +E164/TYPE=PLMN@our domain reaches bob, who retrieves it', async () => {
    const r = (await net.mail.actions.send({
      from: 'dave@example.com',
      to: `+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`,
      subject: 'Ünïcödé mail',
      text: 'hello bob, from e-mail',
      attachments: [
        { filename: 'dot.png', contentType: 'image/png', content: { $base64: PNG.toString('base64') } },
      ],
    })) as JsonObject;
    expect(r.ok).toBe(true);
    const entries = await until(
      () => inbox(net.bob),
      (es) => es.some((e) => e.notifyStatus === 'Retrieved' && e.subject === 'Ünïcödé mail'),
      'bob retrieved the mail',
    );
    const got = entries.find((e) => e.subject === 'Ünïcödé mail')!;
    expect(got.retrieved).toMatchObject({
      status: 200,
      from: 'dave@example.com',
      subject: 'Ünïcödé mail',
      parts: 2,
    });
  }, 20_000);

  it('digits@our domain works too; the same Message-ID twice is stored once', async () => {
    const before = net.mmsc.core.store.size;
    const mail = new TextEncoder().encode(
      `From: erin@example.com\r\nTo: ${BOB}@${OUR_DOMAIN}\r\nSubject: plain\r\nDate: Sun, 22 Nov 2026 03:00:00 +0000\r\n` +
        'Message-ID: <fixed-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain text\r\n',
    );
    for (let i = 0; i < 2; i++) {
      const r = await smtpSend(
        { url: net.mm3Url, tls: 'none', name: 'example.com' },
        { from: 'erin@example.com', to: [`${BOB}@${OUR_DOMAIN}`] },
        mail,
      );
      expect(r.ok).toBe(true);
    }
    expect(net.mmsc.core.store.size).toBe(before + 1);
    await until(
      () => inbox(net.bob),
      (es) => es.some((e) => e.subject === 'plain' && e.notifyStatus === 'Retrieved'),
      'bob notified',
    );
  }, 20_000);

  it('a mail asking for a read notification (Disposition-Notification-To) gets one when bob reads it', async () => {
    const mail = new TextEncoder().encode(
      `From: frank@example.com\r\nTo: +${BOB}/TYPE=PLMN@${OUR_DOMAIN}\r\nSubject: tell me\r\n` +
        'Date: Sun, 22 Nov 2026 03:00:00 +0000\r\nMessage-ID: <dnt-1@example.com>\r\n' +
        'Disposition-Notification-To: frank@example.com\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nread me\r\n',
    );
    const r = await smtpSend(
      { url: net.mm3Url, tls: 'none', name: 'example.com' },
      { from: 'frank@example.com', to: [`+${BOB}/TYPE=PLMN@${OUR_DOMAIN}`] },
      mail,
    );
    expect(r.ok).toBe(true);
    const entries = await until(
      () => inbox(net.bob),
      (es) => es.some((e) => e.subject === 'tell me' && e.notifyStatus === 'Retrieved'),
      'bob retrieved',
    );
    const id = String((entries.find((e) => e.subject === 'tell me')!.retrieved as JsonObject).messageId);
    await net.bob.actions['read-report']({ messageId: id, to: 'frank@example.com' });
    const box = await until(
      mailbox,
      (ms) => ms.some((m) => (m.rcptTo as string[]).includes('frank@example.com')),
      'read notice at the MTA',
    );
    const notice = box.find((m) => (m.rcptTo as string[]).includes('frank@example.com'))!;
    expect(notice.valid).toBe(true);
    expect(notice.mailFrom).toBe('');
    expect(String(notice.subject)).toBe('Read: tell me');
    expect(String(notice.text)).toContain('was read');
  }, 20_000);

  it('refuses other domains (550 5.7.1) and non-subscriber mailboxes (550 5.1.1)', async () => {
    const mail = new TextEncoder().encode('From: x@example.com\r\nSubject: s\r\n\r\nbody\r\n');
    const relay = await smtpSend(
      { url: net.mm3Url, tls: 'none' },
      { from: 'x@example.com', to: ['someone@elsewhere.example'] },
      mail,
    );
    expect(relay.code).toBe(550);
    expect(relay.response).toContain('5.7.1');
    const nobody = await smtpSend(
      { url: net.mm3Url, tls: 'none' },
      { from: 'x@example.com', to: [`postmaster@${OUR_DOMAIN}`] },
      mail,
    );
    expect(nobody.code).toBe(550);
    expect(nobody.response).toContain('5.1.1');
    // A number MM5 places at another MMSC is not ours to deliver (no relaying through MM3).
    const elsewhere = await smtpSend(
      { url: net.mm3Url, tls: 'none' },
      { from: 'x@example.com', to: [`+15559001/TYPE=PLMN@${OUR_DOMAIN}`] },
      mail,
    );
    expect(elsewhere.code).toBe(550);
    expect(elsewhere.response).toContain('Not a subscriber');
  });
});
