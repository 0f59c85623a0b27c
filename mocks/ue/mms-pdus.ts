import { charsetMib, encodeCharset } from '../../src/codec/charsets.ts';
import { isSampleMediaKind, SAMPLE_MEDIA_KINDS, sampleMedia } from '../../src/codec/media/sample-media.ts';
import {
  buildPdu,
  encodeMms,
  getHeader,
  type MmsPart,
  type MmsPdu,
  type MmsValue,
  mmsHeaderByName,
} from '../../src/codec/mms/index.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';
import type { MmsVersion } from './device-profile.ts';

/**
 * The PDUs a handset sends on MM1 (OMA-TS-MMS_ENC-V1_3 §6), built with the codec's
 * `buildPdu` (canonical header order) and `encodeMms` (validating).
 */

/** X-Mms-Status values a handset reports in m-notifyresp-ind (§7.3.54). */
export type NotifyStatus = 'Retrieved' | 'Rejected' | 'Deferred' | 'Unrecognised';

export interface SendPartSpec {
  contentType: string;
  text?: string;
  /** The charset `text` is encoded in and declared with (IANA name; default utf-8). */
  charset?: string;
  base64?: string;
  /** Instead of text/base64: this many octets of filler (size-limit cases without huge suites). */
  size?: number;
  /** Instead of text/base64: a sample file of this format (src/codec/media), `size` octets long when given. */
  media?: string;
  contentId?: string;
  name?: string;
}

export interface SendOptions {
  to?: string | string[];
  /** More To recipients, before those of `to`: `<prefix><first..first+count-1, 4 digits>` (limit cases). */
  toRange?: Json;
  cc?: string | string[];
  bcc?: string | string[];
  subject?: string;
  parts?: SendPartSpec[];
  deliveryReport?: boolean;
  readReport?: boolean;
  /** Relative expiry in seconds. */
  expiry?: number;
  messageClass?: string;
  priority?: string;
  /** Extra header fields by their table name, added as given (e.g. {'X-Mms-Sender-Visibility': 'Hide'}). */
  headers?: JsonObject;
  transactionId: string;
  version: MmsVersion;
}

/**
 * An address as MMS writes it (§8, Address encoding): a phone number becomes
 * `+E164/TYPE=PLMN`; an e-mail address or an already typed address is kept.
 */
export function mmsAddress(a: string): string {
  const s = a.trim();
  if (/\/TYPE=/i.test(s) || s.includes('@')) return s;
  if (/^\+?[0-9]{3,15}$/.test(s)) return `${s.startsWith('+') ? s : `+${s}`}/TYPE=PLMN`;
  return s;
}

function list(peer: string, field: string, v: unknown): string[] {
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  for (const x of arr)
    if (typeof x !== 'string' || !x) throw new PeerConfigError(peer, `${field} must be address strings`);
  return (arr as string[]).map(mmsAddress);
}

