import { EncodeError } from '../codec-error.ts';
import * as E from './enums.ts';
import { MMS_MESSAGE_TYPES, type MmsMessageType } from './types.ts';
import {
  attributesCodec,
  contentTypeCodec,
  elementDescriptorCodec,
  encodedStringCodec,
  enumCodec,
  fromCodec,
  integerCodec,
  longCodec,
  maybeIndexedCodec,
  mmFlagsCodec,
  prevSentByCodec,
  prevSentDateCodec,
  quotaCodec,
  textCodec,
  timeCodec,
  type ValueCodec,
  versionCodec,
} from './value-codecs.ts';

export type MmsVersion = '1.0' | '1.1' | '1.2' | '1.3';
/** M = mandatory, O = optional; a trailing * = may repeat in that PDU. */
export type Presence = 'M' | 'O' | 'M*' | 'O*';

export interface MmsHeaderDef {
  /** Field name verbatim from OMA-TS-MMS_ENC-V1_3 §7.4 Table 25 (field assignments). */
  readonly name: string;
  /** Binary code without the high bit (the wire octet is code | 0x80). */
  readonly code: number;
  readonly codec: ValueCodec;
  /** Where the field may appear (PDU tables of §6), and whether it is mandatory there. */
  readonly pdus: Readonly<Partial<Record<MmsMessageType, Presence>>>;
  readonly since: MmsVersion;
  readonly clause: string;
}

const ALL = MMS_MESSAGE_TYPES.map((t) => `${t.slice(2)}:M`).join(' ');

/**
 * Short form of the PDU column: "send-req:M notification-ind:O ..." (type names without 'm-').
 * Parsed once at load; a typo throws at import time so the table cannot silently drift.
 */
function pdus(spec: string): Partial<Record<MmsMessageType, Presence>> {
  const out: Partial<Record<MmsMessageType, Presence>> = {};
  for (const item of spec.split(/\s+/).filter(Boolean)) {
    const [t, p] = item.split(':');
    const type = `m-${t}` as MmsMessageType;
    if (!MMS_MESSAGE_TYPES.includes(type) || !['M', 'O', 'M*', 'O*'].includes(p)) {
      throw new Error(`MMS header table: bad PDU entry ${item}`);
    }
    out[type] = p as Presence;
  }
  return out;
}

const yesNo = enumCodec(E.YES_NO, 'Yes/No');
const addr = encodedStringCodec;
const ptext = maybeIndexedCodec(textCodec);
const APPLIC = 'send-req:O notification-ind:O retrieve-conf:O read-rec-ind:O read-orig-ind:O';
const RC = 'send-req:O notification-ind:O retrieve-conf:O mbox-descr:O';
const MBOX_TID =
  'mbox-store-req:M mbox-store-conf:M mbox-view-req:M mbox-view-conf:M mbox-upload-req:M mbox-upload-conf:M mbox-delete-req:M mbox-delete-conf:M';

type Row = [code: number, name: string, codec: ValueCodec | 'attributes', since: MmsVersion, pdus: string];

/**
 * OMA-TS-MMS_ENC-V1_3 §7.4 (Table 25, header field assignments) with the value grammar of §7.3 and the
 * presence columns of the PDU tables in §6. Codes 0x01..0x18 are MMS 1.0, 0x19..0x21 1.1, 0x22..0x33 1.2,
 * 0x34..0x3F 1.3.
 */
