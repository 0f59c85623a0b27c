import { bytesToJson, type Json, type JsonObject } from '../../util/json.ts';
import { ByteCounter, ByteReader, ByteWriter } from '../bytes.ts';
import { DecodeError, EncodeError } from '../codec-error.ts';

/**
 * DNS messages (RFC 1035 §4.1) for the MM5 mock: header, question, resource records, with the
 * RDATA of the types MM5 needs (A, AAAA, NS, CNAME, PTR, SOA, MX, TXT, SRV, NAPTR — RFC 3403 §4.1)
 * in ONE table that drives decode, encode and encodingLength. Unknown types keep their raw
 * RDATA. The decoder is total: a value or one DecodeError (compression loops included).
 */

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface NaptrData {
  order: number;
  preference: number;
  flags: string;
  services: string;
  regexp: string;
  replacement: string;
}
export interface MxData {
  preference: number;
  exchange: string;
}
export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}
export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export type RData = string | string[] | NaptrData | MxData | SoaData | SrvData | Uint8Array;

export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RData;
}

export interface DnsFlags {
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** The Z bit and AD/CD (RFC 4035), kept as the 3 raw bits. */
  z: number;
  rcode: number;
}

export interface DnsMessage {
  id: number;
  flags: DnsFlags;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

interface RrTypeRow {
  name: string;
  code: number;
  clause: string;
  read(r: ByteReader, msg: Uint8Array): RData;
  write(w: ByteWriter, d: RData): void;
}

// ---- names (RFC 1035 §3.1, §4.1.4) ----

function readName(r: ByteReader, msg: Uint8Array, field: string): string {
  const labels: string[] = [];
  let cursor = r;
  let jumped = false;
  let hops = 0;
  let total = 0;
  for (;;) {
    const at = cursor.offset;
    const len = cursor.u8(field);
    if (len === 0) break;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      const ptr = ((len & 0x3f) << 8) | cursor.u8(field);
      // Pointers must go backwards; a bound on hops stops loops (RFC 1035 §4.1.4).
      if (ptr >= at || ++hops > 64) throw new DecodeError(at, field, `bad compression pointer ${ptr}`);
      if (!jumped) r.offset = cursor.offset;
      jumped = true;
      cursor = new ByteReader(msg, ptr);
      continue;
    }
    if (kind !== 0)
      throw new DecodeError(at, field, `label type 0x${kind.toString(16)} unsupported (RFC 6891 §5)`);
    const bytes = cursor.bytes(len, field);
    total += len + 1;
    if (total > 255) throw new DecodeError(at, field, 'name longer than 255 octets (RFC 1035 §3.1)');
    labels.push(
      escapeLabel(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')),
    );
  }
  if (!jumped) r.offset = cursor.offset;
  return labels.join('.');
}

/**
 * A label's octets as text: a label is any 1..63 octets (RFC 2181 §11), so a '.' or a backslash
 * inside one is escaped as in the master-file format (RFC 1035 §5.1, RFC 4343 §2.1). Without
 * this a label "a.b" would read back as the two labels "a" and "b": the name silently changed.
 */
function escapeLabel(l: string): string {
  return /[.\\]/.test(l) ? l.replace(/[.\\]/g, '\\$&') : l;
}

function nameLabels(name: string, field: string): string[] {
  // RFC 1035 §5.1 escapes: backslash X is the octet X (a '.' or a backslash inside a label),
  // backslash DDD the octet of decimal value DDD; an unescaped '.' ends a label, a final one is the root.
  const labels: string[] = [];
  let label = '';
  let dotted = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\') {
      const ddd = /^\d{3}/.exec(name.slice(i + 1, i + 4));
      if (ddd && Number(ddd[0]) <= 255) {
        label += String.fromCharCode(Number(ddd[0]));
        i += 3;
      } else if (i + 1 < name.length) label += name[++i];
      else throw new EncodeError(-1, field, `name '${name}' ends with a lone '\\' (RFC 1035 §5.1)`);
      dotted = false;
    } else if (c === '.') {
      labels.push(label);
      label = '';
      dotted = true;
    } else {
      label += c;
      dotted = false;
    }
  }
  if (!dotted || labels.length === 0) labels.push(label);
  if (labels.length === 1 && labels[0] === '') return []; // '' and '.': the root
  let total = 1;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63)
      throw new EncodeError(-1, field, `label '${l}' must be 1..63 octets (RFC 1035 §2.3.4)`);
    if (/[^\x00-\xff]/.test(l))
      throw new EncodeError(-1, field, `label '${l}' holds a character beyond one octet`);
    total += l.length + 1;
  }
  if (total > 255) throw new EncodeError(-1, field, 'name longer than 255 octets');
  return labels;
}

