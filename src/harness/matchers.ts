import type { Json } from '../util/json.ts';
import type { FieldMatcher } from './suite-schema.ts';

/**
 * Field matchers of `expect.where`. A bare scalar is equality (numbers and their decimal text
 * compare equal: decoders may give `128` where a suite writes `'128'`); objects combine tests:
 * `{ present }`, `{ pattern }`, `{ range: [min, max] }`, `{ equals }`, `{ oneOf }`, `{ contains }`,
 * `{ not }`. A bare scalar also matches a one-element list (a header that may repeat,
 * occurring once). Names are looked up verbatim first (`X-Mms-Response-Status`), then as dotted paths.
 */

export interface Mismatch {
  field: string;
  expected: string;
  observed: Json | undefined;
}

const MISSING = Symbol('missing');

/** The field's value: verbatim key, then dotted path, then case-insensitive key (header names). */
export function fieldValue(fields: Json, name: string, raw?: Uint8Array): Json | typeof MISSING {
  if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    if (name in fields) return fields[name];
    const lower = name.toLowerCase();
    const ci = Object.keys(fields).find((k) => k.toLowerCase() === lower);
    if (ci !== undefined) return fields[ci];
  }
  if (name.includes('.')) {
    let v: Json | undefined = fields;
    for (const p of name.split('.')) {
      if (v === null || typeof v !== 'object') return MISSING;
      v = Array.isArray(v) ? v[Number(p)] : v[p];
      if (v === undefined) return MISSING;
    }
    return v;
  }
  if (name === 'size' && raw) return raw.byteLength;
  return MISSING;
}

function scalarEquals(a: Json, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string')) {
    return String(a) === String(b);
  }
  return false;
}

export function deepEquals(a: Json | undefined, b: unknown): boolean {
  if (a === undefined) return b === undefined;
  if (a === null || typeof a !== 'object') return scalarEquals(a, b);
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEquals(x, b[i]));
  if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
  const bo = b as Record<string, unknown>;
  const ka = Object.keys(a);
  return ka.length === Object.keys(bo).length && ka.every((k) => deepEquals(a[k], bo[k]));
}

const patterns = new Map<string, RegExp | null>();

/**
 * The compiled `pattern:` of a matcher, or null when it is not a valid regular expression (a
 * templated value such as `+1555...` can make one): such a matcher never matches, and its
 * description says why, so the case fails with expected vs observed instead of the run crashing.
 */
export function patternOf(source: string): RegExp | null {
  let re = patterns.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    if (patterns.size > 1000) patterns.clear();
    patterns.set(source, re);
  }
  return re;
}

function asText(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function describeMatcher(m: FieldMatcher | unknown): string {
  if (m === null || typeof m !== 'object') return JSON.stringify(m);
  const o = m as Record<string, unknown>;
  const parts: string[] = [];
  if ('equals' in o) parts.push(`= ${JSON.stringify(o.equals)}`);
  if (o.present !== undefined) parts.push(o.present ? 'present' : 'absent');
  if (o.pattern !== undefined)
    parts.push(
      patternOf(String(o.pattern))
        ? `~ /${String(o.pattern)}/`
        : `~ /${String(o.pattern)}/ (not a valid regular expression: never matches)`,
    );
  if (Array.isArray(o.range)) parts.push(`in [${o.range[0]}, ${o.range[1]}]`);
  if (Array.isArray(o.oneOf)) parts.push(`one of ${JSON.stringify(o.oneOf)}`);
  if ('contains' in o) parts.push(`contains ${JSON.stringify(o.contains)}`);
  if ('not' in o) parts.push(`not (${describeMatcher(o.not)})`);
  return parts.join(' and ') || 'anything';
}

/** Whether one value satisfies one matcher (value MISSING = the field is absent). */
export function matchValue(value: Json | typeof MISSING, m: unknown): boolean {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    if (Array.isArray(m)) return value !== MISSING && deepEquals(value, m);
    if (value === MISSING) return false;
    // A header that may repeat decodes to a list: a bare scalar matches a single occurrence.
    if (Array.isArray(value) && value.length === 1) return scalarEquals(value[0], m);
    return scalarEquals(value, m);
  }
  const o = m as Record<string, unknown>;
  if (o.present !== undefined && (value !== MISSING) !== o.present) return false;
  if ('not' in o && matchValue(value, o.not)) return false;
  const tests = ['equals', 'pattern', 'range', 'oneOf', 'contains'].filter((k) => k in o);
  if (tests.length === 0) return true;
  if (value === MISSING) return false;
  if ('equals' in o && !deepEquals(value, o.equals)) return false;
  // As for a bare scalar: a header that may repeat, seen once, is matched as its one value.
  const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (o.pattern !== undefined && !patternOf(String(o.pattern))?.test(asText(one))) return false;
  if (Array.isArray(o.range)) {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n) || n < Number(o.range[0]) || n > Number(o.range[1])) return false;
  }
  if (Array.isArray(o.oneOf) && !o.oneOf.some((x) => deepEquals(value, x) || deepEquals(one, x)))
    return false;
  if ('contains' in o) {
    if (Array.isArray(value)) {
      if (!value.some((x) => containsElement(x, o.contains))) return false;
    } else if (!asText(value).includes(String(o.contains))) return false;
  }
  return true;
}

/**
 * `contains` over a list: an element equal to the value, or, for an object value, an element that
 * has each of its fields with that value (a part `{ contentType, size }` is found whatever else the
 * summary says of it: contentId, head, charset, text).
 */
function containsElement(x: Json, want: unknown): boolean {
  if (want === null || typeof want !== 'object' || Array.isArray(want)) return deepEquals(x, want);
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  return Object.entries(want).every(([k, v]) => deepEquals(x[k], v));
}

/** Every mismatch of `where` against decoded fields (empty = match). */
export function matchFields(where: Record<string, unknown>, fields: Json, raw?: Uint8Array): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [name, m] of Object.entries(where)) {
    const v = fieldValue(fields, name, raw);
    if (!matchValue(v, m))
      out.push({ field: name, expected: describeMatcher(m), observed: v === MISSING ? undefined : v });
  }
  return out;
}
