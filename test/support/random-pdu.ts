/**
 * Test support: seeded generator of valid MMS PDUs of every type (all mandatory fields, a random subset of
 * the optional ones, values drawn per codec). Used by the property, fuzz and tshark tests and the bench.
 */

import { buildPdu } from '../../src/codec/mms/build-pdu.ts';
import { MMS_HEADERS, type MmsHeaderDef } from '../../src/codec/mms/header-table.ts';
import type { MmsMessageType, MmsPart, MmsPdu, MmsValue } from '../../src/codec/mms/types.ts';
import type { ContentTypeParam } from '../../src/codec/wsp/index.ts';
import { mulberry32, type Rng } from '../../src/util/prng.ts';

/** The project's seeded PRNG (mulberry32). */
export const rng = mulberry32;

export type { Rng };

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)];

function ascii(r: Rng, min = 1, max = 24): string {
  const n = min + int(r, max - min + 1);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x21 + int(r, 94));
  return s;
}

const WORDS = ['Hej', 'Grüße', 'Привет', 'こんにちは', '你好', 'ça va', 'Ωμέγα', 'test', '😀 ok'];

function address(r: Rng): string {
  switch (int(r, 4)) {
    case 0:
      return `+${1 + int(r, 9)}${String(int(r, 1e9)).padStart(9, '0')}/TYPE=PLMN`;
    case 1:
      return `${int(r, 256)}.${int(r, 256)}.${int(r, 256)}.${int(r, 256)}/TYPE=IPv4`;
    case 2:
      return `2001:DB8:0:0:0:0:0:${int(r, 65535).toString(16).toUpperCase()}/TYPE=IPv6`;
    default:
      return `${ascii(r, 1, 8).replace(/[^a-z0-9]/gi, 'a')}@example.com`;
  }
}

function encodedString(r: Rng): MmsValue {
  const text = `${pick(r, WORDS)} ${ascii(r, 0, 8)}`;
  switch (int(r, 4)) {
    case 0:
      return ascii(r);
    case 1:
      return { charset: 'utf-8', text };
    case 2:
      return { charset: 'utf-16', text };
    default:
      return { charset: 'iso-8859-1', text: `Caf\u00e9 ${ascii(r, 0, 6)}` };
  }
}

function sampleValue(def: MmsHeaderDef, r: Rng, type: MmsMessageType): MmsValue {
  const g = def.codec.grammar;
  if (def.codec.tokens) {
    if (def.name === 'X-Mms-Message-Class' && int(r, 5) === 0) return 'NewClass';
    return pick(r, def.codec.tokens);
  }
  const indexed = type === 'm-delete-conf' || type === 'm-mbox-delete-conf';
  switch (def.name) {
    case 'From':
      return int(r, 4) === 0 ? { insertAddress: true } : address(r);
    case 'To':
    case 'Cc':
    case 'Bcc':
      return int(r, 3) === 0 ? { charset: 'utf-8', text: address(r) } : address(r);
    case 'X-Mms-Content-Location':
      return indexed
        ? { index: int(r, 300), value: `http://mmsc/${ascii(r, 1, 10)}` }
        : `http://mmsc.example/m/${ascii(r, 4, 16).replace(/[^A-Za-z0-9]/g, 'x')}`;
    case 'X-Mms-Response-Status':
      return indexed
        ? { index: int(r, 300), value: 'Ok' }
        : pick(r, ['Ok', 'Error-permanent-service-denied', 'Error-transient-failure']);
    case 'X-Mms-Response-Text':
      // Wireshark reads these three fields of the delete confirmations only in the indexed form
      return indexed ? { index: int(r, 300), value: ascii(r) } : encodedString(r);
    case 'X-Mms-Attributes':
      return pick(r, ['Subject', 'From', 'To', 'X-Mms-Message-Size', 'Date']);
  }
  if (g.startsWith('Encoded-string')) return encodedString(r);
  if (g === 'Text-string') return ascii(r);
  if (g === 'Long-integer')
    return def.name === 'Date' ? 1_000_000_000 + int(r, 800_000_000) : int(r, 2 ** 31);
  if (g === 'Integer-value') return int(r, 2) ? int(r, 128) : int(r, 2 ** 40);
  if (g.startsWith('Value-length (Absolute')) {
    return int(r, 2)
      ? { absolute: 1_000_000_000 + int(r, 800_000_000) }
      : { relative: int(r, 2) ? int(r, 128) : int(r, 10_000_000) };
  }
  if (g.includes('Forwarded-count-value Encoded')) return { count: int(r, 5), address: address(r) };
  if (g.includes('Forwarded-count-value Date'))
    return { count: int(r, 5), date: 1_000_000_000 + int(r, 800_000_000) };
  if (g.includes('Add | Remove'))
    return { op: pick(r, ['Add', 'Remove', 'Filter'] as const), flag: encodedString(r) as string };
  if (g.includes('Message-token'))
    return { unit: pick(r, ['messages', 'bytes'] as const), value: int(r, 100_000) };
  if (g.includes('Content-Reference')) {
    const params: ContentTypeParam[] = [{ name: 'type', value: 'image/jpeg' }];
    return { reference: `http://mmsc/e/${int(r, 1000)}`, params };
  }
  throw new Error(`no generator for ${def.name} (${g})`);
}

