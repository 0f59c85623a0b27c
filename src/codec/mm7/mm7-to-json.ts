import type { Json, JsonObject } from '../../util/json.ts';
import { mimeToJson } from '../mime/mime-to-json.ts';
import type { Mm7Field, Mm7Message } from './mm7-message.ts';
import { mm7StatusText } from './mm7-status.ts';

function toJson(v: Mm7Field): Json {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toJson);
  const o: JsonObject = {};
  for (const [k, x] of Object.entries(v)) o[k] = toJson(x);
  return o;
}

/**
 * JSON view of an MM7 message for the timeline and reports: type, transactionId,
 * version, fields (as decoded), statusText from the table when a Status is present,
 * fault, and the content (see mimeToJson).
 */
export function mm7ToJson(msg: Mm7Message): JsonObject {
  const out: JsonObject = {
    type: msg.type,
    transactionId: msg.transactionId,
    version: msg.version,
    fields: toJson(msg.fields),
  };
  const st = msg.fields.Status;
  if (st && typeof st === 'object' && !Array.isArray(st) && typeof st.StatusCode === 'string') {
    const spec = mm7StatusText(Number(st.StatusCode));
    if (spec) out.statusMeaning = spec;
  }
  if (msg.fault) out.fault = { ...msg.fault };
  if (msg.content) out.content = mimeToJson(msg.content);
  return out;
}
