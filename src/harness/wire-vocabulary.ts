import { RR_TYPES } from '../codec/dns/dns-message.ts';
import { EAIF_HEADERS, EAIF_OBSERVATION_TYPES } from '../codec/eaif/index.ts';
import { MM4_MESSAGE_FIELD_NAMES } from '../codec/mm4/mm4-headers.ts';
import { MM4_MESSAGE_TYPES } from '../codec/mm4/mm4-message.ts';
import { MM7_ELEMENTS } from '../codec/mm7/mm7-elements.ts';
import { MM7_MESSAGE_TYPES } from '../codec/mm7/mm7-message.ts';
import { MMS_HEADERS } from '../codec/mms/header-table.ts';
import { MMS_MESSAGE_TYPES } from '../codec/mms/types.ts';
import { SMPP_COMMANDS, SMPP_TLVS } from '../codec/smpp/index.ts';
import { WSP_PARAM_NAMES } from '../codec/wsp/content-type.ts';

/**
 * The names a suite may use in an expectation: message types (`message:`) and the field names of
 * each (`where:` keys), taken from the codec tables (the MMS header table, the SMPP command and
 * TLV table, the MM4 header table, the MM7 element table, the DNS RR types) and, for the few
 * observations no codec table describes, from the shape their publisher gives them.
 */

/** How the first segments of a `where:` path are checked for one family of messages. */
export interface FieldRule {
  /** What the family is called in a message ("MMS header", "SMPP field"...). */
  what: string;
  /** Allowed first segments. */
  top: ReadonlySet<string>;
  /** First segments allowed besides `top` (extension headers). */
  extension?: RegExp;
  /** Checked second segments under a container key: `headers.X-Mms-...`, `fields.Status`. */
  nested?: Readonly<Record<string, NestedRule>>;
  /**
   * List containers whose items are objects: `parts.0.contentType`, `parts.1.params.charset`. The
   * segment after the index is checked against `names`, the one after that against `sub[name]`.
   */
  items?: Readonly<Record<string, NestedRule & { sub?: Readonly<Record<string, NestedRule>> }>>;
}

/** The checked names of one level under a container key. */
export interface NestedRule {
  what: string;
  names: ReadonlySet<string>;
  unless?: RegExp;
}

const set = (xs: Iterable<string>) => new Set(xs);

/** MMS PDUs as mmsSummary() publishes them: header names (§7.3), parts and bodySize. */
const CONTENT_TYPE_PARAM = { what: 'Content-Type parameter (WAP-230-WSP §8.4.2.4)', names: WSP_PARAM_NAMES };
const MMS_RULE: FieldRule = {
  what: 'MMS header',
  top: set([...MMS_HEADERS.map((h) => h.name), 'parts', 'bodySize', 'contentTypeParams']),
  // application headers (X-Custom-Trace) and undecodable codes (Unknown-0x45); not X-Mms-*
  extension: /^(X-(?!Mms-)[A-Za-z0-9-]+|Unknown-0x[0-9a-fA-F]{2})$/,
  nested: { contentTypeParams: CONTENT_TYPE_PARAM },
  items: {
    parts: {
      what: 'part field',
      names: set([
        'contentType',
        'params',
        'contentId',
        'contentLocation',
        'size',
        'head',
        'charset',
        'text',
      ]),
      sub: { params: CONTENT_TYPE_PARAM },
    },
  },
};

/** SMPP PDUs as the SMSC mock publishes them: the header, every body parameter and TLV (SMPP 3.4 §3, §5). */
const SMPP_RULE: FieldRule = {
  what: 'SMPP field',
  top: set([
    'command_id',
    'command_status',
    'sequence_number',
    ...SMPP_COMMANDS.flatMap((c) => (c.body ?? []).map((p) => p.name)),
    ...SMPP_TLVS.map((t) => t.name),
  ]),
};

/** MM4 messages as mm4ToJson() gives them: `headers` by field name (3GPP TS 23.140 §8.4). */
const MM4_RULE: FieldRule = {
  what: 'MM4 field',
  top: set(['type', 'headers', 'content']),
  nested: {
    headers: {
      what: 'MM4 header',
      names: set(MM4_MESSAGE_FIELD_NAMES),
      // extension headers of the sending MMSC (X-Custom-Trace); X-Mms-* are the table's
      unless: /^X-(?!Mms-)/i,
    },
  },
};

