import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import * as smpp from 'smpp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeMms, getHeader } from '../../src/codec/mms/index.ts';
import {
  decodeSmsUserData,
  decodeWspPush,
  pushApplicationId,
  SmsReassembler,
} from '../../src/codec/push/index.ts';
import { mediaTypeText } from '../../src/codec/wsp/index.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { handNotificationInd } from '../../test/support/wap-test-pdus.ts';
import { PeerConfigError } from '../peer.ts';
import { PushProxyGateway } from './ppg.ts';

/** A test SMSC on the smpp package: accepts binds, records every submit_sm as its raw user data. */
interface Submit {
  destination: string;
  esmClass: number;
  dataCoding: number;
  userData: Buffer;
}
let smsc: smpp.Server;
let smscPort: number;
const submits: Submit[] = [];
let submitStatus = 0;
let binds = 0;
let dropNext = false;

/** The smpp package splits UDH off short_message when UDHI is set: put the octets back together. */
function userDataOf(pdu: smpp.PDU): Buffer {
  const sm = pdu.short_message as Buffer | { udh?: Buffer[]; message: Buffer | string };
  if (Buffer.isBuffer(sm)) return sm;
  const msg = Buffer.isBuffer(sm.message) ? sm.message : Buffer.from(sm.message, 'latin1');
  if (!sm.udh?.length) return msg;
  const udh = Buffer.concat(sm.udh);
  return Buffer.concat([Buffer.from([udh.length]), udh, msg]);
}

beforeAll(async () => {
  smsc = smpp.createServer((session: smpp.Session) => {
    session.on('error', () => session.destroy());
    session.on('bind_transmitter', (pdu: smpp.PDU) => {
      binds += 1;
      const ok = pdu.system_id === 'ppg' && pdu.password === 'secret';
      session.send(pdu.response({ command_status: ok ? 0 : 0x0e }));
    });
    session.on('submit_sm', (pdu: smpp.PDU) => {
      if (dropNext) {
        dropNext = false;
        session.destroy();
        return;
      }
      submits.push({
        destination: String(pdu.destination_addr),
        esmClass: Number(pdu.esm_class),
        dataCoding: Number(pdu.data_coding),
        userData: userDataOf(pdu),
      });
      session.send(pdu.response({ command_status: submitStatus, message_id: `m${submits.length}` }));
    });
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
  });
  await new Promise<void>((r) => smsc.listen(0, '127.0.0.1', () => r()));
  smscPort = (smsc.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => smsc.close(() => r()));
});

/** Receives result notifications. */
const notes: Array<Record<string, string>> = [];
let notify: http.Server;
let notifyUrl: string;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false });
beforeAll(async () => {
  notify = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const doc = xml.parse(Buffer.concat(chunks).toString('utf8'));
      const m = doc.pap['resultnotification-message'];
      notes.push({ ...m, address: m.address['address-value'] });
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(
        `<?xml version="1.0"?><pap><resultnotification-response push-id="${m['push-id']}" code="1000"/></pap>`,
      );
    });
  });
  await new Promise<void>((r) => notify.listen(0, '127.0.0.1', r));
  notifyUrl = `http://127.0.0.1:${(notify.address() as AddressInfo).port}/notify`;
});
afterAll(async () => {
  await new Promise<void>((r) => notify.close(() => r()));
});

let ppg: PushProxyGateway | undefined;
afterEach(async () => {
  await ppg?.stop();
  ppg = undefined;
  submits.length = 0;
  notes.length = 0;
  submitStatus = 0;
});

async function startPpg(systemId = 'ppg') {
  const timeline = new Timeline();
  ppg = new PushProxyGateway({ smsc: { port: smscPort, systemId, password: 'secret', sourceAddr: 'MMSC' } });
  const [ep] = await ppg.start({ timeline, host: '127.0.0.1' });
  return { timeline, url: new URL(ep.url) };
}

const BOUNDARY = 'asdlfkjiurwghasf';
function papControl(pushId: string, address: string, attrs = ''): string {
  return `<?xml version="1.0"?>
<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 2.0//EN" "http://www.wapforum.org/DTDs/pap_2.0.dtd">
<pap>
  <push-message push-id="${pushId}"${attrs}>
    <address address-value="${address}"/>
    <quality-of-service delivery-method="unconfirmed"/>
  </push-message>
</pap>`;
}
/** multipart/related (RFC 2387) with the control entity first and the content second, as WAP-247 §8 lays out. */
function papBody(
  control: string,
  content: Uint8Array,
  contentHeaders = 'Content-Type: application/vnd.wap.mms-message\r\nX-Wap-Application-Id: x-wap-application:mms.ua',
): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Type: application/xml; charset=utf-8\r\n\r\n${control}\r\n--${BOUNDARY}\r\n${contentHeaders}\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

