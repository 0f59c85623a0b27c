/**
 * Every decoder the fuzz job drives, one row each: what it runs on one input, the seeds it
 * starts from (our own encoders' outputs, and shared vectors read at run time), a dictionary of
 * protocol tokens for mutation, and, where cheap, a fast-check round-trip property
 * decode(encode(x)) == x over generated x.
 *
 * The property every row checks (DESIGN.md "Bad input never crashes anything"): an input yields a
 * value or ONE DecodeError with a sane offset and a field, never another exception, a hang or an
 * unbounded allocation. `mustNotThrow` wraps decoders that promise to throw nothing at all.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import * as smpp from 'smpp';
import { isSeq, parseDocument } from 'yaml';
import { ByteReader } from '../../src/codec/bytes.ts';
import { DecodeError, EncodeError } from '../../src/codec/codec-error.ts';
import {
  type DnsMessage,
  decodeDnsMessage,
  dnsToJson,
  encodeDnsMessage,
} from '../../src/codec/dns/dns-message.ts';
import { decodeEaif, eaifToJson, encodeEaif, validateEaif } from '../../src/codec/eaif/index.ts';
import { mimePart } from '../../src/codec/mime/build-mime.ts';
import { mimeToJson } from '../../src/codec/mime/mime-to-json.ts';
import { parseMime } from '../../src/codec/mime/parse-mime.ts';
import { buildMm4 } from '../../src/codec/mm4/build-mm4.ts';
import { decodeMm4 } from '../../src/codec/mm4/decode-mm4.ts';
import { encodeMm4 } from '../../src/codec/mm4/encode-mm4.ts';
import { mm4ToJson } from '../../src/codec/mm4/mm4-to-json.ts';
import { validateMm4 } from '../../src/codec/mm4/validate-mm4.ts';
import { decodeMm7 } from '../../src/codec/mm7/decode-mm7.ts';
import { encodeMm7 } from '../../src/codec/mm7/encode-mm7.ts';
import { mm7Address, mm7Status } from '../../src/codec/mm7/mm7-builders.ts';
import { mm7ToJson } from '../../src/codec/mm7/mm7-to-json.ts';
import {
  decodeMms,
  decodeMmsLenient,
  encodeMms,
  MMS_MESSAGE_TYPES,
  mmsToJson,
} from '../../src/codec/mms/index.ts';
import { decodeSmsUserData } from '../../src/codec/push/sms-user-data.ts';
import { encodeUdh, readUdh, type UdhElement } from '../../src/codec/push/udh.ts';
import { wapPushToSms } from '../../src/codec/push/wap-push-sms.ts';
import {
  decodeWspPush,
  decodeWspPushLenient,
  encodeWspPush,
  mmsNotificationPush,
} from '../../src/codec/push/wsp-push.ts';
import { decodeSmpp, smppToJson } from '../../src/codec/smpp/index.ts';
import { readContentType, readHeaders, readMultipart } from '../../src/codec/wsp/index.ts';
import { parseXml } from '../../src/codec/xml/parse-xml.ts';
import {
  discoverSuiteFiles,
  loadRequirementCatalogue,
  loadYamlSuiteFile,
  type RequirementCatalogue,
} from '../../src/harness/suite-loader.ts';
import { randomPdu, rng } from '../support/random-pdu.ts';
import { readVectorFiles } from './vectors.ts';

/** A broken promise other than a DecodeError: always a finding. */
export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

