import { CodecError, EncodeError } from '../codec-error.ts';
import type { DestAddress, SmppValue } from './decode-smpp.ts';
import { encodingLengthSmpp, type SmppPduInit, type SmppTlvInit } from './encode-smpp.ts';
import {
  COMMAND_BY_ID,
  COMMAND_BY_NAME,
  SMPP_MAX_PDU_LENGTH,
  type SmppCommandRow,
  TLV_BY_NAME,
  TLV_BY_TAG,
} from './smpp-table.ts';

const INT_MAX = { u8: 0xff, u16: 0xffff, u32: 0xffffffff } as const;
/** SMPP 3.4 §4.4.1 sm_length: 0..254 octets of short_message. */
const MAX_SHORT_MESSAGE = 254;

/**
 * Checks a PDU against SMPP 3.4 from the same table as the codec: every mandatory parameter of
 * its type (§3.1: C-Octet Strings within their maximum, NUL included; Integers within their
 * octets), length and count fields agreeing with what they count (§4.4.1 sm_length, §4.5.1
 * number_of_dests), short_message at most 254 octets, TLVs only where the PDU allows them and of
 * their §5.3.2 size, a command_length that is the PDU's length (§3.2). Returns every problem
 * (offset -1, the field named); empty when valid. encodeSmpp does not call it (robustness cases
 * send what it refuses).
 */
export function validateSmpp(pdu: SmppPduInit): CodecError[] {
  const errors: CodecError[] = [];
  const bad = (field: string, reason: string) => errors.push(new EncodeError(-1, field, reason));
  const row: SmppCommandRow | undefined =
    pdu.command === 'unknown' ? COMMAND_BY_ID.get(pdu.commandId ?? -1) : COMMAND_BY_NAME.get(pdu.command);
  if (!row) {
    bad('command_id', `${pdu.command} is not an SMPP 3.4 command (§5.1.2)`);
    return errors;
  }
  const params = pdu.params ?? {};
  for (const name of Object.keys(params)) {
    if (!row.body.some((p) => p.name === name)) bad(name, `not a parameter of ${row.name} (${row.clause})`);
  }
  for (const p of row.body) {
    const v: SmppValue | undefined = params[p.name];
    if (v === undefined) continue;
    switch (p.type.t) {
      case 'u8':
      case 'u16':
      case 'u32':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT_MAX[p.type.t])
          bad(p.name, `${String(v)} outside Integer(${p.type.t.slice(1)} bits) (SMPP 3.4 §3.1)`);
        break;
      case 'cstring':
        checkCString(bad, p.name, v, p.type.max);
        break;
      case 'octets': {
        const len = params[p.type.lengthFrom];
        if (!(v instanceof Uint8Array)) bad(p.name, 'an Octet String must be bytes');
        else {
          if (len !== undefined && len !== v.length)
            bad(p.type.lengthFrom, `${String(len)} but ${p.name} has ${v.length} octets (${row.clause})`);
          if (v.length > MAX_SHORT_MESSAGE)
            bad(p.name, `${v.length} octets > ${MAX_SHORT_MESSAGE}: use message_payload (SMPP 3.4 §5.2.22)`);
        }
        break;
      }
      case 'dest_addresses':
      case 'unsuccess_smes': {
        const count = params[p.type.countFrom];
        const list = v as unknown[];
        if (count !== undefined && count !== list.length)
          bad(p.type.countFrom, `${String(count)} but ${list.length} entries (${row.clause})`);
        if (p.type.t === 'dest_addresses') {
          (v as DestAddress[]).forEach((d, i) => {
            if (d.dest_flag !== 1 && d.dest_flag !== 2)
              bad(`${p.name}[${i}].dest_flag`, `${d.dest_flag} is neither 1 nor 2 (SMPP 3.4 §4.5.1.1)`);
            else if (d.dest_flag === 1)
              checkCString(bad, `${p.name}[${i}].destination_addr`, d.destination_addr ?? '', 21);
            else checkCString(bad, `${p.name}[${i}].dl_name`, d.dl_name ?? '', 21);
          });
        }
        break;
      }
    }
  }
  const tlvs: readonly SmppTlvInit[] = pdu.tlvs ?? [];
  if (tlvs.length > 0 && !row.tlvs) bad('tlv', `${row.name} carries no optional parameters (${row.clause})`);
  for (const t of tlvs) {
    const tr = t.tag !== undefined ? TLV_BY_TAG.get(t.tag) : TLV_BY_NAME.get(t.name ?? '');
    if (!tr) continue; // an unknown tag is kept raw; SMPP 3.4 §3.3 tells receivers to ignore it
    const v = t.value;
    if (tr.type === 'u8' || tr.type === 'u16' || tr.type === 'u32') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT_MAX[tr.type])
        bad(tr.name, `${String(v)} is not an Integer(${tr.type.slice(1)} bits) (SMPP 3.4 §5.3.2)`);
    } else if (tr.type === 'octets' && tr.length !== undefined) {
      if (!(v instanceof Uint8Array) || v.length !== tr.length)
        bad(tr.name, `SMPP 3.4 §5.3.2 fixes ${tr.length} octet(s)`);
    } else if (tr.type === 'empty' && v !== true && !(v instanceof Uint8Array && v.length === 0)) {
      bad(tr.name, 'this TLV has no value (SMPP 3.4 §5.3.2)');
    }
  }
  try {
    const length = encodingLengthSmpp(pdu);
    if (pdu.commandLength !== undefined && pdu.commandLength !== length)
      bad('command_length', `${pdu.commandLength} but the PDU has ${length} octets (SMPP 3.4 §3.2)`);
    if (length > SMPP_MAX_PDU_LENGTH) bad('command_length', `${length} > ${SMPP_MAX_PDU_LENGTH}`);
  } catch (e) {
    if (e instanceof CodecError) errors.push(e);
    else throw e;
  }
  return errors;
}

function checkCString(
  bad: (field: string, reason: string) => void,
  field: string,
  v: unknown,
  max: number,
): void {
  if (typeof v !== 'string') {
    bad(field, 'a C-Octet String must be a string');
    return;
  }
  if (v.includes('\0')) bad(field, 'NUL inside a C-Octet String (SMPP 3.4 §3.1)');
  if (v.length + 1 > max) bad(field, `${v.length + 1} octets with its NUL > ${max} (SMPP 3.4 §3.1)`);
}