function writeName(w: ByteWriter, name: string, field = 'name'): void {
  for (const l of nameLabels(name, field)) w.u8(l.length).bytes(Buffer.from(l, 'latin1'));
  w.u8(0);
}

function readCharString(r: ByteReader, field: string): string {
  const len = r.u8(field);
  const b = r.bytes(len, field);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

function writeCharString(w: ByteWriter, s: string, field: string): void {
  const b = Buffer.from(s, 'utf8');
  if (b.length > 255)
    throw new EncodeError(-1, field, 'character-string longer than 255 octets (RFC 1035 §3.3)');
  w.u8(b.length).bytes(b);
}

const nameRow = (name: string, code: number, clause: string): RrTypeRow => ({
  name,
  code,
  clause,
  read: (r, msg) => readName(r, msg, name),
  write: (w, d) => writeName(w, d as string, name),
});

/** One row per RR type mmscert interprets. */
export const RR_TYPES: readonly RrTypeRow[] = [
  {
    name: 'A',
    code: 1,
    clause: 'RFC 1035 §3.4.1',
    read: (r) => Array.from(r.bytes(4, 'A')).join('.'),
    write: (w, d) => {
      const parts = String(d).split('.').map(Number);
      if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
        throw new EncodeError(-1, 'A', `'${d}' is not a dotted IPv4 address`);
      }
      for (const p of parts) w.u8(p);
    },
  },
  nameRow('NS', 2, 'RFC 1035 §3.3.11'),
  nameRow('CNAME', 5, 'RFC 1035 §3.3.1'),
  {
    name: 'SOA',
    code: 6,
    clause: 'RFC 1035 §3.3.13',
    read: (r, msg) => ({
      mname: readName(r, msg, 'SOA.mname'),
      rname: readName(r, msg, 'SOA.rname'),
      serial: r.u32('SOA.serial'),
      refresh: r.u32('SOA.refresh'),
      retry: r.u32('SOA.retry'),
      expire: r.u32('SOA.expire'),
      minimum: r.u32('SOA.minimum'),
    }),
    write: (w, d) => {
      const s = d as SoaData;
      writeName(w, s.mname, 'SOA.mname');
      writeName(w, s.rname, 'SOA.rname');
      w.u32(s.serial).u32(s.refresh).u32(s.retry).u32(s.expire).u32(s.minimum);
    },
  },
  nameRow('PTR', 12, 'RFC 1035 §3.3.12'),
  {
    name: 'MX',
    code: 15,
    clause: 'RFC 1035 §3.3.9',
    read: (r, msg) => ({ preference: r.u16('MX.preference'), exchange: readName(r, msg, 'MX.exchange') }),
    write: (w, d) => {
      const m = d as MxData;
      w.u16(m.preference);
      writeName(w, m.exchange, 'MX.exchange');
    },
  },
  {
    name: 'TXT',
    code: 16,
    clause: 'RFC 1035 §3.3.14',
    read: (r) => {
      const out: string[] = [];
      while (!r.atEnd()) out.push(readCharString(r, 'TXT'));
      return out;
    },
    write: (w, d) => {
      for (const s of d as string[]) writeCharString(w, s, 'TXT');
    },
  },
  {
    name: 'AAAA',
    code: 28,
    clause: 'RFC 3596 §2.2',
    read: (r) => {
      const b = r.bytes(16, 'AAAA');
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
      return groups.join(':');
    },
    write: (w, d) => {
      const s = String(d);
      const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
      const h = head ? head.split(':') : [];
      const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
      const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
      const groups = [...h, ...fill, ...t];
      if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) {
        throw new EncodeError(-1, 'AAAA', `'${s}' is not an IPv6 address`);
      }
      for (const g of groups) w.u16(Number.parseInt(g, 16));
    },
  },
  {
    name: 'SRV',
    code: 33,
    clause: 'RFC 2782',
    read: (r, msg) => ({
      priority: r.u16('SRV.priority'),
      weight: r.u16('SRV.weight'),
      port: r.u16('SRV.port'),
      target: readName(r, msg, 'SRV.target'),
    }),
    write: (w, d) => {
      const s = d as SrvData;
      w.u16(s.priority).u16(s.weight).u16(s.port);
      writeName(w, s.target, 'SRV.target');
    },
  },
  {
    name: 'NAPTR',
    code: 35,
    clause: 'RFC 3403 §4.1',
    read: (r, msg) => ({
      order: r.u16('NAPTR.order'),
      preference: r.u16('NAPTR.preference'),
      flags: readCharString(r, 'NAPTR.flags'),
      services: readCharString(r, 'NAPTR.services'),
      regexp: readCharString(r, 'NAPTR.regexp'),
      replacement: readName(r, msg, 'NAPTR.replacement'),
    }),
    write: (w, d) => {
      const n = d as NaptrData;
      w.u16(n.order).u16(n.preference);
      writeCharString(w, n.flags, 'NAPTR.flags');
      writeCharString(w, n.services, 'NAPTR.services');
      writeCharString(w, n.regexp, 'NAPTR.regexp');
      writeName(w, n.replacement, 'NAPTR.replacement');
    },
  },
];

