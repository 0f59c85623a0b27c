import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Timeline } from '../../src/wire/timeline.ts';
import { handSendConf, handSendReq } from '../../test/support/wap-test-pdus.ts';
import { PeerConfigError } from '../peer.ts';
import { proxyCredential } from './http-util.ts';
import { WapGateway } from './wap-gateway.ts';

/** A small MM1 endpoint: records what arrives, answers m-send-conf (or echoes large bodies). */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
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
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/echo')) {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(body);
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

let gw: WapGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  seen.length = 0;
});

async function startGateway(config: ConstructorParameters<typeof WapGateway>[0] = {}) {
  const timeline = new Timeline();
  gw = new WapGateway({ upstream: mm1Url, ...config });
  const [ep] = await gw.start({ timeline, host: '127.0.0.1' });
  const u = new URL(ep.url);
  return { timeline, port: Number(u.port), gw };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request to the gateway; `path` is the request target (absolute URI for proxy form). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const alice = '+15550001';
const mmsHeaders = (extra: Record<string, string> = {}) => ({
  'Content-Type': 'application/vnd.wap.mms-message',
  'Proxy-Authorization': proxyCredential(alice),
  'X-Wap-Profile': '"http://uaprof.example/p.xml"',
  ...extra,
});

describe('WapGateway: WAP 2.0 proxy in front of MM1', () => {
  it('forwards an absolute-URI m-send-req with the subscriber headers, byte-exact both ways', async () => {
    const { port, timeline } = await startGateway({
      msisdnHeaders: ['X-MSISDN', 'X-WAP-Network-Client-MSISDN', 'X-Nokia-MSISDN', 'X-Up-Calling-Line-ID'],
    });
    const pdu = handSendReq('T1', '+15550002/TYPE=PLMN', 'hello');
    // A handset-supplied X-MSISDN must not survive (operators overwrite it).
    const r = await send(
      port,
      'POST',
      'http://mmsc.operator.example/mms',
      mmsHeaders({ 'X-MSISDN': '19990000' }),
      pdu,
    );
    expect(r.status).toBe(200);
    expect(Buffer.compare(r.body, Buffer.from(handSendConf('T1', 'msg-1')))).toBe(0);
    expect(seen).toHaveLength(1);
    const s = seen[0];
    expect(s.url).toBe('/mms');
    expect(s.headers['x-msisdn']).toBe('15550001');
    expect(s.headers['x-wap-network-client-msisdn']).toBe('15550001');
    expect(s.headers['x-nokia-msisdn']).toBe('15550001');
    expect(s.headers['x-up-calling-line-id']).toBe('15550001');
    expect(s.headers['x-wap-profile']).toBe('"http://uaprof.example/p.xml"');
    expect(s.headers['proxy-authorization']).toBeUndefined();
    expect(s.headers.via).toMatch(/wap-gateway/);
    expect(Buffer.compare(s.body, Buffer.from(pdu))).toBe(0);

    const msgs = timeline.messages({ node: 'wap-gateway', iface: 'MM1' });
    expect(msgs.map((m) => [m.type, m.direction])).toEqual([
      ['m-send-req', 'in'],
      ['m-send-conf', 'out'],
    ]);
    expect((msgs[0].fields as Record<string, unknown>)['X-Mms-Transaction-Id']).toBe('T1');
    // The tap recorded the bytes of both legs.
    expect(timeline.query((o) => o.kind === 'bytes' && o.node === 'wap-gateway').length).toBeGreaterThan(2);
  });

  it('takes origin-form requests posted at the gateway itself and the international format', async () => {
    const { port } = await startGateway({ msisdnFormat: 'international', msisdnHeaders: ['X-MSISDN'] });
    const r = await send(port, 'POST', '/', mmsHeaders(), handSendReq('T2', '+15550002/TYPE=PLMN', 'x'));
    expect(r.status).toBe(200);
    expect(seen[0].url).toBe('/mms');
    // An absolute URI naming the gateway itself is origin form, not a loop.
    expect(
      (
        await send(
          port,
          'POST',
          `http://127.0.0.1:${port}/mms`,
          mmsHeaders(),
          handSendReq('T2', '+1/TYPE=PLMN', 'x'),
        )
      ).status,
    ).toBe(200);
    expect(seen[1].url).toBe('/mms');
    expect(seen[0].headers['x-msisdn']).toBe('+15550001');
    expect(seen[0].headers['x-wap-network-client-msisdn']).toBeUndefined();
  });

  it('streams a 3 MB body both ways without altering a byte', async () => {
    const { port, timeline } = await startGateway();
    const big = randomBytes(3 * 1024 * 1024);
    const r = await send(
      port,
      'POST',
      `${mm1Url.replace('/mms', '/echo')}`,
      { 'Proxy-Authorization': proxyCredential(alice), 'Content-Type': 'application/octet-stream' },
      big,
    );
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(big.length);
    expect(Buffer.compare(r.body, big)).toBe(0);
    expect(Buffer.compare(seen[0].body, big)).toBe(0);
    // Not an MMS PDU: relayed, not decoded.
    expect(timeline.messages({ node: 'wap-gateway' })).toHaveLength(0);
  });

  it('publishes an undecodable MMS body as one event and still relays it', async () => {
    const { port, timeline } = await startGateway();
    const junk = Uint8Array.from([0x8c, 0xff, 0x01]);
    const r = await send(port, 'POST', mm1Url, mmsHeaders(), junk);
    expect(r.status).toBe(200);
    expect(Buffer.compare(seen[0].body, Buffer.from(junk))).toBe(0);
    const ev = timeline.query((o) => o.kind === 'event' && o.name === 'mm1-undecodable');
    expect(ev).toHaveLength(1);
  });

  it('strip-msisdn sends no subscriber header; spoof-msisdn sends the given one; reset restores', async () => {
    const { port } = await startGateway();
    gw!.use({ kind: 'strip-msisdn' });
    await send(port, 'POST', mm1Url, mmsHeaders(), handSendReq('T3', '+15550002/TYPE=PLMN', 'x'));
    expect(seen[0].headers['x-msisdn']).toBeUndefined();
    expect(seen[0].headers['x-wap-network-client-msisdn']).toBeUndefined();
    gw!.resetBehaviours();
    gw!.use({ kind: 'spoof-msisdn', msisdn: '+15559999' });
    await send(port, 'POST', mm1Url, mmsHeaders(), handSendReq('T4', '+15550002/TYPE=PLMN', 'x'));
    expect(seen[1].headers['x-msisdn']).toBe('15559999');
    gw!.resetBehaviours();
    await send(port, 'POST', mm1Url, mmsHeaders(), handSendReq('T5', '+15550002/TYPE=PLMN', 'x'));
    expect(seen[2].headers['x-msisdn']).toBe('15550001');
  });

  it.each([502, 504])('status {code: %i} answers without reaching the MMSC', async (code) => {
    const { port, timeline } = await startGateway();
    gw!.use({ kind: 'status', code });
    const r = await send(port, 'POST', mm1Url, mmsHeaders(), handSendReq('T6', '+15550002/TYPE=PLMN', 'x'));
    expect(r.status).toBe(code);
    expect(seen).toHaveLength(0);
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'behaviour-applied')).toHaveLength(1);
  });

  it('slow {ms} holds the request at least that long, then relays it', async () => {
    const { port } = await startGateway();
    gw!.use({ kind: 'slow', ms: 150 });
    const t0 = process.hrtime.bigint();
    const r = await send(port, 'POST', mm1Url, mmsHeaders(), handSendReq('T7', '+15550002/TYPE=PLMN', 'x'));
    const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(r.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(140);
  });

  it('refuses unknown behaviours and bad parameters', async () => {
    await startGateway();
    expect(() => gw!.use({ kind: 'explode' })).toThrow(PeerConfigError);
    expect(() => gw!.use({ kind: 'spoof-msisdn', msisdn: 'alice' })).toThrow(PeerConfigError);
    expect(() => gw!.use({ kind: 'status', code: 200 })).toThrow(PeerConfigError);
    expect(() => gw!.use({ kind: 'slow' })).toThrow(PeerConfigError);
    expect(() => new WapGateway({ upstream: 'http://10.0.0.1/mms' })).toThrow(PeerConfigError);
  });

  it('answers malformed HTTP with 400 and keeps serving', async () => {
    const { port } = await startGateway();
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('THIS IS NOT HTTP\r\n\x00\x01\r\n\r\n'));
      let got = '';
      s.on('data', (c) => {
        got += c.toString('latin1');
      });
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 400')).toBe(true);
    const r = await send(port, 'POST', mm1Url, mmsHeaders(), handSendReq('T8', '+15550002/TYPE=PLMN', 'x'));
    expect(r.status).toBe(200);
  });

  it('answers 502 when the MMSC is unreachable or unset, 407 when a subscriber is required', async () => {
    const { port } = await startGateway({ upstream: 'http://127.0.0.1:1/mms' });
    const r = await send(
      port,
      'POST',
      'http://mmsc.example/mms',
      mmsHeaders(),
      handSendReq('T9', '+1/TYPE=PLMN', 'x'),
    );
    expect(r.status).toBe(502);
    await gw!.stop();
    gw = new WapGateway({ requireSubscriber: true });
    const [ep] = await gw.start({ timeline: new Timeline(), host: '127.0.0.1' });
    const p2 = Number(new URL(ep.url).port);
    expect((await send(p2, 'GET', '/x', {})).status).toBe(407);
    expect((await send(p2, 'GET', '/x', { 'Proxy-Authorization': proxyCredential(alice) })).status).toBe(502);
    gw.setUpstream(mm1Url);
    expect((await send(p2, 'GET', '/mms', { 'Proxy-Authorization': proxyCredential(alice) })).status).toBe(
      200,
    );
  });
});
