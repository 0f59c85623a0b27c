import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mm7Stack, startMm7Stack, until } from '../../../test/support/mm7-test-stack.ts';
import { pcapCheck, sharedDir, tsharkFields, tsharkOracleReady } from '../../../test/support/tshark.ts';
import { decodeMm7, mm7Version } from '../../codec/mm7/index.ts';
import type { JsonObject } from '../../util/json.ts';
import { buildPcapng } from '../../wire/build-pcapng.ts';

/**
 * Independent oracles for the MM7 module: real MMSC -> VASP posts from shared/vectors/mm7
 * (other vendors' SOAP, sent to us as if a VASP had posted them) must get a well-formed
 * RSErrorRsp with their TransactionID and version; and tshark must read everything the MM7
 * module put on the wire (HTTP, MIME multipart, XML) without a malformed frame or expert warning.
 */
const vectors = path.join(sharedDir, 'vectors/mm7/instantcom-mm7');
if (!existsSync(vectors)) console.log('skipping MM7 vector oracle: ../shared/vectors/mm7 is absent');
/** tshark alone: the capture is the stack's own traffic, the verdict is test/support's pcapCheck. */
const tshark = tsharkOracleReady('MM7 tshark oracle');

/** One stack per describe: the capture of the tshark case holds only its own traffic. */
let s: Mm7Stack;
function withStack(): void {
  beforeAll(async () => {
    s = await startMm7Stack();
  }, 30_000);
  afterAll(async () => {
    await s?.stop();
  });
}

/** Content-Type and body of a vector: a whole HTTP request, a bare multipart body, or bare XML. */
function asPost(bytes: Buffer): { contentType: string; body: Buffer } {
  const text = bytes.toString('latin1');
  if (/^POST /.test(text)) {
    const end = text.search(/\r?\n\r?\n/);
    const head = text.slice(0, end);
    const ct = /^content-type:\s*(.+(?:\r?\n[ \t].+)*)$/im.exec(head)?.[1].replace(/\r?\n[ \t]+/g, ' ') ?? '';
    return { contentType: ct.trim(), body: bytes.subarray(end + (text[end] === '\r' ? 4 : 2)) };
  }
  const lead = text.search(/\S/);
  if (text.startsWith('--', lead)) {
    const line = text
      .slice(lead + 2, text.indexOf('\n', lead))
      .replace(/\r$/, '')
      .trimEnd();
    return { contentType: `multipart/related; boundary="${line}"; type="text/xml"`, body: bytes };
  }
  return { contentType: 'text/xml', body: bytes };
}

describe.skipIf(!existsSync(vectors))('real MM7 posts from shared/vectors at the MMSC endpoint', () => {
  withStack();
  const files = existsSync(vectors) ? readdirSync(vectors).filter((f) => /^deliver-req|^caixin/.test(f)) : [];
  it.each(files)('%s -> RSErrorRsp 4003 (or 4002), TransactionID and version echoed', async (f) => {
    const raw = readFileSync(path.join(vectors, f));
    const sent = decodeMm7(raw);
    const { contentType, body } = asPost(raw);
    const r = await fetch(s.mm7Url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        authorization: `Basic ${Buffer.from('vasp:secret').toString('base64')}`,
      },
      body,
    });
    expect(r.status).toBe(500);
    const rsp = decodeMm7(new Uint8Array(await r.arrayBuffer()), r.headers.get('content-type') ?? '');
    expect(rsp.type).toBe('RSErrorRsp');
    expect(rsp.transactionId).toBe(sent.transactionId);
    const supported = mm7Version(sent.version) !== undefined;
    expect((rsp.fields.Status as JsonObject).StatusCode).toBe(supported ? '4003' : '4002');
    expect(rsp.version).toBe(supported ? sent.version : 'REL-6-MM7-1-4');
  });
});

describe.skipIf(!tshark)('MM7 on the wire, read by tshark', () => {
  withStack();
  it('SubmitReq/Rsp, a fault, DeliverReq with content and a DeliveryReportReq dissect cleanly', async () => {
    const sub = (await s.vasp.actions.submit({
      to: '+15550002',
      subject: 'pcap',
      parts: [
        {
          contentType: 'application/smil',
          content: '<smil><body><par><text src="t"/></par></body></smil>',
          contentId: 'smil',
        },
        { contentType: 'text/plain; charset=utf-8', content: 'wire', contentId: 't' },
      ],
      deliveryReport: true,
    })) as JsonObject;
    expect(sub.statusCode).toBe(1000);
    await fetch(s.mm7Url, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml',
        authorization: `Basic ${Buffer.from('vasp:secret').toString('base64')}`,
      },
      body: '<not-soap/>',
    });
    const sent = (await s.alice.actions.send({
      to: '12345/TYPE=PLMN',
      parts: [{ contentType: 'text/plain', text: 'to the VASP' }],
    })) as JsonObject;
    await until('DeliverReq and DeliveryReportReq at the VASP', () =>
      s.vasp.inbox().some((r) => r.type === 'DeliverReq' && r.message.fields.LinkedID === sent.messageId) &&
      s.vasp
        .inbox()
        .some((r) => r.type === 'DeliveryReportReq' && r.message.fields.MessageID === sub.messageId)
        ? true
        : undefined,
    );
    await new Promise((r) => setTimeout(r, 100));

    const mm7Port = new URL(s.mm7Url).port;
    const vaspPort = new URL(s.vasp.endpoints()[0].url).port;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-mm7-oracle-'));
    const file = path.join(dir, 'mm7.pcapng');
    writeFileSync(file, buildPcapng(s.timeline.all()));
    // As pcap-check.sh -w (its default tcp/2775 -> SMPP decode kept): expert warnings count, and
    // checksums are validated, since buildPcapng computes every IPv4/TCP checksum.
    const decodeAs = ['tcp.port==2775,smpp', `tcp.port==${mm7Port},http`, `tcp.port==${vaspPort},http`];
    const check = pcapCheck(file, ['xml', 'mime_multipart'], decodeAs);
    expect(check.status, check.out).toBe(0);

    // The SOAP bodies as tshark's XML dissector sees them: operation element names per HTTP message.
    const tags = tsharkFields(file, 'xml', ['xml.tag'], { decodeAs }).flat().join('\n');
    rmSync(dir, { recursive: true, force: true });
    for (const op of [
      'SubmitReq',
      'SubmitRsp',
      'RSErrorRsp',
      'DeliverReq',
      'DeliverRsp',
      'DeliveryReportReq',
    ])
      expect(tags).toContain(`<${op} xmlns=`);
  }, 60_000);
});
