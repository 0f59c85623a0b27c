import { ByteReader, ByteWriter } from '../bytes.ts';
import { DecodeError, EncodeError } from '../codec-error.ts';
import {
  type ContentType,
  mediaTypeText,
  readContentType,
  readHeaders,
  readUintvar,
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
