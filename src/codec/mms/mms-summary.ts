import type { Json, JsonObject } from '../../util/json.ts';
import { charsetMib, charsetName, decodeCharset, isSupportedCharset } from '../charsets.ts';
import { type ContentType, mediaTypeText, type WspHeaderValue } from '../wsp/index.ts';
import { MMS_HEADERS } from './header-table.ts';
import type { MmsPdu, MmsValue } from './types.ts';

const REPEATABLE = new Set(
  MMS_HEADERS.filter((h) => Object.values(h.pdus).some((p) => p?.endsWith('*'))).map((h) => h.name),
);

function flat(v: MmsValue): Json {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if ('text' in v && 'charset' in v) return v.text;
  if ('mediaType' in v) return mediaTypeText(v as ContentType);
  if ('insertAddress' in v) return '#insert-address';
  if ('address' in v)
    return { count: v.count, address: typeof v.address === 'string' ? v.address : v.address.text };
  if ('flag' in v) return { op: v.op, flag: typeof v.flag === 'string' ? v.flag : v.flag.text };
  if ('index' in v) return { index: v.index, value: flat(v.value as MmsValue) };
  return v as unknown as JsonObject;
}

/**
 * A Content-Type's parameters by name (WAP-230-WSP §8.4.2.4: charset, name, filename, start, type ...),
 * charset as its IANA name where the MIBenum is known; undefined when there are none.
 */
export function contentTypeParams(ct: ContentType): JsonObject | undefined {
  if (ct.params.length === 0) return undefined;
  const o: JsonObject = {};
  for (const p of ct.params) {
    if (p.name in o) continue;
    o[p.name] =
      p.name === 'charset' && typeof p.value === 'number' ? (charsetName(p.value) ?? p.value) : p.value;
  }
  return o;
}

function partText(v: WspHeaderValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The flat form every peer publishes as the `fields` of an MMS 'message' observation: spec header names as
 * keys, arrays only for repeatable headers, encoded strings as their text, Content-Type as its media type,
 * plus `parts: [{ contentType, params?, contentId?, contentLocation?, size, head, charset?, text? }]` for
 * multipart bodies (params: the part's Content-Type parameters; head: the first 8 octets in hex; text: a
 * text part of up to 2048 octets in its charset) and `contentTypeParams` (the PDU's own Content-Type
 * parameters: start, type of a multipart/related).
 */
export function mmsSummary(pdu: MmsPdu): JsonObject {
  const out: JsonObject = {};
  for (const h of pdu.headers) {
    const v = flat(h.value);
    if (REPEATABLE.has(h.name)) {
      const prev = out[h.name];
      if (Array.isArray(prev)) prev.push(v);
      else out[h.name] = [v];
    } else if (!(h.name in out)) out[h.name] = v;
    if (h.name === 'Content-Type' && typeof h.value === 'object' && 'mediaType' in h.value) {
      const params = contentTypeParams(h.value as ContentType);
      if (params && !('contentTypeParams' in out)) out.contentTypeParams = params;
    }
  }
  if (pdu.parts) {
    out.parts = pdu.parts.map((p) => {
      const o: JsonObject = { contentType: mediaTypeText(p.contentType) };
      const params = contentTypeParams(p.contentType);
      if (params) o.params = params;
      for (const h of p.headers) {
        if (h.name === 'Content-ID' && o.contentId === undefined) {
          const id = partText(h.value);
          if (id !== undefined) o.contentId = id;
        } else if (h.name === 'Content-Location' && o.contentLocation === undefined) {
          const loc = partText(h.value);
          if (loc !== undefined) o.contentLocation = loc;
        }
      }
      o.size = p.data.length;
      // the first octets (a file's magic: ffd8ff JPEG, 474946 GIF...) and, for a short text part,
      // its text in its declared charset: what a content check on the wire needs, in a few octets
      o.head = Buffer.from(p.data.subarray(0, 8)).toString('hex');
      const cs = p.contentType.params.find((x) => x.name.toLowerCase() === 'charset')?.value;
      const mib = typeof cs === 'number' ? cs : typeof cs === 'string' ? charsetMib(cs) : undefined;
      if (mib !== undefined) o.charset = charsetName(mib) ?? mib;
      if (/^text\//i.test(mediaTypeText(p.contentType)) && p.data.length <= 2048) {
        const m = mib ?? 3; // no charset: us-ascii (RFC 2046 §4.1.2)
        if (isSupportedCharset(m)) o.text = decodeCharset(p.data, m);
      }
      return o;
    });
  }
  if (pdu.body) out.bodySize = pdu.body.length;
  return out;
}
