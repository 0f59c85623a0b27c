import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pcapCheck, toolsDir, tsharkOracleReady } from '../../../test/support/tshark.ts';
import { mimePart } from '../mime/build-mime.ts';
import { buildMm4 } from './build-mm4.ts';
import { encodeMm4 } from './encode-mm4.ts';

const ready = tsharkOracleReady('[mm4] tshark IMF check', ['mkpcap.py', 'pcap-check.sh']);
const tools = toolsDir;

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
    const seq: Array<['-c' | '-s', string]> = [
      ['-s', '220 b.example ESMTP\r\n'],
      ['-c', 'EHLO a.example\r\n'],
      ['-s', '250 b.example\r\n'],
      ['-c', 'MAIL FROM:<mms@mms.mnc001.mcc262.gprs>\r\n'],
      ['-s', '250 OK\r\n'],
      ['-c', 'RCPT TO:<+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs>\r\n'],
      ['-s', '250 OK\r\n'],
      ['-c', 'DATA\r\n'],
      ['-s', '354 go ahead\r\n'],
    ];
    const args: string[] = [path.join(tools, 'mkpcap.py'), 'tcp', '--port', '25'];
    seq.forEach(([flag, text], i) => {
      const f = path.join(dir, `p${i}`);
      writeFileSync(f, text);
      args.push(flag, f);
    });
    const data = path.join(dir, 'data');
    writeFileSync(data, Buffer.concat([encodeMm4(msg), Buffer.from('.\r\n')]));
    const ok = path.join(dir, 'ok');
    writeFileSync(ok, '250 queued\r\n');
    const pcap = path.join(dir, 'mm4.pcap');
    args.push('-c', data, '-s', ok, pcap);
    execFileSync('python3', args, { stdio: 'pipe' });

    const check = pcapCheck(pcap, ['imf', 'mime_multipart'], [], { warnings: false, checksums: false });
    expect(check.out).toContain('verdict: PASS');
    expect(check.status).toBe(0);

    const fields = execFileSync(
      'tshark',
      [
        '-r',
        pcap,
        '-Y',
        'imf',
        '-T',
        'fields',
        '-E',
        'separator=|',
        '-e',
        'imf.from',
        '-e',
        'imf.to',
        '-e',
        'imf.extension.type',
        '-e',
        'imf.extension.value',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
    const [from, to, types, values] = fields.split('|');
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
