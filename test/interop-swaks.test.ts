import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailMta } from '../mocks/mail/mail-mta.ts';
import { RemoteMmsc } from '../mocks/remote-mmsc/remote-mmsc.ts';
import type { JsonObject } from '../src/util/json.ts';
import type { MessageObservation } from '../src/wire/timeline.ts';
import { Timeline } from '../src/wire/timeline.ts';

/**
 * Interop: MM4 requests sent to the remote-MMSC mock by an independent SMTP client, swaks
 * (/usr/bin/swaks), in cleartext and over STARTTLS with AUTH, accepted and decoded; refusals
 * answered with SMTP's own codes. The MM4 texts are written here by hand from TS 23.140 §8.4.
 */

const SWAKS = '/usr/bin/swaks';
const haveSwaks = existsSync(SWAKS);
if (!haveSwaks)
  console.warn('[interop-swaks] /usr/bin/swaks not installed: skipping the swaks interop tests');

const HOME = 'mms.mnc001.mcc310.gprs';
const REMOTE = 'mms.mnc002.mcc310.gprs';

function mm4(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}

const FORWARD = mm4([
  'X-Mms-3GPP-MMS-Version: 6.10.0',
  'X-Mms-Message-Type: MM4_forward.REQ',
  'X-Mms-Transaction-ID: swaks-fwd-1',
  'X-Mms-Message-ID: swaks-msg-1',
  'X-Mms-Ack-Request: Yes',
  'X-Mms-Delivery-Report: No',
  `X-Mms-Originator-System: system-user@${HOME}`,
  `Sender: system-user@${HOME}`,
  `From: +15550001/TYPE=PLMN@${HOME}`,
  `To: +15550002/TYPE=PLMN@${REMOTE}`,
  'Subject: interop',
  'Date: Sun, 22 Nov 2026 03:00:00 +0000',
  `Message-ID: <swaks-fwd-1@${HOME}>`,
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="sw"',
  '',
  '--sw',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'hello over swaks',
  '.leading dot survives dot-stuffing',
  '--sw--',
]);

const DELIVERY_REPORT = mm4([
  'X-Mms-3GPP-MMS-Version: 6.10.0',
  'X-Mms-Message-Type: MM4_delivery_report.REQ',
  'X-Mms-Transaction-ID: swaks-dr-1',
  'X-Mms-Message-ID: msg-from-remote',
  'X-Mms-MMS-Status: Retrieved',
  `Sender: system-user@${HOME}`,
  `From: +15550001/TYPE=PLMN@${HOME}`,
  `To: +15550002/TYPE=PLMN@${REMOTE}`,
  'Date: Sun, 22 Nov 2026 03:01:00 +0000',
]);

const READ_REPLY = mm4([
  'X-Mms-3GPP-MMS-Version: 6.10.0',
  'X-Mms-Message-Type: MM4_read_reply_report.REQ',
  'X-Mms-Transaction-ID: swaks-rr-1',
  'X-Mms-Message-ID: msg-from-remote',
  'X-Mms-Read-Status: Deleted without being read',
  `Sender: system-user@${HOME}`,
  `From: +15550001/TYPE=PLMN@${HOME}`,
  `To: +15550002/TYPE=PLMN@${REMOTE}`,
  'Date: Sun, 22 Nov 2026 03:02:00 +0000',
]);

interface SwaksRun {
  code: number;
  out: string;
}

