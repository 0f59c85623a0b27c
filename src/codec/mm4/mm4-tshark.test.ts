import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DialogueChunk, tcpDialoguePcapng } from '../../../test/support/tcp-dialogue.ts';
import { pcapCheck, tsharkFields, tsharkOracleReady } from '../../../test/support/tshark.ts';
import { mimePart } from '../mime/build-mime.ts';
import { buildMm4 } from './build-mm4.ts';
import { encodeMm4 } from './encode-mm4.ts';

const ready = tsharkOracleReady('[mm4] tshark IMF check');

describe.skipIf(!ready)('tshark (Wireshark IMF + MIME dissectors) reads an MM4 forward we emit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mm4-tshark-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('in an SMTP dialogue on tcp/25: IMF with the X-Mms-* headers, MIME multipart, no malformed frames', () => {
    const msg = buildMm4(
      'MM4_forward.REQ',
      {
        'X-Mms-3GPP-MMS-Version': '6.16.0',
        'X-Mms-Transaction-ID': 'tx-77',
        'X-Mms-Message-ID': 'mid-77',
        Sender: 'mms@mms.mnc001.mcc262.gprs',
        From: '+15550001111/TYPE=PLMN@mms.mnc001.mcc262.gprs',
        To: '+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs',
        Date: 'Sun, 22 Nov 2026 02:58:52 +0000',
        Subject: 'Grüße',
        'X-Mms-Ack-Request': 'Yes',
      },
      {
        headers: [],
        contentType: 'multipart/related',
        params: { type: 'text/plain' },
        body: new Uint8Array(0),
        parts: [
          mimePart('text/plain', 'hello'),
          mimePart('image/gif', new Uint8Array([71, 73, 70, 56, 57, 97, 0, 255])),
        ],
      },
    );
    const dialogue: DialogueChunk[] = [
      { from: 'server', data: '220 b.example ESMTP\r\n' },
      { from: 'client', data: 'EHLO a.example\r\n' },
      { from: 'server', data: '250 b.example\r\n' },
      { from: 'client', data: 'MAIL FROM:<mms@mms.mnc001.mcc262.gprs>\r\n' },
      { from: 'server', data: '250 OK\r\n' },
      { from: 'client', data: 'RCPT TO:<+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs>\r\n' },
      { from: 'server', data: '250 OK\r\n' },
      { from: 'client', data: 'DATA\r\n' },
      { from: 'server', data: '354 go ahead\r\n' },
      { from: 'client', data: Buffer.concat([encodeMm4(msg), Buffer.from('.\r\n')]) },
      { from: 'server', data: '250 queued\r\n' },
    ];
    const pcap = path.join(dir, 'mm4.pcapng');
    const relay = { node: 'remote-mmsc', role: 'remote-mmsc', port: 40025 } as const;
    writeFileSync(pcap, tcpDialoguePcapng(dialogue, { port: 25, client: relay, iface: 'MM4' }));

    // checksums validated and expert warnings counted: the framing is ours now, it must be clean
    const check = pcapCheck(pcap, ['smtp', 'imf', 'mime_multipart']);
    expect(check.out).toContain('verdict: PASS');
    expect(check.status).toBe(0);

    const rows = tsharkFields(
      pcap,
      'imf',
      ['imf.from', 'imf.to', 'imf.extension.type', 'imf.extension.value'],
      {
        aggregator: ',',
      },
    );
    expect(rows).toHaveLength(1);
    const [from, to, types, values] = rows[0];
    expect(from).toBe('+15550001111/TYPE=PLMN@mms.mnc001.mcc262.gprs');
    expect(to).toBe('+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs');
    const ext = Object.fromEntries(types.split(',').map((t, i) => [t, values.split(',')[i]]));
    expect(ext).toMatchObject({
      'X-Mms-3GPP-MMS-Version': '6.16.0',
      'X-Mms-Message-Type': 'MM4_forward.REQ',
      'X-Mms-Transaction-ID': 'tx-77',
      'X-Mms-Message-ID': 'mid-77',
      'X-Mms-Ack-Request': 'Yes',
    });
  });
});