/** Multipart entries from the action's parts list; a SMIL part makes it multipart/related with start. */
function buildParts(
  peer: string,
  specs: SendPartSpec[],
): { parts: MmsPart[]; related?: { start: string; type: string } } {
  const parts: MmsPart[] = specs.map((p, i) => {
    if (typeof p.contentType !== 'string' || !/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(p.contentType)) {
      throw new PeerConfigError(peer, `part ${i}: bad contentType`);
    }
    let data: Uint8Array;
    let charset = 'utf-8';
    if (p.charset !== undefined) {
      if (typeof p.charset !== 'string' || charsetMib(p.charset) === undefined)
        throw new PeerConfigError(peer, `part ${i}: unknown charset ${String(p.charset)}`);
      if (typeof p.text !== 'string') throw new PeerConfigError(peer, `part ${i}: charset needs text`);
      charset = p.charset.toLowerCase();
    }
    const size =
      typeof p.size === 'number' && Number.isInteger(p.size) && p.size >= 0 && p.size <= 1 << 24
        ? p.size
        : undefined;
    if (p.media !== undefined) {
      if (!isSampleMediaKind(p.media))
        throw new PeerConfigError(
          peer,
          `part ${i}: media ${String(p.media)} unknown (${SAMPLE_MEDIA_KINDS.join(', ')})`,
        );
      data = sampleMedia(p.media, size ?? 0);
    } else if (typeof p.text === 'string') data = encodeCharset(p.text, charsetMib(charset) ?? 106);
    else if (typeof p.base64 === 'string') data = new Uint8Array(Buffer.from(p.base64, 'base64'));
    else if (size !== undefined) data = filler(size);
    else throw new PeerConfigError(peer, `part ${i}: needs text, base64, media or size (0..16 MiB)`);
    const params: Array<{ name: string; value: string | number | null }> = [];
    if (typeof p.text === 'string' && p.contentType.startsWith('text/'))
      params.push({ name: 'charset', value: charset });
    if (p.name) params.push({ name: 'name', value: p.name });
    const headers: MmsPart['headers'] = [];
    if (p.contentId) headers.push({ name: 'Content-ID', value: `<${p.contentId.replace(/^<|>$/g, '')}>` });
    if (p.name) headers.push({ name: 'Content-Location', value: p.name });
    return { contentType: { mediaType: p.contentType.toLowerCase(), params }, headers, data };
  });
  const smil = specs.findIndex((p) => p.contentType.toLowerCase() === 'application/smil');
  if (smil < 0) return { parts };
  const id = specs[smil].contentId?.replace(/^<|>$/g, '') ?? 'smil';
  if (!specs[smil].contentId) parts[smil].headers.push({ name: 'Content-ID', value: `<${id}>` });
  return { parts, related: { start: `<${id}>`, type: 'application/smil' } };
}

/** `n` octets cycling through printable ASCII, so a filler part is also valid text/plain. */
function filler(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = 0x21 + (i % 94);
  return out;
}

/**
 * `toRange`: `{ prefix, first?, count }` -> `<prefix><first..first+count-1>` with 4-digit suffixes (as the
 * HLR's add-subscribers and the remote MMSC's rcptRange). `count` is a number or `N-1` / `N+1`, so a case
 * aims one under or one past an ICS limit (`'{{ics.mm1.maxRecipients}}-1'`).
 */
export function rangeAddresses(peer: string, spec: Json | undefined): string[] {
  if (spec === undefined) return [];
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || typeof spec.prefix !== 'string')
    throw new PeerConfigError(peer, 'toRange is { prefix, first?, count }');
  const m = /^\s*(\d+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(String(spec.count));
  const count = m ? Number(m[1]) + (m[2] === '-' ? -1 : 1) * Number(m[3] ?? 0) : Number.NaN;
  const first = spec.first === undefined ? 1 : Number(spec.first);
  if (!Number.isInteger(count) || count < 0 || count > 10_000 || !Number.isInteger(first) || first < 0)
    throw new PeerConfigError(peer, 'toRange: count 0..10000 (or N-1, N+1), first a whole number');
  const prefix = spec.prefix;
  return Array.from({ length: count }, (_, i) =>
    mmsAddress(`${prefix}${String(first + i).padStart(4, '0')}`),
  );
}

