import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  OUR_DOMAIN,
  REMOTE_DOMAIN,
  RITA,
  remoteReceived,
  startTestNetwork,
  until,
} from '../../../test/support/mm4-test-network.ts';
import { pcapCheck } from '../../../test/support/tshark.ts';
import type { JsonObject } from '../../util/json.ts';
import { buildPcapng } from '../../wire/build-pcapng.ts';
import { haveTshark, tsharkText } from '../../wire/tshark.ts';

/**
 * Independent oracle: Wireshark's SMTP and IMF dissectors read the MM4 and MM3 traffic the
 * reference MMSC put on the wire (captured by the wire tap, framed as PCAPNG): no malformed
 * frame or expert warning, the SMTP dialogue as expected, and the IMF fields (From, To,
 * Subject, X-Mms-* extensions) carrying the values sent.
 */
const tshark = haveTshark();
if (!tshark) console.log('skipping MM4/MM3 tshark oracle: tshark is not installed (apt-get install tshark)');
if (!tshark) console.log('skipping MM4/MM3 tshark oracle: tshark is not installed');

describe.skipIf(!tshark)('MM4 and MM3 on the wire, read by tshark', () => {
  it('forward, RES, reports and e-mail decode cleanly as SMTP + IMF with the values sent', async () => {
    const net = await startTestNetwork();
    const ports: number[] = [];
    try {
      const port = (u: string) => Number(new URL(u).port);
      const remoteUrl = net.remote.endpoints()[0].url;
      const mailUrl = net.mail.endpoints()[0].url;
      ports.push(port(net.mm4Url), port(net.mm3Url), port(remoteUrl), port(mailUrl));
      const sent = (await net.alice.actions.send({
        to: `+${RITA}`,
        subject: 'oracle mm4',
        parts: [{ contentType: 'text/plain', text: 'over MM4' }],
        deliveryReport: true,
      })) as JsonObject;
      const id = String(sent.messageId);
      await until(
        () => net.mmsc.core.store.get(id)?.recipients[0]?.status,
        (s) => s === 'retrieved',
        'retrieved',
      );
      await until(
        () => remoteReceived(net.remote, 'MM4_delivery_report.RES'),
        (ms) => ms.length > 0,
        'delivery report RES',
      );
      await net.alice.actions.send({
        to: 'carol@example.com',
        subject: 'oracle mm3 ✓',
        parts: [{ contentType: 'text/plain', text: 'over MM3' }],
      });
      await until(
        async () => ((await net.mail.actions.mailbox({})) as JsonObject).count,
        (n) => Number(n) > 0,
        'mail',
      );
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await net.stop();
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-mm4-oracle-'));
    const file = path.join(dir, 'mm4-mm3.pcapng');
    writeFileSync(file, buildPcapng(net.timeline.all()));
    const check = pcapCheck(
      file,
      ['smtp', 'imf'],
      ports.map((p) => `tcp.port==${p},smtp`),
    );
    expect(check.status, check.out).toBe(0);

    const rows = tsharkText([
      '-r',
      file,
      ...ports.flatMap((p) => ['-d', `tcp.port==${p},smtp`]),
      '-Y',
      'imf',
      '-T',
      'fields',
      '-E',
      'separator=|',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=;',
      '-e',
      'imf.from',
      '-e',
      'imf.to',
      '-e',
      'imf.subject',
      '-e',
      'imf.extension.type',
      '-e',
      'imf.extension.value',
    ])
      .trim()
      .split('\n');
    const ext = (row: string, name: string) => {
      const [, , , types, values] = row.split('|');
      const i = (types ?? '').split(';').findIndex((t) => t.toLowerCase() === name.toLowerCase());
      return i < 0 ? undefined : (values ?? '').split(';')[i];
    };
    const forward = rows.find((r) => ext(r, 'X-Mms-Message-Type') === 'MM4_forward.REQ');
    expect(forward, rows.join('\n')).toBeDefined();
    expect(forward!.split('|')[0]).toContain(`+${ALICE}/TYPE=PLMN@${OUR_DOMAIN}`);
    expect(forward!.split('|')[1]).toContain(`+${RITA}/TYPE=PLMN@${REMOTE_DOMAIN}`);
    expect(forward!.split('|')[2]).toBe('oracle mm4');
    expect(ext(forward!, 'X-Mms-Ack-Request')).toBe('Yes');
    const types = rows.map((r) => ext(r, 'X-Mms-Message-Type')).filter(Boolean);
    expect(types).toEqual(
      expect.arrayContaining([
        'MM4_forward.REQ',
        'MM4_forward.RES',
        'MM4_delivery_report.REQ',
        'MM4_delivery_report.RES',
      ]),
    );
    // The MM3 mail: a plain RFC 5322 message (no MM4 message type), subject as encoded words.
    const mail = rows.find((r) => r.split('|')[1].includes('carol@example.com'));
    expect(mail, rows.join('\n')).toBeDefined();
    expect(mail!.split('|')[2]).toContain('=?UTF-8?B?');
    expect(ext(mail!, 'X-Mms-Message-Type')).toBeUndefined();
  }, 60_000);
});
