import * as http from 'node:http';
import * as net from 'node:net';
import { smtpSend } from '../mocks/mail/smtp-send.ts';
import { RemoteMmsc } from '../mocks/remote-mmsc/remote-mmsc.ts';
import { mm7Post } from '../mocks/vasp/mm7-post.ts';
import { Vasp } from '../mocks/vasp/vasp.ts';
import { encodeMm7, mm7Address } from '../src/codec/mm7/index.ts';
import { Timeline } from '../src/wire/timeline.ts';

/**
 * MM4 / MM7 mocks: MM4_forward.REQ accepted per second by the remote MMSC (a fresh SMTP
 * connection per message, as an MMSC's MM4 client does; decode + validate + RES queued),
 * and DeliverReq answered per second by the VASP (keep-alive HTTP, decode + check + encode).
 * Everything tapped and published to a timeline, as in a run. Bounded loops.
 */

const REMOTE = 'mms.mnc002.mcc310.gprs';
const FORWARD = new TextEncoder().encode(
  [
    'X-Mms-3GPP-MMS-Version: 6.10.0',
    'X-Mms-Message-Type: MM4_forward.REQ',
    'X-Mms-Transaction-ID: b-1',
    'X-Mms-Message-ID: b-msg-1',
    'Sender: system-user@mms.mnc001.mcc310.gprs',
    'From: +15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs',
    `To: +15550002/TYPE=PLMN@${REMOTE}`,
    'Date: Sun, 22 Nov 2026 03:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain',
    '',
    'x'.repeat(2000),
    '',
  ].join('\r\n'),
);

export async function run(): Promise<void> {
  const timeline = new Timeline();
  const remote = new RemoteMmsc({ domain: REMOTE, starttls: false, autoReports: false });
  const [{ url }] = await remote.start({ timeline, host: '127.0.0.1' });
  const n4 = 150;
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < n4; i++) {
    const r = await smtpSend(
      { url, tls: 'none' },
      { from: 'system-user@mms.mnc001.mcc310.gprs', to: [`+15550002/TYPE=PLMN@${REMOTE}`] },
      FORWARD,
    );
    if (!r.ok) throw new Error(r.response);
  }
  let s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `MM4_forward.REQ (2 KB) one SMTP connection each: ${(n4 / s).toFixed(0)} msg/s, ${((s / n4) * 1e3).toFixed(2)} ms/msg (n=${n4}; includes smtp-server's fixed 100 ms greeting delay)`,
  );
  const n4s = 500;
  t0 = process.hrtime.bigint();
  await oneSession(Number(new URL(url).port), n4s);
  s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `MM4_forward.REQ (2 KB) in one SMTP session: ${(n4s / s).toFixed(0)} msg/s, ${((s / n4s) * 1e3).toFixed(2)} ms/msg (n=${n4s})`,
  );
  await remote.stop();

  const vasp = new Vasp();
  const [{ url: vurl }] = await vasp.start({ timeline, host: '127.0.0.1' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const req = encodeMm7({
    type: 'DeliverReq',
    transactionId: 'b',
    version: 'REL-6-MM7-1-4',
    fields: { MM7Version: '6.8.0', Sender: mm7Address('+15550001'), Subject: 'bench' },
    content: {
      headers: [],
      contentType: 'image/jpeg',
      params: {},
      contentId: 'c',
      body: new Uint8Array(30_000).fill(7),
    },
  });
  const n7 = 300;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n7; i++) {
    const a = await mm7Post({ url: vurl, contentType: req.contentType, body: req.body, agent });
    if (a.status !== 200) throw new Error(`HTTP ${a.status}`);
  }
  s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `MM7 DeliverReq (30 KB attachment) keep-alive: ${(n7 / s).toFixed(0)} req/s, ${((s / n7) * 1e6).toFixed(0)} µs/req (n=${n7})`,
  );
  agent.destroy();
  await vasp.stop();
}

/** MAIL / RCPT / DATA repeated on one connection, each step waiting for its final reply line. */
async function oneSession(port: number, count: number): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let buf = '';
  let waiter: ((l: string) => void) | undefined;
  const queue: string[] = [];
  socket.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!/^\d{3} /.test(line)) continue;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w(line);
      } else queue.push(line);
    }
  });
  const reply = () =>
    new Promise<string>((r) => {
      const l = queue.shift();
      if (l !== undefined) r(l);
      else waiter = r;
    });
  const expect = async (code: string) => {
    const l = await reply();
    if (!l.startsWith(code)) throw new Error(`expected ${code}, got ${l}`);
  };
  await expect('220');
  socket.write('EHLO bench.mnc001.mcc310.gprs\r\n');
  await expect('250');
  const body = Buffer.concat([Buffer.from(FORWARD), Buffer.from('.\r\n')]);
  for (let i = 0; i < count; i++) {
    socket.write(
      `MAIL FROM:<system-user@mms.mnc001.mcc310.gprs>\r\nRCPT TO:<+15550002/TYPE=PLMN@${REMOTE}>\r\nDATA\r\n`,
    );
    await expect('250');
    await expect('250');
    await expect('354');
    socket.write(body);
    await expect('250');
  }
  socket.end('QUIT\r\n');
}