export function sendReq(o: SendOptions, peer: string): Uint8Array {
  const to = [...rangeAddresses(peer, o.toRange), ...list(peer, 'to', o.to)];
  const cc = list(peer, 'cc', o.cc);
  const bcc = list(peer, 'bcc', o.bcc);
  if (to.length + cc.length + bcc.length === 0)
    throw new PeerConfigError(peer, 'send needs at least one of to, cc, bcc');
  const fields: Record<string, MmsValue | MmsValue[]> = {
    'X-Mms-Transaction-Id': o.transactionId,
    'X-Mms-MMS-Version': o.version,
    // Insert-address-token: the MMSC fills in the sender it authenticated (§7.3.21, CTR §6.1.1).
    From: { insertAddress: true },
  };
  if (to.length) fields.To = to;
  if (cc.length) fields.Cc = cc;
  if (bcc.length) fields.Bcc = bcc;
  if (o.subject !== undefined) fields.Subject = o.subject;
  if (o.messageClass !== undefined) fields['X-Mms-Message-Class'] = o.messageClass;
  if (o.priority !== undefined) fields['X-Mms-Priority'] = o.priority;
  if (o.expiry !== undefined) fields['X-Mms-Expiry'] = { relative: o.expiry };
  if (o.deliveryReport !== undefined) fields['X-Mms-Delivery-Report'] = o.deliveryReport ? 'Yes' : 'No';
  if (o.readReport !== undefined) fields['X-Mms-Read-Report'] = o.readReport ? 'Yes' : 'No';
  Object.assign(fields, extraHeaders(peer, o.headers));
  const specs = o.parts?.length ? o.parts : [{ contentType: 'text/plain', text: '' }];
  const { parts, related } = buildParts(peer, specs);
  fields['Content-Type'] = related
    ? {
        mediaType: 'application/vnd.wap.multipart.related',
        params: [
          { name: 'start', value: related.start },
          { name: 'type', value: related.type },
        ],
      }
    : { mediaType: 'application/vnd.wap.multipart.mixed', params: [] };
  return encodeMms(buildPdu('m-send-req', fields, parts));
}

/** The MMBox request of the `mbox` action (ENC 1.3 MMBox PDUs; the fields are the action's params). */
export interface MboxOptions {
  /** `delete-notified`: m-delete-req (MMS 1.3), discarding notified messages, not MMBox copies. */
  op: 'store' | 'view' | 'upload' | 'delete' | 'delete-notified';
  contentLocation?: string | string[];
  state?: string | string[];
  addFlags?: string[];
  removeFlags?: string[];
  filterFlags?: string[];
  start?: number;
  limit?: number;
  attributes?: string[];
  totals?: boolean;
  quotas?: boolean;
  /** upload: the message put into the MMBox */
  to?: string | string[];
  subject?: string;
  parts?: SendPartSpec[];
  transactionId: string;
  version: MmsVersion;
}

const MBOX_TYPES = {
  'delete-notified': 'm-delete-req',
  store: 'm-mbox-store-req',
  view: 'm-mbox-view-req',
  upload: 'm-mbox-upload-req',
  delete: 'm-mbox-delete-req',
} as const;

function flagValues(peer: string, o: MboxOptions): MmsValue[] {
  const out: MmsValue[] = [];
  const add = (op: 'Add' | 'Remove' | 'Filter', v: unknown) => {
    if (v === undefined) return;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x))
      throw new PeerConfigError(peer, `mbox: ${op.toLowerCase()}Flags must be a list of keywords`);
    for (const flag of v) out.push({ op, flag });
  };
  add('Add', o.addFlags);
  add('Remove', o.removeFlags);
  add('Filter', o.filterFlags);
  return out;
}

