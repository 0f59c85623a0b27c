/**
 * MMS encapsulation codec (OMA-TS-MMS_ENC-V1_3). One table (MMS_HEADERS) drives decode, encode,
 * validation and docs.
 */

export type { ContentType, ContentTypeParam, EncodedString, TaggedString } from '../wsp/index.ts';
export { getHeader, getHeaders } from './accessors.ts';
export { type BuildBody, buildPdu } from './build-pdu.ts';
export { decodeMms } from './decode-mms.ts';
export { decodeMmsLenient, type LenientMmsPdu, lenientPdu, mmsDefectClause } from './decode-mms-lenient.ts';
export { encodeMms, encodingLengthMms } from './encode-mms.ts';
export { MMS_HEADERS, type MmsHeaderDef, mmsHeaderByCode, mmsHeaderByName } from './header-table.ts';
export { mmsFromJson, mmsToJson } from './mms-json.ts';
export { mmsSummary } from './mms-summary.ts';
export * from './types.ts';
export { validateMms } from './validate-mms.ts';
