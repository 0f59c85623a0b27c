import { bytesToJson, type Json, type JsonObject } from '../../util/json.ts';
import { ByteReader } from '../bytes.ts';
import { DecodeError } from '../codec-error.ts';
import {
  COMMAND_BY_ID,
  SMPP_HEADER_LENGTH,
  SMPP_MAX_PDU_LENGTH,
  type SmppParamType,
  statusName,
  TLV_BY_TAG,
} from './smpp-table.ts';

/**
 * Total SMPP 3.4 PDU decoder driven by smpp-table.ts: any byte string gives an SmppPdu or
 * exactly one DecodeError. The smpp package's own decode is lossy (it re-decodes
 * short_message text, turns times into Dates) and reads truncated bodies as empty, so the
 * SMSC mock reads the raw octets with this instead.
 */

export interface DestAddress {
  dest_flag: number;
  dest_addr_ton?: number;
  dest_addr_npi?: number;
  destination_addr?: string;
  dl_name?: string;
}

export interface UnsuccessSme {
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  error_status_code: number;
}

export type SmppValue = number | string | Uint8Array | DestAddress[] | UnsuccessSme[];

export interface SmppTlv {
  tag: number;
  /** Name from SMPP 3.4 §5.3.2, or `tlv_0x1234` for a tag outside the table. */
  name: string;
  value: number | string | Uint8Array | true;
}

export interface SmppPdu {
  commandLength: number;
  commandId: number;
  /** Command name from the table, or 'unknown'. */
  command: string;
  commandStatus: number;
  sequenceNumber: number;
  /** Mandatory parameters by their SMPP 3.4 names, in wire order. */
  params: Record<string, SmppValue>;
  tlvs: SmppTlv[];
  /** The octets after the header of a PDU whose command_id is outside the table, kept as they came. */
  body?: Uint8Array;
}

/** The four header fields (SMPP 3.4 §3.2). */
export type SmppHeader = Pick<SmppPdu, 'commandLength' | 'commandId' | 'commandStatus' | 'sequenceNumber'>;

/** Just the 16-octet header; throws DecodeError when fewer octets or a command_length out of range. */
export function decodeSmppHeader(buf: Uint8Array): SmppHeader {
  const r = new ByteReader(buf);
  const commandLength = r.u32('command_length');
  if (commandLength < SMPP_HEADER_LENGTH || commandLength > SMPP_MAX_PDU_LENGTH) {
    r.fail(
      'command_length',
      `${commandLength} outside ${SMPP_HEADER_LENGTH}..${SMPP_MAX_PDU_LENGTH} (SMPP 3.4 §3.2)`,
      0,
    );
  }
  return {
    commandLength,
    commandId: r.u32('command_id'),
    commandStatus: r.u32('command_status'),
    sequenceNumber: r.u32('sequence_number'),
  };
}

/** One whole PDU (command_length must equal the octets given): an SmppPdu or one DecodeError. */
export function decodeSmpp(buf: Uint8Array): SmppPdu {
  const head = decodeSmppHeader(buf);
  if (head.commandLength !== buf.length) {
    throw new DecodeError(0, 'command_length', `${head.commandLength} but the PDU has ${buf.length} octets`);
  }
  const row = COMMAND_BY_ID.get(head.commandId);
  if (!row) {
    return { ...head, command: 'unknown', params: {}, tlvs: [], body: buf.subarray(SMPP_HEADER_LENGTH) };
  }
  const pdu: SmppPdu = { ...head, command: row.name, params: {}, tlvs: [] };
  // A response carrying an error status has no body (SMPP 3.4 §3.3: "body ... not returned").
  if (head.commandId & 0x80000000 && head.commandStatus !== 0 && buf.length === SMPP_HEADER_LENGTH) {
    return pdu;
  }
  const r = new ByteReader(buf, SMPP_HEADER_LENGTH);
  for (const param of row.body) {
    pdu.params[param.name] = readParam(r, param.name, param.type, pdu.params);
  }
  if (!row.tlvs) {
    if (!r.atEnd()) r.fail('command_length', `${r.remaining} octet(s) after the ${row.name} body`);
    return pdu;
  }
  while (!r.atEnd()) pdu.tlvs.push(readTlv(r));
  return pdu;
}

