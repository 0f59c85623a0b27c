import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Timeline } from '../../src/wire/timeline.ts';
import { handSendConf } from '../../test/support/wap-test-pdus.ts';
import { Handset } from '../ue/handset.ts';
import { WapGateway } from './wap-gateway.ts';

/** What the MMSC side received: raw header lines in order, and the body. */
interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

let mm1: http.Server;
let mm1Url: string;
const seen: Seen[] = [];

beforeAll(async () => {
  mm1 = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      });
      if (req.url?.startsWith('/nothing')) {
        res.writeHead(204);
        res.end();
        return;
      }
      const conf = Buffer.from(handSendConf('T1', 'msg-1'));
      res.writeHead(200, {
        'Content-Type': 'application/vnd.wap.mms-message',
        'Content-Length': conf.length,
      });
      res.end(conf);
    });
  });
  await new Promise<void>((r) => mm1.listen(0, '127.0.0.1', r));
  mm1Url = `http://127.0.0.1:${(mm1.address() as AddressInfo).port}/mms`;
});

afterAll(async () => {
  await new Promise<void>((r) => mm1.close(() => r()));
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
  seen.length = 0;
});

async function rig(relay: boolean) {
  const timeline = new Timeline();
  const gw = new WapGateway({ upstream: mm1Url });
  const [ep] = await gw.start({ timeline, host: '127.0.0.1' });
  stops.push(() => gw.stop());
  const ue = new Handset({
    name: 'alice',
    msisdn: '+15550001',
    gateway: ep.url,
    mmsc: 'http://mmsc.example/mms',
  });
  await ue.start({ timeline, host: '127.0.0.1' });
  stops.push(() => ue.stop());
  if (relay) ue.useGatewayRelay((r) => gw.relay(r));
  return { timeline, gw, ue };
}

/** The header lines the MMSC saw, without the ones that name the connection (Via names the gateway). */
const lines = (s: Seen) =>
  s.rawHeaders.filter((_, i) => i % 2 === 0).map((n, i) => `${n}: ${s.rawHeaders[i * 2 + 1]}`);

describe('a handset handing its MM1 requests to the gateway in-process (load runs)', () => {
  it('reaches the MMSC with the same request as over TCP, and the gateway records the same', async () => {
    const tcp = await rig(false);
    const viaTcp = (await tcp.ue.actions.send({
      to: '+15550002',
      subject: 'same',
      transactionId: 't-1',
    })) as Record<string, unknown>;
    const overTcp = tcp.timeline.messages({ node: 'wap-gateway' }).map((m) => [m.type, m.direction]);
    const inProcess = await rig(true);
    const viaRelay = (await inProcess.ue.actions.send({
      to: '+15550002',
      subject: 'same',
      transactionId: 't-1',
    })) as Record<string, unknown>;
    expect(viaRelay.responseStatus).toBe('Ok');
    expect(viaRelay).toEqual(viaTcp);
    expect(seen).toHaveLength(2);
    expect(seen[1].method).toBe(seen[0].method);
    expect(seen[1].url).toBe(seen[0].url);
    expect(lines(seen[1])).toEqual(lines(seen[0]));
    expect(Buffer.compare(seen[1].body, seen[0].body)).toBe(0);
    expect(lines(seen[1])).toContain('X-MSISDN: 15550001');
    // the gateway's own observations are the same; the handset has no socket, so no bytes of its own
    expect(inProcess.timeline.messages({ node: 'wap-gateway' }).map((m) => [m.type, m.direction])).toEqual(
      overTcp,
    );
    const ueBytes = (t: Timeline) => t.query((o) => o.kind === 'bytes' && o.node === 'ue.alice').length;
    expect(ueBytes(tcp.timeline)).toBeGreaterThan(0);
    expect(ueBytes(inProcess.timeline)).toBe(0);
    const answers = inProcess.timeline.query((o) => o.kind === 'event' && o.name === 'mm1-answer');
    expect(answers.map((o) => (o.kind === 'event' ? o.detail : null))).toEqual([
      { method: 'POST', status: 200, contentType: 'application/vnd.wap.mms-message' },
    ]);
  });

  it("passes the MMSC's status and the gateway's own answers (behaviours, an unreachable MMSC)", async () => {
    const { gw, ue } = await rig(true);
    const probe = (url: string) =>
      gw.relay({
        method: 'GET',
        url,
        rawHeaders: ['Host', 'mmsc.example', 'Proxy-Authorization', 'Basic MTU1NTAwMDE6'],
      });
    expect((await probe('http://mmsc.example/nothing')).status).toBe(204);
    gw.use({ kind: 'status', code: 504 });
    expect((await probe('http://mmsc.example/mms')).status).toBe(504);
    gw.resetBehaviours();
    gw.setUpstream('http://127.0.0.1:1/mms');
    const down = (await ue.actions.send({ to: '+15550002', subject: 'x' })) as Record<string, unknown>;
    expect(down.status).toBe(502);
    await gw.stop();
    await expect(probe('http://mmsc.example/mms')).rejects.toThrow(/not started/);
  });
});
