import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeSmsc } from '../../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../../test/support/mm1-client.ts';
import { pcapCheck } from '../../../test/support/tshark.ts';
import { buildPdu, getHeader, getHeaders } from '../../codec/mms/index.ts';
import { buildPcapng } from '../../wire/build-pcapng.ts';
import { Timeline } from '../../wire/timeline.ts';
import { haveTshark, tsharkText } from '../../wire/tshark.ts';
import { startReferenceMmsc } from '../index.ts';

/**
 * Independent oracle: Wireshark's dissectors read what the reference MMSC put on the wire.
 * A whole MM1 flow is captured by the wire tap, framed as PCAPNG, and tshark must find no
 * malformed frame or expert error/warning, decode the MMSE PDUs in HTTP and in the WAP push
 * inside SMPP submit_sm (SMPP -> GSM SMS UDH -> WSP -> MMSE), with the values we sent.
 */
const tshark = haveTshark();
if (!tshark) console.log('skipping MMSC tshark oracle: tshark is not installed (apt-get install tshark)');
if (!tshark) console.log('skipping MMSC tshark oracle: tshark is not installed');

describe.skipIf(!tshark)('reference MMSC on the wire, read by tshark', () => {
  it('MM1 HTTP and the SMPP WAP push decode cleanly with the values sent', async () => {
    const smsc = new FakeSmsc();
    await smsc.start();
    const timeline = new Timeline();
    const mmsc = await startReferenceMmsc(
      {
        notification: {
          route: 'smpp',
          host: '127.0.0.1',
          port: smsc.port,
          systemId: 'mmsc',
          password: 'secret',
        },
      },
      { timeline },
    );
    const client = new Mm1Client(mmsc.endpoints[0].url);
    let mm1Port = 0;
    try {
      mm1Port = Number(new URL(mmsc.endpoints[0].url).port);
      const conf = await client.postPdu(
        sendReq('oracle-1', '+15550002/TYPE=PLMN', { Subject: 'oracle', 'X-Mms-Delivery-Report': 'Yes' }),
        '15550001',
      );
      expect(getHeader(conf.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
      const [push] = await smsc.waitForPushes(1);
      const location = String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]);
      await client.get(location, '15550002');
      const nr = buildPdu('m-notifyresp-ind', {
        'X-Mms-Transaction-Id': String(getHeader(push.pdu, 'X-Mms-Transaction-Id')),
        'X-Mms-MMS-Version': '1.3',
        'X-Mms-Status': 'Retrieved',
      });
      await client.postPdu(nr, '15550002');
      await smsc.waitForPushes(2);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      client.close();
      await mmsc.stop();
      await smsc.stop();
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-mmsc-oracle-'));
    const file = path.join(dir, 'flow.pcapng');
    writeFileSync(file, buildPcapng(timeline.all()));

    const check = pcapCheck(
      file,
      ['mmse', 'smpp', 'wsp'],
      [`tcp.port==${mm1Port},http`, `tcp.port==${smsc.port},smpp`],
    );
    expect(check.status, check.out).toBe(0);

    const fields = tsharkText([
      '-r',
      file,
      '-d',
      `tcp.port==${mm1Port},http`,
      '-d',
      `tcp.port==${smsc.port},smpp`,
      '-Y',
      'mmse',
      '-T',
      'fields',
      '-E',
      'separator=|',
      '-e',
      'mmse.message_type',
      '-e',
      'mmse.response_status',
      '-e',
      'mmse.status',
      '-e',
      'mmse.content_location',
      '-e',
      'smpp.destination_addr',
    ])
      .trim()
      .split('\n');
    const types = fields.map((l) => Number(l.split('|')[0]));
    // Message-type values (ENC §7.3.30): 0x80 send-req, 0x81 send-conf, 0x82 notification-ind,
    // 0x83 notifyresp-ind, 0x84 retrieve-conf, 0x86 delivery-ind
    expect(types).toEqual(expect.arrayContaining([0x80, 0x81, 0x82, 0x83, 0x84, 0x86]));
    const sendConf = fields.find((l) => Number(l.split('|')[0]) === 0x81)!;
    expect(Number(sendConf.split('|')[1])).toBe(0x80); // Ok
    const notification = fields.find((l) => Number(l.split('|')[0]) === 0x82)!;
    expect(notification).toContain('/mms/');
    expect(notification.split('|')[4]).toBe('15550002');
    const delivery = fields.find((l) => Number(l.split('|')[0]) === 0x86)!;
    expect(Number(delivery.split('|')[2])).toBe(0x81); // X-Mms-Status Retrieved
  }, 60_000);
});
