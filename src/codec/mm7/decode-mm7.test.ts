import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../codec-error.ts';
import { decodeMm7 } from './decode-mm7.ts';
import { mm7ToJson } from './mm7-to-json.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const vectors = path.resolve(repoRoot, '../shared/vectors/mm7/instantcom-mm7');
const haveVectors = existsSync(vectors);
if (!haveVectors) console.log(`[mm7] ${vectors} absent: skipping the shared MM7 vectors`);

const read = (f: string) => new Uint8Array(readFileSync(path.join(vectors, f)));
const utf8 = (s: string) => new TextEncoder().encode(s);

function decodeError(input: Uint8Array, ct?: string): DecodeError {
  try {
    decodeMm7(input, ct);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe.skipIf(!haveVectors)('decodeMm7 on the shared vectors (instantcom-mm7)', () => {
  it('parses every file in the folder', () => {
    const files = readdirSync(vectors).filter((f) => !f.endsWith('.md'));
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const f of files) {
      const m = decodeMm7(read(f));
      expect(m.transactionId, f).not.toBe('');
      expect(JSON.stringify(mm7ToJson(m))).toContain(m.type);
    }
  });

  it('a whole HTTP POST: DeliverReq REL-6-MM7-1-4 with a text part despite a mismatched cid', () => {
    const m = decodeMm7(read('deliver-req-post.txt'));
    expect(m).toMatchObject({ type: 'DeliverReq', version: 'REL-6-MM7-1-4', transactionId: 'vas00324-dlvr' });
    expect(m.fields).toMatchObject({
      MM7Version: '6.7.0',
      VASPID: 'TNN',
      LinkedID: 'wthr8391',
      Sender: { RFC2822Address: ['97254265781@OMMS.com'] },
      Subject: 'Weather Forecast',
    });
    expect(m.content?.contentType).toBe('text/plain');
    expect(new TextDecoder().decode(m.content?.body)).toBe('Los Angeles, Calif, USA ');
  });

  it('the same body with its Content-Type given from outside', () => {
    const post = read('deliver-req-post.txt');
    const text = Buffer.from(post).toString('latin1');
    const ct = /Content-Type: (.*)\n/.exec(text)?.[1] ?? '';
    const body = post.subarray(text.indexOf('\n\n') + 2);
    expect(decodeMm7(body, ct).fields.MM7Version).toBe('6.7.0');
  });

  it('nested multipart/mixed content with base64 GIF (deliver-req2)', () => {
    const m = decodeMm7(read('deliver-req2.txt'));
    expect(m.content?.contentType).toBe('multipart/mixed');
    expect(m.content?.parts?.map((p) => p.contentType)).toEqual(['text/plain', 'image/gif']);
    expect(
      Buffer.from(m.content?.parts?.[1].body ?? [])
        .subarray(0, 6)
        .toString(),
    ).toBe('GIF87a');
  });

  it('prefixed namespace mm7p6a0 and soap: prefix (Nokia MC5.0, deliver-req3)', () => {
    const m = decodeMm7(read('deliver-req3.txt'));
    expect(m.fields.Sender).toEqual({ Number: ['+3859100010010/TYPE=PLMN'] });
    expect(m.fields.Recipients).toEqual({ To: { Number: ['88888/TYPE=PLMN'] } });
    expect(m.content?.contentType).toBe('multipart/related');
    expect(m.content?.params.type).toBe('application/smil');
    expect(m.content?.parts?.[0].contentId).toBe('AAAA');
  });

  it('the 406 KB DeliverReq with SMIL and a large JPEG (deliver-req4)', () => {
    const m = decodeMm7(read('deliver-req4.txt'));
    const parts = m.content?.parts ?? [];
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const jpeg = parts.find((p) => p.contentType === 'image/jpeg');
    expect(jpeg?.body[0]).toBe(0xff);
    expect(jpeg?.body[1]).toBe(0xd8);
    expect(jpeg?.body.length).toBeGreaterThan(200_000);
  });

  it('SOAP-ENV prefix, single-line SOAP, ShortCode recipient (deliver-req5)', () => {
    const m = decodeMm7(read('deliver-req5.txt'));
    expect(m.fields.Recipients).toEqual({ To: { ShortCode: ['121399'] } });
  });

  it('unprefixed REL-5-MM7-1-0 with Cc and Bcc and a non-address Sender (deliver-req6-hw)', () => {
    const m = decodeMm7(read('deliver-req6-hw.txt'));
    expect(m.version).toBe('REL-5-MM7-1-0');
    expect(m.fields.MM7Version).toBe('5.2.0');
    expect(m.fields.Recipients).toEqual({
      To: { Number: ['13900000001'] },
      Cc: { Number: ['13900000003'] },
      Bcc: { Number: ['13900000002'] },
    });
  });

  it('China Mobile REL-6-MM7-1-0 with Content-ID lacking brackets (caixin)', () => {
    const m = decodeMm7(read('caixin.txt'));
    expect(m.version).toBe('REL-6-MM7-1-0');
    expect(m.content?.contentId).toBe('defaultID');
    expect(m.content?.parts?.some((p) => p.contentType === 'image/jpeg')).toBe(true);
  });

  it('SOAP Faults carrying RSErrorRsp', () => {
    const a = decodeMm7(read('fault.xml'));
    expect(a).toMatchObject({
      type: 'RSErrorRsp',
      fault: { faultcode: 'Client', faultstring: 'Client error' },
    });
    expect(a.fields.Status).toEqual({ StatusCode: '4002', StatusText: 'Unsupported version' });
    const b = decodeMm7(read('fault_02.xml'));
    expect(b).toMatchObject({
      type: 'RSErrorRsp',
      version: 'REL-5-MM7-1-3',
      fault: { faultcode: 'env:Client' },
    });
    expect(mm7ToJson(b).statusMeaning).toBe('Address Error');
  });

  it('a non-standard version string in the namespace is kept (submit-rsp REL-6-MM7-6-7)', () => {
    const m = decodeMm7(read('submit-rsp.xml'));
    expect(m).toMatchObject({ type: 'SubmitRsp', version: 'REL-6-MM7-6-7', transactionId: 'vas00001-sub' });
    expect(m.fields.MessageID).toBe('041502073667');
  });
});

const NS = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';
const envelope = (body: string, header = `<TransactionID xmlns="${NS}">t1</TransactionID>`) =>
  `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header>${header}</e:Header><e:Body>${body}</e:Body></e:Envelope>`;

describe('decodeMm7 tolerance and refusals', () => {
  it('elements in another order and no prefix at all', () => {
    const m = decodeMm7(
      utf8(
        envelope(
          `<DeliveryReportReq xmlns="${NS}"><MMStatus>Retrieved</MMStatus><MM7Version>6.8.0</MM7Version><MessageID>m</MessageID></DeliveryReportReq>`,
        ),
      ),
    );
    expect(m.fields).toEqual({ MMStatus: 'Retrieved', MM7Version: '6.8.0', MessageID: 'm' });
  });

  it('chunked HTTP request and an HTTP response', () => {
    const xml = envelope(
      `<SubmitRsp xmlns="${NS}"><MM7Version>6.8.0</MM7Version><Status><StatusCode>1000</StatusCode></Status></SubmitRsp>`,
    );
    const chunked = `POST /mm7 HTTP/1.1\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n${xml.length.toString(16)}\r\n${xml}\r\n0\r\n\r\n`;
    expect(decodeMm7(utf8(chunked)).type).toBe('SubmitRsp');
    const rsp = `HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n\r\n${xml}`;
    expect(decodeMm7(utf8(rsp)).fields.Status).toEqual({ StatusCode: '1000' });
  });

  it.each([
    ['empty input', '', 'XML'],
    ['not XML', 'hello', 'XML'],
    [
      'XXE: external entity',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${envelope('&e;')}`,
      'XML',
    ],
    ['billion laughs', '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><l>&b;</l>', 'XML'],
    ['unclosed tag', '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>', 'XML'],
    ['not an Envelope', '<Foo/>', 'Envelope'],
    ['SOAP namespace wrong', '<Envelope xmlns="urn:x"><Body/></Envelope>', 'Envelope@xmlns'],
    ['no TransactionID', envelope('<SubmitReq/>', ''), 'TransactionID'],
    ['no operation', envelope('<Foo/>'), 'Body'],
    ['undeclared prefix', envelope('<x:SubmitReq/>'), 'XML'],
    ['multipart without boundary line', '--\r\n', 'multipart'],
  ])('%s → one DecodeError', (_name, text, field) => {
    const e = decodeError(utf8(text));
    expect(e.field).toBe(field);
    expect(e.toLine()).toMatch(/^offset \d+: /);
  });

  it('a multipart Content-Type whose boundary never occurs', () => {
    expect(decodeError(utf8('abc'), 'multipart/related; boundary=zz').field).toBe('multipart');
  });

  it('the offset of an XML error points into the SOAP part of a multipart body', () => {
    const body = `--b\r\nContent-Type: text/xml\r\n\r\n<e:Envelope xmlns:e="x"><oops></e:Envelope>\r\n--b--\r\n`;
    const e = decodeError(utf8(body), 'multipart/related; boundary=b');
    expect(e.offset).toBeGreaterThanOrEqual(body.indexOf('<e:Envelope'));
  });
});
