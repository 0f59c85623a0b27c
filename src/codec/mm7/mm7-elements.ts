import { CONTENT_CLASS } from '../mms/enums.ts';
import type { Mm7MessageType } from './mm7-message.ts';
import type { Mm7VersionId } from './mm7-versions.ts';
import { mm7Version } from './mm7-versions.ts';

/**
 * Value types of MM7 elements. The names are the complexType/simpleType names of our
 * XSD (schema/*.xsd, written from TS 23.140 Annex L and the §8.7 information element tables).
 */
export type Mm7ValueType =
  | 'string'
  | 'int'
  | 'boolean'
  | 'dateTime'
  | 'relativeOrAbsoluteDate'
  | 'address'
  | 'multiAddress'
  | 'senderIdentification'
  | 'status'
  | 'contentReference'
  | 'replyCharging'
  | 'messageClass'
  | 'priority'
  | 'chargedParty'
  | 'deliveryReportStatus'
  | 'readReplyStatus'
  | 'contentClass'
  | 'uaCapabilities';

export interface Mm7ElementRow {
  name: string;
  type: Mm7ValueType;
  /** Mandatory (minOccurs=1) or optional. */
  required: boolean;
  /** First schema version carrying the element (default: all). */
  since?: Mm7VersionId;
  clause: string;
}

const R5 = 'REL-5-MM7-1-0';
const R6 = 'REL-6-MM7-1-0';

const el = (
  name: string,
  type: Mm7ValueType,
  required: boolean,
  clause: string,
  since?: Mm7VersionId,
): Mm7ElementRow => (since ? { name, type, required, since, clause } : { name, type, required, clause });

/** GenericVASPRequestType: what every VASP → relay request starts with. */
const VASP_REQ = [
  el('MM7Version', 'string', true, '23.140 §8.7.1, §8.7.3; Annex L'),
  el('SenderIdentification', 'senderIdentification', false, '23.140 §8.7.1, §8.7.3'),
];
/** GenericRSReqType: what every relay → VASP request starts with. */
const RS_REQ = [
  el('MM7Version', 'string', true, '23.140 §8.7.2, §8.7.4, §8.7.5; Annex L'),
  el('MMSRelayServerID', 'string', false, '23.140 §8.7.2, §8.7.4, §8.7.5'),
];
/** GenericResponseType: every response, RSErrorRsp and VASPErrorRsp. */
const RSP = [
  el('MM7Version', 'string', true, '23.140 §8.7; Annex L'),
  el('Status', 'status', true, '23.140 §8.7 (every response; status codes)'),
];
const APPLIC = (clause: string) => [
  el('ApplicID', 'string', false, clause, R6),
  el('ReplyApplicID', 'string', false, clause, R6),
  el('AuxApplicInfo', 'string', false, clause, R6),
];

/**
 * THE MM7 element table: for each operation, its elements in schema (xs:sequence) order. The
 * clauses are TS 23.140 V6.16.0's (8.7.1 submit, 8.7.2 deliver, 8.7.3 cancel and replace, 8.7.4
 * delivery report, 8.7.5 read-reply; mm7-elements.test.ts pins them), without table numbers.
 * The encoder writes this order, the validator checks presence and version, and
 * mm7-xsd.ts writes schema/<version>.xsd from it.
 */
