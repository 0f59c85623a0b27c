/**
 * End-to-end proof of the wire tap + PCAPNG builder: real exchanges over 127.0.0.1, tapped on
 * both sides, written as PCAPNG and checked by an independent decoder (tshark 4.0 via
 * pcapCheck of test/support/tshark.ts, checksum validation on, warnings counted).
 */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import * as smpp from 'smpp';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { pcapCheck, tsharkFields, tsharkOracleReady } from '../../test/support/tshark.ts';
import { buildPcapng } from './build-pcapng.ts';
import { buildCasePcapngs } from './case-pcapngs.ts';
import { tapGetSocket, tapHttpAgent, tapServer, tapSocket, tapUdp } from './tap.ts';
import { type BytesObservation, Timeline } from './timeline.ts';
import { writePcapngFile } from './write-pcapng-file.ts';

const ready = tsharkOracleReady('wire-pcapng-tshark');
const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-wire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** tshark -T fields, one array of columns per matching frame (occurrences joined by '|'). */
const fields = (file: string, filter: string, names: string[], decodeAs: string[] = []) =>
  tsharkFields(file, filter, names, { decodeAs });

const addr = (s: net.Server | dgram.Socket) => (s.address() as net.AddressInfo).port;
const listen = (s: net.Server) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
const closeServer = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));
const stream = (tl: Timeline, node: string, direction: 'in' | 'out') =>
  Buffer.concat(
    tl
      .query((o): o is BytesObservation => o.kind === 'bytes' && o.node === node && o.direction === direction)
      .map((o) => o.raw),
  );
const allBytes = (tl: Timeline, node: string, direction: 'in' | 'out') =>
  tl
    .query((o): o is BytesObservation => o.kind === 'bytes' && o.node === node && o.direction === direction)
    .reduce((n, o) => n + o.raw.length, 0);

// ---- hand-built PDUs (OMA-TS-MMS_ENC-V1_3 §7, WAP-230-WSP §8) ----

function uintvar(n: number): number[] {
  const out = [n & 0x7f];
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
  return out;
}
const cstr = (s: string) => [...Buffer.from(s, 'latin1'), 0];

/** m-send-req with a multipart/mixed body (0xA3) holding one text/plain part. */
function mSendReq(tid: string, text: Buffer): Buffer {
  const headers = [
    0x8c,
    0x80, // X-Mms-Message-Type: m-send-req
    0x98,
    ...cstr(tid), // X-Mms-Transaction-ID
    0x8d,
    0x92, // X-Mms-MMS-Version: 1.2
    0x89,
    0x01,
    0x81, // From: Insert-address-token
    0x97,
    ...cstr('+15550002/TYPE=PLMN'), // To
    0x96,
    ...cstr('wire test'), // Subject
    0x84,
    0xa3, // Content-Type: application/vnd.wap.multipart.mixed (last header, §7.3.11)
  ];
  // multipart (WAP-230 §8.5.2): nEntries, then HeadersLen, DataLen, ContentType, Data
  const body = [...uintvar(1), ...uintvar(1), ...uintvar(text.length), 0x83 /* text/plain */];
  return Buffer.concat([Buffer.from(headers), Buffer.from(body), text]);
}

/** m-notification-ind (OMA-MMS-ENC §6.2) — long enough to need two SMS segments once pushed. */
function mNotificationInd(): Buffer {
  const location = 'http://mmsc.example.net/mms/retrieve/0123456789abcdef0123456789abcdef0123456789abcdef';
  return Buffer.from([
    0x8c,
    0x82, // m-notification-ind
    0x98,
    ...cstr('T-notif-0001'),
    0x8d,
    0x92,
    0x89,
    0x15,
    0x80,
    ...cstr('+15550001/TYPE=PLMN'), // From: value-length, Address-present-token
    0x8a,
    0x80, // X-Mms-Message-Class: Personal
    0x8e,
    0x02,
    0x75,
    0x30, // X-Mms-Message-Size: 30000
    0x88,
    0x05,
    0x81,
    0x03,
    0x01,
    0x51,
    0x80, // X-Mms-Expiry: relative 86400 s
    0x83,
    ...cstr(location), // X-Mms-Content-Location
  ]);
}

