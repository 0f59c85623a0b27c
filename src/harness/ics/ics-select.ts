/**
 * ICS selection terms (ISO/IEC 9646-7 "ICS items" a test case needs). A case lists terms; it is
 * applicable when every term holds for the target's ICS, else not-applicable with the reasons.
 *
 *   mm7.supported              the item is true (or a non-empty value)
 *   !mm1.mmbox                 the item is false or absent
 *   mm1.versions has 1.3       a list item contains the value
 *   notification.via == smpp   equality (also !=)
 *   mm7.deliverVersion in as-vasp, REL-5-MM7-1-0   the item is one of the listed values
 *   mm1.maxMessageSize >= 300000   numeric comparison (>=, <=, >, <)
 */
export interface IcsTerm {
  text: string;
  path: string[];
  op: 'truthy' | 'falsy' | 'has' | 'in' | '==' | '!=' | '>=' | '<=' | '>' | '<';
  value?: string;
}

const TERM =
  /^\s*(!?)\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*(?:(has|\bin\b|==|!=|>=|<=|>|<)\s*(\S.*?))?\s*$/;

export class IcsTermError extends Error {}

export function parseIcsTerm(text: string): IcsTerm {
  const m = TERM.exec(text);
  if (!m)
    throw new IcsTermError(
      `"${text}" is not an ICS term (PATH, !PATH, PATH has V, PATH in V1, V2, PATH == V, PATH >= N)`,
    );
  const [, not, p, op, value] = m;
  if (not && op) throw new IcsTermError(`"${text}": ! takes a bare path`);
  const path = p.split('.');
  if (!op) return { text, path, op: not ? 'falsy' : 'truthy' };
  if ((op === '>=' || op === '<=' || op === '>' || op === '<') && !Number.isFinite(Number(value)))
    throw new IcsTermError(`"${text}": ${op} needs a number`);
  return { text, path, op: op as IcsTerm['op'], value };
}

export function icsValue(ics: unknown, path: readonly string[]): unknown {
  let v: unknown = ics;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
}

/** Whether one term holds; when it does not, why (for the not-applicable reason). */
export function evalIcsTerm(ics: unknown, t: IcsTerm): { ok: boolean; why: string } {
  const v = icsValue(ics, t.path);
  const name = t.path.join('.');
  const shown = v === undefined ? 'not declared' : JSON.stringify(v);
  let ok: boolean;
  switch (t.op) {
    case 'truthy':
      ok = truthy(v);
      break;
    case 'falsy':
      ok = !truthy(v);
      break;
    case 'has':
      ok = Array.isArray(v) && v.map(String).includes(String(t.value));
      break;
    case 'in':
      ok =
        v !== undefined &&
        String(t.value)
          .split(',')
          .map((x) => x.trim())
          .includes(String(v));
      break;
    case '==':
      ok = String(v) === t.value;
      break;
    case '!=':
      ok = String(v) !== t.value;
      break;
    default: {
      const a = Number(v);
      const b = Number(t.value);
      ok =
        Number.isFinite(a) &&
        (t.op === '>=' ? a >= b : t.op === '<=' ? a <= b : t.op === '>' ? a > b : a < b);
    }
  }
  return { ok, why: ok ? '' : `ICS ${name} is ${shown} (case needs ${t.text.trim()})` };
}

/** Applicability of a case's terms: every reason a term fails. */
export function applicability(
  ics: unknown,
  terms: readonly string[],
): { applicable: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const text of terms) {
    const r = evalIcsTerm(ics, parseIcsTerm(text));
    if (!r.ok) reasons.push(r.why);
  }
  return { applicable: reasons.length === 0, reasons };
}

interface SchemaNode {
  _zod: {
    def: { type: string; innerType?: SchemaNode; shape?: Record<string, SchemaNode>; valueType?: SchemaNode };
  };
}

/** Whether `path` names an item of the ICS schema (a term naming anything else is a suite error). */
export function icsPathKnown(schema: unknown, path: readonly string[]): boolean {
  let s = schema as SchemaNode;
  for (const k of path) {
    while ((s._zod.def.type === 'default' || s._zod.def.type === 'optional') && s._zod.def.innerType)
      s = s._zod.def.innerType;
    const d = s._zod.def;
    if (d.type === 'object' && d.shape && Object.hasOwn(d.shape, k)) s = d.shape[k];
    else if (d.type === 'record' && d.valueType) s = d.valueType;
    else return false;
  }
  return true;
}