/** MM7 messages as mm7ToJson() gives them: `fields` by element name (3GPP TS 23.140 §8.7, Annex L). */
const MM7_RULE: FieldRule = {
  what: 'MM7 field',
  top: set(['type', 'transactionId', 'version', 'fields', 'content', 'statusMeaning', 'fault']),
  nested: {
    fields: {
      what: 'MM7 element',
      names: set(Object.values(MM7_ELEMENTS).flatMap((rows) => rows.map((r) => r.name))),
    },
  },
};

/**
 * EAIF messages as eaifToJson() gives them (Nokia External Application Interface): `headers` by
 * the X-NOKIA-MMSC header table's names, `pdu` the body's MMS header names (mmsSummary).
 */
const EAIF_RULE: FieldRule = {
  what: 'EAIF field',
  top: set(['kind', 'messageType', 'status', 'contentType', 'headers', 'bodySize', 'pdu']),
  nested: {
    headers: {
      what: 'X-NOKIA-MMSC header',
      names: set(EAIF_HEADERS.map((h) => h.name)),
    },
    pdu: { what: 'MMS header', names: MMS_RULE.top, unless: MMS_RULE.extension },
  },
};

/** DNS messages as the HLR publishes them (dnsToJson() and the transport) or the reference MMSC's resolver. */
const DNS_RULE: FieldRule = {
  what: 'DNS field',
  top: set([
    'transport',
    'id',
    'qr',
    'opcode',
    'aa',
    'tc',
    'rd',
    'ra',
    'rcode',
    'questions',
    'answers',
    'authorities',
    'additionals',
    // the reference MMSC's own account of a lookup (reference self-tests)
    'name',
    'query',
    'error',
    'answer',
    'records',
  ]),
};

/** The e-mail observation of the MTA mock and the reference MMSC's MM3 (mocks/mail/mail-mta.ts). */
const EMAIL_RULE: FieldRule = {
  what: 'e-mail field',
  top: set([
    'from',
    'to',
    'cc',
    'bcc',
    'subject',
    'messageId',
    'contentType',
    'parts',
    'id',
    'mailFrom',
    'rcptTo',
    'valid',
    'issues',
    'date',
    'text',
    'html',
    'attachments',
    'envelope',
    'result',
    'raw',
    'headers',
  ]),
};

/** WAP push (WAP-230 §8.2.4) as the SMSC mock and the handset publish it. */
const PUSH_RULE: FieldRule = {
  what: 'WSP push field',
  top: set([
    'tid',
    'pduType',
    'contentType',
    'headers',
    'applicationId',
    'ports',
    'bodyLength',
    'body',
    'X-Wap-Application-Id',
    'from',
    'size',
    'concat',
  ]),
};

/** PAP 2.0 messages (WAP-247) the push proxy gateway mock publishes. */
const PAP_TYPES = [
  'push-message',
  'push-response',
  'cancel-message',
  'cancel-response',
  'statusquery-message',
  'statusquery-response',
  'resultnotification-message',
  'resultnotification-response',
  'badmessage-response',
  'pap-unparseable',
];

/** Every message type, with the rule for its fields (undefined: field names unchecked). */
export const MESSAGE_TYPES: ReadonlyMap<string, FieldRule | undefined> = new Map<
  string,
  FieldRule | undefined
>([
  ...MMS_MESSAGE_TYPES.map((t) => [t, MMS_RULE] as const),
  ...SMPP_COMMANDS.map((c) => [c.name, SMPP_RULE] as const),
  ...MM4_MESSAGE_TYPES.map((t) => [t, MM4_RULE] as const),
  ...MM7_MESSAGE_TYPES.map((t) => [t, MM7_RULE] as const),
  ...EAIF_OBSERVATION_TYPES.map((t) => [t, EAIF_RULE] as const),
  ...RR_TYPES.map((t) => [t.name, DNS_RULE] as const),
  ['DNS', DNS_RULE],
  ['email', EMAIL_RULE],
  ['wsp-push', PUSH_RULE],
  ['wsp-confirmed-push', PUSH_RULE],
  ...PAP_TYPES.map((t) => [t, undefined] as const),
  // MM5 HTTP subscriber lookup (mocks/hlr) and the reference MMSC's routing decision
  ['hlr-lookup', undefined],
  ['hlr-lookup-response', undefined],
  ['route', undefined],
  // a delivery status notification (RFC 3464) our MTA or remote MMSC received (mocks/mail/dsn-observation.ts)
  ['dsn', undefined],
]);