/** Runs `f`, turning ANY exception into a PropertyViolation (for decoders documented never to throw). */
export function mustNotThrow<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const v = new PropertyViolation(`${what} threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
    v.stack = (e as Error)?.stack;
    throw v;
  }
}

export interface FuzzTarget {
  name: string;
  /** One input through the decoder (and what consumes its value: the JSON forms, validators). */
  run(input: Uint8Array): unknown;
  /** Our encoders' outputs. */
  seeds(): Uint8Array[];
  /** Inputs from the shared vectors (empty when they are absent). */
  vectors?(root: string): Uint8Array[];
  dictionary: readonly string[];
  /** Largest input the mutator makes. */
  maxLen: number;
  /** Which loaded scripts count for coverage guidance (by URL). */
  coverage: RegExp;
  /** decode(encode(x)) == x for generated x, as a fast-check property. */
  roundTrip?: fc.IRawProperty<unknown, false>;
  /** Share of the CI slice's inputs this (slow) target runs (1). */
  sliceShare?: number;
  /** Also prepares per-process state once (temp dirs). */
  setup?(): void;
}

const SRC = /\/(src|mocks)\/(?!.*\.test\.ts)/;
const te = new TextEncoder();
const utf8 = (s: string) => te.encode(s);

// ---------------------------------------------------------------- MMS

function mmsSeeds(): Uint8Array[] {
  const r = rng(7);
  const out: Uint8Array[] = [];
  for (const t of MMS_MESSAGE_TYPES) for (let i = 0; i < 3; i++) out.push(encodeMms(randomPdu(t, r)));
  return out;
}
const mmsVectors = (root: string) =>
  readVectorFiles(root, 'mms-pdus', (n) => !/\.(txt|md)$/i.test(n)).map((v) => v.bytes);

/** The MMS round trip: a random valid PDU of a type fast-check picks, from a seed it picks (shrinkable). */
const mmsRoundTrip = fc.property(fc.constantFrom(...MMS_MESSAGE_TYPES), fc.integer(), (type, seed) => {
  const pdu = randomPdu(type, rng(seed));
  const back = decodeMms(encodeMms(pdu));
  if (JSON.stringify(mmsToJson(back)) !== JSON.stringify(mmsToJson(pdu)))
    throw new PropertyViolation(`m-* round trip differs for ${type} seed ${seed}`);
});

const MMS_TOKENS = [
  '\x8c\x80',
  '\x8c\x84',
  '\x98',
  '\x8d\x92',
  '\x84',
  '\x1f',
  '\x00',
  '\xff',
  '\x7f',
  '\x22',
];

// ---------------------------------------------------------------- DNS

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,14}$/);
const dnsName = fc.array(label, { minLength: 1, maxLength: 6 }).map((l) => l.join('.'));
const dnsArb: fc.Arbitrary<DnsMessage> = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  flags: fc.record({
    qr: fc.boolean(),
    opcode: fc.integer({ min: 0, max: 15 }),
    aa: fc.boolean(),
    tc: fc.boolean(),
    rd: fc.boolean(),
    ra: fc.boolean(),
    z: fc.integer({ min: 0, max: 7 }),
    rcode: fc.integer({ min: 0, max: 15 }),
  }),
  questions: fc.array(
    fc.record({ name: dnsName, type: fc.constantFrom(1, 15, 16, 35, 255), class: fc.constant(1) }),
    { maxLength: 3 },
  ),
  answers: fc.array(
    fc.oneof(
      fc.record({
        name: dnsName,
        type: fc.constant(35),
        class: fc.constant(1),
        ttl: fc.nat(),
        data: fc.record({
          order: fc.integer({ min: 0, max: 0xffff }),
          preference: fc.integer({ min: 0, max: 0xffff }),
          flags: fc.constantFrom('u', 's', ''),
          services: fc.constantFrom('E2U+mms:tel', 'E2U+sip', 'E2U+pstn:tel'),
          regexp: fc.string({ maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255),
          replacement: fc.oneof(fc.constant(''), dnsName),
        }),
      }),
      fc.record({
        name: dnsName,
        type: fc.constant(16),
        class: fc.constant(1),
        ttl: fc.nat(),
        data: fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        name: dnsName,
        type: fc.constant(15),
        class: fc.constant(1),
        ttl: fc.nat(),
        data: fc.record({ preference: fc.integer({ min: 0, max: 0xffff }), exchange: dnsName }),
      }),
      fc.record({
        name: dnsName,
        type: fc.constant(99),
        class: fc.constant(1),
        ttl: fc.nat(),
        data: fc.uint8Array({ maxLength: 20 }),
      }),
    ),
    { maxLength: 3 },
  ),
  authorities: fc.constant([]),
  additionals: fc.constant([]),
}) as fc.Arbitrary<DnsMessage>;

const jsonEq = (a: unknown, b: unknown) =>
  JSON.stringify(a, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)) ===
  JSON.stringify(b, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));

// ---------------------------------------------------------------- UDH / SMS

const udhElement: fc.Arbitrary<UdhElement> = fc.oneof(
  fc.record({
    kind: fc.constant('concat8' as const),
    ref: fc.integer({ min: 0, max: 255 }),
    total: fc.integer({ min: 1, max: 255 }),
    seq: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('concat16' as const),
    ref: fc.integer({ min: 0, max: 0xffff }),
    total: fc.integer({ min: 1, max: 255 }),
    seq: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('port16' as const),
    destination: fc.integer({ min: 0, max: 0xffff }),
    source: fc.integer({ min: 0, max: 0xffff }),
  }),
  fc.record({
    kind: fc.constant('other' as const),
    iei: fc.constantFrom(0x0a, 0x24, 0x70, 0xa0),
    data: fc.uint8Array({ maxLength: 6 }),
  }),
);

// ---------------------------------------------------------------- MM4 / MIME

const MM4_DATE = 'Sun, 22 Nov 2026 02:58:52 +0000';
function mm4Seed(subject: string, parts: Array<[string, string | Uint8Array]>): Uint8Array {
  return encodeMm4(
    buildMm4(
      'MM4_forward.REQ',
      {
        'X-Mms-3GPP-MMS-Version': '6.16.0',
        'X-Mms-Transaction-ID': 't1',
        'X-Mms-Message-ID': 'm1@mms.example',
        Sender: 's@mms.example',
        From: '+15550001/TYPE=PLMN@mms.example',
        To: '+15550002/TYPE=PLMN@other.example',
        Date: MM4_DATE,
        Subject: subject,
      },
      {
        headers: [],
        contentType: 'multipart/related',
        params: { boundary: 'bb', type: 'application/smil' },
        body: new Uint8Array(0),
        parts: parts.map(([t, d]) => mimePart(t, d)),
      },
    ),
  );
}
const EAIF_TOKENS = [
  'X-NOKIA-MMSC-To: ',
  'X-NOKIA-MMSC-From: ',
  'X-NOKIA-MMSC-Version: 1.0',
  'X-NOKIA-MMSC-Message-Type: ',
  'MultiMediaMessage',
  'DeliveryReport',
  'ReadReply',
  'X-NOKIA-MMSC-Message-Id: ',
  'X-NOKIA-MMSC-Status: 200',
  'Content-Type: application/vnd.wap.mms-message',
  '/TYPE=PLMN',
];

/** An EAIF request as one octet string: its header lines, a blank line, the m-send-req. */
function eaifSeed(to: string[], type: string): Uint8Array {
  const http = encodeEaif(
    {
      kind: 'request',
      contentType: 'application/vnd.wap.mms-message',
      headers: [
        { name: 'X-NOKIA-MMSC-To', value: to.join(',') },
        { name: 'X-NOKIA-MMSC-Version', value: '1.0' },
        { name: 'X-NOKIA-MMSC-Message-Type', value: type },
      ],
      body: new Uint8Array(0),
      pdu: randomPdu('m-send-req', rng(3)),
    },
    { validate: false },
  );
  const head = http.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return new Uint8Array(Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), http.body]));
}

/** Test glue standing in for node's HTTP parser: header lines up to the first blank line, then the body. */
function eaifHttpOf(b: Uint8Array): { rawHeaders: string[]; body: Uint8Array } {
  const buf = Buffer.from(b);
  const end = buf.indexOf('\r\n\r\n');
  const head = (end < 0 ? buf : buf.subarray(0, end)).toString('latin1');
  const rawHeaders = head.split('\r\n').flatMap((l) => {
    const colon = l.indexOf(':');
    return colon > 0 ? [l.slice(0, colon), l.slice(colon + 1).trim()] : [];
  });
  return { rawHeaders, body: end < 0 ? new Uint8Array(0) : new Uint8Array(buf.subarray(end + 4)) };
}

const MIME_TOKENS = [
  '\r\n',
  '\r\n\r\n',
  '\n',
  ': ',
  '--bb',
  '--bb--',
  '=?UTF-8?B?',
  '=?ISO-8859-1?Q?',
  '?=',
  'Content-Type: multipart/mixed; boundary=bb\r\n',
  'Content-Type: message/rfc822\r\n',
  'Content-Transfer-Encoding: base64\r\n',
  'Content-Transfer-Encoding: quoted-printable\r\n',
  'X-Mms-Message-Type: MM4_forward.RES\r\n',
  'X-Mms-Message-Type: MM4_delivery_report.REQ\r\n',
  ' ',
  '\t',
  '"',
  '<',
  '>',
  ';',
  '=',
  'boundary=""',
  "charset*=utf-8''%ff",
  '/TYPE=PLMN',
];

// ---------------------------------------------------------------- MM7

let mm7SubmitCache: { contentType: string; body: Uint8Array } | undefined;
/** The SubmitReq the MM7 seeds start from (SOAP with one attachment, boundary bb). */
export const mm7Submit = () =>
  (mm7SubmitCache ??= encodeMm7(
    {
      type: 'SubmitReq',
      transactionId: 'tx',
      version: 'REL-6-MM7-1-4',
      fields: { MM7Version: '6.8.0', Recipients: { To: mm7Address('+15550001') }, Subject: 'a&b' },
      content: mimePart('text/plain', 'hello'),
    },
    { boundary: 'bb' },
  ));
const MM7_TOKENS = [
  '<',
  '>',
  '/>',
  '</',
  '"',
  '&amp;',
  '&#x',
  '&#0;',
  '&lt;',
  ':',
  'xmlns:a="x"',
  'xmlns="http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-2"',
  'env:',
  '<!DOCTYPE x>',
  '<!ENTITY a "b">',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '--bb',
  '--bb--',
  '\r\n',
  'cid:',
  'href="cid:x"',
  '<?xml?>',
  'Transfer-Encoding: chunked\r\n',
  'Content-Type: multipart/related; boundary=bb; type="text/xml"\r\n',
];

// ---------------------------------------------------------------- suite YAML

let suiteDir = '';
let catalogue: RequirementCatalogue = new Map();
const SUITES_ROOT = path.resolve(import.meta.dirname, '../../suites');
const YAML_TOKENS = [
  '\n',
  '\n  ',
  '- ',
  ': ',
  '&a ',
  '*a',
  '<<: *a\n',
  '{',
  '}',
  '[',
  ']',
  '!!str ',
  '!!binary ',
  '!!timestamp ',
  '|\n',
  '>-\n',
  '"',
  "'",
  '#',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '? ',
  'cases:\n',
  'steps:\n',
  '  - id: ..\n',
  'each:\n',
  '{{ue.a.msisdn}}',
  'within: ',
  'requirements: [',
  'ics: [',
  '\t',
  '~',
  '0x1F',
  '.inf',
];

// ---------------------------------------------------------------- the table

const bytesOf = (v: Array<{ bytes: Uint8Array }>) => v.map((x) => x.bytes);

export const TARGETS: FuzzTarget[] = [
  {
    name: 'mms',
    run: (b) => {
      const pdu = decodeMms(b);
      JSON.stringify(mmsToJson(pdu));
      // whatever decodes re-encodes (robustness suites replay decoded PDUs) to the same JSON
      const again = mustNotThrow('encodeMms(decodeMms(x))', () =>
        decodeMms(encodeMms(pdu, { validate: false })),
      );
      if (!jsonEq(mmsToJson(again), mmsToJson(pdu)))
        throw new PropertyViolation('decodeMms(encodeMms(decodeMms(x))) differs from decodeMms(x)');
      return pdu;
    },
    seeds: mmsSeeds,
    vectors: mmsVectors,
    dictionary: MMS_TOKENS,
    maxLen: 64 * 1024,
    coverage: SRC,
    roundTrip: mmsRoundTrip,
  },
  {
    name: 'mms-lenient',
    run: (b) => mustNotThrow('decodeMmsLenient', () => decodeMmsLenient(b)),
    seeds: mmsSeeds,
    vectors: mmsVectors,
    dictionary: MMS_TOKENS,
    maxLen: 64 * 1024,
    coverage: SRC,
  },
  {
    name: 'wsp',
    run: (b) => {
      let firstError: unknown;
      for (const read of [readHeaders, readMultipart, readContentType] as Array<(r: ByteReader) => unknown>) {
        try {
          read(new ByteReader(b));
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          firstError ??= e;
        }
      }
      if (firstError) throw firstError;
    },
    seeds: () => mmsSeeds().map((b) => b.subarray(Math.min(b.length, 2))),
    dictionary: MMS_TOKENS,
    maxLen: 16 * 1024,
    coverage: SRC,
  },
  {
    name: 'wsp-push',
    run: (b) => {
      let strict = true;
      try {
        decodeWspPush(b);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        strict = false;
      }
      const l = mustNotThrow('decodeWspPushLenient', () => decodeWspPushLenient(b));
      if ((l.defects.length === 0) !== strict)
        throw new PropertyViolation(
          `decodeWspPushLenient defects=${l.defects.length} but strict ok=${strict}`,
        );
      if (!strict) decodeWspPush(b); // rethrow the typed error for the statistics
    },
    seeds: () => [
      encodeWspPush(mmsNotificationPush(mmsSeeds()[0], 3)),
      encodeWspPush(mmsNotificationPush(new Uint8Array([0x8c, 0x82, 0x98, 0x41, 0x00, 0x8d, 0x92]), 0)),
    ],
    dictionary: [...MMS_TOKENS, '\x06', '\x07', '\xaf\x84', '\xbe', 'application/vnd.wap.mms-message\x00'],
    maxLen: 4096,
    coverage: SRC,
    roundTrip: fc.property(
      fc.integer({ min: 0, max: 255 }),
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      (tid, body) => {
        const push = mmsNotificationPush(body, tid);
        const back = decodeWspPush(encodeWspPush(push));
        if (back.tid !== tid || Buffer.compare(Buffer.from(back.body), Buffer.from(body)) !== 0)
          throw new PropertyViolation('WSP push round trip differs');
        if (!jsonEq(back.contentType, push.contentType))
          throw new PropertyViolation('push Content-Type differs');
      },
    ),
  },
  {
    name: 'sms-ud',
    run: (b) => {
      let err: unknown;
      try {
        decodeSmsUserData(b);
      } catch (e) {
        err = e;
      }
      readUdh(new ByteReader(b)); // the UDH alone, also total
      if (err) throw err;
    },
    seeds: () => [
      ...wapPushToSms(new Uint8Array(300).fill(0x41), { ref: 9 }),
      ...wapPushToSms(new Uint8Array(300).fill(0x42), { ref: 999, refBits: 16 }),
      encodeUdh({ elements: [{ kind: 'other', iei: 0x24, data: new Uint8Array([1]) }] }),
    ],
    dictionary: ['\x00\x03', '\x08\x04', '\x05\x04\x0b\x84\x23\xf0', '\x04\x02', '\x00', '\xff'],
    maxLen: 512,
    coverage: SRC,
    roundTrip: fc.property(
      fc.array(udhElement, { maxLength: 4 }),
      fc.uint8Array({ maxLength: 120 }),
      (els, ud) => {
        const udh = encodeUdh({ elements: els });
        const back = readUdh(new ByteReader(udh));
        if (!jsonEq(back.elements, els)) throw new PropertyViolation('UDH round trip differs');
        const all = Buffer.concat([udh, ud]);
        const sms = (() => {
          try {
            return decodeSmsUserData(all);
          } catch (e) {
            // concat totals/sequences out of range are refused by design
            if (e instanceof DecodeError && e.field.startsWith('UDH.concat')) return undefined;
            throw e;
          }
        })();
        if (sms && Buffer.compare(Buffer.from(sms.payload), Buffer.from(ud)) !== 0)
          throw new PropertyViolation('TP-UD payload differs');
      },
    ),
  },
  {
    name: 'smpp',
    run: (b) => JSON.stringify(smppToJson(decodeSmpp(b))),
    seeds: () => {
      const pdus = [
        new smpp.PDU('bind_transceiver', { system_id: 'mmsc', password: 'secret', sequence_number: 1 }),
        new smpp.PDU('submit_sm', {
          sequence_number: 2,
          source_addr: '1234',
          destination_addr: '+15550001',
          esm_class: 0x40,
          data_coding: 4,
          short_message: Buffer.from(wapPushToSms(new Uint8Array(100).fill(0x41), { ref: 3 })[0]),
        }),
        new smpp.PDU('deliver_sm', {
          sequence_number: 3,
          source_addr: '+15550001',
          destination_addr: '1234',
          esm_class: 4,
          short_message: { message: 'id:1 sub:001 dlvrd:001 stat:DELIVRD err:000 text:' },
          receipted_message_id: '1',
          message_state: 2,
        }),
        new smpp.PDU('submit_multi', {
          sequence_number: 4,
          dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '+1555' }, { dl_name: 'x' }],
          short_message: 'hi',
        }),
        new smpp.PDU('submit_sm_resp', { sequence_number: 2, message_id: 'abc' }),
        new smpp.PDU('enquire_link', { sequence_number: 5 }),
        new smpp.PDU('generic_nack', { sequence_number: 6, command_status: 3 }),
        new smpp.PDU('data_sm', { sequence_number: 7, message_payload: Buffer.alloc(300, 1) }),
      ];
      return pdus.map((p) => new Uint8Array(p.toBuffer()));
    },
    dictionary: ['\x00\x00\x00\x10', '\x80\x00\x00\x00', '\x00\x00\x00\x04', '\x04\x24', '\x00\x0e', '\x00'],
    maxLen: 4096,
    coverage: SRC,
  },
  {
    name: 'dns',
    run: (b) => {
      const m = decodeDnsMessage(b);
      JSON.stringify(dnsToJson(m));
      // What decodes re-encodes to the same value, or the encoder refuses it with an EncodeError
      // (a TXT string of invalid UTF-8 growing past 255 octets); names always re-encode: a label
      // holding a '.' or a backslash reads as an escape (RFC 1035 §5.1), never as two labels.
      let enc: Uint8Array;
      try {
        enc = encodeDnsMessage(m);
      } catch (e) {
        if (e instanceof EncodeError) return m;
        throw e;
      }
      const back = mustNotThrow('decodeDnsMessage(encodeDnsMessage(decodeDnsMessage(x)))', () =>
        decodeDnsMessage(enc),
      );
      if (!jsonEq(back, m)) throw new PropertyViolation('decode(encode(decode(x))) differs from decode(x)');
      return m;
    },
    seeds: () => fc.sample(dnsArb, { seed: 35, numRuns: 40 }).map(encodeDnsMessage),
    dictionary: ['\xc0\x0c', '\xc0', '\x00\x23', '\x00\x01', '\x3f', '\x40', '\x00\x00\x29', '.', '\\'],
    maxLen: 1024,
    coverage: SRC,
    roundTrip: fc.property(dnsArb, (m) => {
      if (!jsonEq(decodeDnsMessage(encodeDnsMessage(m)), m))
        throw new PropertyViolation('DNS round trip differs');
    }),
  },
  {
    name: 'mime',
    run: (b) => JSON.stringify(mimeToJson(parseMime(b))),
    seeds: () => [
      mm4Seed('Grüße', [
        ['text/plain', 'hi'],
        ['image/gif', new Uint8Array([0, 1, 255])],
      ]),
      utf8(
        'Content-Type: multipart/mixed; boundary=bb\r\n\r\n--bb\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\nbody\r\n--bb\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\n--bb--\r\n',
      ),
    ],
    vectors: (root) =>
      bytesOf(readVectorFiles(root, 'mm7', (n) => n.endsWith('.txt'))).map((b) => {
        // the MM7 captures are multipart bodies: give them a header block
        const s = Buffer.from(b).toString('latin1');
        const m = /^--(\S+)/.exec(s);
        return m ? utf8(`Content-Type: multipart/related; boundary="${m[1]}"\r\n\r\n${s}`) : b;
      }),
    dictionary: MIME_TOKENS,
    maxLen: 16 * 1024,
    coverage: SRC,
  },
  {
    name: 'mm4',
    run: (b) => {
      const m = decodeMm4(b);
      validateMm4(m);
      return JSON.stringify(mm4ToJson(m));
    },
    seeds: () => [
      mm4Seed('Grüße', [
        ['text/plain', 'hi'],
        ['image/gif', new Uint8Array([0, 1, 255])],
      ]),
      mm4Seed('x', [['application/smil', '<smil/>']]),
    ],
    dictionary: MIME_TOKENS,
    maxLen: 16 * 1024,
    coverage: SRC,
    roundTrip: fc.property(
      // an empty Subject is refused by the encoder's validation (encoded-text), so not generated
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
      fc.uint8Array({ maxLength: 200 }),
      (subject, data) => {
        const raw = mm4Seed(subject, [['application/octet-stream', data]]);
        const m = decodeMm4(raw);
        const sub = m.headers.find((h) => h.name.toLowerCase() === 'subject')?.value;
        const part = m.content?.parts?.[0]?.body;
        if (part === undefined || Buffer.compare(Buffer.from(part), Buffer.from(data)) !== 0)
          throw new PropertyViolation('MM4 part body differs');
        if (sub === undefined) throw new PropertyViolation('MM4 Subject lost');
      },
    ),
  },
  {
    name: 'mm7',
    run: (b) => {
      // with the Content-Type of a SOAP-with-attachments POST, and bare (HTTP message or SOAP alone)
      let err: unknown;
      try {
        JSON.stringify(mm7ToJson(decodeMm7(b, mm7Submit().contentType)));
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        err = e;
      }
      JSON.stringify(mm7ToJson(decodeMm7(b)));
      if (err) throw err;
    },
    seeds: () => {
      const submit = mm7Submit();
      const rsp = encodeMm7({
        type: 'SubmitRsp',
        transactionId: 'tx',
        version: 'REL-5-MM7-1-0',
        fields: { MM7Version: '5.3.0', Status: mm7Status(1000), MessageID: 'm' },
      });
      const http = Buffer.concat([
        Buffer.from(
          `POST /mm7 HTTP/1.1\r\nContent-Type: ${submit.contentType}\r\nContent-Length: ${submit.body.length}\r\n\r\n`,
        ),
        submit.body,
      ]);
      return [new Uint8Array(http), submit.body, rsp.body];
    },
    vectors: (root) => bytesOf(readVectorFiles(root, 'mm7', (n) => /\.(txt|xml)$/.test(n))),
    dictionary: MM7_TOKENS,
    maxLen: 16 * 1024,
    coverage: SRC,
    sliceShare: 0.5,
    roundTrip: fc.property(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^\+?[0-9]{1,15}$/),
      fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
      (subject, msisdn, tx) => {
        const enc = encodeMm7(
          {
            type: 'SubmitReq',
            transactionId: tx,
            version: 'REL-6-MM7-1-4',
            fields: { MM7Version: '6.8.0', Recipients: { To: mm7Address(msisdn) }, Subject: subject },
            content: mimePart('text/plain', 'x'),
          },
          { boundary: 'bb' },
        );
        const back = decodeMm7(enc.body, enc.contentType);
        if (back.transactionId !== tx || back.type !== 'SubmitReq')
          throw new PropertyViolation('MM7 header differs');
        if (!jsonEq(mm7ToJson(back), mm7ToJson(decodeMm7(enc.body, enc.contentType))))
          throw new PropertyViolation('MM7 decode not deterministic');
      },
    ),
  },
  {
    // the input is an HTTP head and body: `Name: value` lines, a blank line, the body
    name: 'eaif',
    run: (b) => {
      const m = decodeEaif({ kind: 'request', ...eaifHttpOf(b) });
      validateEaif(m);
      return JSON.stringify(eaifToJson(m));
    },
    seeds: () => [eaifSeed(['+15550001/TYPE=PLMN', '4444'], 'MultiMediaMessage')],
    dictionary: [...EAIF_TOKENS, ...MIME_TOKENS],
    maxLen: 8 * 1024,
    coverage: SRC,
    roundTrip: fc.property(
      fc.array(fc.stringMatching(/^\+?[0-9]{3,15}$/), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('MultiMediaMessage', 'DeliveryReport', 'ReadReply'),
      (to, type) => {
        const m = decodeEaif({ kind: 'request', ...eaifHttpOf(eaifSeed(to, type)) });
        const got = m.headers.find((h) => h.name === 'X-NOKIA-MMSC-To')?.value;
        if (got !== to.join(','))
          throw new PropertyViolation(`EAIF X-NOKIA-MMSC-To ${got} != ${to.join(',')}`);
        if (m.pdu?.type !== 'm-send-req') throw new PropertyViolation('EAIF body lost');
      },
    ),
  },
  {
    name: 'xml',
    run: (b) => parseXml(Buffer.from(b).toString('utf8')),
    seeds: () => [mm7Submit().body],
    vectors: (root) => bytesOf(readVectorFiles(root, 'mm7', (n) => n.endsWith('.xml'))),
    dictionary: MM7_TOKENS,
    maxLen: 8 * 1024,
    coverage: SRC,
  },
  {
    name: 'suite-yaml',
    setup: () => {
      if (suiteDir) return;
      suiteDir = mkdtempSync(path.join(existsTmpfs() ? '/dev/shm' : os.tmpdir(), 'mmscert-fuzz-suite-'));
      process.once('exit', cleanupTargets);
      catalogue = loadRequirementCatalogue(SUITES_ROOT).catalogue;
    },
    run: (b) => {
      const file = path.join(suiteDir, 'fuzz.yaml');
      writeFileSync(file, b);
      // the loader answers with diagnostics (file:line:col); it throws nothing at all
      return mustNotThrow('loadYamlSuiteFile', () =>
        loadYamlSuiteFile(file, catalogue, { suitesRoot: suiteDir }),
      );
    },
    seeds: suiteCaseSeeds,
    dictionary: YAML_TOKENS,
    maxLen: 6 * 1024,
    sliceShare: 0.1,
    coverage: /\/(src\/harness|node_modules\/yaml)\//,
  },
];

/**
 * The suite-yaml seeds: every case of every suite file, each as a suite file of its own (the
 * file's text before `cases:`'s first item less its leading comment block, then that one item's
 * lines, verbatim). The yaml
 * package's parse costs ~0.8 ms per KB here and more than linearly on some mutants of long
 * files: one case per seed (0.4-2 KB) keeps each input cheap while the corpus holds every step
 * kind, action and matcher the suites use (the 40 smallest whole files did not).
 */
export function suiteCaseSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of discoverSuiteFiles(SUITES_ROOT, { includeReference: true })) {
    if (!/\.ya?ml$/.test(f)) continue;
    const text = readFileSync(f, 'utf8');
    const cases = parseDocument(text).get('cases', true);
    if (!isSeq(cases) || cases.items.length === 0) {
      out.push(utf8(text));
      continue;
    }
    const lineStart = (at: number) => text.lastIndexOf('\n', at - 1) + 1;
    const starts = cases.items.map((it) => lineStart((it as { range?: [number] }).range?.[0] ?? 0));
    const end = lineStart(cases.range?.[1] ?? text.length);
    // the file's leading prose comment stays out (comments elsewhere stay: the lexer sees them)
    const head = text.slice(0, starts[0]).replace(/^(?:#[^\n]*\n)+/, '');
    starts.forEach((at, i) => {
      out.push(utf8(head + text.slice(at, starts[i + 1] ?? Math.max(end, at))));
    });
  }
  return out;
}

/** Removes the targets' temporary files (also done at process exit). */
export function cleanupTargets(): void {
  if (suiteDir) rmSync(suiteDir, { recursive: true, force: true });
  suiteDir = '';
}

function existsTmpfs(): boolean {
  try {
    return statSync('/dev/shm').isDirectory();
  } catch {
    return false;
  }
}

/**
 * The DSN decoder (RFC 3464), when it is on this branch: added as a target at run time, so the
 * fuzz job covers it the day it lands without an edit here.
 */
export async function optionalTargets(): Promise<FuzzTarget[]> {
  const spec = '../../src/codec/dsn/index.ts';
  let mod: { decodeDsn?: (b: Uint8Array) => unknown } | undefined;
  try {
    mod = (await import(/* @vite-ignore */ spec)) as typeof mod;
  } catch {
    return [];
  }
  const decodeDsn = mod?.decodeDsn;
  if (typeof decodeDsn !== 'function') return [];
  const bounce =
    'From: MAILER-DAEMON@mx.example\r\nTo: a@mms.example\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n--b1\r\n' +
    'Content-Type: text/plain\r\n\r\nfailed\r\n--b1\r\nContent-Type: message/delivery-status\r\n\r\n' +
    'Reporting-MTA: dns; mx.example\r\nArrival-Date: Sun, 22 Nov 2026 02:58:52 +0000\r\n\r\n' +
    'Final-Recipient: rfc822; b@other.example\r\nOriginal-Recipient: rfc822;b+2B@other.example\r\n' +
    'Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n' +
    '--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: hi\r\n--b1--\r\n';
  return [
    {
      name: 'dsn',
      run: (b) => decodeDsn(b),
      seeds: () => [utf8(bounce)],
      dictionary: [
        ...MIME_TOKENS,
        'Action: delayed\r\n',
        'Status: 4.4.7\r\n',
        'Final-Recipient: rfc822;',
        'report-type=delivery-status',
        '+2B',
        '+',
      ],
      maxLen: 16 * 1024,
      coverage: SRC,
    },
  ];
}

/** Every target on this branch, the optional ones included. */
export async function allTargets(): Promise<FuzzTarget[]> {
  return [...TARGETS, ...(await optionalTargets())];
}
