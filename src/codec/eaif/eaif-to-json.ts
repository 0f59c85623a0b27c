import type { JsonObject } from '../../util/json.ts';
import { mmsSummary } from '../mms/mms-summary.ts';
import { type EaifMessage, eaifCanonicalName, eaifMessageType } from './eaif-message.ts';

/**
 * The flat form peers publish as an EAIF observation's `fields`: `headers` by the table's
 * spelling (a repeated header as a list), `messageType`, `status` of an answer, `contentType`,
 * `bodySize` and `pdu` (the body's mmsSummary: MMS header names, parts).
 */
export function eaifToJson(msg: EaifMessage): JsonObject {
  const headers: JsonObject = {};
  for (const h of msg.headers) {
    const name = eaifCanonicalName(h.name);
    const prev = headers[name];
    if (prev === undefined) headers[name] = h.value;
    else if (Array.isArray(prev)) prev.push(h.value);
    else headers[name] = [prev, h.value];
  }
  const type = eaifMessageType(msg);
  return {
    kind: msg.kind,
    ...(type ? { messageType: type } : {}),
    ...(msg.status !== undefined ? { status: msg.status } : {}),
    contentType: msg.contentType,
    headers,
    bodySize: msg.body.byteLength,
    ...(msg.pdu ? { pdu: mmsSummary(msg.pdu) } : {}),
  };
}