function readCString(r: ByteReader, field: string, max: number): string {
  const nul = r.indexOf(0);
  if (nul < 0 || nul - r.offset >= max) {
    r.fail(field, `C-Octet String not NUL-terminated within ${max} octets (SMPP 3.4 §3.1)`);
  }
  const bytes = r.bytes(nul - r.offset, field);
  r.u8(field);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function readParam(
  r: ByteReader,
  name: string,
  type: SmppParamType,
  prior: Record<string, SmppValue>,
): SmppValue {
  switch (type.t) {
    case 'u8':
      return r.u8(name);
    case 'u16':
      return r.u16(name);
    case 'u32':
      return r.u32(name);
    case 'cstring':
      return readCString(r, name, type.max);
    case 'octets':
      return r.bytes(prior[type.lengthFrom] as number, name);
    case 'dest_addresses': {
      const out: DestAddress[] = [];
      const count = prior[type.countFrom] as number;
      for (let i = 0; i < count; i++) {
        const at = r.offset;
        const flag = r.u8(`${name}[${i}].dest_flag`);
        if (flag === 1) {
          out.push({
            dest_flag: 1,
            dest_addr_ton: r.u8(`${name}[${i}].dest_addr_ton`),
            dest_addr_npi: r.u8(`${name}[${i}].dest_addr_npi`),
            destination_addr: readCString(r, `${name}[${i}].destination_addr`, 21),
          });
        } else if (flag === 2) {
          out.push({ dest_flag: 2, dl_name: readCString(r, `${name}[${i}].dl_name`, 21) });
        } else {
          r.fail(
            `${name}[${i}].dest_flag`,
            `${flag} is neither 1 (SME address) nor 2 (distribution list)`,
            at,
          );
        }
      }
      return out;
    }
    case 'unsuccess_smes': {
      const out: UnsuccessSme[] = [];
      const count = prior[type.countFrom] as number;
      for (let i = 0; i < count; i++) {
        out.push({
          dest_addr_ton: r.u8(`${name}[${i}].dest_addr_ton`),
          dest_addr_npi: r.u8(`${name}[${i}].dest_addr_npi`),
          destination_addr: readCString(r, `${name}[${i}].destination_addr`, 21),
          error_status_code: r.u32(`${name}[${i}].error_status_code`),
        });
      }
      return out;
    }
  }
}

const INT_SIZE = { u8: 1, u16: 2, u32: 4 } as const;

function readTlv(r: ByteReader): SmppTlv {
  const at = r.offset;
  const tag = r.u16('tlv.tag');
  const length = r.u16('tlv.length');
  const row = TLV_BY_TAG.get(tag);
  const name = row?.name ?? `tlv_0x${tag.toString(16).padStart(4, '0')}`;
  const v = r.sub(length, name);
  if (!row) return { tag, name, value: v.bytes(length, name) };
  switch (row.type) {
    case 'u8':
    case 'u16':
    case 'u32': {
      if (length !== INT_SIZE[row.type]) {
        throw new DecodeError(
          at,
          name,
          `length ${length}, an Integer(${INT_SIZE[row.type]}) TLV (SMPP 3.4 §5.3.2)`,
        );
      }
      return {
        tag,
        name,
        value: row.type === 'u8' ? v.u8(name) : row.type === 'u16' ? v.u16(name) : v.u32(name),
      };
    }
    case 'cstring': {
      let bytes = v.bytes(length, name);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes = bytes.subarray(0, bytes.length - 1);
      if (bytes.includes(0)) throw new DecodeError(at, name, 'NUL inside a C-Octet String');
      return {
        tag,
        name,
        value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
      };
    }
    case 'empty':
      if (length !== 0)
        throw new DecodeError(at, name, `length ${length}, this TLV has no value (SMPP 3.4 §5.3.2)`);
      return { tag, name, value: true };
    case 'octets':
      if (row.length !== undefined && length !== row.length) {
        throw new DecodeError(at, name, `length ${length}, SMPP 3.4 §5.3.2 fixes ${row.length}`);
      }
      return { tag, name, value: v.bytes(length, name) };
  }
}

/** The first TLV of that name, if present. */
export function tlv(pdu: SmppPdu, name: string): SmppTlv['value'] | undefined {
  return pdu.tlvs.find((t) => t.name === name)?.value;
}

function valueToJson(v: SmppValue | SmppTlv['value']): Json {
  if (v instanceof Uint8Array) return bytesToJson(v);
  if (Array.isArray(v)) return v.map((x) => ({ ...x }) as JsonObject);
  return v;
}

/** The JSON form published as the `fields` of an SMPP message observation. */
export function smppToJson(pdu: SmppPdu): JsonObject {
  const out: JsonObject = {
    command_id: `0x${pdu.commandId.toString(16).padStart(8, '0')}`,
    command_status: statusName(pdu.commandStatus),
    sequence_number: pdu.sequenceNumber,
  };
  for (const [k, v] of Object.entries(pdu.params)) out[k] = valueToJson(v);
  for (const t of pdu.tlvs) out[t.name] = valueToJson(t.value);
  return out;
}