const ROWS: Row[] = [
  [0x01, 'Bcc', addr, '1.0', 'send-req:O* forward-req:O* mbox-descr:O*'],
  [0x02, 'Cc', addr, '1.0', 'send-req:O* retrieve-conf:O* forward-req:O* mbox-descr:O*'],
  [
    0x03,
    'X-Mms-Content-Location',
    ptext,
    '1.0',
    'notification-ind:M forward-req:M send-conf:O forward-conf:O mbox-store-req:M mbox-store-conf:O mbox-view-req:O* mbox-view-conf:O* mbox-upload-conf:O mbox-delete-req:M* mbox-delete-conf:O* mbox-descr:M delete-req:M* delete-conf:O*',
  ],
  [
    0x04,
    'Content-Type',
    contentTypeCodec,
    '1.0',
    'send-req:M retrieve-conf:M mbox-upload-req:M mbox-view-conf:O mbox-descr:O',
  ],
  [
    0x05,
    'Date',
    longCodec,
    '1.0',
    'send-req:O retrieve-conf:M delivery-ind:M read-rec-ind:O read-orig-ind:M forward-req:O mbox-descr:O',
  ],
  [
    0x06,
    'X-Mms-Delivery-Report',
    yesNo,
    '1.0',
    'send-req:O notification-ind:O retrieve-conf:O forward-req:O mbox-descr:O',
  ],
  [0x07, 'X-Mms-Delivery-Time', timeCodec, '1.0', 'send-req:O forward-req:O mbox-descr:O'],
  [0x08, 'X-Mms-Expiry', timeCodec, '1.0', 'send-req:O notification-ind:M forward-req:O mbox-descr:O'],
  [
    0x09,
    'From',
    fromCodec,
    '1.0',
    'send-req:M notification-ind:O retrieve-conf:O read-rec-ind:M read-orig-ind:M forward-req:M mbox-descr:O',
  ],
  [
    0x0a,
    'X-Mms-Message-Class',
    enumCodec(E.MESSAGE_CLASS, 'Message-class', true),
    '1.0',
    'send-req:O notification-ind:M retrieve-conf:O mbox-descr:O',
  ],
  [
    0x0b,
    'Message-ID',
    textCodec,
    '1.0',
    'send-conf:O retrieve-conf:O delivery-ind:M read-rec-ind:M read-orig-ind:M forward-conf:O mbox-descr:M',
  ],
  [0x0c, 'X-Mms-Message-Type', enumCodec(messageTypeTable(), 'Message-type'), '1.0', ALL],
  [0x0d, 'X-Mms-MMS-Version', versionCodec, '1.0', ALL],
  [0x0e, 'X-Mms-Message-Size', longCodec, '1.0', 'notification-ind:M mbox-descr:O'],
  [
    0x0f,
    'X-Mms-Priority',
    enumCodec(E.PRIORITY, 'Priority'),
    '1.0',
    'send-req:O notification-ind:O retrieve-conf:O mbox-descr:O',
  ],
  [0x10, 'X-Mms-Read-Report', yesNo, '1.0', 'send-req:O retrieve-conf:O forward-req:O mbox-descr:O'],
  [0x11, 'X-Mms-Report-Allowed', yesNo, '1.0', 'notifyresp-ind:O acknowledge-ind:O forward-req:O'],
  [
    0x12,
    'X-Mms-Response-Status',
    maybeIndexedCodec(enumCodec(E.RESPONSE_STATUS, 'Response-status')),
    '1.0',
    'send-conf:M forward-conf:M mbox-view-conf:M mbox-upload-conf:O mbox-delete-conf:O* delete-conf:O*',
  ],
  [
    0x13,
    'X-Mms-Response-Text',
    encodedStringCodec,
    '1.0',
    'send-conf:O forward-conf:O mbox-view-conf:O mbox-upload-conf:O mbox-delete-conf:O* delete-conf:O*',
  ],
  [0x14, 'X-Mms-Sender-Visibility', enumCodec(E.SENDER_VISIBILITY, 'Sender-visibility'), '1.0', 'send-req:O'],
  [0x15, 'X-Mms-Status', enumCodec(E.STATUS, 'Status'), '1.0', 'notifyresp-ind:M delivery-ind:M'],
  [0x16, 'Subject', encodedStringCodec, '1.0', 'send-req:O notification-ind:O retrieve-conf:O mbox-descr:O'],
  [
    0x17,
    'To',
    addr,
    '1.0',
    'send-req:O* retrieve-conf:O* delivery-ind:M read-rec-ind:M read-orig-ind:M forward-req:O* mbox-descr:O*',
  ],
  [
    0x18,
    'X-Mms-Transaction-Id',
    textCodec,
    '1.0',
    `send-req:M send-conf:M notification-ind:M notifyresp-ind:M retrieve-conf:O acknowledge-ind:M forward-req:M forward-conf:M ${MBOX_TID} mbox-descr:O delete-req:M delete-conf:M cancel-req:M cancel-conf:M`,
  ],
  [0x19, 'X-Mms-Retrieve-Status', enumCodec(E.RETRIEVE_STATUS, 'Retrieve-status'), '1.1', 'retrieve-conf:O'],
  [0x1a, 'X-Mms-Retrieve-Text', encodedStringCodec, '1.1', 'retrieve-conf:O'],
  [
    0x1b,
    'X-Mms-Read-Status',
    enumCodec(E.READ_STATUS, 'Read-status'),
    '1.1',
    'read-rec-ind:M read-orig-ind:M',
  ],
  [0x1c, 'X-Mms-Reply-Charging', enumCodec(E.REPLY_CHARGING, 'Reply-charging'), '1.1', RC],
  [0x1d, 'X-Mms-Reply-Charging-Deadline', timeCodec, '1.1', RC],
  [0x1e, 'X-Mms-Reply-Charging-ID', textCodec, '1.1', RC],
  [0x1f, 'X-Mms-Reply-Charging-Size', longCodec, '1.1', RC],
  [0x20, 'X-Mms-Previously-Sent-By', prevSentByCodec, '1.1', 'retrieve-conf:O* mbox-descr:O*'],
  [0x21, 'X-Mms-Previously-Sent-Date', prevSentDateCodec, '1.1', 'retrieve-conf:O* mbox-descr:O*'],
  [0x22, 'X-Mms-Store', yesNo, '1.2', 'send-req:O forward-req:O'],
  [
    0x23,
    'X-Mms-MM-State',
    enumCodec(E.MM_STATE, 'MM-state'),
    '1.2',
    'send-req:O retrieve-conf:O forward-req:O mbox-store-req:O mbox-view-req:O* mbox-view-conf:O* mbox-upload-req:O mbox-descr:O',
  ],
  [
    0x24,
    'X-Mms-MM-Flags',
    mmFlagsCodec,
    '1.2',
    'send-req:O* retrieve-conf:O* forward-req:O* mbox-store-req:O* mbox-view-req:O* mbox-view-conf:O* mbox-upload-req:O* mbox-descr:O*',
  ],
  [
    0x25,
    'X-Mms-Store-Status',
    enumCodec(E.STORE_STATUS, 'Store-status'),
    '1.2',
    'send-conf:O forward-conf:O mbox-store-conf:M mbox-upload-conf:O',
  ],
  [
    0x26,
    'X-Mms-Store-Status-Text',
    encodedStringCodec,
    '1.2',
    'send-conf:O forward-conf:O mbox-store-conf:O mbox-upload-conf:O',
  ],
  [0x27, 'X-Mms-Stored', yesNo, '1.2', 'notification-ind:O'],
  [0x28, 'X-Mms-Attributes', 'attributes', '1.2', 'mbox-view-req:O* mbox-view-conf:O*'],
  [0x29, 'X-Mms-Totals', yesNo, '1.2', 'mbox-view-req:O'],
  [0x2a, 'X-Mms-Mbox-Totals', quotaCodec, '1.2', 'mbox-view-conf:O*'],
  [0x2b, 'X-Mms-Quotas', yesNo, '1.2', 'mbox-view-req:O'],
  [0x2c, 'X-Mms-Mbox-Quotas', quotaCodec, '1.2', 'mbox-view-conf:O*'],
  [0x2d, 'X-Mms-Message-Count', integerCodec, '1.2', 'mbox-view-conf:O'],
  [0x2e, 'Content', textCodec, '1.2', ''],
  [0x2f, 'X-Mms-Start', integerCodec, '1.2', 'mbox-view-req:O mbox-view-conf:O'],
  [0x30, 'Additional-headers', textCodec, '1.2', ''],
  [0x31, 'X-Mms-Distribution-Indicator', yesNo, '1.2', 'notification-ind:O retrieve-conf:O'],
  [0x32, 'X-Mms-Element-Descriptor', elementDescriptorCodec, '1.2', 'notification-ind:O*'],
  [0x33, 'X-Mms-Limit', integerCodec, '1.2', 'mbox-view-req:O mbox-view-conf:O'],
  [
    0x34,
    'X-Mms-Recommended-Retrieval-Mode',
    enumCodec(E.RETRIEVAL_MODE, 'Retrieval-mode'),
    '1.3',
    'notification-ind:O',
  ],
  [0x35, 'X-Mms-Recommended-Retrieval-Mode-Text', encodedStringCodec, '1.3', 'notification-ind:O'],
  [0x36, 'X-Mms-Status-Text', encodedStringCodec, '1.3', 'delivery-ind:O'],
  [0x37, 'X-Mms-Applic-ID', textCodec, '1.3', APPLIC],
  [0x38, 'X-Mms-Reply-Applic-ID', textCodec, '1.3', APPLIC],
  [0x39, 'X-Mms-Aux-Applic-Info', textCodec, '1.3', APPLIC],
  [
    0x3a,
    'X-Mms-Content-Class',
    enumCodec(E.CONTENT_CLASS, 'Content-class'),
    '1.3',
    'send-req:O notification-ind:O retrieve-conf:O',
  ],
  [0x3b, 'X-Mms-DRM-Content', yesNo, '1.3', 'send-req:O notification-ind:O retrieve-conf:O'],
  [0x3c, 'X-Mms-Adaptation-Allowed', yesNo, '1.3', 'send-req:O'],
  [0x3d, 'X-Mms-Replace-ID', textCodec, '1.3', 'send-req:O notification-ind:O retrieve-conf:O'],
  [0x3e, 'X-Mms-Cancel-ID', textCodec, '1.3', 'cancel-req:M'],
  [0x3f, 'X-Mms-Cancel-Status', enumCodec(E.CANCEL_STATUS, 'Cancel-status'), '1.3', 'cancel-conf:M'],
];

