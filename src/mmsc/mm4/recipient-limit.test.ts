import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mm1Client, sendReq } from '../../../test/support/mm1-client.ts';
import { getHeader } from '../../codec/mms/index.ts';
import { type RunningMmsc, startReferenceMmsc } from '../index.ts';
import { Mm3Module } from '../mm3/mm3-module.ts';

/**
 * The recipients-per-message limit on the SMTP interfaces (MM3 here: any sender may try), over a
 * raw socket: RCPT floods, repeated RCPTs and a client that leaves mid-transaction. RFC 5321
 * §4.5.3.1.8 (at least 100 recipients MUST be taken), §4.5.3.1.10 (past the limit: 452).
 */

let mmsc: RunningMmsc;
let port = 0;
const DOMAIN = 'mms.mnc001.mcc310.gprs';
const rcpt = (i: number) => `+1555000${String(i).padStart(4, '0')}/TYPE=PLMN@${DOMAIN}`;

beforeAll(async () => {
  mmsc = await startReferenceMmsc({ fsync: false, maxRecipients: 100 }, { modules: [new Mm3Module()] });
  port = Number(new URL(mmsc.endpoints.find((e) => e.iface === 'MM3')!.url).port);
}, 30_000);

afterAll(async () => {
  await mmsc?.stop();
});

/** A line-by-line SMTP client: `cmd` sends one line and resolves with the reply's code. */
async function session(): Promise<{ cmd: (line: string) => Promise<number>; sock: net.Socket }> {
  const sock = net.connect(port, '127.0.0.1');
  let buf = '';
  const waiting: Array<(code: number) => void> = [];
  sock.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const m = /^(\d{3}) [^\r\n]*\r\n/m.exec(buf);
      if (!m) break;
      buf = buf.slice(m.index + m[0].length);
      waiting.shift()?.(Number(m[1]));
    }
  });
  const next = () => new Promise<number>((r) => waiting.push(r));
  expect(await next()).toBe(220);
  return {
    sock,
    cmd: (line: string) => {
      const p = next();
      sock.write(`${line}\r\n`);
      return p;
    },
  };
}

describe('recipients-per-message limit on SMTP (MM3)', () => {
  it('takes 100 distinct RCPTs, answers 452 for each one past them, and delivers the 100', async () => {
    const { cmd, sock } = await session();
    expect(await cmd('EHLO client.example.com')).toBe(250);
    expect(await cmd('MAIL FROM:<carol@example.com>')).toBe(250);
    for (let i = 1; i <= 100; i++) expect(await cmd(`RCPT TO:<${rcpt(i)}>`)).toBe(250);
    // a flood past the limit: every one refused with 452, the session stays usable
    for (let i = 101; i <= 300; i++) expect(await cmd(`RCPT TO:<${rcpt(i)}>`)).toBe(452);
    // a repeated RCPT of an address already taken is no new recipient: still 250
    expect(await cmd(`RCPT TO:<${rcpt(7)}>`)).toBe(250);
    expect(await cmd('DATA')).toBe(354);
    const mail = [
      'From: carol@example.com',
      `To: ${rcpt(1)}`,
      'Subject: fan-out',
      'Message-ID: <fanout-100@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain',
      '',
      'to a hundred',
      '.',
    ].join('\r\n');
    expect(await cmd(mail)).toBe(250);
    expect(await cmd('QUIT')).toBe(221);
    sock.destroy();
    const stored = [...mmsc.core.store.all()].find((m) => m.recipients.length === 100);
    expect(stored?.recipients.map((r) => r.msisdn).sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => rcpt(i + 1).slice(1, 12)).sort(),
    );
  });

  it('a new transaction (RSET, or MAIL again) starts a new count', async () => {
    const { cmd, sock } = await session();
    expect(await cmd('HELO client.example.com')).toBe(250);
    expect(await cmd('MAIL FROM:<carol@example.com>')).toBe(250);
    for (let i = 1; i <= 101; i++) expect(await cmd(`RCPT TO:<${rcpt(i)}>`)).toBe(i <= 100 ? 250 : 452);
    expect(await cmd('RSET')).toBe(250);
    expect(await cmd('MAIL FROM:<carol@example.com>')).toBe(250);
    expect(await cmd(`RCPT TO:<${rcpt(200)}>`)).toBe(250);
    sock.destroy();
  });

  it('a client leaving mid-transaction leaves nothing behind and others are served', async () => {
    const before = mmsc.core.store.size;
    const a = await session();
    expect(await a.cmd('HELO gone.example.com')).toBe(250);
    expect(await a.cmd('MAIL FROM:<carol@example.com>')).toBe(250);
    for (let i = 1; i <= 50; i++) expect(await a.cmd(`RCPT TO:<${rcpt(i)}>`)).toBe(250);
    expect(await a.cmd('DATA')).toBe(354);
    a.sock.write('Subject: half\r\n\r\nhalf a mess');
    a.sock.destroy();
    const b = await session();
    expect(await b.cmd('HELO next.example.com')).toBe(250);
    expect(await b.cmd('MAIL FROM:<carol@example.com>')).toBe(250);
    expect(await b.cmd(`RCPT TO:<${rcpt(1)}>`)).toBe(250);
    b.sock.destroy();
    expect(mmsc.core.store.size).toBe(before);
  });
});

describe('recipients-per-message limit on MM1 (m-send-req)', () => {
  it('refuses more than maxRecipients with Error-permanent-failure (1.0: Error-unspecified), takes the limit', async () => {
    const small = await startReferenceMmsc({ fsync: false, maxRecipients: 4 });
    const client = new Mm1Client(small.endpoints[0].url);
    try {
      const to = (n: number) =>
        Array.from({ length: n }, (_, i) => `+1555000${String(i + 1).padStart(4, '0')}/TYPE=PLMN`);
      const over = await client.postPdu(sendReq('lim-1', to(5)), '15550001');
      expect(getHeader(over.pdu!, 'X-Mms-Response-Status')).toBe('Error-permanent-failure');
      expect(getHeader(over.pdu!, 'Message-ID')).toBeUndefined();
      const old = await client.postPdu(sendReq('lim-2', to(5), { 'X-Mms-MMS-Version': '1.0' }), '15550001');
      expect(getHeader(old.pdu!, 'X-Mms-Response-Status')).toBe('Error-unspecified');
      expect(small.core.store.size).toBe(0);
      const ok = await client.postPdu(sendReq('lim-3', to(4)), '15550001');
      expect(getHeader(ok.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
    } finally {
      client.close();
      await small.stop();
    }
  });
});
