import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { didYouMean } from '../util/did-you-mean.ts';
import {
  AnyOfSchema,
  ExpectationSchema,
  InlineRequirementSchema,
  STEP_SCHEMAS,
  type StepKind,
  SuiteFileSchema,
} from './suite-schema.ts';
import { positionOf, type SourcePos } from './yaml-positions.ts';

/** One problem in a suite file, reported as `file:line:col: message`. */
export interface SuiteDiagnostic extends SourcePos {
  message: string;
}

export function formatDiagnostic(d: SuiteDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}

/** `cases[2].steps[0].expect.within` */
export function pathString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s.length === 0 ? String(seg) : `.${String(seg)}`;
  }
  return s || '(document)';
}

/** The step kind named by a step object's keys, or a message saying why there is none. */
export function stepKindOf(step: unknown): { kind: StepKind } | { error: string } {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    return { error: 'a step is a mapping with one of: do, behaviour, wait, expect, expect-none' };
  }
  const kinds = Object.keys(step).filter((k): k is StepKind => k in STEP_SCHEMAS);
  if (kinds.length === 0) {
    const near = Object.keys(step)
      .map((k) => didYouMean(k, Object.keys(STEP_SCHEMAS)))
      .find((s) => s !== '');
    return { error: `a step needs one of: do, behaviour, wait, expect, expect-none${near ?? ''}` };
  }
  if (kinds.length > 1) return { error: `a step has one kind only; found ${kinds.join(' and ')}` };
  return { kind: kinds[0] };
}

interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** Walks the data to the value at `path`. */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

const UNION_HINTS: Array<[RegExp, string]> = [
  [
    /requirements\[\d+\]$/,
    'a requirement is { spec, clause, level: SHALL|SHOULD|MAY }, { ref: ID } or an ID string',
  ],
  [/peers\.[^.]+$/, 'a peer entry is true, a list of names (ue: [alice, bob]) or a config mapping'],
  [
    /where\.[^.]+$/,
    'a matcher is a scalar or { equals, present, pattern, range: [min, max], oneOf, contains, not }',
  ],
  [
    /(within|wait)$/,
    'a duration like 200ms, 2s or 1m (or a number of milliseconds), an ICS timer {{ics.timers.NAME}} or a sum such as {{ics.timers.minExpiry}} + 1s',
  ],
  [/timeout$/, 'a duration like 200ms, 2s or 1m (or a number of milliseconds)'],
];

/**
 * Turns zod issues into positioned diagnostics. Steps are a union: their errors are computed
 * again against the schema the step's kind key selects, so the message says what is wrong in
 * THAT step rather than listing every alternative.
 */
export function issuesToDiagnostics(
  issues: readonly IssueLike[],
  data: unknown,
  doc: Document,
  lines: LineCounter,
  file: string,
  basePath: readonly PropertyKey[] = [],
): SuiteDiagnostic[] {
  const out: SuiteDiagnostic[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...issue.path];
    const p = pathString(path);
    if (issue.code === 'invalid_union' && /steps\[\d+\]$/.test(p)) {
      const step = valueAt(data, path);
      const k = stepKindOf(step);
      if ('error' in k) {
        out.push({ ...positionOf(doc, lines, file, path), message: `${p}: ${k.error}` });
        continue;
      }
      const r = (STEP_SCHEMAS[k.kind] as z.ZodType).safeParse(step);
      if (!r.success) {
        out.push(...issuesToDiagnostics(r.error.issues as IssueLike[], data, doc, lines, file, path));
        continue;
      }
    }
    // an expectation or { anyOf }: the errors of the form its keys name
    if (issue.code === 'invalid_union' && /\.expect$/.test(p)) {
      const e = valueAt(data, path);
      if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
        const schema = 'anyOf' in e ? AnyOfSchema : ExpectationSchema;
        const r = (schema as z.ZodType).safeParse(e);
        if (!r.success) {
          out.push(...issuesToDiagnostics(r.error.issues as IssueLike[], data, doc, lines, file, path));
          continue;
        }
      }
    }
    // a requirement mapping without `ref` is meant inline: say what is wrong with it as such
    if (issue.code === 'invalid_union' && /requirements\[\d+\]$/.test(p)) {
      const value = valueAt(data, path);
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('ref' in value)) {
        const r = InlineRequirementSchema.safeParse(value);
        if (!r.success) {
          out.push(...issuesToDiagnostics(r.error.issues as IssueLike[], data, doc, lines, file, path));
          continue;
        }
      }
    }
    if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
      const known = knownKeysAt(path, data);
      for (const key of issue.keys) {
        out.push({
          ...positionOf(doc, lines, file, [...path, key], { key: true }),
          message: `${pathString([...path, key])}: unknown key "${key}"${didYouMean(key, known)}`,
        });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_union') {
      const hint = UNION_HINTS.find(([re]) => re.test(p));
      if (hint) message = hint[1];
    }
    const missing = valueAt(data, path) === undefined && issue.path.length > 0;
    if (missing && /received undefined/.test(message))
      message = `missing required key "${String(path.at(-1))}"`;
    out.push({ ...positionOf(doc, lines, file, path), message: `${p}: ${message}` });
  }
  return out;
}

/** The zod definition behind a schema (zod 4 keeps it on `_zod.def`). */
interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
}
const defOf = (s: z.ZodType): ZodDefLike => (s as unknown as { _zod: { def: ZodDefLike } })._zod.def;

/** The schemas a value at `path` is checked against (several where a union leaves it open). */
function schemasAt(path: readonly PropertyKey[], data: unknown): z.ZodType[] {
  const unwrap = (s: z.ZodType): z.ZodType[] => {
    const d = defOf(s);
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default') && d.innerType)
      return unwrap(d.innerType);
    if (d.type === 'pipe' && d.in) return unwrap(d.in);
    if (d.type === 'union' && d.options) return d.options.flatMap(unwrap);
    return [s];
  };
  let current = unwrap(SuiteFileSchema as z.ZodType);
  let value: unknown = data;
  for (const seg of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      const d = defOf(s);
      if (d.type === 'object' && d.shape && typeof seg === 'string' && seg in d.shape)
        next.push(...unwrap(d.shape[seg]));
      else if (d.type === 'array' && d.element && typeof seg === 'number') next.push(...unwrap(d.element));
      else if (d.type === 'record' && d.valueType) next.push(...unwrap(d.valueType));
    }
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[seg as string]
        : undefined;
    current = next;
    // a step: the schema its kind key selects
    if (current.some((s) => s === STEP_SCHEMAS.do)) {
      const k = stepKindOf(value);
      if ('kind' in k) current = [STEP_SCHEMAS[k.kind] as z.ZodType];
    }
  }
  return current;
}

/** The keys a mapping at `path` may have (for "did you mean"). */
export function knownKeysAt(path: readonly PropertyKey[], data: unknown): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(path, data)) {
    const d = defOf(s);
    if (d.type === 'object' && d.shape) for (const k of Object.keys(d.shape)) keys.add(k);
  }
  return [...keys];
}
