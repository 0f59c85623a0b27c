import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildPdu,
  decodeMms,
  encodeMms,
  getHeader,
  getHeaders,
  type MmsPdu,
} from '../../src/codec/mms/index.ts';
import { encodeWspPush, mmsNotificationPush, wapPushToSms } from '../../src/codec/push/index.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { handNotificationInd, handRetrieveConf, handSendConf } from '../../test/support/wap-test-pdus.ts';
import { AirInterface } from '../air-interface.ts';
import { PeerConfigError } from '../peer.ts';
import { WapGateway } from '../wap-gateway/wap-gateway.ts';
import { Handset } from './handset.ts';

/** A small MM1 endpoint standing in for the MMSC: records each request with its decoded PDU. */
interface Seen {
  method: string;
  url: string;
  msisdn?: string;
  userAgent?: string;
  body: Buffer;
  pdu?: MmsPdu;
}
let mmsc: http.Server;
let mmscPort: number;
const seen: Seen[] = [];
const bigRetrieve = handRetrieveConf('msg-9', '+15550002/TYPE=PLMN', 'y'.repeat(5000));
/** Date as a Short-integer (0xE5) where the grammar wants a Long-integer. */
const badDateRetrieve = (() => {
  const good = handRetrieveConf('msg-8', '+15550002/TYPE=PLMN', 'hello');
  const at = good.findIndex((o, i) => o === 0x85 && good[i + 1] === 0x04);
  return Uint8Array.from([...good.subarray(0, at), 0x85, 0xe5, ...good.subarray(at + 6)]);
})();
const videoRetrieve = encodeMms(
  buildPdu(
    'm-retrieve-conf',
    {
      'X-Mms-MMS-Version': '1.2',
      'Message-ID': 'msg-v',
      Date: 1_700_000_000,
      'Content-Type': { mediaType: 'application/vnd.wap.multipart.mixed', params: [] },
    },
    [
      {
        contentType: { mediaType: 'text/plain', params: [] },
        headers: [],
        data: new TextEncoder().encode('clip'),
      },
      { contentType: { mediaType: 'video/mp4', params: [] }, headers: [], data: new Uint8Array(64) },
    ],
  ),
);

/** MMS 1.1+: a failed retrieval answered in an m-retrieve-conf (X-Mms-Retrieve-Status, no body). */
const goneRetrieve = encodeMms(
  buildPdu('m-retrieve-conf', {
    'X-Mms-MMS-Version': '1.3',
    Date: 1_700_000_000,
    'X-Mms-Retrieve-Status': 'Error-permanent-message-not-found',
    'Content-Type': { mediaType: 'text/plain', params: [] },
  }),
);

beforeAll(async () => {
  mmsc = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        msisdn: req.headers['x-msisdn'] as string | undefined,
        userAgent: req.headers['user-agent'],
        body,
      };
      try {
        if (body.length) s.pdu = decodeMms(body);
      } catch {
        // the raw-bytes test sends what it likes
      }
      seen.push(s);
      const mms = (b: Uint8Array) => {
        res.writeHead(200, { 'Content-Type': 'application/vnd.wap.mms-message', 'Content-Length': b.length });
        res.end(b);
      };
      if (req.method === 'GET' && req.url === '/content/abc')
        return mms(handRetrieveConf('msg-7', '+15550002/TYPE=PLMN', 'hello'));
      if (req.method === 'GET' && req.url === '/content/big') return mms(bigRetrieve);
      if (req.method === 'GET' && req.url === '/content/bad-date') return mms(badDateRetrieve);
      if (req.method === 'GET' && req.url === '/content/video') return mms(videoRetrieve);
      if (req.method === 'GET' && req.url === '/content/gone') return mms(goneRetrieve);
      if (req.method === 'GET') {
        res.writeHead(404).end();
        return;
      }
      if (s.pdu?.type === 'm-send-req' || s.pdu?.type === 'm-forward-req') {
        const tid = String(getHeader(s.pdu, 'X-Mms-Transaction-Id'));
        const conf = handSendConf(tid, 'msg-1');
        if (s.pdu.type === 'm-forward-req') conf[1] = 0x8a; // m-forward-conf
        return mms(conf);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => mmsc.listen(0, '127.0.0.1', r));
  mmscPort = (mmsc.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => mmsc.close(() => r()));
});

