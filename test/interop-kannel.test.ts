import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirInterface, type MtSms } from '../mocks/air-interface.ts';
import { SmscPeer } from '../mocks/smsc/smsc-peer.ts';
import type { JsonObject } from '../src/util/json.ts';
import { type MessageObservation, Timeline } from '../src/wire/timeline.ts';
import { notificationInd } from './support/smpp-test-helpers.ts';

/**
 * Interop: Kannel (an independent SMPP 3.4 ESME implementation) binds to our SMSC as a
 * transceiver and sends a WAP push (UDH ports 9200 -> 2948, 8-bit) carrying an
 * m-notification-ind through its HTTP sendsms interface. Our SMSC must decode it to the same
 * m-notification-ind, and its delivery receipt must be understood by Kannel (which reports it
 * back on its dlr-url with the SMSC's message id).
 */
const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';
const haveKannel = existsSync(BEARERBOX) && existsSync(SMSBOX);
if (!haveKannel)
  console.warn(`interop-kannel: SKIPPED — ${BEARERBOX} / ${SMSBOX} not installed (apt-get install kannel)`);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitUntil(
  what: string,
  ok: () => boolean | Promise<boolean>,
  timeoutMs: number,
  logs: () => string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`kannel interop: ${what} not seen within ${timeoutMs} ms\n${logs()}`);
}

