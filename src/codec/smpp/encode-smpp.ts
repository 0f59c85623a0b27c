import { EncodeError } from '../codec-error.ts';
import type { DestAddress, SmppTlv, SmppValue, UnsuccessSme } from './decode-smpp.ts';
import {
  COMMAND_BY_ID,
  COMMAND_BY_NAME,
  SMPP_HEADER_LENGTH,
  type SmppCommandRow,
  type SmppParam,
  type SmppTlvRow,
  TLV_BY_NAME,
  TLV_BY_TAG,
} from './smpp-table.ts';

/**
 * The SMPP 3.4 encoder and its encodingLength, driven by smpp-table.ts like the decoder: the size
 * is worked out first, one buffer allocated, every field written at its offset. Encode never
 * repairs (validate-smpp.ts says what the spec forbids): a robustness case may send a wrong
 * sm_length or command_length on purpose. It refuses, with one EncodeError, only what the wire
 * cannot carry at all (an Integer parameter outside its octets, a list longer than its count).
 */

/** An optional parameter to write: by name from SMPP 3.4 §5.3.2 or by tag (any tag, raw octets). */
export type SmppTlvInit =
  | { name: string; tag?: number; value: SmppTlv['value'] }
  | { name?: string; tag: number; value: SmppTlv['value'] };

/** What encodeSmpp writes; a decoded SmppPdu is one. */
export interface SmppPduInit {
  /** A command name from the table, or 'unknown' with commandId. */
  command: string;
  /** Overrides the table's id (required for 'unknown'). */
  commandId?: number;
  commandStatus?: number;
  sequenceNumber: number;
  /** Written as given when set (a PDU that lies about its length); else the encoded length. */
  commandLength?: number;
  /**
   * Mandatory parameters by name. One left out is written as its type's empty value (0, empty
   * C-Octet String, no octets); a count or length left out (sm_length, number_of_dests,
   * no_unsuccess) is that of the list or octets it counts. A response with a non-zero
   * commandStatus and no params is the header alone (SMPP 3.4 §3.3).
   */
  params?: Readonly<Record<string, SmppValue | undefined>>;
  tlvs?: readonly SmppTlvInit[];
  /** The body of an 'unknown' command, written after the header as it is. */
  body?: Uint8Array;
}

const INT_SIZE = { u8: 1, u16: 2, u32: 4 } as const;
const INT_MAX = { u8: 0xff, u16: 0xffff, u32: 0xffffffff } as const;

function rowOf(pdu: SmppPduInit): SmppCommandRow | undefined {
  if (pdu.command === 'unknown')
    return pdu.commandId === undefined ? undefined : COMMAND_BY_ID.get(pdu.commandId);
  const row = COMMAND_BY_NAME.get(pdu.command);
  if (!row) throw new EncodeError(-1, 'command_id', `unknown command ${JSON.stringify(pdu.command)}`);
  return row;
}

function commandIdOf(pdu: SmppPduInit, row: SmppCommandRow | undefined): number {
  const id = pdu.commandId ?? row?.id;
  if (id === undefined) throw new EncodeError(-1, 'command_id', 'an unknown command needs its commandId');
  return id;
}

/** Header only: an error response without params (SMPP 3.4 §3.3), or a command without a body. */
function headerOnly(pdu: SmppPduInit, id: number): boolean {
  return (
    (id & 0x80000000) !== 0 &&
    (pdu.commandStatus ?? 0) !== 0 &&
    (pdu.params === undefined || Object.keys(pdu.params).length === 0) &&
    (pdu.tlvs === undefined || pdu.tlvs.length === 0)
  );
}

/** Octets of a C-Octet String without its NUL (SMPP 3.4 §3.1: ASCII; one octet a character here). */
function latin1Length(s: unknown, field = 'C-Octet String'): number {
  if (typeof s !== 'string') throw new EncodeError(-1, field, 'a C-Octet String must be a string');
  return s.length;
}

function tlvRow(t: SmppTlvInit): { tag: number; row: SmppTlvRow | undefined } {
  if (t.tag !== undefined) return { tag: t.tag, row: TLV_BY_TAG.get(t.tag) };
  const row = TLV_BY_NAME.get(t.name as string);
  if (!row) throw new EncodeError(-1, String(t.name), 'TLV name outside SMPP 3.4 §5.3.2: give its tag');
  return { tag: row.tag, row };
}