export function mboxReq(o: MboxOptions, peer: string): Uint8Array {
  const type = MBOX_TYPES[o.op];
  if (!type) throw new PeerConfigError(peer, 'mbox: op is store, view, upload, delete or delete-notified');
  const fields: Record<string, MmsValue | MmsValue[]> = {
    'X-Mms-Transaction-Id': o.transactionId,
    'X-Mms-MMS-Version': o.version,
  };
  // Which fields this request carries, and how many, is the header table's presence column.
  const presence = (name: string) => mmsHeaderByName(name)?.pdus[type];
  const put = (name: string, values: MmsValue[]) => {
    const p = presence(name);
    if (p && values.length) fields[name] = p.endsWith('*') ? values : values[0];
  };
  const locations = o.contentLocation === undefined ? [] : [o.contentLocation].flat().map(String);
  const where = presence('X-Mms-Content-Location');
  if (where?.startsWith('M') && locations.length === 0)
    throw new PeerConfigError(peer, `mbox ${o.op} needs contentLocation`);
  if (where === 'M' && locations.length !== 1)
    throw new PeerConfigError(peer, `mbox ${o.op} names one contentLocation`);
  put('X-Mms-Content-Location', locations);
  put('X-Mms-MM-State', o.state === undefined ? [] : [o.state].flat().map(String));
  put('X-Mms-MM-Flags', flagValues(peer, o));
  if (o.op === 'view') {
    if (o.start !== undefined) fields['X-Mms-Start'] = o.start;
    if (o.limit !== undefined) fields['X-Mms-Limit'] = o.limit;
    if (o.attributes?.length) fields['X-Mms-Attributes'] = o.attributes;
    if (o.totals) fields['X-Mms-Totals'] = 'Yes';
    if (o.quotas) fields['X-Mms-Quotas'] = 'Yes';
  }
  if (o.op !== 'upload') return encodeMms(buildPdu(type, fields));
  // The uploaded MM travels as an m-mbox-descr PDU in the body (Content-Type application/vnd.wap.mms-message).
  // A client's draft has no Message-ID or Content-Location yet, so that inner PDU is not validated.
  const descr: Record<string, MmsValue | MmsValue[]> = { 'X-Mms-MMS-Version': o.version };
  const to = list(peer, 'to', o.to);
  if (to.length) descr.To = to;
  if (o.subject !== undefined) descr.Subject = o.subject;
  const specs = o.parts?.length ? o.parts : [{ contentType: 'text/plain', text: '' }];
  const { parts } = buildParts(peer, specs);
  descr['Content-Type'] = { mediaType: 'application/vnd.wap.multipart.mixed', params: [] };
  const body = encodeMms(buildPdu('m-mbox-descr', descr, parts), { validate: false });
  fields['Content-Type'] = 'application/vnd.wap.mms-message';
  return encodeMms(buildPdu(type, fields, body));
}

/**
 * The `headers` parameter of a handset action: extra header fields by table name (`X-Mms-Priority:
 * High`, or a number 128..255 for an unknown well-known value), application headers (`X-Trace: t`)
 * and unknown field codes (`Unknown-0x45: '81'`, the value's octets in hex), added as given.
 */
