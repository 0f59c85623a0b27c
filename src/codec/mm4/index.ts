/**
 * MM4 (3GPP TS 23.140 §8.4, GSMA IR.52): MMS relay/server interworking over SMTP.
 * One header table (mm4-headers.ts) drives decode, encode, validation and JSON.
 */

export { buildMm4, getMm4Header, getMm4Headers } from './build-mm4.ts';
export { decodeMm4 } from './decode-mm4.ts';
export { encodeMm4 } from './encode-mm4.ts';
export type { Mm4Address } from './mm4-address.ts';
export { formatMm4Address, parseMm4Address, splitAddressList } from './mm4-address.ts';
export type { Mm4HeaderRow, Mm4Presence, Mm4ValueCodec } from './mm4-headers.ts';
export {
  MM4_HEADERS,
  MM4_MAIL_FIELDS,
  MM4_MESSAGE_FIELD_NAMES,
  MM4_VALUE_SETS,
  mm4HeaderRow,
} from './mm4-headers.ts';
export type { Mm4Header, Mm4Issue, Mm4Message, Mm4MessageType } from './mm4-message.ts';
export { MM4_MESSAGE_TYPES } from './mm4-message.ts';
export type { Mm4FromMmsContext } from './mm4-mms-mapping.ts';
export { mm4FromMms, mmsFromMm4 } from './mm4-mms-mapping.ts';
export { mm4ToJson } from './mm4-to-json.ts';
export { formatRfc5322Date, parseRfc5322Date } from './rfc5322-date.ts';
export { checkMm4Value, validateMm4 } from './validate-mm4.ts';
