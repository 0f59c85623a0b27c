/**
 * Content-Type grammar (RFC 2045 §5.1): `type "/" subtype *(";" parameter)`, parameter
 * values a token or a quoted-string. Tolerant on input (case, spaces, empty parameters,
 * a stray trailing `;`), strict on output (quotes whenever a tspecial appears).
 */
export interface ContentTypeValue {
  type: string;
  params: Record<string, string>;
}

/** Parses a Content-Type value; returns null when there is no `type/subtype`. */
export function parseContentType(value: string): ContentTypeValue | null {
  const parts = splitParams(value);
  const head = (parts.shift() ?? '').trim().toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(head)) return null;
  return { type: head, params: paramsOf(parts) };
}

/** Parameters of any `value; a=b; c="d"` header (Content-Disposition, the MM7 start...). */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const parts = splitParams(value);
  return { value: (parts.shift() ?? '').trim(), params: paramsOf(parts) };
}

function paramsOf(parts: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"')) v = unquote(v);
    if (name && !(name in params)) params[name] = v;
  }
  return params;
}

function unquote(v: string): string {
  let out = '';
  for (let i = 1; i < v.length; i++) {
    const c = v[i];
    if (c === '\\' && i + 1 < v.length) out += v[++i];
    else if (c === '"') break;
    else out += c;
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\' && i + 1 < value.length) {
      cur += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `type/subtype; name=value; name="quoted value"` — quotes only where the token rule demands. */
export function formatContentType(type: string, params: Record<string, string> = {}): string {
  let out = type;
  for (const [k, v] of Object.entries(params)) {
    out += `; ${k}=${TOKEN.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`}`;
  }
  return out;
}
