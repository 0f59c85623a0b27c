import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EncodeError } from '../codec-error.ts';
import { mimePart } from '../mime/build-mime.ts';
import { decodeMm7 } from './decode-mm7.ts';
import { encodeMm7, encodeMm7Xml } from './encode-mm7.ts';
import { mm7Address, mm7Status } from './mm7-builders.ts';
import { mm7ElementsFor } from './mm7-elements.ts';
import type { Mm7Fields, Mm7Message, Mm7MessageType } from './mm7-message.ts';
import { MM7_MESSAGE_TYPES } from './mm7-message.ts';
import type { Mm7VersionId } from './mm7-versions.ts';
import { MM7_VERSIONS } from './mm7-versions.ts';
import { mm7Xsd } from './mm7-xsd.ts';
import { validateMm7Xml, validateMm7XmlBatch } from './validate-mm7-xml.ts';

/** A value for every element the version defines: the fullest message we can send. */
const SAMPLE: Record<string, Mm7Fields[string]> = {
  SenderIdentification: { VASPID: 'vasp-1', VASID: 'news', SenderAddress: mm7Address('12345') },
  Recipients: {
    To: mm7Address('+15550000001', 'a@example.com'),
    Cc: mm7Address('4444'),
    Bcc: mm7Address('+15550000002'),
  },
  MMSRelayServerID: 'mmsc.mmscert',
  ServiceCode: 'svc-7',
  LinkedID: 'link-1',
  MessageClass: 'Informational',
  TimeStamp: '2026-11-22T02:58:52Z',
  ReplyCharging: { '@replyChargingSize': '1000', '@replyDeadline': 'P2D' },
  EarliestDeliveryTime: '2026-11-22T03:00:00+01:00',
  ExpiryDate: 'P1DT2H',
  DeliveryReport: 'true',
  ReadReply: 'false',
  Priority: 'High',
  Subject: 'Öl & <Wasser> — ☂',
  ChargedParty: 'Sender',
  ChargedPartyID: 'acct-9',
  DistributionIndicator: 'true',
  ApplicID: 'app.a',
  ReplyApplicID: 'app.b',
  AuxApplicInfo: 'aux',
  ContentClass: 'image-basic',
  DRMContent: 'false',
  MessageID: 'msg-0001',
  VASPID: 'vasp-1',
  VASID: 'news',
  Sender: mm7Address('+15550000003'),
  Recipient: mm7Address('+15550000004'),
  ReplyChargingID: 'rc-1',
  UACapabilities: { '@UAProf': 'http://ua.example/prof.xml', '@TimeStamp': '2026-11-22T02:58:52Z' },
  Date: '2026-11-22T02:58:52.250Z',
  StatusText: 'ok',
  Status: mm7Status(1000),
};

function sample(type: Mm7MessageType, version: Mm7VersionId): Mm7Message {
  const row = MM7_VERSIONS.find((v) => v.id === version);
  const fields: Mm7Fields = {};
  for (const r of mm7ElementsFor(type, version)) {
    if (r.name === 'MM7Version') fields.MM7Version = row?.mm7Version ?? '';
    else if (r.name === 'MMStatus') fields.MMStatus = type === 'ReadReplyReq' ? 'Read' : 'Retrieved';
    else if (r.name === 'Content') continue;
    else fields[r.name] = SAMPLE[r.name];
  }
  const msg: Mm7Message = { type, transactionId: `tx-${type}`, version, fields };
  if (mm7ElementsFor(type, version).some((r) => r.name === 'Content')) {
    msg.content = {
      headers: [],
      contentType: 'multipart/related',
      params: { type: 'application/smil', start: '<smil>' },
      body: new Uint8Array(0),
      parts: [
        mimePart('application/smil', '<smil><body><par><img src="cid:img"/></par></body></smil>', {
          contentId: 'smil',
        }),
        mimePart('image/gif', new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 1, 2, 255]), {
          contentId: 'img',
        }),
      ],
    };
  }
  return msg;
}

