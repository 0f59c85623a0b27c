import type { JsonObject } from '../../util/json.ts';
import { mimeToJson } from '../mime/mime-to-json.ts';
import type { Mm4Message } from './mm4-message.ts';

/**
 * JSON view of an MM4 message for the timeline and reports: `type`, `headers` keyed by
 * field name (a list when a field repeats) and `content` (see mimeToJson).
 */
export function mm4ToJson(msg: Mm4Message): JsonObject {
  const headers: JsonObject = {};
  for (const h of msg.headers) {
    const prev = headers[h.name];
    if (prev === undefined) headers[h.name] = h.value;
    else if (Array.isArray(prev)) prev.push(h.value);
    else headers[h.name] = [prev, h.value];
  }
  const out: JsonObject = { type: msg.type, headers };
  if (msg.content) out.content = mimeToJson(msg.content);
  return out;
}
