import http from 'node:http';
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';
import { buildPdu, decodeMms, encodeMms, getHeader, getHeaders } from '../../src/codec/mms/index.ts';
import { wapPushToSms } from '../../src/codec/push/index.ts';
import { REFERENCE_PROVISIONING, referenceIcs } from '../../src/harness/ics/reference-ics.ts';
import type { StartedPeer, Target, TargetCaseContext, TargetSession } from '../../src/harness/target.ts';
import { resolveMmscConfig } from '../../src/mmsc/config.ts';

const MMS = 'application/vnd.wap.mms-message';
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * The m-notification-ind this target sends (OMA-TS-MMS_ENC-V1_3 §6.2), written octet by octet with
 * X-Mms-Message-Size as a Short-integer (0xF4) where the grammar wants a Long-integer, as Mbuni did:
 * a strict reader stops there ("Long-integer length 244 not in 1..30"), a tolerant one steps over it.
 */
export function misEncodedNotification(tid: string, from: string, location: string): Uint8Array {
  const fromText = ascii(from);
  return Uint8Array.from([
    0x8c,
    0x82, // X-Mms-Message-Type: m-notification-ind
    0x98,
    ...ascii(tid),
    0, // X-Mms-Transaction-Id
    0x8d,
    0x92, // X-Mms-MMS-Version: 1.2
    0x89,
    fromText.length + 2,
    0x80,
    ...fromText,
    0, // From: Address-present-token
    0x8a,
    0x80, // X-Mms-Message-Class: Personal
    0x8e,
    0xf4, // X-Mms-Message-Size: 116 as a Short-integer: the defect
    0x88,
    0x05,
    0x81,
    0x03,
    0x01,
    0x51,
    0x80, // X-Mms-Expiry: relative 86400 s
    0x83,
    ...ascii(location),
    0, // X-Mms-Content-Location
  ]);
}

/**
 * Test support: a small third-party MMSC as a target. It accepts m-send-req over MM1 (m-send-conf
 * Ok), pushes each recipient a mis-encoded notification through the case's SMSC peer (binding as
 * an ESME with the smpp package's client), serves the message to the GET of its location as a
 * well-formed m-retrieve-conf, and takes m-notifyresp-ind / m-acknowledge-ind with 204.
 */
export class MisEncodingTarget implements Target {
  readonly kind = 'external' as const;
  readonly description = 'test target that mis-encodes X-Mms-Message-Size (as Mbuni did)';
  readonly maxJobs = 8;
  readonly ics = referenceIcs(resolveMmscConfig({}), REFERENCE_PROVISIONING);
  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async startCase(_ctx: TargetCaseContext): Promise<TargetSession> {
    const stored = new Map<string, { from: string; subject?: string }>();
    let esme: smpp.Session | undefined;
    let n = 0;
    let ref = 0;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', base);
        if (req.method === 'GET') {
          const m = stored.get(url.pathname);
          if (!m) return void res.writeHead(404).end();
          const conf = buildPdu(
            'm-retrieve-conf',
            {
              'Message-ID': `id${url.pathname.slice(3)}`,
              Date: 1_700_000_000,
              From: m.from,
              ...(m.subject !== undefined ? { Subject: m.subject } : {}),
              'Content-Type': 'text/plain',
            },
            new TextEncoder().encode('hello'),
          );
          return void res.writeHead(200, { 'Content-Type': MMS }).end(encodeMms(conf));
        }
        const pdu = decodeMms(new Uint8Array(Buffer.concat(chunks)));
        if (pdu.type !== 'm-send-req') return void res.writeHead(204).end();
        const tid = String(getHeader(pdu, 'X-Mms-Transaction-Id') ?? '');
        // without a gateway in front, the sender is the From the handset wrote (or the sender's own)
        const fromHeader = getHeader(pdu, 'From');
        const from = typeof fromHeader === 'string' ? fromHeader.replace(/\/TYPE=PLMN$/i, '') : '+15550000';
        const conf = buildPdu('m-send-conf', {
          'X-Mms-Transaction-Id': tid,
          'X-Mms-Response-Status': 'Ok',
          'Message-ID': `id${n + 1}`,
        });
        res.writeHead(200, { 'Content-Type': MMS }).end(encodeMms(conf));
        for (const to of getHeaders(pdu, 'To')) {
          const msisdn = String(to).replace(/\/TYPE=PLMN$/i, '');
          n += 1;
          const path = `/m/${n}`;
          const subject = getHeader(pdu, 'Subject');
          stored.set(path, {
            from: `${from}/TYPE=PLMN`,
            ...(typeof subject === 'string' ? { subject } : {}),
          });
          const note = misEncodedNotification(`n${n}`, `${from}/TYPE=PLMN`, `${base}${path.slice(1)}`);
          ref = (ref + 1) & 0xff;
          for (const ud of wapPushToSms(note, { ref }))
            esme?.send(
              new smpp.PDU('submit_sm', {
                source_addr: '1234',
                destination_addr: msisdn.replace(/^\+/, ''),
                esm_class: 0x40,
                data_coding: 0x04,
                short_message: Buffer.from(ud),
              }),
            );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return {
      endpoints: { mm1: base },
      peerConfig: () => ({}),
      attach: async (peers: readonly StartedPeer[]) => {
        const url = peers.find((p) => p.kind === 'smsc')?.endpoints.find((e) => e.protocol === 'smpp')?.url;
        if (!url) return;
        const s = smpp.connect({ url });
        s.on('error', () => undefined);
        esme = s;
        await new Promise<void>((resolve, reject) => {
          s.once('connect', () =>
            s.send(new smpp.PDU('bind_transmitter', { system_id: 'mbuni', password: 'x' }), () => resolve()),
          );
          s.once('error', reject);
        });
      },
      stop: async () => {
        esme?.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
}