const TYPE_BY_CODE = new Map(RR_TYPES.map((t) => [t.code, t]));
const TYPE_BY_NAME = new Map(RR_TYPES.map((t) => [t.name, t]));
const EXTRA_TYPE_NAMES: Record<number, string> = { 41: 'OPT', 252: 'AXFR', 255: 'ANY' };

/** 'NAPTR' for 35; 'TYPE99' (RFC 3597 §5) for a code outside the table. */
export function rrTypeName(code: number): string {
  return TYPE_BY_CODE.get(code)?.name ?? EXTRA_TYPE_NAMES[code] ?? `TYPE${code}`;
}

export function rrTypeCode(name: string): number | undefined {
  const row = TYPE_BY_NAME.get(name.toUpperCase());
  if (row) return row.code;
  for (const [code, n] of Object.entries(EXTRA_TYPE_NAMES)) if (n === name.toUpperCase()) return Number(code);
  const m = /^TYPE(\d+)$/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** RCODEs of RFC 1035 §4.1.1. */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const RCODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(RCODE).map(([k, v]) => [v, k]),
);
/** OPCODEs of RFC 1035 §4.1.1 / RFC 1996 / RFC 2136. */
export const OPCODE_NAMES: Record<number, string> = {
  0: 'QUERY',
  1: 'IQUERY',
  2: 'STATUS',
  4: 'NOTIFY',
  5: 'UPDATE',
};

export const CLASS_IN = 1;

function readRecord(r: ByteReader, msg: Uint8Array, field: string): DnsRecord {
  const name = readName(r, msg, `${field}.name`);
  const type = r.u16(`${field}.type`);
  const cls = r.u16(`${field}.class`);
  const ttl = r.u32(`${field}.ttl`);
  const rdlength = r.u16(`${field}.rdlength`);
  const rd = r.sub(rdlength, `${field}.rdata`);
  const row = TYPE_BY_CODE.get(type);
  let data: RData;
  if (row) {
    data = row.read(rd, msg);
    if (!rd.atEnd())
      throw new DecodeError(
        rd.offset,
        `${field}.rdata`,
        `${rd.remaining} octet(s) after the ${row.name} RDATA`,
      );
  } else {
    data = rd.bytes(rdlength, `${field}.rdata`);
  }
  return { name, type, class: cls, ttl, data };
}

