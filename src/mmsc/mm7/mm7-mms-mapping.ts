import type { MimeEntity } from '../../codec/mime/index.ts';
import type { Mm7Field, Mm7Fields } from '../../codec/mm7/index.ts';
import {
  type ContentType,
  type ContentTypeParam,
  getHeader,
  type MmsPart,
  type MmsPdu,
  type MmsValue,
} from '../../codec/mms/index.ts';
import { mediaName } from '../../codec/wsp/index.ts';
import { parseMmsAddress } from '../mm5/address.ts';

/**
 * Mapping between MM7 (TS 23.140 §8.7) and the MMS PDUs the reference MMSC stores
 * (OMA-TS-MMS_ENC 1.3): a SubmitReq's addresses and content become an m-send-req, a stored
 * PDU's content becomes the DeliverReq content. Pure functions, no I/O.
 */

/** One address of an MM7 address element (TS 23.140 Annex L AddressType). */
export interface Mm7AddressItem {
  kind: 'Number' | 'RFC2822Address' | 'ShortCode';
  value: string;
  /** `displayOnly="true"`: shown to recipients, never delivered to (Annex L, Rel-6). */
  displayOnly: boolean;
}

const ADDRESS_KINDS = ['Number', 'RFC2822Address', 'ShortCode'] as const;

function isObj(v: Mm7Field | undefined): v is Mm7Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a simple element (a string, or `#text` of one with attributes). */
export function mm7Text(v: Mm7Field | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (isObj(v) && typeof v['#text'] === 'string') return v['#text'];
  return undefined;
}

/** The addresses of an address element value (`{Number: [...], ShortCode: [...]}`). */
export function mm7Addresses(v: Mm7Field | undefined): Mm7AddressItem[] {
  if (!isObj(v)) return [];
  const out: Mm7AddressItem[] = [];
  for (const kind of ADDRESS_KINDS) {
    const x = v[kind];
    if (x === undefined) continue;
    for (const item of Array.isArray(x) ? x : [x]) {
      const value = mm7Text(item)?.trim();
      if (!value) continue;
      const displayOnly = isObj(item) && /^(true|1)$/.test(String(item['@displayOnly'] ?? ''));
      out.push({ kind, value, displayOnly });
    }
  }
  return out;
}

/**
 * The MMS address (ENC §8) of an MM7 address: Number `+4915…` → `+4915…/TYPE=PLMN`,
 * ShortCode `12345` → `12345/TYPE=PLMN` (a national number the MM5 router matches against
 * VASP short codes), RFC2822Address kept. Undefined for a value no MMS address can carry.
 */
export function mmsAddressOf(a: Pick<Mm7AddressItem, 'kind' | 'value'>): string | undefined {
  if (a.kind === 'RFC2822Address') {
    const m = /<([^<>]+@[^<>]+)>\s*$/.exec(a.value);
    const addr = (m ? m[1] : a.value).trim();
    return /^[^\s@]+@[A-Za-z0-9.-]+$/.test(addr) ? addr : undefined;
  }
  const digits = a.value.replace(/\/TYPE=PLMN$/i, '').replace(/[\s-]/g, '');
  if (!/^\+?\d{1,20}$/.test(digits)) return undefined;
  return `${digits}/TYPE=PLMN`;
}

/** The MM7 address element of an MMS address: PLMN → Number (or ShortCode without '+'), e-mail → RFC2822Address. */
export function mm7AddressOf(mmsAddress: string): Mm7Fields {
  const a = parseMmsAddress(mmsAddress);
  if (a?.kind === 'plmn') {
    return a.international ? { Number: [`+${a.digits}`] } : { ShortCode: [a.digits] };
  }
  if (a?.kind === 'email') return { RFC2822Address: [`${a.local}@${a.domain}`] };
  return { ShortCode: [mmsAddress] };
}

const CHARSET_MIB: Record<string, number> = { 'us-ascii': 3, 'iso-8859-1': 4, 'utf-8': 106, 'utf-16': 1015 };
const MIB_CHARSET: Record<number, string> = Object.fromEntries(
  Object.entries(CHARSET_MIB).map(([k, v]) => [v, k]),
);

/** A MIME entity of the SOAP attachment as an MMS part (Content-ID and Content-Location kept). */
export function mimeToMmsPart(e: MimeEntity): MmsPart {
  const params: ContentTypeParam[] = Object.entries(e.params)
    .filter(([k]) => k !== 'boundary')
    .map(([name, value]) => ({
      name,
      value: name === 'charset' ? (CHARSET_MIB[value.toLowerCase()] ?? value) : value,
    }));
  const headers: MmsPart['headers'] = [];
  if (e.contentId !== undefined) headers.push({ name: 'Content-ID', value: `<${e.contentId}>` });
  if (e.contentLocation !== undefined) headers.push({ name: 'Content-Location', value: e.contentLocation });
  return { contentType: { mediaType: e.contentType, params }, headers, data: e.body };
}

function mediaTypeText(ct: ContentType): string {
  const m =
    typeof ct.mediaType === 'number' ? (mediaName(ct.mediaType) ?? 'application/octet-stream') : ct.mediaType;
  return m.toLowerCase();
}

