import type { Mm7ElementRow, Mm7ValueType } from './mm7-elements.ts';
import { MM7_ELEMENTS, MM7_ENUMS, mm7ElementsFor } from './mm7-elements.ts';
import type { Mm7Field, Mm7Fields, Mm7MessageType } from './mm7-message.ts';
import type { Mm7VersionId } from './mm7-versions.ts';

/** xs:dateTime lexical form (XML Schema Part 2 §3.2.7). */
export const XS_DATETIME =
  /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](0\d|1[0-4]):[0-5]\d)?$/;
/** xs:duration lexical form (§3.2.6). */
export const XS_DURATION = /^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const ADDRESS_KINDS = ['Number', 'RFC2822Address', 'ShortCode'];

export interface Mm7FieldIssue {
  field: string;
  reason: string;
}

const isObj = (v: Mm7Field | undefined): v is Mm7Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: Mm7Field): string | undefined =>
  typeof v === 'string' ? v : isObj(v) && typeof v['#text'] === 'string' ? v['#text'] : undefined;

function checkAddress(path: string, v: Mm7Field, single: boolean, out: Mm7FieldIssue[]): void {
  if (!isObj(v)) {
    out.push({ field: path, reason: 'an address is one of Number, RFC2822Address, ShortCode' });
    return;
  }
  let n = 0;
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('@')) continue;
    if (!ADDRESS_KINDS.includes(k)) {
      out.push({ field: `${path}.${k}`, reason: 'not an address element' });
      continue;
    }
    for (const item of Array.isArray(x) ? x : [x]) {
      n++;
      const t = textOf(item);
      if (!t) out.push({ field: `${path}.${k}`, reason: 'empty address' });
      else if (k === 'RFC2822Address' && !t.includes('@'))
        out.push({ field: `${path}.${k}`, reason: 'not an e-mail address' });
    }
  }
  if (n === 0) out.push({ field: path, reason: 'no address' });
  if (single && n > 1) out.push({ field: path, reason: 'exactly one address allowed here' });
}

function enumOk(type: string, value: string, version: Mm7VersionId): boolean {
  const e = MM7_ENUMS[type];
  if (!e) return true;
  return e.values.includes(value) || (version.startsWith('REL-6') && (e.rel6 ?? []).includes(value));
}

/** Problems of one element value against its row (and version, for enumerations). */
export function checkMm7Value(row: Mm7ElementRow, v: Mm7Field, version: Mm7VersionId): Mm7FieldIssue[] {
  const out: Mm7FieldIssue[] = [];
  const t: Mm7ValueType = row.type;
  const path = row.name;
  const simple = (re: RegExp, what: string) => {
    const s = textOf(v);
    if (s === undefined || !re.test(s)) out.push({ field: path, reason: `not ${what}` });
  };
  switch (t) {
    case 'string':
      if (textOf(v) === undefined) out.push({ field: path, reason: 'not a text value' });
      else if (row.name === 'MM7Version' && !/^\d+\.\d+\.\d+$/.test(textOf(v) ?? '')) {
        out.push({ field: path, reason: 'not a version x.y.z' });
      }
      break;
    case 'int':
      simple(/^-?\d+$/, 'an integer');
      break;
    case 'boolean':
      simple(/^(true|false|1|0)$/, 'an xs:boolean');
      break;
    case 'dateTime':
      simple(XS_DATETIME, 'an xs:dateTime');
      break;
    case 'relativeOrAbsoluteDate': {
      const s = textOf(v) ?? '';
      if (!XS_DATETIME.test(s) && !XS_DURATION.test(s))
        out.push({ field: path, reason: 'neither xs:dateTime nor xs:duration' });
      break;
    }
    case 'address':
      checkAddress(path, v, true, out);
      break;
    case 'multiAddress':
      if (!isObj(v)) out.push({ field: path, reason: 'Recipients is {To?, Cc?, Bcc?}' });
      else {
        const keys = Object.keys(v).filter((k) => !k.startsWith('@'));
        if (!keys.length) out.push({ field: path, reason: 'no recipient' });
        for (const k of keys) {
          if (!['To', 'Cc', 'Bcc'].includes(k))
            out.push({ field: `${path}.${k}`, reason: 'not To, Cc or Bcc' });
          else checkAddress(`${path}.${k}`, v[k], false, out);
        }
      }
      break;
    case 'senderIdentification':
      if (!isObj(v))
        out.push({ field: path, reason: 'SenderIdentification is {VASPID?, VASID?, SenderAddress?}' });
      else {
        for (const k of Object.keys(v)) {
          if (k === 'SenderAddress') checkAddress(`${path}.${k}`, v[k], true, out);
          else if (k !== 'VASPID' && k !== 'VASID')
            out.push({ field: `${path}.${k}`, reason: 'unknown element' });
        }
      }
      break;
    case 'status':
      if (!isObj(v) || typeof v.StatusCode !== 'string' || !/^\d{4}$/.test(v.StatusCode)) {
        out.push({ field: `${path}.StatusCode`, reason: 'a four-digit StatusCode is required' });
      } else {
        for (const k of Object.keys(v)) {
          if (!['StatusCode', 'StatusText', 'Details'].includes(k))
            out.push({ field: `${path}.${k}`, reason: 'unknown element' });
        }
      }
      break;
    case 'contentReference':
      if (!isObj(v) || typeof v['@href'] !== 'string' || !v['@href'])
        out.push({ field: path, reason: 'Content needs @href' });
      else if (
        v['@allowAdaptations'] !== undefined &&
        !/^(true|false|1|0)$/.test(String(v['@allowAdaptations']))
      ) {
        out.push({ field: `${path}@allowAdaptations`, reason: 'not an xs:boolean' });
      }
      break;
    case 'replyCharging':
    case 'uaCapabilities':
      if (!isObj(v) && v !== '') out.push({ field: path, reason: 'attributes only' });
      break;
    default: {
      const s = textOf(v);
      if (s === undefined || !enumOk(t, s, version)) {
        out.push({
          field: path,
          reason: `not one of ${[...(MM7_ENUMS[t]?.values ?? []), ...(MM7_ENUMS[t]?.rel6 ?? [])].join(', ')}`,
        });
      }
    }
  }
  return out;
}

/**
 * Checks fields against the element table for `version`: every element known to this
 * version, mandatory ones present, single ones not repeated, values well-formed.
 */
export function checkMm7Fields(
  type: Mm7MessageType,
  version: Mm7VersionId,
  fields: Mm7Fields,
): Mm7FieldIssue[] {
  const rows = mm7ElementsFor(type, version);
  const out: Mm7FieldIssue[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (k.startsWith('@')) continue;
    const row = rows.find((r) => r.name === k);
    if (!row) {
      const later = MM7_ELEMENTS[type].some((r) => r.name === k);
      out.push({ field: k, reason: later ? `not defined in ${version}` : `not an element of ${type}` });
      continue;
    }
    if (Array.isArray(v)) {
      out.push({ field: k, reason: 'occurs more than once' });
      continue;
    }
    out.push(...checkMm7Value(row, v, version));
  }
  for (const r of rows)
    if (r.required && fields[r.name] === undefined)
      out.push({ field: r.name, reason: `mandatory in ${type}` });
  return out;
}
