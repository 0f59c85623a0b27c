/**
 * Test support: parses the field summary printed by shared/tools/mmse-decode.sh (Wireshark's MMSE
 * dissector) and compares it with a decoded PDU field by field. Used by the vector and property tests.
 */
import { ByteReader, ByteWriter } from '../../src/codec/bytes.ts';
import { mmsHeaderByName } from '../../src/codec/mms/header-table.ts';
import { mmsToJson } from '../../src/codec/mms/mms-json.ts';
import type { MmsPart, MmsPdu, MmsValue } from '../../src/codec/mms/types.ts';
import { writeMmsHeader } from '../../src/codec/mms/write-header.ts';
import {
  contentTypeToString,
  encodedStringText,
  mediaTypeText,
  writeMultipart,
} from '../../src/codec/wsp/index.ts';

export interface TsharkSummary {
  file: string;
  fields: Array<[name: string, value: string]>;
  contentType?: string;
  parts: Array<{ contentType: string; size: number }>;
  verdict?: string;
}

/** Splits mmse-decode.sh output (-f text or summary) into one summary per `=== file` block. */
export function parseTsharkSummaries(text: string): TsharkSummary[] {
  const out: TsharkSummary[] = [];
  let cur: TsharkSummary | undefined;
  let inTree = false;
  for (const line of text.split('\n')) {
    const head = /^=== (\S+) \(/.exec(line);
    if (head) {
      cur = { file: head[1], fields: [], parts: [] };
      out.push(cur);
      inTree = false;
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('--- tshark')) inTree = true;
    const verdict = /^verdict: (\S+)/.exec(line);
    if (verdict) cur.verdict = verdict[1];
    if (inTree) continue;
    const f = /^(mmse\.[a-z_.]+)\s+(.*)$/.exec(line);
    if (f) cur.fields.push([f[1], f[2]]);
    const ct = /^content_type\s+(.*)$/.exec(line);
    if (ct) cur.contentType = ct[1];
    const part = /^Part: \d+, content-type: (\S+)\s+\[(\d+) bytes\]/.exec(line);
    if (part) cur.parts.push({ contentType: part[1], size: Number(part[2]) });
  }
  return out;
}

const NAMES: Record<string, string> = {
  'mmse.transaction_id': 'X-Mms-Transaction-Id',
  'mmse.mms_version': 'X-Mms-MMS-Version',
  'mmse.message_id': 'Message-ID',
  'mmse.content_location': 'X-Mms-Content-Location',
  'mmse.message_size': 'X-Mms-Message-Size',
  'mmse.from': 'From',
  'mmse.to': 'To',
  'mmse.cc': 'Cc',
  'mmse.bcc': 'Bcc',
  'mmse.subject': 'Subject',
  'mmse.date': 'Date',
  'mmse.expiry.rel': 'X-Mms-Expiry',
  'mmse.expiry.abs': 'X-Mms-Expiry',
  'mmse.message_class.id': 'X-Mms-Message-Class',
  'mmse.message_class.str': 'X-Mms-Message-Class',
  'mmse.priority': 'X-Mms-Priority',
  'mmse.delivery_report': 'X-Mms-Delivery-Report',
  'mmse.read_report': 'X-Mms-Read-Report',
  'mmse.report_allowed': 'X-Mms-Report-Allowed',
  'mmse.response_status': 'X-Mms-Response-Status',
  'mmse.response_text': 'X-Mms-Response-Text',
  'mmse.retrieve_status': 'X-Mms-Retrieve-Status',
  'mmse.retrieve_text': 'X-Mms-Retrieve-Text',
  'mmse.status': 'X-Mms-Status',
  'mmse.read_status': 'X-Mms-Read-Status',
  'mmse.sender_visibility': 'X-Mms-Sender-Visibility',
  'mmse.previously_sent_by': 'X-Mms-Previously-Sent-By',
  'mmse.previously_sent_date': 'X-Mms-Previously-Sent-Date',
};

function entryLength(part: MmsPart): number {
  const w = new ByteWriter(64 + part.data.length);
  writeMultipart(w, [part]);
  return w.length - 1; // minus nEntries (1)
}

/** Non-canonical input: decode tshark's raw field octets with our codec and compare the values. */
function sameValue(name: string, v: MmsValue, rawHex: string, type: string): boolean {
  const def = mmsHeaderByName(name);
  if (!def) return false;
  const bytes = new Uint8Array(Buffer.from(rawHex, 'hex'));
  const r = new ByteReader(bytes, 1);
  try {
    return (
      JSON.stringify(
        mmsToJson({ type: 'm-send-req', headers: [{ name, value: def.codec.read(r, name) }] }),
      ) === JSON.stringify(mmsToJson({ type: 'm-send-req', headers: [{ name, value: v }] })) &&
      type.length > 0
    );
  } catch {
    return false;
  }
}

function tsharkDate(s: string): number {
  return Date.parse(s.replace(/\.\d+ UTC$/, ' UTC')) / 1000;
}

function headerOctets(name: string, value: MmsValue, type: string): string {
  const w = new ByteWriter(64);
  writeMmsHeader(w, { name, value }, type);
  return Buffer.from(w.finish()).toString('hex');
}

/** Every disagreement between the decoded PDU and Wireshark's field summary (empty = agree). */
export function compareWithTshark(pdu: MmsPdu, s: TsharkSummary, canonical = true): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  let undecoded = 0;
  for (const [field, shown] of s.fields) {
    if (field === 'mmse.message_type') {
      if (!shown.startsWith(`${pdu.type} `)) problems.push(`message type: tshark ${shown}, ours ${pdu.type}`);
      continue;
    }
    if (field === 'mmse.ffheader') {
      if (
        !pdu.headers.some(
          (h) => typeof h.value === 'string' && !h.name.startsWith('X-Mms') && h.value === shown,
        )
      ) {
        problems.push(`application header value ${shown} missing`);
      }
      continue;
    }
    // Wireshark 4.0 shows every indexed field of m-mbox-delete-conf (Content-Location and Response-Text,
    // both Value-length Index Encoded-string, ENC 1.3 §7.3.10 and §7.3.56) as an undecoded
    // X-Mms-Content-Location whatever its code: compare how many there are, not their names.
    if (shown.startsWith('<Undecoded value')) {
      undecoded += 1;
      continue;
    }
    const name = NAMES[field];
    if (!name) continue;
    const i = seen.get(name) ?? 0;
    seen.set(name, i + 1);
    const values = pdu.headers.filter((h) => h.name === name).map((h) => h.value);
    const v = values[i];
    if (v === undefined) {
      problems.push(`${name}: tshark shows ${shown}, we have no occurrence #${i + 1}`);
      continue;
    }
    const raw = /\[raw field octets: ([0-9a-f]+)\]$/.exec(shown);
    const code = /\(0x([0-9a-f]{2})\)$/.exec(shown);
    let ok: boolean;
    if (raw)
      ok = canonical ? headerOctets(name, v, pdu.type) === raw[1] : sameValue(name, v, raw[1], pdu.type);
    else if (code && field !== 'mmse.message_type')
      ok = headerOctets(name, v, pdu.type).slice(2, 4) === code[1];
    else if (field === 'mmse.date') ok = v === tsharkDate(shown);
    else if (field === 'mmse.expiry.rel')
      ok = typeof v === 'object' && 'relative' in v && `${v.relative}.000000000 seconds` === shown;
    else if (field === 'mmse.expiry.abs')
      ok = typeof v === 'object' && 'absolute' in v && v.absolute === tsharkDate(shown);
    else if (field === 'mmse.from' && shown === '<insert address>')
      ok = typeof v === 'object' && 'insertAddress' in v;
    else if (field === 'mmse.previously_sent_by') {
      const m = /^(.*) \(Forwarded-count=(\d+)\)$/.exec(shown);
      ok =
        !!m &&
        typeof v === 'object' &&
        'address' in v &&
        encodedStringText(v.address) === m[1] &&
        v.count === Number(m[2]);
    } else if (field === 'mmse.previously_sent_date') {
      const m = /^(.*) \(Forwarded-count=(\d+)\)$/.exec(shown);
      ok =
        !!m &&
        typeof v === 'object' &&
        'date' in v &&
        v.date === tsharkDate(m[1]) &&
        v.count === Number(m[2]);
    } else if (typeof v === 'number') ok = String(v) === shown;
    else if (typeof v === 'string') ok = v === shown || v.trim() === shown || !/^[\x20-\x7e]*$/.test(shown);
    else if (typeof v === 'object' && 'text' in v) ok = v.text === shown || !/^[\x20-\x7e]*$/.test(shown);
    else ok = false;
    if (!ok) problems.push(`${name}: tshark ${shown}, ours ${JSON.stringify(v)}`);
  }
  if (undecoded > 0) {
    const indexed = pdu.headers.filter((h) => typeof h.value === 'object' && 'index' in h.value).length;
    if (indexed !== undecoded) problems.push(`indexed fields: tshark shows ${undecoded}, we have ${indexed}`);
  }
  const ct = pdu.headers.find((h) => h.name === 'Content-Type')?.value;
  if (s.contentType !== undefined) {
    const ours = ct && typeof ct === 'object' && 'mediaType' in ct ? mediaTypeText(ct) : undefined;
    if (ours?.toLowerCase() !== s.contentType.split(';')[0].toLowerCase()) {
      problems.push(
        `Content-Type: tshark ${s.contentType}, ours ${ct && typeof ct === 'object' && 'mediaType' in ct ? contentTypeToString(ct) : 'none'}`,
      );
    }
  }
  if (s.parts.length > 0 || pdu.parts?.length) {
    const ours = pdu.parts ?? [];
    if (ours.length !== s.parts.length) problems.push(`parts: tshark ${s.parts.length}, ours ${ours.length}`);
    s.parts.forEach((p, i) => {
      const o = ours[i];
      if (!o) return;
      if (mediaTypeText(o.contentType).toLowerCase() !== p.contentType.toLowerCase()) {
        problems.push(`part ${i + 1} type: tshark ${p.contentType}, ours ${mediaTypeText(o.contentType)}`);
      }
      // tshark's size is the whole entry: HeadersLen, DataLen, headers and data. After the first part the
      // entry is exactly the octets between the previous part's data and the end of this part's data.
      if (i === 0 && !canonical) return;
      const size =
        i > 0 && o.data.buffer === ours[i - 1].data.buffer
          ? o.data.byteOffset + o.data.length - (ours[i - 1].data.byteOffset + ours[i - 1].data.length)
          : entryLength(o);
      if (size !== p.size) problems.push(`part ${i + 1} size: tshark ${p.size}, ours ${size}`);
    });
  }
  return problems;
}

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|quot|amp|lt|gt|apos);/g, (_, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" } as Record<string, string>)[e];
  });
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]) : undefined;
}