describe('encodeMm7: every operation in every schema version', () => {
  for (const v of MM7_VERSIONS) {
    it(`${v.id}: round trips and validates against schema/${v.id}.xsd`, async () => {
      const xmls: string[] = [];
      for (const type of MM7_MESSAGE_TYPES) {
        const msg = sample(type, v.id);
        const { contentType, body } = encodeMm7(msg, { boundary: 'b-1_x' });
        // the SOAP part travels as text, 8bit when the subject is not ASCII (HTTP is 8-bit clean)
        expect(Buffer.from(body).toString('utf8')).toContain(
          `<TransactionID xmlns:mm7`.replace('<TransactionID', '<mm7:TransactionID'),
        );
        const back = decodeMm7(body, contentType);
        expect(back.type).toBe(type);
        expect(back.version).toBe(v.id);
        expect(back.transactionId).toBe(msg.transactionId);
        const expected = { ...msg.fields };
        if (msg.content) expected.Content = { '@href': 'cid:mm7-content' };
        expect(back.fields).toEqual(expected);
        if (msg.content) {
          expect(back.content?.parts?.map((p) => [p.contentType, p.contentId])).toEqual([
            ['application/smil', 'smil'],
            ['image/gif', 'img'],
          ]);
          expect([...(back.content?.parts?.[1].body ?? [])]).toEqual([
            0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 1, 2, 255,
          ]);
        }
        xmls.push(encodeMm7Xml(msg));
      }
      const results = await validateMm7XmlBatch(xmls, v.id);
      for (const [i, r] of results.entries()) expect(r.errors, `${MM7_MESSAGE_TYPES[i]} ${v.id}`).toEqual([]);
      expect(results.every((r) => r.valid)).toBe(true);
    });
  }
});

describe('the schema is a real check (xmllint says no)', () => {
  const ok = encodeMm7Xml(sample('SubmitReq', 'REL-6-MM7-1-4'));
  it.each([
    ['an unknown Priority', ok.replace('<Priority>High</Priority>', '<Priority>Urgent</Priority>')],
    [
      'elements out of order',
      ok.replace(/(<LinkedID>.*?<\/LinkedID>)(<MessageClass>.*?<\/MessageClass>)/, '$2$1'),
    ],
    ['Recipients missing', ok.replace(/<Recipients>.*?<\/Recipients>/, '')],
    ['mustUnderstand="2"', ok.replace('env:mustUnderstand="1"', 'env:mustUnderstand="2"')],
    [
      'a Rel-6 element in a Rel-5 schema',
      encodeMm7Xml(sample('SubmitReq', 'REL-6-MM7-1-4')).replaceAll('REL-6-MM7-1-4', 'REL-5-MM7-1-3'),
    ],
  ])('%s', async (_n, xml) => {
    const version = xml.includes('REL-5-MM7-1-3') ? 'REL-5-MM7-1-3' : 'REL-6-MM7-1-4';
    const r = await validateMm7Xml(xml, version);
    expect(r.valid).toBe(false);
    expect(r.errors.join('\n')).toMatch(/mm7-0\.xml:\d+/);
  });
});