function tlvValueLength(field: string, row: SmppTlvRow | undefined, v: SmppTlv['value']): number {
  if (v instanceof Uint8Array) return v.length;
  if (typeof v === 'string') return latin1Length(v) + 1;
  if (v === true) return 0;
  if (!row || (row.type !== 'u8' && row.type !== 'u16' && row.type !== 'u32'))
    throw new EncodeError(-1, field, `a number for a ${row?.type ?? 'raw'} TLV`);
  return INT_SIZE[row.type];
}

function paramValue(pdu: SmppPduInit, row: SmppCommandRow, p: SmppParam): SmppValue {
  const v = pdu.params?.[p.name];
  if (v !== undefined) return v;
  switch (p.type.t) {
    case 'u8':
    case 'u16':
    case 'u32': {
      // a count or length nobody gave is that of what it counts
      const counted = row.body.find(
        (q) =>
          (q.type.t === 'octets' && q.type.lengthFrom === p.name) ||
          ((q.type.t === 'dest_addresses' || q.type.t === 'unsuccess_smes') && q.type.countFrom === p.name),
      );
      const c = counted && pdu.params?.[counted.name];
      if (c instanceof Uint8Array || Array.isArray(c)) return c.length;
      return 0;
    }
    case 'cstring':
      return '';
    case 'octets':
      return new Uint8Array(0);
    case 'dest_addresses':
    case 'unsuccess_smes':
      return [];
  }
}

function destLength(d: DestAddress): number {
  return d.dest_flag === 2
    ? 1 + latin1Length(d.dl_name ?? '') + 1
    : 3 + latin1Length(d.destination_addr ?? '') + 1;
}

/** The octets encodeSmpp(pdu) writes (the dns-packet convention). */
export function encodingLengthSmpp(pdu: SmppPduInit): number {
  const row = rowOf(pdu);
  const id = commandIdOf(pdu, row);
  if (headerOnly(pdu, id)) return SMPP_HEADER_LENGTH;
  let n = SMPP_HEADER_LENGTH;
  if (!row) return n + (pdu.body?.length ?? 0);
  for (const p of row.body) {
    const v = paramValue(pdu, row, p);
    switch (p.type.t) {
      case 'u8':
      case 'u16':
      case 'u32':
        n += INT_SIZE[p.type.t];
        break;
      case 'cstring':
        n += latin1Length(v, p.name) + 1;
        break;
      case 'octets':
        if (!(v instanceof Uint8Array)) throw new EncodeError(-1, p.name, 'an Octet String must be bytes');
        n += v.length;
        break;
      case 'dest_addresses':
        for (const d of v as DestAddress[]) n += destLength(d);
        break;
      case 'unsuccess_smes':
        for (const u of v as UnsuccessSme[]) n += 2 + latin1Length(u.destination_addr) + 1 + 4;
        break;
    }
  }
  for (const t of pdu.tlvs ?? []) {
    const { row: r } = tlvRow(t);
    n += 4 + tlvValueLength(t.name ?? String(t.tag), r, t.value);
  }
  return n;
}

class Out {
  o = 0;
  constructor(readonly b: Uint8Array) {}

  int(v: number, size: 1 | 2 | 4, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > INT_MAX[size === 1 ? 'u8' : size === 2 ? 'u16' : 'u32'])
      throw new EncodeError(this.o, field, `${v} is not an Integer(${size}) (SMPP 3.4 §3.1)`);
    const b = this.b;
    if (size === 4) {
      b[this.o++] = v >>> 24;
      b[this.o++] = (v >>> 16) & 0xff;
    }
    if (size >= 2) b[this.o++] = (v >>> 8) & 0xff;
    b[this.o++] = v & 0xff;
  }

  /** One octet a character (the low 8 bits), then NUL (SMPP 3.4 §3.1 C-Octet String). */
  cstring(s: string, field: string): void {
    if (typeof s !== 'string') throw new EncodeError(this.o, field, 'a C-Octet String must be a string');
    for (let i = 0; i < s.length; i++) this.b[this.o++] = s.charCodeAt(i) & 0xff;
    this.b[this.o++] = 0;
  }

  octets(v: Uint8Array): void {
    this.b.set(v, this.o);
    this.o += v.length;
  }
}

