/**
 * MMS encapsulation codec (OMA-TS-MMS_ENC-V1_3). One table (MMS_HEADERS) drives decode, encode,
 * validation and docs.
 */
export * from './types.ts';
export { MMS_HEADERS, type MmsHeaderDef, mmsHeaderByName, mmsHeaderByCode } from './header-table.ts';
export { decodeMms } from './decode-mms.ts';
export { encodeMms } from './encode-mms.ts';
export { validateMms } from './validate-mms.ts';
export { buildPdu, type BuildBody } from './build-pdu.ts';
export { getHeader, getHeaders } from './accessors.ts';
export { mmsToJson, mmsFromJson } from './mms-json.ts';
export { mmsSummary } from './mms-summary.ts';
export type { ContentType, ContentTypeParam, EncodedString, TaggedString } from '../wsp/index.ts';
