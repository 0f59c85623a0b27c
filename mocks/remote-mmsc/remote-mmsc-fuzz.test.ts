import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/wire/timeline.ts';
import {
  duplicateLine,
  flipBits,
  insertOneOf,
  insertRandomBytes,
  mulberry32,
  mutate,
  truncate,
} from '../../test/support/fuzz.ts';
import { RemoteMmsc } from './remote-mmsc.ts';

/**
 * Robustness: mutated MM4 messages (bit flips, truncation, inserted CR/LF/NUL/8-bit, header
 * duplication) over ONE SMTP session. Every DATA must get a protocol answer: 250 (accepted,
 * possibly with an error RES), 554 5.6.0 (not MM4 / invalid); never 451 (a handler threw),
 * never a dropped connection; every accepted message is kept. Bounded: 400 messages.
 */

const REMOTE = 'mms.mnc002.mcc310.gprs';
const BASE = [
  'X-Mms-3GPP-MMS-Version: 6.10.0',
  'X-Mms-Message-Type: MM4_forward.REQ',
  'X-Mms-Transaction-ID: fz-1',
  'X-Mms-Message-ID: fz-msg-1',
  'X-Mms-Ack-Request: Yes',
  'X-Mms-Delivery-Report: Yes',
  'Sender: system-user@mms.mnc001.mcc310.gprs',
  'From: +15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs',
  `To: +15550002/TYPE=PLMN@${REMOTE}`,
  'Subject: =?UTF-8?B?ZnV6eg==?=',
  'Date: Sun, 22 Nov 2026 03:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/related; boundary="zz"',
  '',
  '--zz',
  'Content-Type: text/plain',
  '',
  'fuzz',
  '--zz--',
  '',
].join('\r\n');

/** What a hostile or broken MTA can do to an MM4 message (RFC 5322 framing, MIME, 8-bit). */
const MM4_DAMAGE = [
  flipBits(8),
  truncate,
  insertOneOf(
    ['\r\n', '\n', '\r', '\u0000', '\u00ff\u00fe', ':', '=?UTF-8?B?', '--zz\r\n', '\r\n\r\n'],
    'latin1',
  ),
  duplicateLine(11),
  insertRandomBytes(0, 63),
];

/** A minimal line-oriented SMTP client (RFC 5321) over one connection, for volume. */
class RawSmtp {
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  private lines: string[] = [];
  closed = false;
  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      let i = this.buf.indexOf('\r\n');
      while (i >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        // Only the last line of a multi-line reply ("250 " not "250-") completes it.
        if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
          const w = this.waiting.shift();
          if (w) w(line);
          else this.lines.push(line);
        }
        i = this.buf.indexOf('\r\n');
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w('CLOSED');
    });
    socket.on('error', () => {});
  }
  reply(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.closed) return Promise.resolve('CLOSED');
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  async cmd(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }
  async data(body: Buffer): Promise<string> {
    const go = await this.cmd('DATA');
    if (!go.startsWith('354')) return go;
    // Dot-stuffing (RFC 5321 §4.5.2) and a final CRLF before the terminating dot.
    let text = body.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
    if (!text.endsWith('\r\n')) text += '\r\n';
    this.socket.write(Buffer.from(`${text}.\r\n`, 'latin1'));
    return this.reply();
  }
}

describe('RemoteMmsc under mutated MM4 input', () => {
  it('answers every one of 400 mutated messages with 250 or 554 and keeps serving', async () => {
    const timeline = new Timeline();
    const remote = new RemoteMmsc({ domain: REMOTE, starttls: false, autoReports: false });
    const [{ url }] = await remote.start({ timeline, host: '127.0.0.1' });
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    const smtp = new RawSmtp(socket);
    const counts = new Map<string, number>();
    try {
      expect(await smtp.reply()).toMatch(/^220 /);
      expect(await smtp.cmd('EHLO fuzz.mnc001.mcc310.gprs')).toMatch(/^250 /);
      const r = mulberry32(20261122);
      const base = Buffer.from(BASE, 'latin1');
      let accepted = 0;
      for (let n = 0; n < 400; n++) {
        expect(await smtp.cmd('MAIL FROM:<system-user@mms.mnc001.mcc310.gprs>')).toMatch(/^250 /);
        expect(await smtp.cmd(`RCPT TO:<+15550002/TYPE=PLMN@${REMOTE}>`)).toMatch(/^250 /);
        const answer = await smtp.data(mutate(base, r, MM4_DAMAGE));
        const code = answer.slice(0, 3);
        counts.set(code, (counts.get(code) ?? 0) + 1);
        expect(['250', '554'], `message ${n}: ${answer}`).toContain(code);
        if (code === '250') accepted += 1;
      }
      // Nothing accepted is lost: each 250 is in the inbox (refused but decodable ones too, marked).
      expect(remote.inbox().filter((m) => m.accepted).length).toBe(accepted);
      expect(timeline.query((o) => o.kind === 'event' && o.name === 'peer-error')).toEqual([]);
      expect(await smtp.cmd('QUIT')).toMatch(/^221 /);
    } finally {
      socket.destroy();
      await remote.stop();
    }
    // Both outcomes occur (the mutations are neither all harmless nor all fatal).
    expect(counts.get('250') ?? 0).toBeGreaterThan(0);
    expect(counts.get('554') ?? 0).toBeGreaterThan(0);
  });
});
