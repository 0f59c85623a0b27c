/**
 * EAIF, the Nokia External Application Interface (Nokia MMS Center Application Development Guide
 * 1.0): binary MMS PDUs over HTTP POST with X-NOKIA-MMSC-* headers. One header table
 * (eaif-headers.ts) drives decode, encode, validation and JSON.
 */
export { decodeEaif, type EaifHttpInput, mediaTypeOf } from './decode-eaif.ts';
export {
  EAIF_BODY_PDU,
  EAIF_CONTENT_TYPE,
  EAIF_HEADERS,
  EAIF_MESSAGE_TYPES,
  type EaifDirection,
  type EaifHeaderRow,
  type EaifMessageType,
  type EaifValueCodec,
  eaifHeaderRow,
  isEaifHeaderName,
} from './eaif-headers.ts';
export {
  type EaifHeader,
  type EaifIssue,
  type EaifMessage,
  eaifCanonicalName,
  eaifHeader,
  eaifHeaderValues,
  eaifMessageType,
  eaifRecipients,
} from './eaif-message.ts';
export { EAIF_OBSERVATION_TYPES, eaifObservationType, eaifToJson } from './eaif-to-json.ts';
export { checkEaifValue } from './eaif-value.ts';
export { type EaifHttp, encodeEaif } from './encode-eaif.ts';
export { validateEaif } from './validate-eaif.ts';
