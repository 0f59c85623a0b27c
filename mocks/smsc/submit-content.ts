import { DecodeError } from '../../src/codec/codec-error.ts';
import { decodeSmsUserData, type SmsUserData } from '../../src/codec/push/sms-user-data.ts';
import type { Udh } from '../../src/codec/push/udh.ts';
import { type SmppPdu, tlv } from '../../src/codec/smpp/index.ts';
import { bytesToJson, type JsonObject } from '../../src/util/json.ts';

/** esm_class bit 6: the short message starts with a UDH (SMPP 3.4 §5.2.12, TS 23.040 TP-UDHI). */
export const ESM_UDHI = 0x40;

/**
 * The SMS user data carried by a submit_sm / submit_multi / data_sm: short_message, or the
 * message_payload TLV (SMPP 3.4 §5.3.2.32: then sm_length must be 0), parsed for a UDH when
 * esm_class has UDHI. Concatenation comes from the UDH, or from the sar_* TLVs
 * (§5.3.2.22-24, 16-bit reference) when the ESME segments that way; ports from the UDH or from
 * source_port / destination_port (§5.3.2.20-21). Throws one DecodeError for malformed user data.
 */
export function submitUserData(pdu: SmppPdu): SmsUserData {
  const sm = pdu.params.short_message as Uint8Array | undefined;
  const payload = tlv(pdu, 'message_payload') as Uint8Array | undefined;
  if (payload && sm && sm.length > 0) {
    throw new DecodeError(
      0,
      'message_payload',
      'present with a non-empty short_message (SMPP 3.4 §5.3.2.32)',
    );
  }
  const data = payload ?? sm ?? new Uint8Array();
  const esm = (pdu.params.esm_class as number | undefined) ?? 0;
  const ud = decodeSmsUserData(data, (esm & ESM_UDHI) !== 0 && data.length > 0);
  const ref = tlv(pdu, 'sar_msg_ref_num');
  const total = tlv(pdu, 'sar_total_segments');
  const seq = tlv(pdu, 'sar_segment_seqnum');
  if (!ud.concat && (ref !== undefined || total !== undefined || seq !== undefined)) {
    if (typeof ref !== 'number' || typeof total !== 'number' || typeof seq !== 'number') {
      throw new DecodeError(
        0,
        'sar_msg_ref_num',
        'sar_* TLVs must come as a set of three (SMPP 3.4 §5.3.2.22)',
      );
    }
    if (total === 0 || seq === 0 || seq > total) {
      throw new DecodeError(0, 'sar_segment_seqnum', `segment ${seq} of ${total} (SMPP 3.4 §5.3.2.23-24)`);
    }
    ud.concat = { ref, refBits: 16, total, seq };
  }
  const sp = tlv(pdu, 'source_port');
  const dp = tlv(pdu, 'destination_port');
  if (!ud.ports && typeof dp === 'number')
    ud.ports = { source: typeof sp === 'number' ? sp : 0, destination: dp };
  return ud;
}

function udhToJson(udh: Udh): JsonObject[] {
  return udh.elements.map(
    (e): JsonObject =>
      e.kind === 'other' ? { kind: 'other', iei: e.iei, data: bytesToJson(e.data) } : { ...e },
  );
}

/** Fields added to the submit_sm observation: what the SMSC understood of the user data. */
export function userDataSummary(ud: SmsUserData): JsonObject {
  const out: JsonObject = { userDataLength: ud.payload.length };
  if (ud.udh) out.udh = udhToJson(ud.udh);
  if (ud.concat) out.concat = { ...ud.concat };
  if (ud.ports) out.ports = { ...ud.ports };
  return out;
}