export const MM7_ELEMENTS: Record<Mm7MessageType, readonly Mm7ElementRow[]> = {
  SubmitReq: [
    ...VASP_REQ,
    el('Recipients', 'multiAddress', true, '23.140 §8.7.1'),
    el('ServiceCode', 'string', false, '23.140 §8.7.1'),
    el('LinkedID', 'string', false, '23.140 §8.7.1'),
    el('MessageClass', 'messageClass', false, '23.140 §8.7.1'),
    el('TimeStamp', 'dateTime', false, '23.140 §8.7.1'),
    el('ReplyCharging', 'replyCharging', false, '23.140 §8.7.1'),
    el('EarliestDeliveryTime', 'relativeOrAbsoluteDate', false, '23.140 §8.7.1'),
    el('ExpiryDate', 'relativeOrAbsoluteDate', false, '23.140 §8.7.1'),
    el('DeliveryReport', 'boolean', false, '23.140 §8.7.1'),
    el('ReadReply', 'boolean', false, '23.140 §8.7.1'),
    el('Priority', 'priority', false, '23.140 §8.7.1'),
    el('Subject', 'string', false, '23.140 §8.7.1'),
    el('ChargedParty', 'chargedParty', false, '23.140 §8.7.1'),
    el('ChargedPartyID', 'string', false, '23.140 §8.7.1 (Rel-6)', R6),
    el('DistributionIndicator', 'boolean', false, '23.140 §8.7.1'),
    ...APPLIC('23.140 §8.7.1 (Rel-6)'),
    el('ContentClass', 'contentClass', false, '23.140 §8.7.1 (Rel-6)', R6),
    el('DRMContent', 'boolean', false, '23.140 §8.7.1 (Rel-6)', R6),
    el('Content', 'contentReference', false, '23.140 §8.7.1; SOAP with attachments'),
  ],
  SubmitRsp: [...RSP, el('MessageID', 'string', false, '23.140 §8.7.1'), ...APPLIC('23.140 §8.7.1 (Rel-6)')],
  DeliverReq: [
    ...RS_REQ,
    el('VASPID', 'string', false, '23.140 §8.7.2 (Rel-6)', R6),
    el('VASID', 'string', false, '23.140 §8.7.2 (Rel-6)', R6),
    el('LinkedID', 'string', false, '23.140 §8.7.2'),
    el('Sender', 'address', true, '23.140 §8.7.2'),
    el('Recipients', 'multiAddress', false, '23.140 §8.7.2'),
    el('TimeStamp', 'dateTime', false, '23.140 §8.7.2'),
    el('ReplyChargingID', 'string', false, '23.140 §8.7.2'),
    el('Priority', 'priority', false, '23.140 §8.7.2'),
    el('Subject', 'string', false, '23.140 §8.7.2'),
    ...APPLIC('23.140 §8.7.2 (Rel-6)'),
    el('UACapabilities', 'uaCapabilities', false, '23.140 §8.7.2 (Rel-6)', R6),
    el('Content', 'contentReference', false, '23.140 §8.7.2'),
  ],
  DeliverRsp: [...RSP, el('ServiceCode', 'string', false, '23.140 §8.7.2')],
  CancelReq: [...VASP_REQ, el('MessageID', 'string', true, '23.140 §8.7.3')],
  CancelRsp: [...RSP],
  ReplaceReq: [
    ...VASP_REQ,
    el('MessageID', 'string', true, '23.140 §8.7.3'),
    el('ServiceCode', 'string', false, '23.140 §8.7.3'),
    el('TimeStamp', 'dateTime', false, '23.140 §8.7.3'),
    el('ReadReply', 'boolean', false, '23.140 §8.7.3'),
    el('EarliestDeliveryTime', 'relativeOrAbsoluteDate', false, '23.140 §8.7.3'),
    el('DistributionIndicator', 'boolean', false, '23.140 §8.7.3'),
    el('ContentClass', 'contentClass', false, '23.140 §8.7.3 (Rel-6)', R6),
    el('DRMContent', 'boolean', false, '23.140 §8.7.3 (Rel-6)', R6),
    el('Content', 'contentReference', false, '23.140 §8.7.3'),
  ],
  ReplaceRsp: [...RSP],
  DeliveryReportReq: [
    ...RS_REQ,
    el('MessageID', 'string', true, '23.140 §8.7.4'),
    el('Recipient', 'address', true, '23.140 §8.7.4'),
    el('Sender', 'address', true, '23.140 §8.7.4'),
    el('Date', 'dateTime', true, '23.140 §8.7.4'),
    el('MMStatus', 'deliveryReportStatus', true, '23.140 §8.7.4'),
    el('StatusText', 'string', false, '23.140 §8.7.4'),
    ...APPLIC('23.140 §8.7.4 (Rel-6)'),
    el('UACapabilities', 'uaCapabilities', false, '23.140 §8.7.4 (Rel-6)', R6),
  ],
  DeliveryReportRsp: [...RSP],
  ReadReplyReq: [
    ...RS_REQ,
    el('MessageID', 'string', true, '23.140 §8.7.5'),
    el('Recipient', 'address', true, '23.140 §8.7.5'),
    el('Sender', 'address', true, '23.140 §8.7.5'),
    el('TimeStamp', 'dateTime', true, '23.140 §8.7.5'),
    el('MMStatus', 'readReplyStatus', true, '23.140 §8.7.5'),
    el('StatusText', 'string', false, '23.140 §8.7.5'),
    ...APPLIC('23.140 §8.7.5 (Rel-6)'),
  ],
  ReadReplyRsp: [...RSP],
  RSErrorRsp: [...RSP],
  VASPErrorRsp: [...RSP],
};

/** Enumerations of the simple types (23.140 §8.7 tables; Rel-6 additions marked). */
export const MM7_ENUMS: Record<string, { values: readonly string[]; rel6?: readonly string[] }> = {
  messageClass: { values: ['Personal', 'Informational', 'Advertisement', 'Auto'] },
  priority: { values: ['Normal', 'High', 'Low'] },
  chargedParty: { values: ['Sender', 'Recipient', 'Both', 'Neither'], rel6: ['ThirdParty'] },
  deliveryReportStatus: {
    values: ['Expired', 'Retrieved', 'Rejected', 'Indeterminate', 'Forwarded'],
    rel6: ['Deferred', 'Unrecognised'],
  },
  readReplyStatus: { values: ['Indeterminate', 'Read', 'Deleted'] },
  // Rel-6 contentClassType: the OMA-TS-MMS_ENC §7.3.9 class names.
  contentClass: { values: Object.values(CONTENT_CLASS) },
};

/** Child element order of the complex types (xs:sequence), for the encoder and the XSD. */
export const MM7_CHILD_ORDER: Record<string, readonly string[]> = {
  multiAddress: ['To', 'Cc', 'Bcc'],
  senderIdentification: ['VASPID', 'VASID', 'SenderAddress'],
  status: ['StatusCode', 'StatusText', 'Details'],
  address: ['Number', 'RFC2822Address', 'ShortCode'],
};

/** The elements of `type` that schema `version` defines, in order. */
export function mm7ElementsFor(type: Mm7MessageType, version: Mm7VersionId): Mm7ElementRow[] {
  const rank = mm7Version(version)?.rank ?? 0;
  return MM7_ELEMENTS[type].filter((r) => (mm7Version(r.since ?? R5)?.rank ?? 0) <= rank);
}

/** Every operation, in the order the XSD declares them. */
export const MM7_MESSAGE_TYPES_FOR_XSD = Object.keys(MM7_ELEMENTS) as Mm7MessageType[];