/** An MMS part as a MIME entity for the DeliverReq attachment. */
export function mmsPartToMime(p: MmsPart): MimeEntity {
  const params: Record<string, string> = {};
  for (const x of p.contentType.params) {
    if (x.value === null) continue;
    if (x.name === 'charset' && typeof x.value === 'number')
      params.charset = MIB_CHARSET[x.value] ?? String(x.value);
    else if (x.name === 'type' && typeof x.value === 'number')
      params.type = mediaName(x.value) ?? String(x.value);
    else params[x.name.toLowerCase()] = String(x.value);
  }
  const e: MimeEntity = {
    headers: [],
    contentType: mediaTypeText(p.contentType).replace(/^application\/vnd\.wap\.multipart\./, 'multipart/'),
    params,
    body: p.data,
  };
  for (const h of p.headers) {
    const v = typeof h.value === 'string' ? h.value : undefined;
    if (v === undefined) continue;
    if (/^content-id$/i.test(h.name)) e.contentId = v.replace(/^<|>$/g, '');
    else if (/^content-location$/i.test(h.name)) e.contentLocation = v;
  }
  return e;
}

/**
 * The MMS body of a SubmitReq/ReplaceReq attachment: a multipart attachment keeps its parts
 * and becomes application/vnd.wap.multipart.<subtype> (with type/start for related); a single
 * media object becomes a one-part multipart/mixed MM (what handsets expect, ENC §5.1); no
 * attachment gives an empty multipart/mixed.
 */
export function mmsBodyOf(content: MimeEntity | undefined): { contentType: ContentType; parts: MmsPart[] } {
  if (!content) {
    return { contentType: { mediaType: 'application/vnd.wap.multipart.mixed', params: [] }, parts: [] };
  }
  if (content.parts) {
    const sub = content.contentType.replace(/^multipart\//, '');
    const params: ContentTypeParam[] = [];
    if (content.params.type) params.push({ name: 'type', value: content.params.type });
    if (content.params.start) params.push({ name: 'start', value: content.params.start });
    const wapSub = ['related', 'mixed', 'alternative'].includes(sub) ? sub : 'mixed';
    return {
      contentType: { mediaType: `application/vnd.wap.multipart.${wapSub}`, params },
      parts: content.parts.filter((p) => !p.parts).map(mimeToMmsPart),
    };
  }
  return {
    contentType: { mediaType: 'application/vnd.wap.multipart.mixed', params: [] },
    parts: [mimeToMmsPart(content)],
  };
}

/** The DeliverReq attachment of a stored MMS PDU (multipart/related or mixed, or a single entity). */
export function mimeContentOf(pdu: MmsPdu, cidBase: string): MimeEntity | undefined {
  const ct = getHeader(pdu, 'Content-Type') as ContentType | undefined;
  if (pdu.parts) {
    if (pdu.parts.length === 0) return undefined;
    const parts = pdu.parts.map(mmsPartToMime);
    parts.forEach((p, i) => {
      p.contentId ??= `${cidBase}-${i}`;
    });
    const top = ct ? mediaTypeText(ct) : 'application/vnd.wap.multipart.mixed';
    const related = /multipart\.related$|^multipart\/related$/.test(top);
    const params: Record<string, string> = {};
    if (related && ct) {
      for (const x of ct.params) {
        if (x.name === 'type' && x.value !== null)
          params.type = typeof x.value === 'number' ? (mediaName(x.value) ?? '') : String(x.value);
        if (x.name === 'start' && typeof x.value === 'string') params.start = x.value;
      }
      if (!params.type) delete params.type;
    }
    return {
      headers: [],
      contentType: related ? 'multipart/related' : 'multipart/mixed',
      params,
      contentId: `${cidBase}-mm`,
      body: new Uint8Array(0),
      parts,
    };
  }
  if (pdu.body && ct) {
    return {
      ...mmsPartToMime({ contentType: ct, headers: [], data: pdu.body }),
      contentId: `${cidBase}-mm`,
    };
  }
  return undefined;
}

/** Text of an MMS header value (text or encoded-string). */
export function mmsText(v: MmsValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && 'text' in v && typeof v.text === 'string') return v.text;
  return undefined;
}

/** Subject as an MMS encoded-string: plain when ASCII, else tagged UTF-8 (ENC §7.2.9). */
export function mmsSubject(s: string): MmsValue {
  return /^[\x20-\x7e]*$/.test(s) ? s : { charset: 'utf-8', text: s };
}

/**
 * Epoch ms of an MM7 relativeOrAbsoluteDate (xs:dateTime, or xs:duration from `now`;
 * TS 23.140 §8.7.1 ExpiryDate / EarliestDeliveryTime). Undefined when unparseable.
 */
export function mm7Time(s: string | undefined, now: number): number | undefined {
  if (!s) return undefined;
  const t = s.trim();
  const d = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(t);
  if (d && t !== 'P' && !t.endsWith('T')) {
    const [, y, mo, dd, h, mi, sec] = d.map((x) => Number(x ?? 0));
    const seconds = y * 365 * 86400 + mo * 30 * 86400 + dd * 86400 + h * 3600 + mi * 60 + sec;
    return now + Math.round(seconds * 1000);
  }
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/** xs:dateTime of an epoch ms value, seconds precision, UTC (`2026-01-02T03:04:05Z`). */
export function xsDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
