import net from 'node:net';
import type { PDU, Session } from 'smpp';
import smpp from 'smpp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPdu, encodeMms, getHeader, getHeaders } from '../../src/codec/mms/index.ts';
import { wapPushToSms } from '../../src/codec/push/index.ts';
import { type RunningMmsc, startReferenceMmsc } from '../../src/mmsc/index.ts';
import type { ReceivedPush } from './fake-smsc.ts';
import { LeanSmsc } from './lean-smsc.ts';
import { Mm1Client, sendReq } from './mm1-client.ts';

/** The bench's SMSC, checked with the smpp package as the client (an independent SMPP implementation). */

let smsc: LeanSmsc;
beforeEach(async () => {
  smsc = new LeanSmsc();
  await smsc.start();
});
afterEach(async () => {
  await smsc.stop();
});

function connect(): Promise<Session> {
  return new Promise((resolve) => {
    const s = smpp.connect({ host: '127.0.0.1', port: smsc.port }, () => resolve(s));
    s.on('error', () => undefined);
  });
}

function call(s: Session, command: string, fields: Record<string, unknown> = {}): Promise<PDU> {
  return new Promise((resolve) => s.send(new smpp.PDU(command, fields), resolve));
}

describe('LeanSmsc', () => {
  it('checks the bind, answers enquire_link, refuses unknown commands and submits before a bind', async () => {
    const s = await connect();
    try {
      const early = await call(s, 'submit_sm', { destination_addr: '1', short_message: Buffer.from('x') });
      expect(early.command).toBe('submit_sm_resp');
      expect(early.command_status).toBe(0x04);
      const refused = await call(s, 'bind_transceiver', { system_id: 'mmsc', password: 'wrong' });
      expect(refused.command).toBe('bind_transceiver_resp');
      expect(refused.command_status).toBe(0x0e);
      const ok = await call(s, 'bind_transceiver', { system_id: 'mmsc', password: 'secret' });
      expect(ok.command_status).toBe(0);
      expect(ok.system_id).toBe('lean-smsc');
      expect((await call(s, 'enquire_link')).command).toBe('enquire_link_resp');
      const nack = await call(s, 'query_sm', { message_id: '1', source_addr: '1' });
      expect(nack.command).toBe('generic_nack');
      expect(nack.command_status).toBe(0x03);
      expect(smsc.binds).toBe(2);
    } finally {
      s.destroy();
    }
  });

  it('reassembles a push sent as several segments and answers each submit_sm with a message id', async () => {
    const s = await connect();
    try {
      await call(s, 'bind_transceiver', { system_id: 'mmsc', password: 'secret' });
      const pdu = buildPdu('m-notification-ind', {
        'X-Mms-Transaction-Id': 'T1',
        'X-Mms-MMS-Version': '1.3',
        'X-Mms-Message-Class': 'Personal',
        'X-Mms-Message-Size': 1000,
        'X-Mms-Expiry': { relative: 3600 },
        'X-Mms-Content-Location': `http://mmsc.example/mms/${'x'.repeat(300)}`,
      });
      const segments = wapPushToSms(encodeMms(pdu), { ref: 9 });
      expect(segments.length).toBeGreaterThan(2);
      const got = new Promise<ReceivedPush>((r) => smsc.once('push', r));
      const ids = new Set<string>();
      for (const seg of segments) {
        const resp = await call(s, 'submit_sm', {
          source_addr: 'MMSC',
          destination_addr: '15550002',
          esm_class: 0x40,
          data_coding: 0x04,
          short_message: Buffer.from(seg),
        });
        expect(resp.command_status).toBe(0);
        ids.add(String(resp.message_id));
      }
      expect(ids.size).toBe(segments.length);
      const push = await got;
      expect(push.to).toBe('15550002');
      expect(push.segments).toBe(segments.length);
      expect(getHeader(push.pdu, 'X-Mms-Content-Location')).toBe(getHeader(pdu, 'X-Mms-Content-Location'));
      expect(smsc.submits).toBe(segments.length);
    } finally {
      s.destroy();
    }
  });

  it('answers a command_length outside 16..16384 with generic_nack and closes', async () => {
    const sock = net.connect({ host: '127.0.0.1', port: smsc.port });
    const data: Buffer[] = [];
    sock.on('data', (d) => data.push(d));
    const closed = new Promise((r) => sock.on('close', r));
    sock.write(Buffer.from('0000000800000015', 'hex'));
    await closed;
    const b = Buffer.concat(data);
    expect(b.length).toBe(16);
    expect(b.readUInt32BE(4)).toBe(0x80000000);
    expect(b.readUInt32BE(8)).toBe(0x02);
  });

  it('carries the reference MMSC flow', async () => {
    const mmsc: RunningMmsc = await startReferenceMmsc({
      notification: {
        route: 'smpp',
        host: '127.0.0.1',
        port: smsc.port,
        systemId: 'mmsc',
        password: 'secret',
      },
    });
    const client = new Mm1Client(mmsc.endpoints[0].url, 'X-MSISDN', { lean: true });
    try {
      const pushed = new Promise<ReceivedPush>((r) => smsc.once('push', r));
      const conf = await client.postPdu(sendReq('lean-1', '+15550003/TYPE=PLMN'), '15550001');
      expect(getHeader(conf.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
      const push = await pushed;
      expect(push.to).toBe('15550003');
      const got = await client.get(String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]), '15550003');
      expect(got.pdu?.type).toBe('m-retrieve-conf');
    } finally {
      client.close();
      await mmsc.stop();
    }
  });
});