function post(
  url: URL,
  body: Uint8Array,
  contentType = `multipart/related; boundary=${BOUNDARY}; type="application/xml"`,
) {
  return new Promise<{
    status: number;
    body: string;
    doc: Record<string, Record<string, Record<string, unknown>>>;
  }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': contentType, 'Content-Length': body.length },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text, doc: text ? xml.parse(text) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const responseCode = (doc: Record<string, Record<string, Record<string, unknown>>>) =>
  Number((doc.pap['push-response']['response-result'] as Record<string, string>).code);

describe('PushProxyGateway: PAP push-message -> WAP push SMS over SMPP', () => {
  it('turns a push-message into submit_sm segments that decode back to the m-notification-ind, and notifies', async () => {
    const { url, timeline } = await startPpg();
    // A long content location forces concatenation (the WSP push exceeds 140 octets).
    const loc = `http://mmsc.example/mms/${'x'.repeat(200)}`;
    const notification = handNotificationInd('N-1', '+15550002/TYPE=PLMN', 2048, loc);
    const r = await post(
      url,
      papBody(
        papControl(
          'push-1',
          'WAPPUSH=+15550001/TYPE=PLMN@ppg.example',
          ` ppg-notify-requested-to="${notifyUrl}"`,
        ),
        notification,
      ),
    );
    expect(r.status).toBe(202);
    expect(responseCode(r.doc)).toBe(1001);
    expect(r.doc.pap['push-response']['push-id']).toBe('push-1');
    await ppg!.settled();

    expect(submits.length).toBeGreaterThan(1);
    const re = new SmsReassembler();
    let done: Uint8Array | undefined;
    for (const s of submits) {
      expect(s.destination).toBe('15550001');
      expect(s.esmClass & 0x40).toBe(0x40);
      expect(s.dataCoding).toBe(4);
      expect(s.userData.length).toBeLessThanOrEqual(140);
      const ud = decodeSmsUserData(s.userData);
      expect(ud.ports).toEqual({ source: 9200, destination: 2948 });
      expect(ud.concat?.total).toBe(submits.length);
      const a = re.add('ppg>15550001', ud);
      if (a.status === 'complete') done = a.message.payload;
    }
    expect(done).toBeDefined();
    const push = decodeWspPush(done!);
    expect(push.pduType).toBe('Push');
    expect(mediaTypeText(push.contentType)).toBe('application/vnd.wap.mms-message');
    expect(pushApplicationId(push)).toBe(4);
    expect(Buffer.compare(Buffer.from(push.body), Buffer.from(notification))).toBe(0);
    const pdu = decodeMms(push.body);
    expect(pdu.type).toBe('m-notification-ind');
    expect(getHeader(pdu, 'X-Mms-Content-Location')).toBe(loc);

    expect(notes).toHaveLength(1);
    expect(notes[0]['push-id']).toBe('push-1');
    expect(notes[0]['message-state']).toBe('delivered');
    expect(notes[0].code).toBe('1000');
    expect(notes[0].address).toBe('WAPPUSH=+15550001/TYPE=PLMN@ppg.example');

    const types = timeline.messages({ node: 'ppg' }).map((m) => `${m.iface}:${m.type}`);
    expect(types).toContain('PAP:push-message');
    expect(types).toContain('PAP:push-response');
    expect(types).toContain('WAP-PUSH:wsp-push');
    expect(types).toContain('WAP-PUSH:m-notification-ind');
    expect(types).toContain('SMPP:submit_sm');
    expect(types).toContain('PAP:resultnotification-message');
  });

  it('sends a short push as one SMS with only the port element; binds once for many pushes', async () => {
    const { url } = await startPpg();
    const before = binds;
    for (const id of ['s-1', 's-2']) {
      const r = await post(
        url,
        papBody(
          papControl(id, 'WAPPUSH=15550003/TYPE=PLMN@ppg'),
          handNotificationInd(id, '+1555/TYPE=PLMN', 100, 'http://m/x'),
        ),
      );
      expect(responseCode(r.doc)).toBe(1001);
      await ppg!.settled();
    }
    expect(binds - before).toBe(1);
    expect(submits).toHaveLength(2);
    expect(submits[0].userData.subarray(0, 7).toString('hex')).toBe('0605040b8423f0');
  });

  it('reports undeliverable when the SMSC refuses the submit or the bind', async () => {
    const { url } = await startPpg();
    submitStatus = 0x45; // ESME_RSUBMITFAIL
    await post(
      url,
      papBody(
        papControl('f-1', 'WAPPUSH=+15550001/TYPE=PLMN@ppg', ` ppg-notify-requested-to="${notifyUrl}"`),
        handNotificationInd('f', '+1/TYPE=PLMN', 10, 'http://m/y'),
      ),
    );
    await ppg!.settled();
    expect(notes[0]['message-state']).toBe('undeliverable');
    expect(notes[0].code).toBe('4000');
    await ppg!.stop();

    const again = await startPpg('wrong-id');
    await post(
      again.url,
      papBody(
        papControl('f-2', 'WAPPUSH=+15550001/TYPE=PLMN@ppg', ` ppg-notify-requested-to="${notifyUrl}"`),
        handNotificationInd('f', '+1/TYPE=PLMN', 10, 'http://m/y'),
      ),
    );
    await ppg!.settled();
    expect(notes[1]['message-state']).toBe('undeliverable');
    expect(notes[1].desc).toMatch(/bind_transmitter refused/);
  });

  it('reports a push lost with a dropped SMPP session as undeliverable, and binds again for the next', async () => {
    const { url } = await startPpg();
    const n = handNotificationInd('r', '+1/TYPE=PLMN', 10, 'http://m/r');
    const notify = ` ppg-notify-requested-to="${notifyUrl}"`;
    dropNext = true;
    const before = binds;
    await post(url, papBody(papControl('r-1', 'WAPPUSH=+15550001/TYPE=PLMN@ppg', notify), n));
    await ppg!.settled();
    await post(url, papBody(papControl('r-2', 'WAPPUSH=+15550001/TYPE=PLMN@ppg', notify), n));
    await ppg!.settled();
    expect(notes.map((x) => [x['push-id'], x['message-state']])).toEqual([
      ['r-1', 'undeliverable'],
      ['r-2', 'delivered'],
    ]);
    expect(binds - before).toBe(2);
    expect(submits).toHaveLength(1);
  });

  it('answers address errors, duplicates and forced results with the PAP code', async () => {
    const { url } = await startPpg();
    const n = handNotificationInd('d', '+1/TYPE=PLMN', 10, 'http://m/z');
    expect(
      responseCode((await post(url, papBody(papControl('a-1', 'WAPPUSH=alice/TYPE=USER@ppg'), n))).doc),
    ).toBe(2002);
    const malformed = await post(url, papBody(papControl('a-0', 'mailto:alice@example.com'), n));
    expect(Number(malformed.doc.pap['badmessage-response'].code)).toBe(2002);
    expect(
      responseCode((await post(url, papBody(papControl('a-2', 'WAPPUSH=+15550001/TYPE=PLMN@ppg'), n))).doc),
    ).toBe(1001);
    expect(
      responseCode((await post(url, papBody(papControl('a-2', 'WAPPUSH=+15550001/TYPE=PLMN@ppg'), n))).doc),
    ).toBe(2007);
    const qos = (q: string) =>
      `<?xml version="1.0"?><pap><push-message push-id="q-${q.length}"><address address-value="WAPPUSH=+15550001/TYPE=PLMN@ppg"/><quality-of-service ${q}/></push-message></pap>`;
    expect(responseCode((await post(url, papBody(qos('delivery-method="confirmed"'), n))).doc)).toBe(3007);
    expect(
      responseCode((await post(url, papBody(qos('network="CDMA" network-required="true"'), n))).doc),
    ).toBe(3009);
    expect(responseCode((await post(url, papBody(qos('bearer="GPRS" bearer-required="true"'), n))).doc)).toBe(
      3010,
    );
    expect(
      responseCode(
        (
          await post(
            url,
            papBody(qos('bearer="SMS" bearer-required="true" delivery-method="preferconfirmed"'), n),
          )
        ).doc,
      ),
    ).toBe(1001);
    ppg!.use({ kind: 'result', code: 4001 });
    expect(
      responseCode((await post(url, papBody(papControl('a-3', 'WAPPUSH=+15550001/TYPE=PLMN@ppg'), n))).doc),
    ).toBe(4001);
    ppg!.resetBehaviours();
    ppg!.use({ kind: 'fail-delivery' });
    await post(
      url,
      papBody(
        papControl('a-4', 'WAPPUSH=+15550001/TYPE=PLMN@ppg', ` ppg-notify-requested-to="${notifyUrl}"`),
        n,
      ),
    );
    await ppg!.settled();
    expect(notes.at(-1)?.['message-state']).toBe('undeliverable');
    expect(() => ppg!.use({ kind: 'result', code: 1234 })).toThrow(PeerConfigError);
    expect(() => ppg!.use({ kind: 'nope' })).toThrow(PeerConfigError);
  });

  it('cancels a deferred push and answers status queries', async () => {
    const { url } = await startPpg();
    const later = `${new Date(Date.now() + 3_600_000).toISOString().slice(0, 19)}Z`;
    const n = handNotificationInd('c', '+1/TYPE=PLMN', 10, 'http://m/c');
    const r = await post(
      url,
      papBody(papControl('c-1', 'WAPPUSH=+15550001/TYPE=PLMN@ppg', ` deliver-after-timestamp="${later}"`), n),
    );
    expect(responseCode(r.doc)).toBe(1001);
    const q = (body: string) => post(url, Buffer.from(body), 'application/xml');
    let s = await q('<?xml version="1.0"?><pap><statusquery-message push-id="c-1"/></pap>');
    expect(
      (s.doc.pap['statusquery-response']['statusquery-result'] as Record<string, string>)['message-state'],
    ).toBe('pending');
    const c = await q('<?xml version="1.0"?><pap><cancel-message push-id="c-1"/></pap>');
    expect((c.doc.pap['cancel-response']['cancel-result'] as Record<string, string>).code).toBe('1000');
    s = await q('<?xml version="1.0"?><pap><statusquery-message push-id="c-1"/></pap>');
    expect(
      (s.doc.pap['statusquery-response']['statusquery-result'] as Record<string, string>)['message-state'],
    ).toBe('cancelled');
    const c2 = await q('<?xml version="1.0"?><pap><cancel-message push-id="c-1"/></pap>');
    expect((c2.doc.pap['cancel-response']['cancel-result'] as Record<string, string>).code).toBe('2008');
    const c3 = await q('<?xml version="1.0"?><pap><cancel-message push-id="nope"/></pap>');
    expect((c3.doc.pap['cancel-response']['cancel-result'] as Record<string, string>).code).toBe('2004');
    expect(submits).toHaveLength(0);
  });

  it('answers bad PAP (not multipart, bad XML, XXE, no address) with badmessage-response and keeps serving', async () => {
    const { url } = await startPpg();
    const n = handNotificationInd('b', '+1/TYPE=PLMN', 10, 'http://m/b');
    const bads: Array<[Buffer, string | undefined, number]> = [
      [Buffer.from('hello'), 'text/plain', 2000],
      [
        papBody('<pap><push-message push-id="x"><address address-value="WAPPUSH=1/TYPE=PLMN"/></pap>', n),
        undefined,
        2000,
      ],
      [
        papBody(
          '<?xml version="1.0"?><!DOCTYPE pap [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><pap><push-message push-id="&xxe;"><address address-value="WAPPUSH=+15550001/TYPE=PLMN@p"/></push-message></pap>',
          n,
        ),
        undefined,
        2000,
      ],
      [papBody('<?xml version="1.0"?><pap><push-message push-id="x"/></pap>', n), undefined, 2000],
      [
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Type: application/xml\r\n\r\n${papControl('y', 'WAPPUSH=+15550001/TYPE=PLMN@p')}\r\n--${BOUNDARY}--\r\n`,
        ),
        undefined,
        2000,
      ],
    ];
    for (const [body, ct, code] of bads) {
      const r = await post(url, body, ct);
      expect(r.status).toBe(400);
      expect(Number(r.doc.pap['badmessage-response'].code)).toBe(code);
      expect(r.body).not.toContain('root:');
    }
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(Number(url.port), '127.0.0.1', () => s.write('\x16\x03\x01garbage\r\n\r\n'));
      let got = '';
      s.on('data', (c) => {
        got += c.toString('latin1');
      });
      s.on('close', () => resolve(got));
    });
    expect(raw.startsWith('HTTP/1.1 400')).toBe(true);
    const ok = await post(url, papBody(papControl('after', 'WAPPUSH=+15550001/TYPE=PLMN@p'), n));
    expect(responseCode(ok.doc)).toBe(1001);
    await ppg!.settled();
    expect(submits).toHaveLength(1);
  });
});
