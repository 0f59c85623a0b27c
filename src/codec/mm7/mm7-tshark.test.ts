import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tcpDialoguePcapng } from '../../../test/support/tcp-dialogue.ts';
import { pcapCheck, tsharkFields, tsharkOracleReady } from '../../../test/support/tshark.ts';
import { mimePart } from '../mime/build-mime.ts';
import { encodeMm7 } from './encode-mm7.ts';
import { mm7Address, mm7Status } from './mm7-builders.ts';

const ready = tsharkOracleReady('[mm7] tshark HTTP/MIME/XML check');

function http(startLine: string, ct: string, body: Uint8Array): Buffer {
  const head = `${startLine}\r\nHost: 127.0.0.1\r\nContent-Type: ${ct}\r\nContent-Length: ${body.length}\r\nSOAPAction: ""\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

describe.skipIf(!ready)('tshark reads an MM7 exchange we emit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mm7-tshark-'));
  afterAll(() => (process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true })));

  it('SubmitReq with attachments over HTTP, SubmitRsp back: HTTP, MIME multipart and XML, nothing malformed', () => {
    const req = encodeMm7(
      {
        type: 'SubmitReq',
        transactionId: 'tx-9',
        version: 'REL-6-MM7-1-4',
        fields: { MM7Version: '6.8.0', Recipients: { To: mm7Address('+15550001') }, Subject: 'Grüße' },
        content: {
          headers: [],
          contentType: 'multipart/related',
          params: { type: 'application/smil', start: '<smil>' },
          body: new Uint8Array(0),
          parts: [
            mimePart('application/smil', '<smil/>', { contentId: 'smil' }),
            mimePart('image/gif', new Uint8Array([71, 73, 70, 56, 57, 97, 0, 255])),
          ],
        },
      },
      { boundary: 'outer_b' },
    );
    const rsp = encodeMm7({
      type: 'SubmitRsp',
      transactionId: 'tx-9',
      version: 'REL-6-MM7-1-4',
      fields: { MM7Version: '6.8.0', Status: mm7Status(1000), MessageID: 'mid-9' },
    });
    const pcap = path.join(dir, 'mm7.pcapng');
    const vasp = { node: 'vasp', role: 'vasp', port: 40080 } as const;
    const dialogue = tcpDialoguePcapng(
      [
        { from: 'client', data: http('POST /mm7 HTTP/1.1', req.contentType, req.body) },
        { from: 'server', data: http('HTTP/1.1 200 OK', rsp.contentType, rsp.body) },
      ],
      { port: 80, client: vasp, iface: 'MM7' },
    );
    writeFileSync(pcap, dialogue);
    // checksums validated and expert warnings counted: the framing is ours now, it must be clean
    const check = pcapCheck(pcap, ['http', 'xml', 'mime_multipart']);
    expect(check.out).toContain('verdict: PASS');
    expect(check.status).toBe(0);
    const tags = tsharkFields(pcap, 'xml', ['xml.tag']).flat().join('\n');
    expect(tags).toContain(
      '<SubmitReq xmlns="http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4">',
    );
    expect(tags).toContain('<SubmitRsp xmlns=');
    const parts = tsharkFields(pcap, 'mime_multipart', ['mime_multipart.header.content-type'])
      .flat()
      .join('\n');
    expect(parts).toContain('text/xml');
    expect(parts).toContain('multipart/related');
  });
});
