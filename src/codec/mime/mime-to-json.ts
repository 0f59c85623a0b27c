import type { JsonObject } from '../../util/json.ts';
import { bytesToJson } from '../../util/json.ts';
import type { MimeEntity } from './mime-entity.ts';

const TEXTUAL = /^(text\/|application\/(smil|xml|json|soap\+xml)$|.*\+xml$)/;

/**
 * JSON view of a MIME entity: type, parameters, ids, size, and the content as text (for
 * textual types that decode as UTF-8) or `{ $base64 }`; multiparts list their parts.
 */
export function mimeToJson(e: MimeEntity): JsonObject {
  const out: JsonObject = { contentType: e.contentType };
  if (Object.keys(e.params).length) out.params = { ...e.params };
  if (e.contentId !== undefined) out.contentId = e.contentId;
  if (e.contentLocation !== undefined) out.contentLocation = e.contentLocation;
  const extra = e.headers.filter((h) => !/^(content-type|content-id|content-location)$/i.test(h.name));
  if (extra.length) out.headers = extra.map((h) => ({ name: h.name, value: h.value }));
  if (e.parts) {
    out.parts = e.parts.map(mimeToJson);
    return out;
  }
  out.size = e.body.length;
  if (TEXTUAL.test(e.contentType)) {
    try {
      out.text = new TextDecoder('utf-8', { fatal: true }).decode(e.body);
      return out;
    } catch {
      // not UTF-8: fall through to base64
    }
  }
  out.body = bytesToJson(e.body);
  return out;
}