function messageTypeTable(): E.EnumTable {
  const t: Record<number, string> = {};
  MMS_MESSAGE_TYPES.forEach((name, i) => {
    t[128 + i] = name;
  });
  return t;
}

/** Since-version of each message type (128..134 1.0, 135..138 1.1, 139..147 1.2, 148..151 1.3). */
export function messageTypeSince(type: MmsMessageType): MmsVersion {
  const i = MMS_MESSAGE_TYPES.indexOf(type);
  return i <= 6 ? '1.0' : i <= 10 ? '1.1' : i <= 19 ? '1.2' : '1.3';
}

export const MESSAGE_TYPE_CODES: E.EnumTable = messageTypeTable();

const byCode: Array<MmsHeaderDef | undefined> = [];
const byName = new Map<string, MmsHeaderDef>();

const attr = attributesCodec(
  (code) => byCode[code]?.name,
  (name) => byName.get(name.toLowerCase())?.code,
);

/** The MMS header table, in code order. */
export const MMS_HEADERS: readonly MmsHeaderDef[] = ROWS.map(([code, name, codec, since, spec]) => {
  const def: MmsHeaderDef = {
    name,
    code,
    codec: codec === 'attributes' ? attr : codec,
    pdus: pdus(spec),
    since,
    clause: `OMA-TS-MMS_ENC-V1_3 §7.3 (${name}); code in §7.4 Table 25`,
  };
  byCode[code] = def;
  byName.set(name.toLowerCase(), def);
  return def;
});

export function mmsHeaderByCode(code: number): MmsHeaderDef | undefined {
  return byCode[code];
}

/** Case-insensitive lookup; also accepts 'X-Mms-Transaction-ID' spellings. */
export function mmsHeaderByName(name: string): MmsHeaderDef | undefined {
  return byName.get(name.toLowerCase());
}

const responseTextEither = maybeIndexedCodec(encodedStringCodec);
/**
 * Codec used by Response-Text in m-delete-conf and m-mbox-delete-conf, where the field may carry the
 * Value-length Status-count-value prefix. There a charset-tagged text without an index would start with a
 * Value-length too and read back as an indexed value, so the encoder refuses it: give `{ index, value }`.
 */
export const INDEXED_RESPONSE_TEXT: ValueCodec = {
  grammar: responseTextEither.grammar,
  read: (r, field) => responseTextEither.read(r, field),
  write(w, v, field) {
    if (typeof v === 'object' && v !== null && 'charset' in v) {
      throw new EncodeError(-1, field, 'charset-tagged text is ambiguous here: use { index, value }');
    }
    responseTextEither.write(w, v, field);
  },
};
