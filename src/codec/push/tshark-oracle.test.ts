import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smpp from 'smpp';
import { afterAll, describe, expect, it } from 'vitest';
import { toolsDir, tsharkOracleReady } from '../../../test/support/tshark.ts';
import { wapPushToSms } from './wap-push-sms.ts';

/**
 * Independent oracle: our WAP push SMS segments, carried in SMPP submit_sm PDUs (encoded
 * by the smpp package, not by us), framed by the shared mkpcap.py tool and dissected by
 * Wireshark's smpp -> gsm_sms (reassembly) -> wsp -> mmse dissectors.
 */
const mkpcap = join(toolsDir, 'mkpcap.py');
const ready = tsharkOracleReady('push tshark oracle', ['mkpcap.py']);

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
      const client = join(dir, `submit-${refBits}.bin`);
      writeFileSync(client, Buffer.concat(pdus));
      const pcap = join(dir, `push-${refBits}.pcap`);
      execFileSync('python3', [mkpcap, 'tcp', pcap, '--port', '2775', '-c', client]);
      const out = execFileSync(
        'tshark',
        [
          '-r',
          pcap,
          '-d',
          'tcp.port==2775,smpp',
          '-Y',
          'mmse',
          '-T',
          'fields',
          '-E',
          'separator=|',
          '-e',
          'wsp.header.x_wap_application_id',
          '-e',
          'mmse.message_type',
          '-e',
          'mmse.transaction_id',
          '-e',
          'mmse.from',
          '-e',
          'mmse.message_size',
          '-e',
          'mmse.content_location',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      ).trim();
      const rows = out.split('\n').filter(Boolean);
      expect(rows).toHaveLength(1);
      const [appId, type, tid, from, size, loc] = rows[0].split('|');
      expect(appId).toContain('mms.ua');
      expect(type).toBe('0x82');
      expect(tid).toBe('T1');
      expect(from).toBe('+15550001/TYPE=PLMN');
      expect(size).toBe('1000');
      expect(loc).toBe('http://127.0.0.1:8002/mms/abcdefABCDEF0123456789');
      const malformed = execFileSync(
        'tshark',
        ['-r', pcap, '-d', 'tcp.port==2775,smpp', '-Y', '_ws.malformed || _ws.expert.severity >= warning'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      expect(malformed.trim()).toBe('');
    },
  );
});