/** WSP connectionless push (WAP-230 §8.2.4.1) of an MMS notification to mms.ua (WAP-251). */
function wspPush(body: Buffer): Buffer {
  const headers = [0xaf, 0x84]; // X-Wap-Application-Id: x-wap-application:mms.ua
  const contentType = [0xbe]; // application/vnd.wap.mms-message
  return Buffer.concat([
    Buffer.from([0x01, 0x06, ...uintvar(contentType.length + headers.length), ...contentType, ...headers]),
    body,
  ]);
}

/** Splits a WDP datagram into concatenated SMS user data with 16-bit port UDH (3GPP TS 23.040 §9.2.3.24). */
function smsSegments(payload: Buffer, ref: number): Buffer[] {
  const per = 140 - 12; // UDHL + port IE (6) + concat IE (5)
  const total = Math.ceil(payload.length / per);
  const out: Buffer[] = [];
  for (let i = 0; i < total; i++) {
    const udh = [0x0b, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0x03, ref, total, i + 1]; // dst 2948, src 9200
    out.push(Buffer.concat([Buffer.from(udh), payload.subarray(i * per, (i + 1) * per)]));
  }
  return out;
}

interface Naptr {
  order: number;
  preference: number;
  service: string;
  regexp: string;
}
const TEL_NAPTR: Naptr = {
  order: 10,
  preference: 100,
  service: 'E2U+mms:tel',
  regexp: '!^.*$!tel:+15550003!',
};

/**
 * A DNS response (RFC 1035 §4.1: the query's id and question copied) to query `q` with one NAPTR
 * answer (RFC 3403 §4.1, flags "u", replacement the root), or with none and TC set.
 */
function naptrResponse(q: Buffer, truncated: boolean, naptr: Naptr = TEL_NAPTR): Buffer {
  let i = 12;
  while (q[i] !== 0) i += q[i] + 1;
  const question = q.subarray(12, i + 5);
  const cs = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')]);
  const rdata = Buffer.concat([
    Buffer.from([naptr.order >> 8, naptr.order & 0xff, naptr.preference >> 8, naptr.preference & 0xff]),
    cs('u'),
    cs(naptr.service),
    cs(naptr.regexp),
    Buffer.from([0x00]), // replacement: root
  ]);
  const flags = truncated ? [0x83, 0x80] : [0x81, 0x80]; // QR, (TC), RD | RA
  const header = Buffer.from([q[0], q[1], ...flags, 0, 1, 0, truncated ? 0 : 1, 0, 0, 0, 0]);
  if (truncated) return Buffer.concat([header, question]);
  const rr = Buffer.from([
    0xc0,
    0x0c,
    0x00,
    0x23,
    0x00,
    0x01,
    0,
    0,
    0x0e,
    0x10,
    rdata.length >> 8,
    rdata.length & 0xff,
  ]);
  return Buffer.concat([header, question, rr, rdata]);
}