function swaks(args: string[]): Promise<SwaksRun> {
  return new Promise((resolve) => {
    // POSIXLY_CORRECT: Getopt::Long would otherwise take the `+` of `+E164/TYPE=PLMN` as an option prefix.
    const env = { ...process.env, POSIXLY_CORRECT: '1' };
    execFile(SWAKS, args, { timeout: 20_000, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe.skipIf(!haveSwaks)('interop: swaks → remote-mmsc (MM4 over SMTP)', () => {
  const timeline = new Timeline();
  const remote = new RemoteMmsc({ domain: REMOTE, users: { mm4peer: 's3cret' } });
  const home = new RemoteMmsc({ name: 'home-mmsc', domain: HOME, autoReports: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-swaks-'));
  let port = 0;

  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return `@${p}`;
  };
  const base = (data: string, to = `+15550002/TYPE=PLMN@${REMOTE}`) => [
    '--server',
    '127.0.0.1',
    '--port',
    String(port),
    '--helo',
    HOME,
    '--from',
    `system-user@${HOME}`,
    '--to',
    to,
    '--data',
    data,
    '--timeout',
    '15',
  ];

  beforeAll(async () => {
    port = Number(new URL((await remote.start({ timeline, host: '127.0.0.1' }))[0].url).port);
    remote.setTarget((await home.start({ timeline, host: '127.0.0.1' }))[0].url);
  });
  afterAll(async () => {
    await remote.stop();
    await home.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('MM4_forward.REQ over STARTTLS with AUTH PLAIN: accepted, decoded byte-exact, RES Ok sent back', async () => {
    const since = timeline.length;
    const r = await swaks([
      ...base(file('fwd.eml', FORWARD)),
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'mm4peer',
      '--auth-password',
      's3cret',
    ]);
    expect(r.out).toMatch(/<~\s+220 .*TLS|<- {2}220 .*TLS|STARTTLS/);
    expect(r.out).toMatch(/235 /);
    expect(r.code, r.out).toBe(0);
    const got = timeline.messages({ node: 'remote-mmsc', type: 'MM4_forward.REQ', direction: 'in' }, since);
    expect(got).toHaveLength(1);
    const fields = got[0].fields as JsonObject;
    expect((fields.headers as JsonObject)['X-Mms-Transaction-ID']).toBe('swaks-fwd-1');
    expect(JSON.stringify(fields.content)).toContain('multipart/mixed');
    // swaks dot-stuffs, smtp-server un-stuffs: the bytes are the file's bytes, plus the CRLF
    // swaks always writes before the terminating dot.
    expect(Buffer.from(got[0].raw ?? []).toString('latin1')).toBe(`${FORWARD}\r\n`);
    expect(remote.inbox().at(-1)?.issues).toEqual([]);
    const res = await timeline.waitFor<MessageObservation>(
      (o) => o.kind === 'message' && o.node === 'home-mmsc' && o.type === 'MM4_forward.RES',
      { timeoutMs: 5000, since },
    );
    expect(((res.fields as JsonObject).headers as JsonObject)['X-Mms-Request-Status-Code']).toBe('Ok');
    // The TLS session was recorded by the tap (ciphertext after STARTTLS, but bytes all the same).
    expect(
      timeline.query((o) => o.kind === 'bytes' && o.node === 'remote-mmsc', since).length,
    ).toBeGreaterThan(4);
  });

  it.each([
    ['MM4_delivery_report.REQ', DELIVERY_REPORT],
    ['MM4_read_reply_report.REQ', READ_REPLY],
  ])('%s in cleartext: accepted and decoded without issues', async (type, text) => {
    const r = await swaks(base(file(`${type}.eml`, text)));
    expect(r.code, r.out).toBe(0);
    const last = remote.inbox().at(-1);
    expect(last?.type).toBe(type);
    expect(last?.issues).toEqual([]);
  });

  it('AUTH LOGIN is accepted too, and a wrong password gets 535', async () => {
    const ok = await swaks([
      ...base(file('dr-login.eml', DELIVERY_REPORT)),
      '--auth',
      'LOGIN',
      '--auth-user',
      'mm4peer',
      '--auth-password',
      's3cret',
    ]);
    expect(ok.out).toMatch(/AUTH LOGIN/);
    expect(ok.code, ok.out).toBe(0);
    const bad = await swaks([
      ...base(file('dr-login2.eml', DELIVERY_REPORT)),
      '--auth',
      'LOGIN',
      '--auth-user',
      'mm4peer',
      '--auth-password',
      'wrong',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/535 5\.7\.8/);
  });

  it('a mail that is not MM4: 554 5.6.0', async () => {
    const r = await swaks(
      base(file('plain.eml', mm4(['From: a@b.example', 'To: c@d.example', 'Subject: hi', '', 'hi']))),
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/554 5\.6\.0/);
  });

  it('a forward missing mandatory fields without ack request: 554 5.6.0 naming the field', async () => {
    const broken = FORWARD.replace('X-Mms-Ack-Request: Yes\r\n', '').replace(
      /X-Mms-Transaction-ID: .*\r\n/,
      '',
    );
    const r = await swaks(base(file('broken.eml', broken)));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/554 5\.6\.0 Invalid MM4_forward\.REQ: X-Mms-Transaction-ID/);
  });

  it('relaying to a foreign domain: 550 5.7.1', async () => {
    const r = await swaks(base(file('relay.eml', FORWARD), '+15550003/TYPE=PLMN@mms.mnc009.mcc310.gprs'));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/550 5\.7\.1/);
  });
});

describe.skipIf(!haveSwaks)('interop: swaks → mail MTA (MM3)', () => {
  it('a swaks-generated e-mail is captured, checked valid and decoded', async () => {
    const timeline = new Timeline();
    const mta = new MailMta({ domains: ['example.com'] });
    const [{ url }] = await mta.start({ timeline, host: '127.0.0.1' });
    try {
      const r = await swaks([
        '--server',
        '127.0.0.1',
        '--port',
        new URL(url).port,
        '--from',
        'sender@example.org',
        '--to',
        'alice@example.com',
        '--header',
        'Subject: from swaks',
        '--body',
        'body text',
        '--tls',
      ]);
      expect(r.code, r.out).toBe(0);
      const box = (await mta.actions.mailbox({})) as JsonObject;
      const m = (box.messages as JsonObject[])[0];
      expect(m.subject).toBe('from swaks');
      expect(m.issues).toEqual([]);
      expect(m.valid).toBe(true);
      expect(String(m.text)).toContain('body text');
    } finally {
      await mta.stop();
    }
  });
});