export function decodeDnsMessage(buf: Uint8Array): DnsMessage {
  const r = new ByteReader(buf);
  const id = r.u16('ID');
  const f = r.u16('flags');
  const counts = [r.u16('QDCOUNT'), r.u16('ANCOUNT'), r.u16('NSCOUNT'), r.u16('ARCOUNT')];
  const flags: DnsFlags = {
    qr: (f & 0x8000) !== 0,
    opcode: (f >> 11) & 0x0f,
    aa: (f & 0x0400) !== 0,
    tc: (f & 0x0200) !== 0,
    rd: (f & 0x0100) !== 0,
    ra: (f & 0x0080) !== 0,
    z: (f >> 4) & 0x07,
    rcode: f & 0x0f,
  };
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const name = readName(r, buf, `question[${i}].name`);
    questions.push({ name, type: r.u16(`question[${i}].type`), class: r.u16(`question[${i}].class`) });
  }
  const sections = (n: number, label: string) => {
    const out: DnsRecord[] = [];
    for (let i = 0; i < n; i++) out.push(readRecord(r, buf, `${label}[${i}]`));
    return out;
  };
  const answers = sections(counts[1], 'answer');
  const authorities = sections(counts[2], 'authority');
  const additionals = sections(counts[3], 'additional');
  if (!r.atEnd()) r.fail('message', `${r.remaining} octet(s) after the last record`);
  return { id, flags, questions, answers, authorities, additionals };
}

function writeRecord(w: ByteWriter, rec: DnsRecord): void {
  writeName(w, rec.name);
  w.u16(rec.type).u16(rec.class).u32(rec.ttl);
  const row = TYPE_BY_CODE.get(rec.type);
  const rd = new ByteWriter(64);
  if (row) row.write(rd, rec.data);
  else if (rec.data instanceof Uint8Array) rd.bytes(rec.data);
  else throw new EncodeError(-1, 'rdata', `type ${rec.type} needs raw RDATA bytes`);
  const bytes = rd.finish();
  if (bytes.length > 0xffff) throw new EncodeError(-1, 'rdata', 'RDATA longer than 65535 octets');
  w.u16(bytes.length).bytes(bytes);
}

/**
 * The octets encodeDnsMessage(m) writes (dns-packet's encodingLength): the same writers over a
 * ByteCounter (no name compression is written, so no offset depends on earlier octets).
 */
export function encodingLengthDnsMessage(m: DnsMessage): number {
  const w = new ByteCounter();
  writeMessage(w, m);
  return w.length;
}

export function encodeDnsMessage(m: DnsMessage): Uint8Array {
  const w = new ByteWriter(512);
  writeMessage(w, m);
  return w.finish().slice();
}

function writeMessage(w: ByteWriter, m: DnsMessage): void {
  const f = m.flags;
  w.u16(m.id);
  w.u16(
    (f.qr ? 0x8000 : 0) |
      ((f.opcode & 0x0f) << 11) |
      (f.aa ? 0x0400 : 0) |
      (f.tc ? 0x0200 : 0) |
      (f.rd ? 0x0100 : 0) |
      (f.ra ? 0x0080 : 0) |
      ((f.z & 0x07) << 4) |
      (f.rcode & 0x0f),
  );
  for (const n of [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length]) {
    if (n > 0xffff) throw new EncodeError(-1, 'count', 'more than 65535 entries in a section');
    w.u16(n);
  }
  for (const q of m.questions) {
    writeName(w, q.name, 'question.name');
    w.u16(q.type).u16(q.class);
  }
  for (const rec of [...m.answers, ...m.authorities, ...m.additionals]) writeRecord(w, rec);
}

function rdataToJson(d: RData): Json {
  if (d instanceof Uint8Array) return bytesToJson(d);
  if (typeof d === 'string' || Array.isArray(d)) return d;
  return { ...d } as JsonObject;
}

function recordToJson(r: DnsRecord): JsonObject {
  return {
    name: r.name,
    type: rrTypeName(r.type),
    class: r.class,
    ttl: r.ttl,
    data: rdataToJson(r.data),
  };
}

/** The JSON form published as `fields` of DNS message observations. */
export function dnsToJson(m: DnsMessage): JsonObject {
  return {
    id: m.id,
    qr: m.flags.qr,
    opcode: OPCODE_NAMES[m.flags.opcode] ?? m.flags.opcode,
    aa: m.flags.aa,
    tc: m.flags.tc,
    rd: m.flags.rd,
    ra: m.flags.ra,
    rcode: RCODE_NAMES[m.flags.rcode] ?? m.flags.rcode,
    questions: m.questions.map((q) => ({ name: q.name, type: rrTypeName(q.type), class: q.class })),
    answers: m.answers.map(recordToJson),
    authorities: m.authorities.map(recordToJson),
    additionals: m.additionals.map(recordToJson),
  };
}
