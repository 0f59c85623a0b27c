import { ByteCounter, ByteReader, ByteWriter } from '../bytes.ts';
import { DecodeError, EncodeError } from '../codec-error.ts';
import {
  type ContentType,
  mediaTypeText,
  readContentType,
  readHeader,
  readHeaders,
  readRawValue,
  readUintvar,
  uintvarLength,
  type WspHeader,
  writeContentType,
  writeHeaders,
  writeUintvar,
} from '../wsp/index.ts';

/**
 * Connectionless WSP Push / ConfirmedPush PDU (WAP-230-WSP §8.2.4.1, with the TID octet of
 * connectionless mode, §8.2.1):
 *   TID(1) Type(1) HeadersLen(uintvar) ContentType Headers Data
 * HeadersLen counts the ContentType and Headers octets together.
 */

/** PDU type assignments (WAP-230-WSP Table 34). */
export const WSP_PDU_TYPES = { Push: 0x06, ConfirmedPush: 0x07 } as const;
export type WspPushType = keyof typeof WSP_PDU_TYPES;
const TYPE_BY_CODE = new Map(Object.entries(WSP_PDU_TYPES).map(([k, v]) => [v, k as WspPushType]));

/** Push application ids (OMA push registry / WINA): the MMS user agent is 0x04. */
export const PUSH_APP_IDS = {
  'x-wap-application:*': 0x00,
  'x-wap-application:push.sia': 0x01,
  'x-wap-application:wml.ua': 0x02,
  'x-wap-application:wta.ua': 0x03,
  'x-wap-application:mms.ua': 0x04,
  'x-wap-application:push.syncml': 0x05,
  'x-wap-application:loc.ua': 0x06,
  'x-wap-application:syncml.dm': 0x07,
  'x-wap-application:drm.ua': 0x08,
  'x-wap-application:emn.ua': 0x09,
  'x-wap-application:wv.ua': 0x0a,
} as const;
export const MMS_UA_APP_ID = PUSH_APP_IDS['x-wap-application:mms.ua'];
export const MMS_MESSAGE_MEDIA = 'application/vnd.wap.mms-message';

export interface WspPush {
  /** Transaction id octet of connectionless WSP; absent when decoded in connection mode. */
  tid?: number;
  pduType: WspPushType;
  contentType: ContentType;
  headers: WspHeader[];
  /** The pushed content (a view of the input when decoded). */
  body: Uint8Array;
}

export function decodeWspPush(buf: Uint8Array, opts: { connectionless?: boolean } = {}): WspPush {
  const r = new ByteReader(buf);
  const tid = opts.connectionless === false ? undefined : r.u8('TID');
  const typeAt = r.offset;
  const code = r.u8('PDU-Type');
  const pduType = TYPE_BY_CODE.get(code as 0x06 | 0x07);
  if (!pduType)
    throw new DecodeError(
      typeAt,
      'PDU-Type',
      `0x${code.toString(16)} is not Push (0x06) or ConfirmedPush (0x07)`,
    );
  const headersLen = readUintvar(r, 'HeadersLen');
  const h = r.sub(headersLen, 'Headers');
  const contentType = readContentType(h, 'Content-Type');
  const headers = readHeaders(h, 'Headers');
  const body = r.bytes(r.remaining, 'Data');
  return { tid, pduType, contentType, headers, body };
}

/** What decodeWspPushLenient could read of a push, and what it could not. */
export interface LenientWspPush {
  /** Absent when not even the fixed part (TID, PDU type, HeadersLen) could be read. */
  push?: WspPush;
  /** Each place the bytes broke WAP-230-WSP; empty exactly when decodeWspPush accepts them. */
  defects: DecodeError[];
}

const asDecodeError = (e: unknown, at: number, field: string): DecodeError =>
  e instanceof DecodeError ? e : new DecodeError(at, field, e instanceof Error ? e.message : String(e));

/**
 * decodeWspPush as a tolerant handset reads it. The headers block is delimited by HeadersLen
 * (§8.2.4.1), so the pushed data is found whatever is wrong inside it: a Content-Type that does not
 * decode is stepped over by the generic field-value rule (§8.4.1.2) and the headers after it are still
 * read; a header that breaks the header grammar ends the headers. Without a Content-Type the push is
 * taken for an MMS notification when X-Wap-Application-Id names the MMS user agent (push dispatching
 * is by application id, WAP-235 §7), else for application/octet-stream. Never throws.
 */
