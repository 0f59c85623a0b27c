import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wapPushToSms } from '../../src/codec/push/wap-push-sms.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { buildPcapng } from '../../src/wire/build-pcapng.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { connectEsme, notificationInd } from '../../test/support/smpp-test-helpers.ts';
import { tsharkFields, tsharkOracleReady } from '../../test/support/tshark.ts';
import { AirInterface } from '../air-interface.ts';
import { SmscPeer } from './smsc-peer.ts';

/**
 * Independent oracle: Wireshark's SMPP, GSM SMS UD, WSP and MMSE dissectors read the bytes our
 * SMSC exchanged (recorded by the wire tap, framed by src/wire) and must agree with what the
 * SMSC decoded and published.
 */
const tshark = tsharkOracleReady('smsc tshark oracle');

const fields = (file: string, port: number, filter: string, names: string[]) =>
  tsharkFields(file, filter, names, { decodeAs: [`tcp.port==${port},smpp`], aggregator: ',' });

describe.skipIf(!tshark)('SMSC against tshark', () => {
  it('tshark decodes the captured SMPP dialogue like the SMSC did (submit_sm, WAP push, m-notification-ind, receipt)', async () => {
    const timeline = new Timeline();
    const air = new AirInterface();
    air.register('15550001', () => undefined);
    const smsc = new SmscPeer({}, { air });
    await smsc.start({ timeline, host: '127.0.0.1' });
    const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-smsc-tshark-'));
    try {
      const e = await connectEsme(smsc.port);
      expect((await e.call('bind_transceiver', { system_id: 'mmsc', password: 'pw' })).command_status).toBe(
        0,
      );
      const ind = notificationInd('TS-oracle-1', 'http://127.0.0.1:8002/mms/oracle', '+15550002/TYPE=PLMN');
      const segments = wapPushToSms(ind, { ref: 9, maxOctets: 70 });
      for (const seg of segments) {
        await e.call('submit_sm', {
          source_addr: '15550009',
          destination_addr: '15550001',
          esm_class: 0x40,
          data_coding: 0x04,
          registered_delivery: 1,
          short_message: Buffer.from(seg),
        });
      }
      await timeline.waitFor((o) => o.kind === 'message' && o.iface === 'MM1', { timeoutMs: 5000 });
      await e.next('deliver_sm');
      await e.next('deliver_sm');
      await new Promise((r) => setTimeout(r, 100));
      e.close();
      await new Promise((r) => setTimeout(r, 100));

      const file = path.join(dir, 'smsc.pcapng');
      writeFileSync(file, buildPcapng(timeline.all()));
      const malformed = fields(file, smsc.port, '_ws.malformed || _ws.expert.severity >= 8388608', [
        'frame.number',
      ]);
      expect(malformed).toEqual([]);

      // every PDU the SMSC published, in order, against tshark's view of the same packets
      const ours = timeline
        .messages({ iface: 'SMPP' })
        .map((o) => [
          (o.fields as JsonObject).command_id as string,
          String((o.fields as JsonObject).sequence_number),
        ]);
      const theirs = fields(file, smsc.port, 'smpp', ['smpp.command_id', 'smpp.sequence_number']).flatMap(
        (row) => {
          // one TCP segment may carry several PDUs: tshark lists them comma-separated
          const ids = row[0].split(',');
          const seqs = row[1].split(',');
          return ids.map((id, i) => [`0x${Number(id).toString(16).padStart(8, '0')}`, seqs[i]]);
        },
      );
      expect(theirs).toEqual(ours);

      const submits = timeline
        .messages({ type: 'submit_sm', direction: 'in' })
        .map((o) => o.fields as JsonObject);
      const tSubmits = fields(file, smsc.port, 'smpp.command_id == 0x00000004', [
        'smpp.destination_addr',
        'smpp.source_addr',
        'smpp.data_coding',
      ]);
      expect(tSubmits).toEqual(
        submits.map((f) => [
          f.destination_addr,
          f.source_addr,
          `0x${(f.data_coding as number).toString(16).padStart(2, '0')}`,
        ]),
      );

      // the reassembled WAP push: tshark's MMSE dissector finds the same notification
      const mms = timeline.messages({ iface: 'MM1' })[0].fields as JsonObject;
      const tMms = fields(file, smsc.port, 'mmse', [
        'mmse.message_type',
        'mmse.transaction_id',
        'mmse.content_location',
      ]);
      expect(tMms).toHaveLength(1);
      expect(tMms[0][0]).toBe('0x82'); // m-notification-ind
      expect(tMms[0][1]).toBe(mms['X-Mms-Transaction-Id']);
      expect([tMms[0][2]]).toEqual([mms['X-Mms-Content-Location']].flat());

      // receipts: message id and state as tshark reads the TLVs
      const receipts = timeline
        .messages({ type: 'deliver_sm', direction: 'out' })
        .map((o) => o.fields as JsonObject);
      const tReceipts = fields(file, smsc.port, 'smpp.command_id == 0x00000005', [
        'smpp.receipted_message_id',
        'smpp.message_state',
      ]);
      expect(tReceipts).toEqual(receipts.map((f) => [f.receipted_message_id, String(f.message_state)]));
    } finally {
      await smsc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