let timeline: Timeline;
let gw: WapGateway;
let air: AirInterface;
let alice: Handset;

beforeEach(async () => {
  timeline = new Timeline();
  air = new AirInterface();
  gw = new WapGateway({ upstream: `http://127.0.0.1:${mmscPort}/mms` });
  const [ep] = await gw.start({ timeline, host: '127.0.0.1' });
  // The MM1 URL names the operator's MMSC host; the gateway resolves it to the upstream.
  alice = new Handset(
    { name: 'alice', msisdn: '+15550001', gateway: ep.url, mmsc: 'http://mmsc.operator.example/mms' },
    { air },
  );
  await alice.start({ timeline, host: '127.0.0.1' });
});
afterEach(async () => {
  await alice.stop();
  await gw.stop();
  seen.length = 0;
});

/** What the SMSC mock hands over the air interface: the reassembled WSP push of these SMS segments. */
async function pushNotification(location: string, size = 2000, tid = 'N-1'): Promise<boolean> {
  const n = handNotificationInd(tid, '+15550002/TYPE=PLMN', size, location);
  const segments = wapPushToSms(n, { ref: 9 });
  return air.deliver({
    from: '9200',
    to: '15550001',
    dataCoding: 4,
    segments,
    ports: { source: 9200, destination: 2948 },
    payload: encodeWspPush(mmsNotificationPush(n, 9)),
  });
}

const posted = () => seen.filter((s) => s.method === 'POST').map((s) => s.pdu!);