describe('encodeMm7 is strict on output', () => {
  const base = sample('SubmitReq', 'REL-6-MM7-1-4');
  const refuse = (m: Mm7Message, version?: Mm7VersionId) => {
    try {
      encodeMm7(m, version ? { version } : {});
    } catch (e) {
      expect(e).toBeInstanceOf(EncodeError);
      return (e as EncodeError).field;
    }
    throw new Error('expected an EncodeError');
  };
  it.each([
    [
      'missing Recipients',
      { ...base, fields: { ...base.fields, Recipients: undefined as unknown as string } },
      'Recipients',
    ],
    ['bad Priority', { ...base, fields: { ...base.fields, Priority: 'Urgent' } }, 'Priority'],
    ['bad TimeStamp', { ...base, fields: { ...base.fields, TimeStamp: 'yesterday' } }, 'TimeStamp'],
    ['unknown element', { ...base, fields: { ...base.fields, Foo: 'x' } }, 'Foo'],
    [
      'two Sender addresses',
      {
        ...sample('DeliverReq', 'REL-6-MM7-1-4'),
        fields: {
          ...sample('DeliverReq', 'REL-6-MM7-1-4').fields,
          Sender: mm7Address('+1555000001', '+1555000002'),
        },
      },
      'Sender',
    ],
    ['empty TransactionID', { ...base, transactionId: ' ' }, 'TransactionID'],
  ] as Array<[string, Mm7Message, string]>)('%s', (_n, m, field) => {
    const clean = {
      ...m,
      fields: Object.fromEntries(Object.entries(m.fields).filter(([, v]) => v !== undefined)),
    };
    expect(refuse(clean)).toBe(field);
  });
  it('a Rel-6 element in a Rel-5 version', () => {
    expect(refuse(base, 'REL-5-MM7-1-0')).toBe('ChargedPartyID');
  });
  it('validate:false sends what the spec forbids', () => {
    const bad = { ...base, fields: { ...base.fields, Priority: 'Urgent', Foo: 'x' } };
    const xml = encodeMm7Xml(bad, { validate: false });
    expect(xml).toContain('<Priority>Urgent</Priority>');
    expect(xml).toContain('<Foo>x</Foo>');
  });
  it('RSErrorRsp travels in a SOAP Fault with a Server faultcode for 3xxx', () => {
    const m: Mm7Message = {
      type: 'RSErrorRsp',
      transactionId: 't',
      version: 'REL-6-MM7-1-4',
      fields: { MM7Version: '6.8.0', Status: mm7Status(3001) },
    };
    const back = decodeMm7(new TextEncoder().encode(encodeMm7Xml(m)));
    expect(back.fault).toEqual({ faultcode: 'env:Server', faultstring: 'Server error' });
    expect(back.fields.Status).toEqual({ StatusCode: '3001', StatusText: 'Not Possible' });
  });
});

describe('schema files', () => {
  it('schema/*.xsd are what mm7-xsd.ts writes (run write-schemas.ts after editing the table)', () => {
    for (const v of MM7_VERSIONS) {
      const file = fileURLToPath(new URL(`./schema/${v.id}.xsd`, import.meta.url));
      expect(readFileSync(file, 'utf8'), v.id).toBe(mm7Xsd(v.id));
    }
  });
});

describe('encodeMm7 refuses what XML cannot carry', () => {
  it('a control character in a value', () => {
    const m: Mm7Message = {
      type: 'CancelReq',
      transactionId: 't',
      version: 'REL-6-MM7-1-4',
      fields: { MM7Version: '6.8.0', MessageID: 'a\u0001b' },
    };
    expect(() => encodeMm7(m)).toThrow(/XML 1.0 cannot carry/);
  });
});

describe('Content@href by Content-Location (RFC 2557 §4.2)', () => {
  it('keeps an href naming the part by its Content-Location, and decoding resolves it', () => {
    const base = sample('SubmitReq', 'REL-6-MM7-1-4');
    const content = mimePart('text/plain', 'by location', { contentLocation: 'note.txt' });
    const m: Mm7Message = { ...base, fields: { ...base.fields, Content: { '@href': 'note.txt' } }, content };
    const { contentType, body } = encodeMm7(m, { version: 'REL-6-MM7-1-4' });
    const text = Buffer.from(body).toString('latin1');
    expect(text).toContain('href="note.txt"');
    expect(text).toContain('Content-Location: note.txt');
    const back = decodeMm7(body, contentType);
    expect(back.wire).toMatchObject({ href: 'note.txt', hrefResolved: true });
    expect(new TextDecoder().decode(back.content?.body)).toBe('by location');
  });
});
