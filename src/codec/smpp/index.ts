/**
 * SMPP v3.4 codec. One table (smpp-table.ts: SMPP_COMMANDS, SMPP_TLVS, SMPP_STATUS) drives decode,
 * encode, encodingLengthSmpp and validation.
 */

export {
  type DestAddress,
  decodeSmpp,
  decodeSmppHeader,
  type SmppHeader,
  type SmppPdu,
  type SmppTlv,
  type SmppValue,
  smppToJson,
  tlv,
  type UnsuccessSme,
} from './decode-smpp.ts';
export {
  encodeSmpp,
  encodingLengthSmpp,
  type SmppPduInit,
  type SmppTlvInit,
  smppPdu,
} from './encode-smpp.ts';
export * from './smpp-table.ts';
export { relativeSmppTime, SMPP_RELATIVE_TIME_MAX_SECONDS } from './smpp-time.ts';
export { validateSmpp } from './validate-smpp.ts';