export function extraHeaders(peer: string, headers: Json | undefined): Record<string, MmsValue | MmsValue[]> {
  if (headers === undefined) return {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    throw new PeerConfigError(peer, 'headers must be an object');
  const out: Record<string, MmsValue | MmsValue[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (/^Unknown-0x[0-9a-f]{2}$/i.test(k)) {
      if (typeof v !== 'string' || !/^([0-9a-f]{2})+$/i.test(v))
        throw new PeerConfigError(peer, `header ${k}: the value's octets in hex`);
      out[k] = new Uint8Array(Buffer.from(v, 'hex'));
    } else out[k] = jsonToValue(peer, k, v);
  }
  return out;
}

/** Encodes a handset PDU; with extra headers unvalidated (they may be deliberately unknown). */
function encodeWith(pdu: MmsPdu, extras: Record<string, unknown>): Uint8Array {
  return encodeMms(pdu, Object.keys(extras).length ? { validate: false } : {});
}

function jsonToValue(peer: string, name: string, v: Json): MmsValue | MmsValue[] {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as unknown as MmsValue;
  throw new PeerConfigError(peer, `header ${name}: unsupported value`);
}

export function notifyRespInd(o: {
  transactionId: string;
  status: NotifyStatus;
  version: MmsVersion;
  reportAllowed?: boolean;
  extra?: Record<string, MmsValue | MmsValue[]>;
}): Uint8Array {
  const fields: Record<string, MmsValue | MmsValue[]> = {
    'X-Mms-Transaction-Id': o.transactionId,
    'X-Mms-MMS-Version': o.version,
    'X-Mms-Status': o.status,
  };
  if (o.reportAllowed !== undefined) fields['X-Mms-Report-Allowed'] = o.reportAllowed ? 'Yes' : 'No';
  const extra = o.extra ?? {};
  return encodeWith(buildPdu('m-notifyresp-ind', { ...fields, ...extra }), extra);
}

export function acknowledgeInd(o: {
  transactionId: string;
  version: MmsVersion;
  reportAllowed?: boolean;
  extra?: Record<string, MmsValue | MmsValue[]>;
}): Uint8Array {
  const fields: Record<string, MmsValue | MmsValue[]> = {
    'X-Mms-Transaction-Id': o.transactionId,
    'X-Mms-MMS-Version': o.version,
  };
  if (o.reportAllowed !== undefined) fields['X-Mms-Report-Allowed'] = o.reportAllowed ? 'Yes' : 'No';
  const extra = o.extra ?? {};
  return encodeWith(buildPdu('m-acknowledge-ind', { ...fields, ...extra }), extra);
}

/** m-cancel-conf (MMS 1.2+): the client's answer to an m-cancel-req, with X-Mms-Cancel-Status. */
export function cancelConf(o: {
  transactionId: string;
  version: MmsVersion;
  status: 'Cancel-request-successfully-received' | 'Cancel-request-corrupted';
}): Uint8Array {
  return encodeWith(
    buildPdu('m-cancel-conf', {
      'X-Mms-Transaction-Id': o.transactionId,
      'X-Mms-MMS-Version': o.version,
      'X-Mms-Cancel-Status': o.status,
    }),
    {},
  );
}

/** m-read-rec-ind (§6.7.2, MMS 1.1+): the recipient's read report to the original sender. */
export function readRecInd(o: {
  messageId: string;
  to: string;
  status: 'Read' | 'Deleted';
  version: MmsVersion;
  extra?: Record<string, MmsValue | MmsValue[]>;
}): Uint8Array {
  const extra = o.extra ?? {};
  return encodeWith(
    buildPdu('m-read-rec-ind', {
      'X-Mms-MMS-Version': o.version,
      'Message-ID': o.messageId,
      To: [mmsAddress(o.to)],
      From: { insertAddress: true },
      'X-Mms-Read-Status': o.status === 'Read' ? 'Read' : 'Deleted-without-being-read',
      ...extra,
    }),
    extra,
  );
}

/** m-forward-req (§6.5.1, MMS 1.1+): forward a message stored at the MMSC without retrieving it. */
export function forwardReq(
  o: {
    transactionId: string;
    to: string[];
    contentLocation: string;
    version: MmsVersion;
    extra?: Record<string, MmsValue | MmsValue[]>;
  },
  peer: string,
): Uint8Array {
  const to = list(peer, 'to', o.to);
  const extra = o.extra ?? {};
  return encodeWith(
    buildPdu('m-forward-req', {
      'X-Mms-Transaction-Id': o.transactionId,
      'X-Mms-MMS-Version': o.version,
      From: { insertAddress: true },
      To: to,
      'X-Mms-Content-Location': o.contentLocation,
      ...extra,
    }),
    extra,
  );
}

/** A header as text: strings as they are, encoded-strings' text, numbers in decimal, addresses. */
export function headerText(pdu: MmsPdu, name: string): string | undefined {
  const v = getHeader(pdu, name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if ('text' in v && typeof v.text === 'string') return v.text;
  if ('mediaType' in v)
    return typeof v.mediaType === 'string' ? v.mediaType : `0x${v.mediaType.toString(16)}`;
  if ('insertAddress' in v) return undefined;
  if ('address' in v) return typeof v.address === 'string' ? v.address : v.address.text;
  return JSON.stringify(v);
}