describe('Handset (MMS user agent) over the WAP gateway', () => {
  it('sends m-send-req through the gateway and reports the m-send-conf', async () => {
    const r = (await alice.actions.send({
      to: '+15550002',
      cc: ['bob@example.com'],
      subject: 'Hi there',
      parts: [
        { contentType: 'application/smil', text: '<smil><body><par><text src="t.txt"/></par></body></smil>' },
        { contentType: 'text/plain', text: 'hello', name: 't.txt', contentId: 't1' },
      ],
      deliveryReport: true,
      readReport: false,
      expiry: 3600,
      messageClass: 'Personal',
      priority: 'High',
    })) as Record<string, unknown>;
    expect(r).toMatchObject({
      status: 200,
      responseStatus: 'Ok',
      messageId: 'msg-1',
      transactionId: 'alice-1',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe('/mms');
    expect(seen[0].msisdn).toBe('15550001');
    expect(seen[0].userAgent).toBe(alice.profile.userAgent);
    const pdu = seen[0].pdu!;
    expect(pdu.type).toBe('m-send-req');
    expect(getHeader(pdu, 'X-Mms-Transaction-Id')).toBe('alice-1');
    expect(getHeader(pdu, 'From')).toEqual({ insertAddress: true });
    expect(getHeaders(pdu, 'To')).toEqual(['+15550002/TYPE=PLMN']);
    expect(getHeaders(pdu, 'Cc')).toEqual(['bob@example.com']);
    expect(getHeader(pdu, 'X-Mms-Delivery-Report')).toBe('Yes');
    expect(getHeader(pdu, 'X-Mms-Priority')).toBe('High');
    expect(pdu.parts).toHaveLength(2);
    expect(Buffer.from(pdu.parts![1].data).toString()).toBe('hello');
    const types = timeline
      .messages({ node: 'ue.alice', iface: 'MM1' })
      .map((m) => `${m.direction}:${m.type}`);
    expect(types).toEqual(['out:m-send-req', 'in:m-send-conf']);
  });

  it('posts at the gateway itself when no MMSC URL is configured', async () => {
    const direct = new Handset(
      { name: 'direct', msisdn: '+15550005', gateway: gw.endpoints()[0].url },
      { air },
    );
    await direct.start({ timeline, host: '127.0.0.1' });
    try {
      const r = (await direct.actions.send({ to: '+15550002' })) as Record<string, unknown>;
      expect(r).toMatchObject({ status: 200, responseStatus: 'Ok' });
      expect(seen[0]).toMatchObject({ url: '/mms', msisdn: '15550005' });
    } finally {
      await direct.stop();
    }
  });

  it('sends exactly the given raw bytes', async () => {
    const raw = Buffer.from([0x8c, 0x80, 0x98, 0x41, 0x00, 0x8d, 0x90]);
    const r = (await alice.actions.send({ raw: raw.toString('base64') })) as Record<string, unknown>;
    expect(r.status).toBeGreaterThanOrEqual(200);
    expect(Buffer.compare(seen[0].body, raw)).toBe(0);
  });

  it('sends raw chunks (base64 and text) as one body', async () => {
    const r = (await alice.actions.send({
      raw: [
        Buffer.from([0x8c, 0x80, 0x98]).toString('base64'),
        { text: 'A' },
        Buffer.from([0x00, 0x8d, 0x90]).toString('base64'),
      ],
    })) as Record<string, unknown>;
    expect(r.status).toBeGreaterThanOrEqual(200);
    expect([...seen[0].body]).toEqual([0x8c, 0x80, 0x98, 0x41, 0x00, 0x8d, 0x90]);
    await expect(alice.actions.send({ raw: [42] })).rejects.toThrow(/chunk/);
  });

  it('retrieves at once on a WAP push and answers m-notifyresp-ind Retrieved', async () => {
    expect(await pushNotification('http://mmsc.operator.example/content/abc')).toBe(true);
    await alice.settled();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /content/abc', 'POST /mms']);
    expect(seen[0].msisdn).toBe('15550001');
    const resp = posted()[0];
    expect(resp.type).toBe('m-notifyresp-ind');
    expect(getHeader(resp, 'X-Mms-Transaction-Id')).toBe('N-1');
    expect(getHeader(resp, 'X-Mms-Status')).toBe('Retrieved');
    const inbox = (await alice.actions.inbox({})) as Array<Record<string, unknown>>;
    expect(inbox[0]).toMatchObject({
      type: 'm-notification-ind',
      state: 'retrieved',
      transactionId: 'N-1',
      size: 2000,
    });
    expect(inbox[0].retrieved).toMatchObject({ messageId: 'msg-7', parts: 1 });
    const types = timeline.messages({ node: 'ue.alice' }).map((m) => `${m.iface}:${m.direction}:${m.type}`);
    expect(types).toEqual([
      'WAP-PUSH:in:wsp-push',
      'MM1:in:m-notification-ind',
      'MM1:in:m-retrieve-conf',
      'MM1:out:m-notifyresp-ind',
    ]);
  });

  it('answers a re-sent notification again without retrieving twice', async () => {
    await pushNotification('http://mmsc.operator.example/content/abc');
    await alice.settled();
    await pushNotification('http://mmsc.operator.example/content/abc');
    await alice.settled();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /content/abc', 'POST /mms', 'POST /mms']);
    expect(posted().map((p) => getHeader(p, 'X-Mms-Status'))).toEqual(['Retrieved', 'Retrieved']);
    expect(await alice.actions.inbox({})).toHaveLength(1);
  });

  it('deferred: m-notifyresp-ind Deferred, then retrieve on demand and m-acknowledge-ind', async () => {
    alice.use({ kind: 'retrieval', mode: 'deferred' });
    await pushNotification('http://mmsc.operator.example/content/abc');
    await alice.settled();
    expect(posted().map((p) => [p.type, getHeader(p, 'X-Mms-Status')])).toEqual([
      ['m-notifyresp-ind', 'Deferred'],
    ]);
    const r = (await alice.actions.retrieve({ index: 0 })) as Record<string, unknown>;
    expect(r).toMatchObject({ state: 'retrieved', messageId: 'msg-7', ack: { status: 204 } });
    const ack = posted()[1];
    expect(ack.type).toBe('m-acknowledge-ind');
    expect(getHeader(ack, 'X-Mms-Transaction-Id')).toBe('N-1');
  });

  it('a retrieval answered with an error X-Mms-Retrieve-Status or an HTTP error is a failed retrieval, not acknowledged', async () => {
    alice.use({ kind: 'retrieval', mode: 'deferred' });
    await pushNotification('http://mmsc.operator.example/content/gone');
    await alice.settled();
    const r = (await alice.actions.retrieve({ index: 0 })) as Record<string, unknown>;
    expect(r).toMatchObject({ state: 'retrieval-failed', status: 200, ack: null });
    await alice.actions.retrieve({ contentLocation: 'http://mmsc.operator.example/content/nothing' });
    const failed = timeline.all().filter((o) => o.kind === 'event' && o.name === 'retrieval-failed');
    expect(failed.map((o) => (o.kind === 'event' ? o.detail : null))).toEqual([
      {
        status: 200,
        retrieveStatus: 'Error-permanent-message-not-found',
        contentLocation: 'http://mmsc.operator.example/content/gone',
      },
      { status: 404, contentLocation: 'http://mmsc.operator.example/content/nothing' },
    ]);
    expect(posted().map((p) => p.type)).toEqual(['m-notifyresp-ind']);
  });

  it('send takes the relative expiry in seconds or as a duration text, rounded up to seconds', async () => {
    await alice.actions.send({ to: '+15550002', expiry: 7 });
    await alice.actions.send({ to: '+15550002', expiry: '1s + 1500ms' });
    expect(posted().map((p) => getHeader(p, 'X-Mms-Expiry'))).toEqual([{ relative: 7 }, { relative: 3 }]);
    await expect(alice.actions.send({ to: '+15550002', expiry: 'soon' })).rejects.toThrow(PeerConfigError);
  });

  it('rejects when told to, and when the message is larger than the profile accepts', async () => {
    alice.use({ kind: 'reject' });
    await pushNotification('http://mmsc.operator.example/content/abc', 100, 'R-1');
    await alice.settled();
    alice.resetBehaviours();
    await pushNotification(
      'http://mmsc.operator.example/content/abc',
      alice.profile.maxMessageSize + 1,
      'R-2',
    );
    await alice.settled();
    expect(seen.filter((s) => s.method === 'GET')).toHaveLength(0);
    expect(posted().map((p) => [getHeader(p, 'X-Mms-Transaction-Id'), getHeader(p, 'X-Mms-Status')])).toEqual(
      [
        ['R-1', 'Rejected'],
        ['R-2', 'Rejected'],
      ],
    );
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'message-too-large')).toHaveLength(1);
  });

  it('offline: the push is not accepted; back online after reset', async () => {
    alice.use({ kind: 'offline' });
    expect(await pushNotification('http://mmsc.operator.example/content/abc')).toBe(false);
    alice.resetBehaviours();
    expect(await pushNotification('http://mmsc.operator.example/content/abc')).toBe(true);
    await alice.settled();
  });

  it('no-ack: retrieves but sends neither m-notifyresp-ind nor m-acknowledge-ind', async () => {
    alice.use({ kind: 'no-ack' });
    await pushNotification('http://mmsc.operator.example/content/big');
    await alice.settled();
    expect(seen.map((s) => s.method)).toEqual(['GET']);
    const inbox = (await alice.actions.inbox({})) as Array<Record<string, unknown>>;
    expect(inbox[0].retrieved).toMatchObject({ size: bigRetrieve.length });
  });

  it('sends m-read-rec-ind, m-forward-req and explicit notifyresp / acknowledge', async () => {
    await alice.actions['read-report']({ messageId: 'msg-7', to: '+15550002', status: 'Read' });
    const f = (await alice.actions.forward({
      to: '+15550003',
      contentLocation: 'http://mmsc/content/abc',
    })) as Record<string, unknown>;
    expect(f).toMatchObject({ status: 200, messageType: 'm-forward-conf', responseStatus: 'Ok' });
    alice.use({ kind: 'retrieval', mode: 'deferred' });
    await pushNotification('http://mmsc.operator.example/content/abc', 10, 'E-1');
    await alice.settled();
    await alice.actions.notifyresp({ status: 'Rejected', transactionId: 'E-1' });
    await alice.actions.acknowledge({ transactionId: 'E-1' });
    const p = posted();
    expect(p.map((x) => x.type)).toEqual([
      'm-read-rec-ind',
      'm-forward-req',
      'm-notifyresp-ind',
      'm-notifyresp-ind',
      'm-acknowledge-ind',
    ]);
    expect(getHeader(p[0], 'X-Mms-Read-Status')).toBe('Read');
    expect(getHeaders(p[0], 'To')).toEqual(['+15550002/TYPE=PLMN']);
    expect(getHeader(p[1], 'X-Mms-Content-Location')).toBe('http://mmsc/content/abc');
    expect(getHeader(p[3], 'X-Mms-Status')).toBe('Rejected');
    expect(getHeader(p[3], 'X-Mms-Report-Allowed')).toBeUndefined();
  });

  it('notifyresp / acknowledge carry X-Mms-Report-Allowed when asked', async () => {
    alice.use({ kind: 'retrieval', mode: 'deferred' });
    await pushNotification('http://mmsc.operator.example/content/ra', 10, 'RA-1');
    await alice.settled();
    await alice.actions.notifyresp({ status: 'Retrieved', transactionId: 'RA-1', reportAllowed: false });
    await alice.actions.acknowledge({ transactionId: 'RA-1', reportAllowed: true });
    const [, resp, ack] = posted();
    expect(resp.type).toBe('m-notifyresp-ind');
    expect(getHeader(resp, 'X-Mms-Report-Allowed')).toBe('No');
    expect(ack.type).toBe('m-acknowledge-ind');
    expect(getHeader(ack, 'X-Mms-Report-Allowed')).toBe('Yes');
    await expect(alice.actions.acknowledge({ transactionId: 'RA-1', reportAllowed: 'no' })).rejects.toThrow(
      PeerConfigError,
    );
  });

  it('refuses bad configuration and parameters', async () => {
    expect(() => new Handset({ name: 'x', msisdn: 'alice' })).toThrow(PeerConfigError);
    expect(() => new Handset({ name: 'x', msisdn: '+1555', profile: 'no-such' })).toThrow(PeerConfigError);
    expect(() => alice.use({ kind: 'retrieval', mode: 'later' })).toThrow(PeerConfigError);
    expect(() => alice.use({ kind: 'fly' })).toThrow(PeerConfigError);
    await expect(alice.actions.send({})).rejects.toThrow(PeerConfigError);
    await expect(alice.actions.send({ to: '+15550002', subject: 5 })).rejects.toThrow(PeerConfigError);
    await expect(
      alice.actions.send({ to: '+15550002', parts: [{ contentType: 'text/plain' }] }),
    ).rejects.toThrow(PeerConfigError);
    await expect(alice.actions.notifyresp({ status: 'Maybe' })).rejects.toThrow(PeerConfigError);
    await expect(alice.actions.retrieve({ index: 5 })).rejects.toThrow(PeerConfigError);
  });

  it('acts on a push from the target that breaks the encoding, publishing each defect', async () => {
    // X-Mms-Message-Size as a Short-integer (as Mbuni sent it), in a push whose Content-Type is broken
    const good = handNotificationInd(
      'N-7',
      '+15550002/TYPE=PLMN',
      2000,
      `http://127.0.0.1:${mmscPort}/content/abc`,
    );
    const at = good.findIndex((o, i) => o === 0x8e && good[i + 1] === 0x03);
    const note = Uint8Array.from([...good.subarray(0, at), 0x8e, 0xf4, ...good.subarray(at + 5)]);
    const payload = Uint8Array.from([0x09, 0x06, 0x05, 0x02, 0x1f, 0x01, 0xaf, 0x84, ...note]);
    await air.deliver({
      from: '9200',
      to: '15550001',
      dataCoding: 4,
      segments: [],
      ports: { source: 9200, destination: 2948 },
      payload,
    });
    await alice.settled();
    const defects = timeline
      .query((o) => o.kind === 'event' && o.name === 'encoding-defect')
      .map((o) => (o.kind === 'event' ? `${o.iface} ${JSON.stringify(o.detail)}` : ''));
    expect(defects).toEqual([
      expect.stringMatching(
        /^WAP-PUSH .*"field":"Content-Type","offset":4,"reason":"Long-integer length 31 not in 1\.\.30","clause":"WAP-230-WSP §8\.4\.2\.24/,
      ),
      expect.stringMatching(
        /^MM1 .*"messageType":"m-notification-ind","field":"X-Mms-Message-Size","offset":\d+,"reason":"Long-integer length 244 not in 1\.\.30"/,
      ),
    ]);
    expect(alice.entries[0]).toMatchObject({
      type: 'm-notification-ind',
      state: 'retrieved',
      transactionId: 'N-7',
    });
    expect(posted().map((p) => `${p.type} ${getHeader(p, 'X-Mms-Status')}`)).toEqual([
      'm-notifyresp-ind Retrieved',
    ]);
  });

  it('retrieves an m-retrieve-conf that breaks the encoding, publishing the defect', async () => {
    await pushNotification('http://mmsc.operator.example/content/bad-date');
    await alice.settled();
    expect(alice.entries[0]).toMatchObject({
      state: 'retrieved',
      retrieved: { messageId: 'msg-8', parts: 1 },
    });
    const defects = timeline.query((o) => o.kind === 'event' && o.name === 'encoding-defect');
    // the gateway relayed it and the handset received it: both say so
    expect(defects.map((o) => o.node).sort()).toEqual(['ue.alice', 'wap-gateway']);
    expect(defects[0].kind === 'event' && defects[0].detail).toMatchObject({
      messageType: 'm-retrieve-conf',
      field: 'Date',
      reason: 'Long-integer length 229 not in 1..30',
    });
    expect(posted().map((p) => `${p.type} ${getHeader(p, 'X-Mms-Status')}`)).toEqual([
      'm-notifyresp-ind Retrieved',
    ]);
  });

  it('ignores an undecodable push with one event', async () => {
    const ok = await air.deliver({
      from: '1',
      to: '15550001',
      dataCoding: 4,
      segments: [],
      payload: Uint8Array.from([1, 2]),
    });
    expect(ok).toBe(true);
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'push-undecodable')).toHaveLength(1);
  });

  it('keeps delivery reports pushed to it, and flags parts its profile does not accept', async () => {
    const basic = new Handset(
      {
        name: 'basic',
        msisdn: '+15550009',
        profile: 'mms-1.0-basic',
        gateway: gw.endpoints()[0].url,
        mmsc: 'http://mmsc/mms',
      },
      { air },
    );
    await basic.start({ timeline, host: '127.0.0.1' });
    try {
      const report = encodeMms(
        buildPdu('m-delivery-ind', {
          'X-Mms-MMS-Version': '1.0',
          'Message-ID': 'msg-1',
          To: ['+15550002/TYPE=PLMN'],
          Date: 1_700_000_000,
          'X-Mms-Status': 'Retrieved',
        }),
      );
      await air.deliver({
        from: '9200',
        to: '15550009',
        dataCoding: 4,
        segments: [],
        payload: encodeWspPush(mmsNotificationPush(report, 1)),
      });
      const n = handNotificationInd(
        'V-1',
        '+15550002/TYPE=PLMN',
        200,
        'http://mmsc.operator.example/content/video',
      );
      await air.deliver({
        from: '9200',
        to: '15550009',
        dataCoding: 4,
        segments: [],
        payload: encodeWspPush(mmsNotificationPush(n, 2)),
      });
      await basic.settled();
      const inbox = (await basic.actions.inbox({})) as Array<Record<string, unknown>>;
      expect(inbox[0]).toMatchObject({ type: 'm-delivery-ind', state: 'report', messageId: 'msg-1' });
      expect(inbox[1]).toMatchObject({ type: 'm-notification-ind', state: 'retrieved' });
      expect((inbox[1].retrieved as Record<string, unknown>).unsupported).toEqual(['video/mp4']);
      expect(
        timeline.query(
          (o) => o.kind === 'event' && o.name === 'content-not-accepted' && o.node === 'ue.basic',
        ),
      ).toHaveLength(1);
      // An MMS 1.0 handset says so in what it sends.
      const resp = posted().find((p) => getHeader(p, 'X-Mms-Transaction-Id') === 'V-1')!;
      expect(getHeader(resp, 'X-Mms-MMS-Version')).toBe('1.0');
    } finally {
      await basic.stop();
    }
  });
});
