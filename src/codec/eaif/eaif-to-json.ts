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

/**
 * The message type an EAIF observation carries on the timeline: `eaif-<X-NOKIA-MMSC-Message-Type>`
 * for a POST (`eaif-request` when it names none of the three), `eaif-answer` for its HTTP answer.
 */
export const EAIF_OBSERVATION_TYPES = [
  'eaif-MultiMediaMessage',
  'eaif-DeliveryReport',
  'eaif-ReadReply',
  'eaif-request',
  'eaif-answer',
] as const;

export function eaifObservationType(msg: EaifMessage): (typeof EAIF_OBSERVATION_TYPES)[number] {
  if (msg.kind === 'response') return 'eaif-answer';
  const t = eaifMessageType(msg);
  return t ? `eaif-${t}` : 'eaif-request';
}