function parts(r: Rng): MmsPart[] {
  const n = 1 + int(r, 3);
  const out: MmsPart[] = [
    {
      contentType: { mediaType: 'application/smil', params: [] },
      headers: [
        { name: 'Content-ID', value: '<smil>' },
        { name: 'Content-Location', value: 'smil.xml' },
      ],
      data: new TextEncoder().encode('<smil><body><par dur="5s"/></body></smil>'),
    },
  ];
  for (let i = 1; i < n; i++) {
    const data = new Uint8Array(int(r, 400));
    for (let j = 0; j < data.length; j++) data[j] = int(r, 256);
    out.push({
      contentType: pick(r, [
        { mediaType: 'text/plain', params: [{ name: 'charset', value: 'utf-8' }] },
        { mediaType: 'image/jpeg', params: [{ name: 'name', value: `img${i}.jpg` }] },
        { mediaType: 'audio/amr', params: [] },
      ]),
      headers: [
        { name: 'Content-ID', value: `<p${i}>` },
        { name: 'Content-Location', value: `p${i}.bin` },
      ],
      data,
    });
  }
  return out;
}

/** A random valid PDU of that type. */
export function randomPdu(type: MmsMessageType, r: Rng): MmsPdu {
  const fields: Record<string, MmsValue | MmsValue[]> = { 'X-Mms-MMS-Version': '1.3' };
  for (const def of MMS_HEADERS) {
    const p = def.pdus[type];
    if (
      !p ||
      def.name === 'X-Mms-Message-Type' ||
      def.name === 'X-Mms-MMS-Version' ||
      def.name === 'Content-Type'
    )
      continue;
    if (p.startsWith('O') && int(r, 2) === 0) continue;
    const n = p.endsWith('*') ? 1 + int(r, 3) : 1;
    const vs: MmsValue[] = [];
    for (let i = 0; i < n; i++) vs.push(sampleValue(def, r, type));
    fields[def.name] = n === 1 ? vs[0] : vs;
  }
  if ((type === 'm-send-req' || type === 'm-forward-req') && !fields.To && !fields.Cc && !fields.Bcc)
    fields.To = address(r);
  if (int(r, 3) === 0) fields['X-Custom-Header'] = ascii(r);
  const ct = MMS_HEADERS.find((h) => h.name === 'Content-Type')!.pdus[type];
  if (ct === 'M' || (ct && int(r, 2) === 0)) {
    if (type === 'm-mbox-upload-req' || int(r, 4) > 0) {
      fields['Content-Type'] = {
        mediaType: 'application/vnd.wap.multipart.related',
        params: [
          { name: 'start', value: '<smil>' },
          { name: 'type', value: 'application/smil' },
        ],
      };
      return buildPdu(type, fields, parts(r));
    }
    fields['Content-Type'] = { mediaType: 'text/plain', params: [{ name: 'charset', value: 'utf-8' }] };
    return buildPdu(type, fields, new TextEncoder().encode(`hello ${ascii(r)}`));
  }
  return buildPdu(type, fields);
}