/**
 * The same summary from `tshark -T pdml` output of many frames at once (one tshark run for a whole batch):
 * mmse.* fields as "showname after ': '", the top-level Content-Type and the multipart entries.
 */
export function pdmlToSummaries(xml: string): TsharkSummary[] {
  const out: TsharkSummary[] = [];
  const packets = xml.split('<packet>').slice(1);
  packets.forEach((pkt, i) => {
    const s: TsharkSummary = { file: String(i + 1), fields: [], parts: [] };
    const start = pkt.indexOf('<proto name="mmse"');
    if (start >= 0) {
      for (const m of pkt.slice(start).matchAll(/<field [^>]*>/g)) {
        const tag = m[0];
        const name = attr(tag, 'name') ?? '';
        const show = attr(tag, 'showname') ?? attr(tag, 'show') ?? '';
        if (name.startsWith('mmse.')) s.fields.push([name, show.split(': ').slice(1).join(': ') || show]);
        else if (name === 'wsp.header.content_type' && s.contentType === undefined) {
          s.contentType = show.split(': ').slice(1).join(': ');
        } else if (name === 'wsp.multipart') {
          const part = /^Part: \d+, content-type: (\S+)/.exec(show);
          if (part) s.parts.push({ contentType: part[1], size: Number(attr(tag, 'size')) });
        }
      }
    }
    if (/name="_ws\.malformed"/.test(pkt)) s.verdict = 'MALFORMED';
    out.push(s);
  });
  return out;
}
