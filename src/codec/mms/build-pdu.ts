import { EncodeError } from '../codec-error.ts';
import { MMS_HEADERS, mmsHeaderByName } from './header-table.ts';
import type { MmsHeader, MmsMessageType, MmsPart, MmsPdu, MmsValue } from './types.ts';

/** A single-part body (bytes) or a multipart body (parts). */
export type BuildBody = Uint8Array | MmsPart[];

const FIRST = ['X-Mms-Message-Type', 'X-Mms-Transaction-Id', 'X-Mms-MMS-Version'];
const ORDER = new Map(MMS_HEADERS.map((h, i) => [h.name, i]));

/**
 * Builds a PDU with headers in canonical order: X-Mms-Message-Type, X-Mms-Transaction-Id,
 * X-Mms-MMS-Version (default '1.3'), then the other fields in the order of the §7.4 table (code order),
 * application headers after them, Content-Type last. Field names are matched case-insensitively to the
 * spec spelling; an array value gives a repeated header. A string Content-Type is taken as a media type
 * without parameters; a multipart body without Content-Type gets application/vnd.wap.multipart.mixed.
 */
export function buildPdu(
  type: MmsMessageType,
  fields: Record<string, MmsValue | MmsValue[]>,
  body?: BuildBody,
): MmsPdu {
  const known: MmsHeader[] = [];
  const app: MmsHeader[] = [];
  let hasVersion = false;
  let hasCt = false;
  for (const [key, raw] of Object.entries(fields)) {
    if (raw === undefined) continue;
    const def = mmsHeaderByName(key);
    const name = def ? def.name : key;
    if (name === 'X-Mms-Message-Type') continue;
    if (name === 'X-Mms-MMS-Version') hasVersion = true;
    const values = Array.isArray(raw) ? raw : [raw];
    for (let v of values) {
      if (name === 'Content-Type') {
        hasCt = true;
        if (typeof v === 'string') v = { mediaType: v, params: [] };
      }
      (def ? known : app).push({ name, value: v });
    }
  }
  if (!hasVersion) known.push({ name: 'X-Mms-MMS-Version', value: '1.3' });
  if (Array.isArray(body) && !hasCt) {
    known.push({
      name: 'Content-Type',
      value: { mediaType: 'application/vnd.wap.multipart.mixed', params: [] },
    });
  } else if (body instanceof Uint8Array && !hasCt) {
    throw new EncodeError(-1, 'Content-Type', 'a single-part body needs a Content-Type');
  }
  const rank = (n: string) => {
    const f = FIRST.indexOf(n);
    if (f >= 0) return f - 10;
    if (n === 'Content-Type') return 1000;
    return ORDER.get(n) ?? 999;
  };
  known.sort((a, b) => rank(a.name) - rank(b.name));
  const ctAt = known.findIndex((h) => h.name === 'Content-Type');
  const ct = ctAt >= 0 ? known.splice(ctAt, 1) : [];
  const headers: MmsHeader[] = [{ name: 'X-Mms-Message-Type', value: type }, ...known, ...app, ...ct];
  const pdu: MmsPdu = { type, headers };
  if (Array.isArray(body)) pdu.parts = body;
  else if (body) pdu.body = body;
  return pdu;
}