function stopProcess(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.kill('SIGKILL'), 8000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

describe.skipIf(!haveKannel)('interop: Kannel bearerbox/smsbox as the ESME', () => {
  const timeline = new Timeline();
  const air = new AirInterface();
  const received: MtSms[] = [];
  const smsc = new SmscPeer({ systemId: 'kannel', password: 'kpass' }, { air });
  const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-kannel-'));
  const dlrs: URLSearchParams[] = [];
  const dlrServer = http.createServer((req, res) => {
    dlrs.push(new URL(req.url ?? '/', 'http://x').searchParams);
    res.end('ok');
  });
  let bearerbox: ChildProcess | undefined;
  let smsbox: ChildProcess | undefined;
  let sendsmsPort = 0;
  let dlrPort = 0;
  const logs = () =>
    ['bearerbox.log', 'smsbox.log']
      .map((f) => path.join(dir, f))
      .filter((f) => existsSync(f))
      .map(
        (f) => `--- ${path.basename(f)} (tail)\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`,
      )
      .join('\n');

  beforeAll(async () => {
    air.register('15550001', (sms) => void received.push(sms));
    await smsc.start({ timeline, host: '127.0.0.1' });
    await new Promise<void>((r) => dlrServer.listen(0, '127.0.0.1', () => r()));
    dlrPort = (dlrServer.address() as net.AddressInfo).port;
    const [adminPort, boxPort] = [await freePort(), await freePort()];
    sendsmsPort = await freePort();
    const conf = path.join(dir, 'kannel.conf');
    writeFileSync(
      conf,
      `group = core
admin-port = ${adminPort}
admin-interface = 127.0.0.1
admin-password = adm
admin-allow-ip = 127.0.0.1
smsbox-port = ${boxPort}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "${dir}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = mmscert
host = 127.0.0.1
port = ${smsc.port}
transceiver-mode = true
smsc-username = kannel
smsc-password = kpass
system-type = ""
interface-version = 34
reconnect-delay = 1
enquire-link-interval = 30

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${boxPort}
sendsms-port = ${sendsmsPort}
sendsms-interface = 127.0.0.1
log-file = "${dir}/smsbox.log"
log-level = 1

group = sendsms-user
username = u
password = p
max-messages = 1

group = sms-service
keyword = default
text = "ok"
`,
    );
    bearerbox = spawn(BEARERBOX, [conf], { cwd: dir, stdio: 'ignore' });
    await waitUntil(
      'the SMPP bind from bearerbox',
      () =>
        timeline
          .messages({ type: 'bind_transceiver_resp', direction: 'out' })
          .some((o) => (o.fields as JsonObject).command_status === 'ESME_ROK'),
      20_000,
      logs,
    );
    smsbox = spawn(SMSBOX, [conf], { cwd: dir, stdio: 'ignore' });
    await waitUntil(
      'smsbox sendsms port',
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect({ port: sendsmsPort, host: '127.0.0.1' });
          s.once('connect', () => {
            s.destroy();
            resolve(true);
          });
          s.once('error', () => resolve(false));
        }),
      20_000,
      logs,
    );
  }, 60_000);

  afterAll(async () => {
    await stopProcess(smsbox);
    await stopProcess(bearerbox);
    await smsc.stop();
    await new Promise<void>((r) => dlrServer.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("decodes Kannel's WAP push submit to the m-notification-ind, and Kannel understands the receipt", async () => {
    const ind = notificationInd('K-42', 'http://127.0.0.1:8002/k/42', '+15550009/TYPE=PLMN');
    // WSP connectionless Push (WAP-230 §8.2.4.1), built by hand: TID, PDU type 0x06, HeadersLen,
    // Content-Type application/vnd.wap.mms-message (0x3E | 0x80), X-Wap-Application-Id (0x2F | 0x80) mms.ua (4).
    const push = Buffer.concat([Buffer.from([0x01, 0x06, 0x03, 0xbe, 0xaf, 0x84]), ind]);
    expect(push.length).toBeLessThanOrEqual(133);
    const pct = (b: Uint8Array) => Array.from(b, (x) => `%${x.toString(16).padStart(2, '0')}`).join('');
    const udh = Uint8Array.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]); // WDP 16-bit ports 2948 <- 9200
    const dlrUrl = encodeURIComponent(`http://127.0.0.1:${dlrPort}/dlr?type=%d&smscid=%F`);
    const url =
      `http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms?username=u&password=p&to=15550001&from=15550009` +
      `&coding=1&udh=${pct(udh)}&text=${pct(push)}&dlr-mask=3&dlr-url=${dlrUrl}`;
    const resp = await fetch(url);
    expect(resp.status, await resp.text()).toBe(202);

    const mms = await timeline.waitFor<MessageObservation>((o) => o.kind === 'message' && o.iface === 'MM1', {
      timeoutMs: 20_000,
    });
    expect(mms.type).toBe('m-notification-ind');
    const f = mms.fields as JsonObject;
    expect(f['X-Mms-Transaction-Id']).toBe('K-42');
    expect([f['X-Mms-Content-Location']].flat()).toEqual(['http://127.0.0.1:8002/k/42']);

    const submit = timeline.messages({ type: 'submit_sm', direction: 'in' })[0];
    const sf = submit.fields as JsonObject;
    expect(sf.destination_addr).toBe('15550001');
    expect((sf.esm_class as number) & 0x40).toBe(0x40);
    const wsp = timeline.messages({ iface: 'WAP-PUSH' })[0];
    expect(wsp.fields).toMatchObject({
      contentType: 'application/vnd.wap.mms-message',
      applicationId: 4,
      ports: { destination: 2948, source: 9200 },
    });
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    expect(Buffer.from(received[0].payload).equals(push)).toBe(true);

    // Receipt: our deliver_sm back to Kannel, which reports "delivered" (type 1) with our message id.
    const messageId = (
      timeline.messages({ type: 'submit_sm_resp', direction: 'out' })[0].fields as JsonObject
    ).message_id;
    await waitUntil("Kannel's dlr-url callback", () => dlrs.length > 0, 20_000, logs);
    expect(dlrs[0].get('type')).toBe('1');
    expect(dlrs[0].get('smscid')).toBe(messageId);
    const ack = timeline.messages({ type: 'deliver_sm_resp', direction: 'in' });
    expect((ack[0].fields as JsonObject).command_status).toBe('ESME_ROK');
  }, 60_000);
});