describe.skipIf(!ready)('PCAPNG of tapped exchanges, checked by tshark', () => {
  it('(1) MM1 HTTP POSTs of m-send-req (small and 300 KB) on one keep-alive connection, tapped on both sides', async () => {
    const tl = new Timeline();
    const received: number[] = [];
    const server = http.createServer((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
      });
      req.on('end', () => {
        received.push(n);
        res.setHeader('content-type', 'application/vnd.wap.mms-message');
        // m-send-conf (OMA-MMS-ENC §6.1.2): type, tid, version, response-status Ok
        res.end(Buffer.from([0x8c, 0x81, 0x98, ...cstr(`T${received.length}`), 0x8d, 0x92, 0x92, 0x80]));
      });
    });
    tapServer(server, { timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'MM1' });
    await listen(server);
    const agent = tapHttpAgent(new http.Agent({ keepAlive: true, maxSockets: 1 }), {
      timeline: tl,
      node: 'ue.alice',
      role: 'ue',
      iface: 'MM1',
    });
    const post = (pdu: Buffer) =>
      new Promise<Buffer>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: addr(server),
            method: 'POST',
            path: '/mms',
            agent,
            headers: { 'content-type': 'application/vnd.wap.mms-message', 'content-length': pdu.length },
          },
          (res) => {
            const c: Buffer[] = [];
            res.on('data', (d: Buffer) => c.push(d));
            res.on('end', () => resolve(Buffer.concat(c)));
          },
        );
        req.on('error', reject);
        req.end(pdu);
      });
    const small = mSendReq('T-small-1', Buffer.from('hello MM1'));
    const bigText = Buffer.alloc(300 * 1024, 'The quick brown fox jumps over the lazy dog. ');
    const big = mSendReq('T-big-2', bigText);
    tl.setContext({ case: 'mm1.send.001', step: 'step 1: submit' });
    await post(small);
    tl.setContext({ case: 'mm1.send.002', step: 'step 1: submit 300 KB' });
    await post(big);
    agent.destroy();
    const port = addr(server);
    await closeServer(server);
    expect(received).toEqual([small.length, big.length]);

    const file = path.join(dir, 'mm1.pcapng');
    await writePcapngFile(file, tl, { title: 'mm1 e2e' });
    const da = [`tcp.port==${port},http`];
    const check = pcapCheck(file, ['http', 'mmse'], da);
    expect(check.out).toContain('malformed frames: 0');
    expect(check.status, check.out).toBe(0);

    const reqs = fields(
      file,
      'http.request && mmse',
      ['mmse.message_type', 'http.content_length', 'tcp.reassembled.length', 'frame.comment'],
      da,
    );
    expect(reqs).toHaveLength(2);
    expect(reqs.map((r) => Number(r[0]))).toEqual([0x80, 0x80]);
    expect(reqs.map((r) => Number(r[1]))).toEqual([small.length, big.length]);
    // the 300 KB request was segmented at the MSS and reassembled: headers + full body
    expect(Number(reqs[1][2])).toBeGreaterThan(big.length);
    expect(reqs[0][3]).toBe('mm1.send.001 / step 1: submit');
    expect(reqs[1][3]).toBe('mm1.send.002 / step 1: submit 300 KB');
    const confs = fields(file, 'http.response && mmse', ['mmse.message_type', 'mmse.response_status'], da);
    expect(confs.map((r) => Number(r[0]))).toEqual([0x81, 0x81]);
    // no double counting: one TCP stream, TCP payload = what the client sent + received, once
    const segs = fields(file, 'tcp', ['tcp.stream', 'tcp.len'], da);
    expect(new Set(segs.map((s) => s[0]))).toEqual(new Set(['0']));
    const payload = segs.reduce((n, s) => n + Number(s[1]), 0);
    expect(payload).toBe(allBytes(tl, 'ue.alice', 'out') + allBytes(tl, 'ue.alice', 'in'));
    expect(payload).toBe(allBytes(tl, 'mmsc', 'in') + allBytes(tl, 'mmsc', 'out'));
    const maxSeg = Math.max(...segs.map((s) => Number(s[1])));
    expect(maxSeg).toBe(1460);
    // each node at its own address: the client is a 'ue' (127.0.1.x), the server the mmsc
    const ends = fields(file, 'tcp.flags.syn == 1 && tcp.flags.ack == 0', ['ip.src', 'ip.dst'], da);
    expect(ends[0][0]).toMatch(/^127\.0\.1\.\d+$/);
    expect(ends[0][1]).toBe('127.0.3.1');

    // one capture per case, each a clean conversation of its own
    const perCase = buildCasePcapngs(tl);
    expect([...perCase.keys()]).toEqual(['mm1.send.001', 'mm1.send.002']);
    for (const [id, bytes] of perCase) {
      const f = save(`${id}.pcapng`, bytes);
      const c = pcapCheck(f, ['http', 'mmse'], da);
      expect(c.status, `${id}: ${c.out}`).toBe(0);
      const tids = fields(f, 'http.request && mmse', ['mmse.transaction_id'], da).map((r) => r[0]);
      expect(tids).toEqual([id === 'mm1.send.001' ? 'T-small-1' : 'T-big-2']);
    }
  });

  it('(2) SMPP submit_sm x2 carrying a concatenated WAP push of an m-notification-ind (smpp client -> smpp server)', async () => {
    const tl = new Timeline();
    tl.setContext({ case: 'mm1.notify.001', step: 'step 3: push notification' });
    const submitted: unknown[] = [];
    const server = smpp.createServer((session) => {
      session.on('error', () => {});
      session.on('bind_transceiver', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('submit_sm', (pdu: smpp.PDU) => {
        submitted.push(pdu.short_message);
        session.send(pdu.response({ message_id: `m${submitted.length}` }));
      });
      session.on('unbind', (pdu: smpp.PDU) => {
        session.send(pdu.response());
        session.close();
      });
    });
    const netServer = server as unknown as net.Server;
    tapServer(netServer, { timeline: tl, node: 'smsc', role: 'smsc', iface: 'SMPP' });
    await listen(netServer);
    const port = addr(netServer);
    const session = smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 0 });
    tapSocket(session.socket, { timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'SMPP', side: 'client' });
    session.on('error', () => {});
    const call = (cmd: string, params: Record<string, unknown>) =>
      new Promise<smpp.PDU>((resolve) =>
        (session[cmd] as (p: unknown, cb: (pdu: smpp.PDU) => void) => void)(params, resolve),
      );
    await new Promise<void>((r) => session.once('connect', () => r()));
    expect((await call('bind_transceiver', { system_id: 'mmsc', password: 'pw' })).command_status).toBe(0);
    const segments = smsSegments(wspPush(mNotificationInd()), 0x42);
    expect(segments).toHaveLength(2);
    for (const seg of segments) {
      const resp = await call('submit_sm', {
        source_addr: '1234',
        destination_addr: '15550002',
        esm_class: 0x40, // UDHI (SMPP 3.4 §5.2.12)
        data_coding: 0x04, // 8-bit binary
        short_message: seg,
      });
      expect(resp.command_status).toBe(0);
    }
    await call('unbind', {});
    await new Promise<void>((r) => (session.closed ? r() : session.once('close', () => r())));
    await closeServer(netServer);
    expect(submitted).toHaveLength(2);
    const smscIn = Buffer.concat(
      tl
        .query((o): o is BytesObservation => o.kind === 'bytes' && o.node === 'smsc' && o.direction === 'in')
        .map((o) => o.raw),
    );
    for (const seg of segments) expect(smscIn.indexOf(seg)).toBeGreaterThan(0);
    expect(smscIn.equals(stream(tl, 'mmsc', 'out'))).toBe(true);
    expect(stream(tl, 'smsc', 'out').equals(stream(tl, 'mmsc', 'in'))).toBe(true);

    const file = save('smpp.pcapng', buildPcapng(tl.all(), { originEpochMs: tl.originEpochMs }));
    const da = [`tcp.port==${port},smpp`];
    const check = pcapCheck(file, ['smpp', 'gsm_sms_ud', 'wsp', 'mmse'], da);
    expect(check.status, check.out).toBe(0);
    const cmds = fields(file, 'smpp', ['smpp.command_id'], da).flatMap((r) => r[0].split('|'));
    expect(cmds.filter((c) => Number(c) === 0x00000004)).toHaveLength(2); // submit_sm
    expect(cmds.filter((c) => Number(c) === 0x80000004)).toHaveLength(2); // submit_sm_resp
    const notif = fields(file, 'mmse', ['mmse.message_type', 'mmse.transaction_id', 'frame.comment'], da);
    expect(notif).toHaveLength(1);
    expect(Number(notif[0][0])).toBe(0x82);
    expect(notif[0][1]).toBe('T-notif-0001');
    expect(notif[0][2]).toBe('mm1.notify.001 / step 3: push notification');
  });

  it('(3) MM4 over SMTP: nodemailer (tapped getSocket) -> smtp-server, raw message with X-Mms-* headers', async () => {
    const tl = new Timeline();
    tl.setContext({ case: 'mm4.forward.001', step: 'step 1: MM4_forward.REQ' });
    const raw = [
      'From: +15550001/TYPE=PLMN@mms.example.org',
      'To: +15550002/TYPE=PLMN@mms.example.net',
      'Date: Sun, 22 Nov 2026 03:00:00 +0000',
      'Subject: wire test',
      'Message-ID: <m4-1@mms.example.org>',
      'MIME-Version: 1.0',
      'X-Mms-3GPP-MMS-Version: 6.10.0',
      'X-Mms-Message-Type: MM4_forward.REQ',
      'X-Mms-Transaction-ID: tx-0001',
      'X-Mms-Message-ID: <m4-1@mms.example.org>',
      'X-Mms-Ack-Request: Yes',
      'X-Mms-Originator-System: system-user@mms.example.org',
      'Sender: +15550001/TYPE=PLMN@mms.example.org',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Hello over MM4.',
      '',
    ].join('\r\n');
    let got = '';
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        const c: Buffer[] = [];
        stream.on('data', (d: Buffer) => c.push(d));
        stream.on('end', () => {
          got = Buffer.concat(c).toString('latin1');
          cb();
        });
      },
    });
    tapServer(smtp.server, { timeline: tl, node: 'remote-mmsc', role: 'remote-mmsc', iface: 'MM4' });
    await listen(smtp.server);
    const port = addr(smtp.server);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      getSocket: tapGetSocket({ timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'MM4' }),
    });
    await transport.sendMail({
      envelope: { from: '+15550001/TYPE=PLMN@mms.example.org', to: ['+15550002/TYPE=PLMN@mms.example.net'] },
      raw,
    });
    transport.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    expect(got).toBe(raw);
    // both taps saw the same dialogue, byte for byte, in each direction
    expect(stream(tl, 'mmsc', 'out').equals(stream(tl, 'remote-mmsc', 'in'))).toBe(true);
    expect(stream(tl, 'remote-mmsc', 'out').equals(stream(tl, 'mmsc', 'in'))).toBe(true);
    expect(stream(tl, 'mmsc', 'out').includes(Buffer.from(raw.replace(/\r\n\./g, '\r\n..')))).toBe(true);

    const file = save(
      'mm4.pcapng',
      buildPcapng(tl.all(), { originEpochMs: tl.originEpochMs, tsresol: 'ns' }),
    );
    const da = [`tcp.port==${port},smtp`];
    const check = pcapCheck(file, ['smtp', 'imf'], da);
    expect(check.status, check.out).toBe(0);
    const imf = fields(
      file,
      'imf',
      ['imf.subject', 'imf.extension.type', 'imf.extension.value', 'frame.comment'],
      da,
    );
    expect(imf).toHaveLength(1);
    expect(imf[0][0]).toBe('wire test');
    const types = imf[0][1].split('|');
    const values = imf[0][2].split('|');
    expect(values[types.indexOf('X-Mms-Message-Type')]).toBe('MM4_forward.REQ');
    expect(imf[0][3]).toBe('mm4.forward.001 / step 1: MM4_forward.REQ');
    const verbs = fields(file, 'smtp.req', ['smtp.req.command'], da).flatMap((r) => r[0].split('|'));
    expect(verbs).toEqual(expect.arrayContaining(['EHLO', 'MAIL', 'RCPT', 'DATA']));
  });

  it('(4) MM7 SOAP SubmitReq POST with multipart/related attachments', async () => {
    const tl = new Timeline();
    tl.setContext({ case: 'mm7.submit.001', step: 'step 1: SubmitReq' });
    const ns = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';
    const soap =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">' +
      `<env:Header><mm7:TransactionID xmlns:mm7="${ns}" env:mustUnderstand="1">vasp-0001</mm7:TransactionID></env:Header>` +
      `<env:Body><SubmitReq xmlns="${ns}"><MM7Version>6.8.0</MM7Version>` +
      '<SenderIdentification><VASPID>vasp1</VASPID><VASID>svc</VASID></SenderIdentification>' +
      '<Recipients><To><Number>+15550002</Number></To></Recipients>' +
      '<Subject>wire test</Subject><Content href="cid:attachments" allowAdaptations="true"/>' +
      '</SubmitReq></env:Body></env:Envelope>';
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    const body = Buffer.concat([
      Buffer.from(
        '--outer\r\nContent-Type: text/xml; charset="utf-8"\r\nContent-ID: <mm7-soap>\r\n\r\n' +
          `${soap}\r\n` +
          '--outer\r\nContent-Type: multipart/related; boundary="inner"; type="text/plain"\r\nContent-ID: <attachments>\r\n\r\n' +
          '--inner\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-ID: <text1>\r\n\r\nHello over MM7.\r\n' +
          '--inner\r\nContent-Type: image/gif\r\nContent-ID: <img1>\r\nContent-Transfer-Encoding: binary\r\n\r\n',
      ),
      gif,
      Buffer.from('\r\n--inner--\r\n\r\n--outer--\r\n'),
    ]);
    let got = Buffer.alloc(0);
    const server = http.createServer((req, res) => {
      const c: Buffer[] = [];
      req.on('data', (d: Buffer) => c.push(d));
      req.on('end', () => {
        got = Buffer.concat(c);
        res.setHeader('content-type', 'text/xml; charset="utf-8"');
        res.end(
          '<?xml version="1.0"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>' +
            `<SubmitRsp xmlns="${ns}"><MM7Version>6.8.0</MM7Version><Status><StatusCode>1000</StatusCode>` +
            '<StatusText>Success</StatusText></Status><MessageID>m7-1</MessageID></SubmitRsp></env:Body></env:Envelope>',
        );
      });
    });
    tapServer(server, { timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'MM7' });
    await listen(server);
    const agent = tapHttpAgent(new http.Agent(), { timeline: tl, node: 'vasp', role: 'vasp', iface: 'MM7' });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: addr(server),
          method: 'POST',
          path: '/mm7',
          agent,
          headers: {
            'content-type': 'multipart/related; boundary="outer"; type="text/xml"; start="<mm7-soap>"',
            soapaction: '""',
            'content-length': body.length,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    agent.destroy();
    const port = addr(server);
    await closeServer(server);
    expect(got.equals(body)).toBe(true);

    const file = save('mm7.pcapng', buildPcapng(tl.all(), { originEpochMs: tl.originEpochMs }));
    const da = [`tcp.port==${port},http`];
    const check = pcapCheck(file, ['http', 'mime_multipart', 'xml'], da);
    expect(check.status, check.out).toBe(0);
    const req = fields(
      file,
      'http.request',
      ['mime_multipart.header.content-type', 'xml.cdata', 'frame.comment'],
      da,
    );
    expect(req).toHaveLength(1);
    expect(req[0][0]).toContain('text/xml');
    expect(req[0][0]).toContain('image/gif');
    expect(req[0][1].split('|')).toEqual(expect.arrayContaining(['vasp-0001', '6.8.0', '+15550002']));
    expect(req[0][2]).toBe('mm7.submit.001 / step 1: SubmitReq');
    const rsp = fields(file, 'http.response && xml', ['xml.cdata'], da);
    expect(rsp[0][0].split('|')).toEqual(expect.arrayContaining(['1000', 'm7-1']));
  });

  it('(5) ENUM NAPTR query over UDP (node:dns Resolver -> tapped dgram responder)', async () => {
    const tl = new Timeline();
    tl.setContext({ case: 'mm5.enum.001', step: 'step 1: NAPTR' });
    const sock = dgram.createSocket('udp4');
    tapUdp(sock, { timeline: tl, node: 'hlr', role: 'hlr', iface: 'DNS' });
    sock.on('message', (q, rinfo) => {
      const answer = naptrResponse(q, false, {
        order: 100,
        preference: 10,
        service: 'E2U+mms:mailto',
        regexp: '!^.*$!mailto:+15550002@mms.example.net!',
      });
      sock.send(answer, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = addr(sock);
    const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    const answers = await resolver.resolveNaptr('2.0.0.0.5.5.5.1.e164.arpa');
    expect(answers[0]).toMatchObject({ service: 'E2U+mms:mailto', order: 100, preference: 10 });
    await new Promise<void>((r) => sock.close(() => r()));

    const file = save('dns.pcapng', buildPcapng(tl.all(), { originEpochMs: tl.originEpochMs }));
    const da = [`udp.port==${port},dns`];
    const check = pcapCheck(file, ['dns'], da);
    expect(check.status, check.out).toBe(0);
    const q = fields(
      file,
      'dns.flags.response == 0',
      ['dns.qry.type', 'dns.qry.name', 'udp.dstport', 'frame.comment'],
      da,
    );
    expect(q).toHaveLength(1);
    expect(q[0].slice(0, 3)).toEqual(['35', '2.0.0.0.5.5.5.1.e164.arpa', String(port)]);
    expect(q[0][3]).toBe('mm5.enum.001 / step 1: NAPTR');
    const a = fields(file, 'dns.flags.response == 1', ['dns.naptr.service', 'dns.naptr.regex', 'ip.src'], da);
    expect(a[0].slice(0, 3)).toEqual([
      'E2U+mms:mailto',
      '!^.*$!mailto:+15550002@mms.example.net!',
      '127.0.7.1',
    ]);
  });

  it('(5b) ENUM over TCP: a truncated UDP answer makes the resolver retry over TCP (both tapped)', async () => {
    const tl = new Timeline();
    tl.setContext({ case: 'mm5.enum.002', step: 'step 1: NAPTR, TC -> TCP' });
    const { createServer } = await import('node:net');
    const tcpServer = () =>
      createServer((s) => {
        // RFC 1035 §4.2.2: each message is prefixed by a two-octet length
        let buf = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            const q = buf.subarray(2, 2 + buf.readUInt16BE(0));
            buf = buf.subarray(2 + q.length);
            const a = naptrResponse(Buffer.from(q), false);
            s.write(Buffer.concat([Buffer.from([a.length >> 8, a.length & 0xff]), a]));
          }
        });
        s.on('error', () => {});
      });
    // UDP on an ephemeral port, then TCP on the same number: another process may hold that TCP
    // port (parallel test files), so a clash means another UDP port, not a hang.
    let udp: dgram.Socket | undefined;
    let tcp: ReturnType<typeof tcpServer> | undefined;
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
      udp = socket;
      port = addr(socket);
      const candidate = tcpServer();
      tcp = candidate;
      const ok = await new Promise<boolean>((r) => {
        candidate.once('error', () => r(false));
        candidate.listen(port, '127.0.0.1', () => r(true));
      });
      if (ok) break;
      socket.close();
      if (attempt >= 20) throw new Error('no port free for both UDP and TCP');
    }
    if (!udp || !tcp) throw new Error('unreachable');
    tapUdp(udp, { timeline: tl, node: 'hlr', role: 'hlr', iface: 'DNS' });
    const answering = udp;
    udp.on('message', (q, r) => answering.send(naptrResponse(q, true), r.port, r.address));
    tapServer(tcp, { timeline: tl, node: 'hlr', role: 'hlr', iface: 'DNS' });
    const resolver = new dns.promises.Resolver({ timeout: 3000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    const answers = await resolver.resolveNaptr('3.0.0.0.5.5.5.1.e164.arpa');
    expect(answers[0]).toMatchObject({ service: 'E2U+mms:tel', regexp: '!^.*$!tel:+15550003!' });
    resolver.cancel();
    await new Promise<void>((r) => answering.close(() => r()));
    await new Promise((r) => setTimeout(r, 50)); // let the resolver's TCP connection go
    tcp.close();

    const file = save('dns-tcp.pcapng', buildPcapng(tl.all(), { originEpochMs: tl.originEpochMs }));
    const da = [`udp.port==${port},dns`, `tcp.port==${port},dns`];
    const check = pcapCheck(file, ['dns'], da);
    expect(check.status, check.out).toBe(0);
    const msgs = fields(
      file,
      'dns',
      ['ip.proto', 'dns.flags.response', 'dns.flags.truncated', 'dns.qry.type', 'dns.naptr.service'],
      da,
    );
    expect(msgs.map((m) => m.slice(0, 3).join(','))).toEqual(['17,0,0', '17,1,1', '6,0,0', '6,1,0']);
    expect(msgs.every((m) => m[3] === '35')).toBe(true);
    expect(msgs[3][4]).toBe('E2U+mms:tel');
  });

  it('records a reset as RST and a half-close as FIN before the answer; checksum validation catches a corrupt byte', async () => {
    const tl = new Timeline();
    tl.setContext({ case: 'robustness.tcp.001', step: 'step 1' });
    const { createServer, connect } = await import('node:net');
    const server = createServer({ allowHalfOpen: true }, (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (d: Buffer) => chunks.push(d));
      s.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (text === 'reset me') s.resetAndDestroy();
        else s.end(`echo ${text}`);
      });
      s.on('error', () => {});
    });
    tapServer(server, { timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'MM4' });
    await listen(server);
    const port = addr(server);
    const exchange = (text: string) =>
      new Promise<string>((resolve) => {
        const c = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
        tapSocket(c, {
          timeline: tl,
          node: 'remote-mmsc',
          role: 'remote-mmsc',
          iface: 'MM4',
          side: 'client',
        });
        const got: Buffer[] = [];
        c.on('data', (d: Buffer) => got.push(d));
        c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        c.on('close', () => resolve(Buffer.concat(got).toString()));
        c.end(text);
      });
    expect(await exchange('half')).toBe('echo half');
    expect(await exchange('reset me')).toBe('ECONNRESET');
    await closeServer(server);
    const bytes = buildPcapng(tl.all(), { originEpochMs: tl.originEpochMs });
    const file = save('tcp.pcapng', bytes);
    const flags = fields(file, 'tcp', ['tcp.stream', 'tcp.flags.str', 'tcp.len', 'ip.src']);
    const stream0 = flags
      .filter((f) => f[0] === '0')
      .map((f) => f[1].replace(/[^A-Z]/gi, '').replace(/^/, '') + (f[2] !== '0' ? `:${f[2]}` : ''));
    // handshake, client data + FIN, server acks, server answers after the half-close, FIN, ack
    const finIdx = stream0.findIndex((f) => f.includes('F'));
    const answerIdx = flags
      .filter((f) => f[0] === '0')
      .findIndex((f) => f[2] === '9' && f[3] === '127.0.3.1');
    expect(finIdx).toBeGreaterThan(0);
    expect(answerIdx).toBeGreaterThan(finIdx);
    const rst = fields(file, 'tcp.flags.reset == 1', ['tcp.stream', 'ip.src']);
    expect(rst).toEqual([['1', '127.0.3.1']]);
    // RST is reported by tshark as a warning ("Connection reset"); nothing is malformed or in error
    const check = pcapCheck(file, [], [], { warnings: false });
    expect(check.status, check.out).toBe(0);
    // the oracle can fail: flip one payload byte of the first data frame -> bad TCP checksum
    const corrupt = Buffer.from(bytes);
    const at = corrupt.indexOf(Buffer.from('half'));
    corrupt[at] ^= 0x20;
    const bad = pcapCheck(save('corrupt.pcapng', corrupt), [], [], { warnings: false });
    expect(bad.status).toBe(1);
  });
});
