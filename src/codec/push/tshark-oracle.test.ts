import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smpp from 'smpp';
import { afterAll, describe, expect, it } from 'vitest';
import { tcpDialoguePcapng } from '../../../test/support/tcp-dialogue.ts';
import { pcapCheck, tsharkFields, tsharkOracleReady } from '../../../test/support/tshark.ts';
import { wapPushToSms } from './wap-push-sms.ts';

/**
 * Independent oracle: our WAP push SMS segments, carried in SMPP submit_sm PDUs (encoded
 * by the smpp package, not by us), sent by an ESME on one TCP connection to the SMSC's tcp/2775
 * (src/wire tcpDialoguePcapng) and dissected by Wireshark's smpp -> gsm_sms (reassembly) -> wsp
 * -> mmse dissectors.
 */
const ready = tsharkOracleReady('push tshark oracle');
const SMPP = ['tcp.port==2775,smpp'];

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
// m-notification-ind, MMS 1.2: Transaction-Id "T1", From +15550001, Class Personal, Size 1000, Expiry +3 days,
// Content-Location, padded with a long Subject so it needs three SMS segments.
function notification(): Uint8Array {
  const from = Buffer.from('+15550001/TYPE=PLMN\0');
  const subject = Buffer.from(`${'x'.repeat(250)}\0`);
  const loc = Buffer.from('http://127.0.0.1:8002/mms/abcdefABCDEF0123456789\0');
  return new Uint8Array(
    Buffer.concat([
      hex('8C82 98'),
      Buffer.from('T1\0'),
      hex('8D92 89'),
      Buffer.from([from.length + 1, 0x80]),
      from,
      hex('96'),
      subject,
      hex('8A80 8E0203E8 8805810303F480 83'),
      loc,
    ]),
  );
}

describe.skipIf(!ready)('WAP push SMS vs Wireshark (gsm_sms, wsp, mmse)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmscert-push-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([8, 16] as const)(
    'tshark reassembles our %i-bit concatenated push into the m-notification-ind',
    (refBits) => {
      const segs = wapPushToSms(notification(), { ref: refBits === 8 ? 0x42 : 0x4243, refBits });
      expect(segs.length).toBe(3);
      const pdus = segs.map((short_message, i) =>
        new smpp.PDU('submit_sm', {
          sequence_number: i + 1,
          source_addr: '15550001',
          destination_addr: '15550002',
          esm_class: 0x40,
          data_coding: 0x04,
          short_message: Buffer.from(short_message),
        }).toBuffer(),
      );
      const pcap = join(dir, `push-${refBits}.pcapng`);
      const esme = { node: 'ppg', role: 'ppg', port: 40775 } as const;
      // each submit_sm in its own write, answered by the SMSC (tshark's two-pass run, which
      // tsharkFields uses, loses the MMSE fields of an SMS reassembled within a single frame)
      const dialogue = pdus.flatMap((pdu, i) => [
        { from: 'client' as const, data: pdu },
        {
          from: 'server' as const,
          data: new smpp.PDU('submit_sm_resp', {
            sequence_number: i + 1,
            message_id: `m${i + 1}`,
          }).toBuffer(),
        },
      ]);
      writeFileSync(
        pcap,
        tcpDialoguePcapng(dialogue, {
          port: 2775,
          client: esme,
          server: { node: 'smsc', role: 'smsc' },
          iface: 'SMPP',
        }),
      );
      const rows = tsharkFields(
        pcap,
        'mmse',
        [
          'wsp.header.x_wap_application_id',
          'mmse.message_type',
          'mmse.transaction_id',
          'mmse.from',
          'mmse.message_size',
          'mmse.content_location',
        ],
        { decodeAs: SMPP },
      );
      expect(rows).toHaveLength(1);
      const [appId, type, tid, from, size, loc] = rows[0];
      expect(appId).toContain('mms.ua');
      expect(type).toBe('0x82');
      expect(tid).toBe('T1');
      expect(from).toBe('+15550001/TYPE=PLMN');
      expect(size).toBe('1000');
      expect(loc).toBe('http://127.0.0.1:8002/mms/abcdefABCDEF0123456789');
      // no malformed frame, no expert error or warning anywhere (checksums validated too)
      const check = pcapCheck(pcap, ['smpp', 'gsm_sms_ud', 'wsp', 'mmse'], SMPP);
      expect(check.out).toContain('verdict: PASS');
      expect(check.status).toBe(0);
    },
  );
});