/** The PDU's octets: header (SMPP 3.4 §3.2), mandatory body in table order, then the TLVs as given. */
export function encodeSmpp(pdu: SmppPduInit): Uint8Array {
  const row = rowOf(pdu);
  const id = commandIdOf(pdu, row);
  const length = encodingLengthSmpp(pdu);
  const out = new Out(new Uint8Array(length));
  out.int(pdu.commandLength ?? length, 4, 'command_length');
  out.int(id, 4, 'command_id');
  out.int(pdu.commandStatus ?? 0, 4, 'command_status');
  out.int(pdu.sequenceNumber, 4, 'sequence_number');
  if (headerOnly(pdu, id)) return out.b;
  if (!row) {
    if (pdu.body) out.octets(pdu.body);
    return out.b;
  }
  for (const p of row.body) writeParam(out, p, paramValue(pdu, row, p));
  for (const t of pdu.tlvs ?? []) {
    const { tag, row: r } = tlvRow(t);
    const field = r?.name ?? t.name ?? `tlv_0x${tag.toString(16).padStart(4, '0')}`;
    out.int(tag, 2, `${field}.tag`);
    out.int(tlvValueLength(field, r, t.value), 2, `${field}.length`);
    const v = t.value;
    if (v instanceof Uint8Array) out.octets(v);
    else if (typeof v === 'string') out.cstring(v, field);
    else if (typeof v === 'number' && r && (r.type === 'u8' || r.type === 'u16' || r.type === 'u32'))
      out.int(v, INT_SIZE[r.type], field);
  }
  return out.b;
}

function writeParam(out: Out, p: SmppParam, v: SmppValue): void {
  const name = p.name;
  switch (p.type.t) {
    case 'u8':
    case 'u16':
    case 'u32':
      out.int(v as number, INT_SIZE[p.type.t], name);
      return;
    case 'cstring':
      out.cstring(v as string, name);
      return;
    case 'octets':
      if (!(v instanceof Uint8Array)) throw new EncodeError(out.o, name, 'an Octet String must be bytes');
      out.octets(v);
      return;
    case 'dest_addresses':
      (v as DestAddress[]).forEach((d, i) => {
        out.int(d.dest_flag, 1, `${name}[${i}].dest_flag`);
        if (d.dest_flag === 2) {
          out.cstring(d.dl_name ?? '', `${name}[${i}].dl_name`);
          return;
        }
        out.int(d.dest_addr_ton ?? 0, 1, `${name}[${i}].dest_addr_ton`);
        out.int(d.dest_addr_npi ?? 0, 1, `${name}[${i}].dest_addr_npi`);
        out.cstring(d.destination_addr ?? '', `${name}[${i}].destination_addr`);
      });
      return;
    case 'unsuccess_smes':
      (v as UnsuccessSme[]).forEach((u, i) => {
        out.int(u.dest_addr_ton, 1, `${name}[${i}].dest_addr_ton`);
        out.int(u.dest_addr_npi, 1, `${name}[${i}].dest_addr_npi`);
        out.cstring(u.destination_addr, `${name}[${i}].destination_addr`);
        out.int(u.error_status_code, 4, `${name}[${i}].error_status_code`);
      });
      return;
  }
}

/**
 * A PDU from one flat record, the way the smpp package and the SMSC's behaviours name things:
 * mandatory parameters and TLVs by their SMPP 3.4 names side by side (`{ message_id, sc_interface_version }`).
 * The table says which is which; TLVs keep the record's order. Octets may be given as a Buffer.
 * A name that is neither is refused.
 */
export function smppPdu(
  command: string,
  sequenceNumber: number,
  commandStatus: number,
  fields: Readonly<Record<string, unknown>> = {},
): SmppPduInit {
  const row = COMMAND_BY_NAME.get(command);
  if (!row) throw new EncodeError(-1, 'command_id', `unknown command ${JSON.stringify(command)}`);
  const params: Record<string, SmppValue> = {};
  const tlvs: SmppTlvInit[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const p = row.body.find((q) => q.name === name);
    if (p) params[name] = value as SmppValue;
    else if (TLV_BY_NAME.has(name) && row.tlvs) tlvs.push({ name, value: value as SmppTlv['value'] });
    else throw new EncodeError(-1, name, `neither a parameter nor a TLV of ${command} (SMPP 3.4 §4)`);
  }
  return { command, sequenceNumber, commandStatus, params, tlvs };
}
