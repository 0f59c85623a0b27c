import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';
import { Handset } from '../mocks/ue/handset.ts';
import { proxyCredential } from '../mocks/wap-gateway/http-util.ts';
import { PushProxyGateway } from '../mocks/wap-gateway/ppg.ts';
import { WapGateway } from '../mocks/wap-gateway/wap-gateway.ts';
import { Timeline } from '../src/wire/timeline.ts';
import { handNotificationInd, handSendConf, handSendReq } from '../test/support/wap-test-pdus.ts';

/**
 * WAP gateway and PPG mocks: cost of the proxy hop on an MM1 round trip (direct vs through the
 * gateway, sequential keep-alive requests), a handset's send action end to end, and PAP pushes
 * per second down to submit_sm. Bounded loops on 127.0.0.1.
 */
const N = 2000;

function request(
  agent: http.Agent,
  port: number,
  path: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent,
        headers: { ...headers, 'Content-Length': String(body.length) },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function line(label: string, n: number, ns: bigint): void {
  const s = Number(ns) / 1e9;
  console.log(
    `${label.padEnd(48)} ${(n / s).toFixed(0).padStart(8)} /s  ${((s / n) * 1e6).toFixed(1).padStart(8)} µs each`,
  );
}

export async function run(): Promise<void> {
  const conf = handSendConf('T', 'm');
  const mm1 = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'Content-Type': 'application/vnd.wap.mms-message',
        'Content-Length': conf.length,
      });
      res.end(conf);
    });
  });
  await new Promise<void>((r) => mm1.listen(0, '127.0.0.1', r));
  const mm1Port = (mm1.address() as AddressInfo).port;
  const timeline = new Timeline();
  const gw = new WapGateway({ upstream: `http://127.0.0.1:${mm1Port}/mms` });
  const [ep] = await gw.start({ timeline, host: '127.0.0.1' });
  const gwPort = Number(new URL(ep.url).port);
  const pdu = handSendReq('T', '+15550002/TYPE=PLMN', 'hello');
  const headers = {
    'Content-Type': 'application/vnd.wap.mms-message',
    'Proxy-Authorization': proxyCredential('+15550001'),
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  for (const [label, port, path] of [
    ['MM1 m-send-req round trip, direct', mm1Port, '/mms'],
    ['MM1 m-send-req round trip, through the gateway', gwPort, `http://127.0.0.1:${mm1Port}/mms`],
  ] as const) {
    for (let i = 0; i < 200; i++) await request(agent, port, path, pdu, headers);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await request(agent, port, path, pdu, headers);
    line(label, N, process.hrtime.bigint() - t0);
  }

  const ue = new Handset({
    name: 'bench',
    msisdn: '+15550001',
    gateway: ep.url,
    mmsc: 'http://mmsc.example/mms',
  });
  await ue.start({ timeline, host: '127.0.0.1' });
  const sends = 500;
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < sends; i++)
    await ue.actions.send({
      to: '+15550002',
      subject: 'bench',
      parts: [{ contentType: 'text/plain', text: 'hi' }],
    });
  line('handset send action (build+encode+gateway+decode)', sends, process.hrtime.bigint() - t0);
  await ue.stop();
  agent.destroy();
  await gw.stop();
  await new Promise<void>((r) => mm1.close(() => r()));

  // PAP -> submit_sm against an smpp-package SMSC that accepts everything.
  const smsc = smpp.createServer((s: smpp.Session) => {
    s.on('error', () => s.destroy());
    s.on('bind_transmitter', (p: smpp.PDU) => s.send(p.response()));
    s.on('submit_sm', (p: smpp.PDU) => s.send(p.response({ message_id: '1' })));
    s.on('unbind', (p: smpp.PDU) => {
      s.send(p.response());
      s.close();
    });
  });
  await new Promise<void>((r) => smsc.listen(0, '127.0.0.1', () => r()));
  const ppg = new PushProxyGateway({ smsc: { port: (smsc.address() as AddressInfo).port } });
  const [pep] = await ppg.start({ timeline: new Timeline(), host: '127.0.0.1' });
  const pu = new URL(pep.url);
  const n = handNotificationInd('T', '+15550002/TYPE=PLMN', 1000, 'http://mmsc.example/mms/abcdefghijklmnop');
  const papAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const pushes = 500;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < pushes; i++) {
    const control = `<?xml version="1.0"?><pap><push-message push-id="b${i}"><address address-value="WAPPUSH=+15550001/TYPE=PLMN@ppg"/></push-message></pap>`;
    const body = Buffer.concat([
      Buffer.from(
        `--b\r\nContent-Type: application/xml\r\n\r\n${control}\r\n--b\r\nContent-Type: application/vnd.wap.mms-message\r\n\r\n`,
      ),
      Buffer.from(n),
      Buffer.from('\r\n--b--\r\n'),
    ]);
    await request(papAgent, Number(pu.port), pu.pathname, body, {
      'Content-Type': 'multipart/related; boundary=b',
    });
    await ppg.settled();
  }
  line('PAP push-message -> push-response + submit_sm_resp', pushes, process.hrtime.bigint() - t0);
  papAgent.destroy();
  await ppg.stop();
  await new Promise<void>((r) => smsc.close(() => r()));
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
