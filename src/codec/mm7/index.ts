/**
 * MM7 (3GPP TS 23.140 §8.7, Annex L): SOAP 1.1 between VASP and MMS relay/server, with
 * attachments as multipart/related. One element table (mm7-elements.ts) per operation and
 * schema version drives encode order, decode, validation and the XSD files in schema/.
 */

export type { Mm7WireIssue, Mm7WireIssueKind } from './check-mm7-wire.ts';
export { checkMm7Wire } from './check-mm7-wire.ts';
export type { SoapFaultPeek } from './decode-mm7.ts';
export { decodeMm7, peekSoapFault, SOAP11_NS, SOAP12_NS } from './decode-mm7.ts';
export type { Mm7EncodeOptions } from './encode-mm7.ts';
export { encodeMm7, encodeMm7Xml } from './encode-mm7.ts';
export { mm7Address, mm7Status } from './mm7-builders.ts';
export type { Mm7ElementRow, Mm7ValueType } from './mm7-elements.ts';
export { MM7_CHILD_ORDER, MM7_ELEMENTS, MM7_ENUMS, mm7ElementsFor } from './mm7-elements.ts';
export type { Mm7Field, Mm7Fields, Mm7Message, Mm7MessageType, Mm7Wire } from './mm7-message.ts';
export { MM7_MESSAGE_TYPES } from './mm7-message.ts';
export type { Mm7StatusRow } from './mm7-status.ts';
export {
  MM7_STATUS,
  mm7StatusClass,
  mm7StatusEffective,
  mm7StatusInfo,
  mm7StatusText,
} from './mm7-status.ts';
export { mm7ToJson } from './mm7-to-json.ts';
export type { Mm7FieldIssue } from './mm7-value-check.ts';
export { checkMm7Fields, checkMm7Value } from './mm7-value-check.ts';
export type { Mm7VersionId, Mm7VersionRow } from './mm7-versions.ts';
export { MM7_NAMESPACE_PREFIX, MM7_VERSIONS, mm7Version, mm7VersionOfNamespace } from './mm7-versions.ts';
export { mm7Xsd, soapEnvelopeXsd } from './mm7-xsd.ts';
export type { Mm7XmlValidation } from './validate-mm7-xml.ts';
export { validateMm7Xml, validateMm7XmlBatch } from './validate-mm7-xml.ts';
