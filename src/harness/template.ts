import type { Faker } from '@faker-js/faker';
import type { Json } from '../util/json.ts';

/**
 * Run-time templating of step parameters: `{{ue.alice.msisdn}}`, `{{saved.send.messageId}}`,
 * `{{target.mm1}}`, `{{case.id}}`, `{{seed}}`, `{{txid}}` (a fresh transaction id drawn from the
 * case's seed) and `{{faker.person.firstName}}` (drawn from the case's seeded faker). A string
 * that is only one placeholder takes the value's own type (a number stays a number).
 */
export interface TemplateScope {
  values: { [k: string]: Json };
  faker?: Faker;
  txid?: () => string;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}$/;

function lookup(expr: string, scope: TemplateScope): Json {
  if (expr === 'txid') {
    if (!scope.txid) throw new TemplateError('{{txid}} is not available here');
    return scope.txid();
  }
  const parts = expr.split('.');
  if (parts[0] === 'faker') {
    if (!scope.faker) throw new TemplateError(`{{${expr}}}: no faker in this scope`);
    if (parts.length !== 3)
      throw new TemplateError(`{{${expr}}}: use faker.MODULE.METHOD, e.g. faker.person.firstName`);
    const mod = (scope.faker as unknown as Record<string, unknown>)[parts[1]];
    const fn = mod && typeof mod === 'object' ? (mod as Record<string, unknown>)[parts[2]] : undefined;
    if (typeof fn !== 'function')
      throw new TemplateError(`{{${expr}}}: faker has no ${parts[1]}.${parts[2]}`);
    const v = (fn as () => unknown).call(mod);
    if (v instanceof Date) return v.toISOString();
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return v as Json;
    return String(v);
  }
  let v: Json | undefined = scope.values;
  for (const p of parts) {
    if (v === null || typeof v !== 'object') {
      v = undefined;
      break;
    }
    v = Array.isArray(v) ? v[Number(p)] : v[p];
  }
  if (v === undefined) throw new TemplateError(`unknown template value {{${expr}}}`);
  return v;
}

/** Renders every placeholder in a JSON-like value (strings inside objects and arrays too). */
export function renderTemplate(value: unknown, scope: TemplateScope): Json {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1], scope);
    return value.replace(PLACEHOLDER, (_m, expr: string) => {
      const v = lookup(expr, scope);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, scope));
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value).toString('base64') };
  if (value && typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = renderTemplate(v, scope);
    return out;
  }
  if (value === undefined) return null;
  return value as Json;
}
