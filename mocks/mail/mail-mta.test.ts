import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/util/json.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { MailMta } from './mail-mta.ts';
import { smtpSend } from './smtp-send.ts';

const enc = (s: string) => new TextEncoder().encode(s.replace(/\n/g, '\r\n'));

const VALID = `From: MMS Relay <+15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs>
To: alice@example.com
Date: Sun, 22 Nov 2026 03:00:00 +0000
Message-ID: <m1@mms.mnc001.mcc310.gprs>
Subject: =?UTF-8?B?SGVsbG8g4piA?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

hello from MMS
--b1
Content-Type: image/gif
Content-Transfer-Encoding: base64
Content-ID: <img1>
Content-Disposition: attachment; filename="a.gif"

R0lGODlhAQABAAAAACw=
--b1--
`;

describe('MailMta (MM3)', () => {
  const timeline = new Timeline();
  const mta = new MailMta({ domains: ['example.com'] });
  const target = new MailMta({ name: 'mmsc-mm3', domains: ['mms.mnc001.mcc310.gprs'] });
  let url = '';
  beforeAll(async () => {
    url = (await mta.start({ timeline, host: '127.0.0.1' }))[0].url;
    const t = (await target.start({ timeline, host: '127.0.0.1' }))[0].url;
    mta.setTarget(t);
  });
  afterAll(async () => {
    await mta.stop();
    await target.stop();
  });
  afterEach(() => mta.resetBehaviours());

  it('captures, checks and decodes a valid MIME message over STARTTLS', async () => {
    const r = await smtpSend(
      { url, tls: 'required' },
      { from: 'sys@mms.mnc001.mcc310.gprs', to: ['alice@example.com'] },
      enc(VALID),
    );
    expect(r.ok).toBe(true);
    const box = (await mta.actions.mailbox({ to: 'alice@example.com' })) as JsonObject;
    expect(box.count).toBe(1);
    const m = (box.messages as JsonObject[])[0];
    expect(m.valid).toBe(true);
    expect(m.issues).toEqual([]);
    expect(m.subject).toBe('Hello ☀');
    expect(m.text).toContain('hello from MMS');
    expect(m.attachments).toEqual([
      { filename: 'a.gif', mimeType: 'image/gif', contentId: '<img1>', size: 14 },
    ]);
    const obs = timeline.messages({ iface: 'MM3', type: 'email', direction: 'in' });
    expect(obs).toHaveLength(1);
    expect(Buffer.from(obs[0].raw ?? []).toString()).toBe(VALID.replace(/\n/g, '\r\n'));
  });

  it('keeps an invalid message but lists every issue', async () => {
    const bad = 'To: alice@example.com\nDate: yesterday\nMessage-ID: nobrackets\nX Bad: y\n\nbody\n';
    const r = await smtpSend({ url }, { from: 'a@b.example', to: ['alice@example.com'] }, enc(bad));
    expect(r.ok).toBe(true);
    const box = (await mta.actions.mailbox({ clear: true })) as JsonObject;
    const m = (box.messages as JsonObject[]).at(-1) as JsonObject;
    expect(m.valid).toBe(false);
    const issues = (m.issues as string[]).join('\n');
    expect(issues).toMatch(/From: must occur exactly once/);
    expect(issues).toMatch(/Date: not a date-time/);
    expect(issues).toMatch(/Message-ID: not <id-left@id-right>/);
    expect(issues).toMatch(/header line 4: not "name: value"/);
    expect(((await mta.actions.mailbox({})) as JsonObject).count).toBe(0);
  });

  it('is not an open relay: 550 5.7.1 for foreign domains', async () => {
    const r = await smtpSend({ url }, { from: 'a@b.example', to: ['bob@elsewhere.example'] }, enc(VALID));
    expect(r.ok).toBe(false);
    expect(r.code).toBe(550);
    expect(r.response).toMatch(/5\.7\.1/);
  });

  it('behaviour smtp-error answers DATA with the code and keeps serving', async () => {
    mta.use({ kind: 'smtp-error', code: 452 });
    const r = await smtpSend({ url }, { from: 'a@b.example', to: ['alice@example.com'] }, enc(VALID));
    expect(r.code).toBe(452);
    mta.resetBehaviours();
    const ok = await smtpSend({ url }, { from: 'a@b.example', to: ['alice@example.com'] }, enc(VALID));
    expect(ok.ok).toBe(true);
    expect(() => mta.use({ kind: 'smtp-error', code: 250 })).toThrow(/4xx or 5xx/);
    expect(() => mta.use({ kind: 'teleport' })).toThrow(/unknown behaviour/);
  });

  it('action send injects composed mail with attachments into the target', async () => {
    const res = (await mta.actions.send({
      from: 'carol@example.com',
      to: '+15550002/TYPE=PLMN@mms.mnc001.mcc310.gprs',
      subject: 'pic',
      text: 'see attached',
      attachments: [
        { filename: 'x.bin', contentType: 'application/octet-stream', content: { $base64: 'AAEC/w==' } },
      ],
    })) as JsonObject;
    expect(res.ok).toBe(true);
    const got = (await target.actions.mailbox({ raw: true })) as JsonObject;
    const m = (got.messages as JsonObject[])[0];
    expect(m.valid).toBe(true);
    expect(m.rcptTo).toEqual(['+15550002/TYPE=PLMN@mms.mnc001.mcc310.gprs']);
    expect(m.attachments).toEqual([
      { filename: 'x.bin', mimeType: 'application/octet-stream', size: 4, content: { $base64: 'AAEC/w==' } },
    ]);
  });
});

describe('MailMta access control', () => {
  it('requires AUTH when configured and refuses bad credentials with 535', async () => {
    const timeline = new Timeline();
    const mta = new MailMta({ domains: ['example.com'], users: { u: 'p' }, requireAuth: true });
    const [{ url }] = await mta.start({ timeline, host: '127.0.0.1' });
    try {
      const to = { from: 'a@b.example', to: ['alice@example.com'] };
      expect((await smtpSend({ url }, to, enc(VALID))).code).toBe(530);
      expect((await smtpSend({ url, user: 'u', pass: 'wrong' }, to, enc(VALID))).code).toBe(535);
      expect((await smtpSend({ url, user: 'u', pass: 'p' }, to, enc(VALID))).ok).toBe(true);
      expect(mta.mailbox()).toHaveLength(1);
    } finally {
      await mta.stop();
    }
  });

  it('refuses an oversized message with 552 and keeps nothing', async () => {
    const timeline = new Timeline();
    const mta = new MailMta({ domains: ['example.com'], maxSize: 200 });
    const [{ url }] = await mta.start({ timeline, host: '127.0.0.1' });
    try {
      const r = await smtpSend({ url }, { from: 'a@b.example', to: ['alice@example.com'] }, enc(VALID));
      expect(r.code).toBe(552);
      expect(mta.mailbox()).toHaveLength(0);
    } finally {
      await mta.stop();
    }
  });

  it('refuses clients outside the allow-list', async () => {
    const timeline = new Timeline();
    const mta = new MailMta({ domains: ['example.com'], allowClients: ['mnc001.mcc310.gprs'] });
    const [{ url }] = await mta.start({ timeline, host: '127.0.0.1' });
    try {
      const to = { from: 'x@other.example', to: ['alice@example.com'] };
      const no = await smtpSend({ url, name: 'other.example' }, to, enc(VALID));
      expect(no.code).toBe(550);
      const yes = await smtpSend({ url, name: 'mms.mnc001.mcc310.gprs' }, to, enc(VALID));
      expect(yes.ok).toBe(true);
    } finally {
      await mta.stop();
    }
  });
});