export function decodeWspPushLenient(
  buf: Uint8Array,
  opts: { connectionless?: boolean } = {},
): LenientWspPush {
  try {
    return { push: decodeWspPush(buf, opts), defects: [] };
  } catch {
    // read again below, part by part
  }
  const defects: DecodeError[] = [];
  const r = new ByteReader(buf);
  let tid: number | undefined;
  let pduType: WspPushType | undefined;
  let h: ByteReader;
  try {
    tid = opts.connectionless === false ? undefined : r.u8('TID');
    const typeAt = r.offset;
    const code = r.u8('PDU-Type');
    pduType = TYPE_BY_CODE.get(code as 0x06 | 0x07);
    if (!pduType)
      r.fail('PDU-Type', `0x${code.toString(16)} is not Push (0x06) or ConfirmedPush (0x07)`, typeAt);
    h = r.sub(readUintvar(r, 'HeadersLen'), 'Headers');
  } catch (e) {
    defects.push(asDecodeError(e, r.offset, 'PDU-Type'));
    return { defects };
  }
  let contentType: ContentType | undefined;
  const ctAt = h.offset;
  try {
    contentType = readContentType(h, 'Content-Type');
  } catch (e) {
    defects.push(asDecodeError(e, ctAt, 'Content-Type'));
    h.offset = ctAt;
    try {
      readRawValue(h, 'Content-Type');
    } catch {
      h.offset = h.end;
    }
  }
  const headers: WspHeader[] = [];
  while (!h.atEnd()) {
    const at = h.offset;
    try {
      headers.push(readHeader(h, 'Headers'));
    } catch (e) {
      defects.push(asDecodeError(e, at, 'Headers'));
      break;
    }
  }
  const body = buf.subarray(r.offset);
  const push: WspPush = {
    tid,
    pduType: pduType as WspPushType,
    contentType: { mediaType: 'application/octet-stream', params: [] },
    headers,
    body,
  };
  if (contentType) push.contentType = contentType;
  else {
    const app = pushApplicationId(push);
    if (app === MMS_UA_APP_ID || app === 'x-wap-application:mms.ua')
      push.contentType = { mediaType: MMS_MESSAGE_MEDIA, params: [] };
  }
  return { push, defects };
}

/** The clause a defect in a push's `field` breaks (WAP-230-WSP). */
export function wspPushDefectClause(field: string): string {
  if (field === 'Content-Type') return 'WAP-230-WSP §8.4.2.24 (Content-type-value)';
  if (field === 'TID' || field === 'PDU-Type' || field === 'HeadersLen')
    return 'WAP-230-WSP §8.2.4.1 (Push PDU)';
  return 'WAP-230-WSP §8.4 (header encoding)';
}

/**
 * The octets encodeWspPush(push) writes (dns-packet's encodingLength): TID when given, PDU type,
 * HeadersLen as a uintvar (WAP-230 §8.2.4.1), the headers measured by their own writers over a
 * ByteCounter, then the body.
 */
export function encodingLengthWspPush(push: WspPush): number {
  const hw = new ByteCounter();
  writeContentType(hw, push.contentType, 'Content-Type');
  writeHeaders(hw, push.headers, 'Headers');
  return (push.tid !== undefined ? 1 : 0) + 1 + uintvarLength(hw.length) + hw.length + push.body.length;
}

export function encodeWspPush(push: WspPush): Uint8Array {
  const hw = new ByteWriter(64);
  writeContentType(hw, push.contentType, 'Content-Type');
  writeHeaders(hw, push.headers, 'Headers');
  const headerBytes = hw.finish();
  const w = new ByteWriter(headerBytes.length + push.body.length + 8);
  if (push.tid !== undefined) {
    if (!Number.isInteger(push.tid) || push.tid < 0 || push.tid > 255)
      throw new EncodeError(-1, 'TID', 'must be 0..255');
    w.u8(push.tid);
  }
  w.u8(WSP_PDU_TYPES[push.pduType]);
  writeUintvar(w, headerBytes.length, 'HeadersLen');
  w.bytes(headerBytes).bytes(push.body);
  return w.finish();
}

/** The push that carries an m-notification-ind to the MMS user agent (OMA-TS-MMS_CTR §7.1.2, WAP-251). */
export function mmsNotificationPush(notification: Uint8Array, tid = 0): WspPush {
  return {
    tid,
    pduType: 'Push',
    contentType: { mediaType: MMS_MESSAGE_MEDIA, params: [] },
    headers: [{ name: 'X-Wap-Application-Id', value: MMS_UA_APP_ID }],
    body: notification,
  };
}

/** The application id a push addresses: a number from PUSH_APP_IDS, a URI string, or undefined. */
export function pushApplicationId(push: WspPush): string | number | undefined {
  const v = push.headers.find((h) => h.name === 'X-Wap-Application-Id')?.value;
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

export function isMmsPush(push: WspPush): boolean {
  return mediaTypeText(push.contentType) === MMS_MESSAGE_MEDIA;
}
