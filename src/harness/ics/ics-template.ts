import { stringify } from 'yaml';
import { type Ics, IcsSchema } from './ics-schema.ts';

interface ZodLike {
  description?: string;
  _zod: { def: { type: string; innerType?: ZodLike; shape?: Record<string, ZodLike> } };
}

function unwrap(s: ZodLike): ZodLike {
  let t = s;
  while ((t._zod.def.type === 'default' || t._zod.def.type === 'optional') && t._zod.def.innerType)
    t = t._zod.def.innerType;
  return t;
}

function describe(s: ZodLike): string | undefined {
  return s.description ?? unwrap(s).description;
}

function render(value: unknown, schema: ZodLike | undefined, indent: string, out: string[]): void {
  const inner = schema ? unwrap(schema) : undefined;
  const shape = inner?._zod.def.type === 'object' ? inner._zod.def.shape : undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field = shape?.[k];
    const d = field ? describe(field) : undefined;
    if (d) out.push(`${indent}# ${d}`);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out.push(`${indent}${k}:`);
      render(v, field, `${indent}  `, out);
    } else {
      out.push(`${indent}${k}: ${Array.isArray(v) ? JSON.stringify(v) : stringify(v).trim()}`);
    }
  }
}

/**
 * `mmscert ics init`: a documented ICS, every item with its meaning above it, filled with the
 * reference MMSC's values as an example to edit.
 */
export function icsTemplate(example: Ics): string {
  const out = [
    '# mmscert implementation conformance statement (ICS, ISO/IEC 9646-7) of the MMSC under test.',
    '# Declare what your MMSC implements and how it is provisioned for the run; cases needing an',
    '# item your MMSC does not claim are reported not-applicable, with the reason. Every identity',
    '# (domain, numbers, VASP accounts) the suites use comes from `provisioning`.',
    '# Name it in the target config: `target: { kind: external, ics: ./my-mmsc.ics.yaml, ... }`.',
    '',
  ];
  render(example, IcsSchema as unknown as ZodLike, '', out);
  return `${out.join('\n')}\n`;
}
