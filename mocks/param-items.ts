import { MM4_MESSAGE_FIELD_NAMES } from '../src/codec/mm4/mm4-headers.ts';
import { MMS_HEADERS } from '../src/codec/mms/header-table.ts';
import type { SendPartSpec } from './ue/mms-pdus.ts';

/**
 * The keys of the objects inside list parameters of actions (`with: { parts: [{ ... }] }`), by
 * action and parameter, one table a peer kind (its row in mocks/peer-kinds.ts names it): what the strict suite check (src/harness/suite-strict.ts)
 * holds each item to, so a misspelt key inside a part is refused rather than ignored. Typed
 * from the peers' own specs where they have one (type-only imports).
 */
export type ParamItems = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

const SEND_PART_KEYS = [
  'contentType',
  'text',
  'charset',
  'base64',
  'size',
  'media',
  'contentId',
  'name',
] as const satisfies ReadonlyArray<keyof SendPartSpec>;
// and every key of SendPartSpec is listed: a key added there and not here does not compile
type Unlisted = Exclude<keyof SendPartSpec, (typeof SEND_PART_KEYS)[number]>;
export const SEND_PART_KEYS_COMPLETE: [Unlisted] extends [never] ? true : never = true;

/** Handsets (ue): the parts of `send` and `mbox`. */
export const HANDSET_PARAM_ITEMS: ParamItems = {
  send: { parts: SEND_PART_KEYS },
  mbox: { parts: SEND_PART_KEYS },
};
/** The remote MMSC: the parts of `forward` (mocks/remote-mmsc/remote-mmsc.ts forwardParts). */
export const REMOTE_MMSC_PARAM_ITEMS: ParamItems = {
  forward: { parts: ['contentType', 'content', 'charset', 'media', 'size', 'contentId', 'filename'] },
};
/** The MTA (mail): the attachments of `send` (mail-mta.ts attachmentSpec). */
export const MAIL_PARAM_ITEMS: ParamItems = {
  send: { attachments: ['filename', 'contentType', 'cid', 'content', 'size'] },
};

/**
 * The header-map parameters of actions (`with: { headers: { Name: value } }`), by action and
 * parameter: the field names the peer writes as fields. Any other name is sent as it is (an
 * application or extension header, which tolerance cases need), so the strict check refuses only
 * a name NEAR a field's (a slip that would silently become such a header: `X-Mms-Priorty`).
 */
export type ParamHeaders = Readonly<
  Record<string, Readonly<Record<string, { names: readonly string[]; what: string }>>>
>;

/** Handsets (ue): `send` (and every other PDU's) headers are MMS fields by their table name (OMA-TS-MMS_ENC §7.3). */
const MMS_FIELD_HEADERS = {
  headers: {
    names: MMS_HEADERS.map((h) => h.name),
    what: 'an MMS field; any other name goes out as an Application-header (OMA-TS-MMS_ENC §7.1)',
  },
};
export const HANDSET_PARAM_HEADERS: ParamHeaders = {
  send: MMS_FIELD_HEADERS,
  notifyresp: MMS_FIELD_HEADERS,
  acknowledge: MMS_FIELD_HEADERS,
  'read-report': MMS_FIELD_HEADERS,
  forward: MMS_FIELD_HEADERS,
};

/** The remote MMSC: `forward` headers are MM4 fields (3GPP TS 23.140 §8.4) or RFC 5322 ones. */
export const REMOTE_MMSC_PARAM_HEADERS: ParamHeaders = {
  forward: {
    headers: {
      names: MM4_MESSAGE_FIELD_NAMES,
      what: 'an MM4 or RFC 5322 field; any other name goes out as an extension field',
    },
  },
};
