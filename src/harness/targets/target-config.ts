import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { positionOf } from '../yaml-positions.ts';

/**
 * The `mmscert run --config F` file: which target, where its endpoints are, and what our peers
 * must look like for it (fixed ports, bind credentials, domains, URLs the target was pointed at).
 *
 *   target:
 *     kind: external
 *     name: Acme MMSC 5.2
 *     ics: acme.ics.yaml        # what it implements, how it is provisioned (mmscert ics init)
 *     endpoints: { mm1: http://127.0.0.1:8002/mms, mm4: smtp://127.0.0.1:2525, mm7: http://127.0.0.1:8007/mm7,
 *                  mm3: smtp://127.0.0.1:2526, eaif: http://127.0.0.1:8007/eaif }
 *   peers:
 *     smsc: { port: 2775, systemId: mmsc, password: secret }
 *     hlr: { dnsPort: 5353, httpPort: 8053 }
 *   expectations: acme-known-failures.yaml
 *
 * External and container targets may also have (target-reset.ts, target-health.ts):
 *     reset: { command: ./reset-acme.sh, timeout: 30s, every: case }   # or url: http://127.0.0.1:9000/reset
 *     health: { wait: 10s, poll: 250ms, maxDownCases: 3 }
 */
const loopbackUrl = z
  .string()
  .url()
  .refine(
    (u) => /^[a-z]+:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?(\/|$)/.test(u),
    'must be a loopback URL (127.0.0.1)',
  );

const EndpointsSchema = z.strictObject({
  mm1: loopbackUrl.optional(),
  mm3: loopbackUrl.optional(),
  mm4: loopbackUrl.optional(),
  mm7: loopbackUrl.optional(),
  /** EAIF (Nokia External Application Interface): where applications POST, e.g. http://127.0.0.1:8007/eaif */
  eaif: loopbackUrl.optional(),
  domain: z.string().min(1).optional(),
});

/** `30s`, `500ms`, `2m` or milliseconds. */
const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration: 500ms, 30s, 2m'),
]);

/** How the target is brought back to a known state (target-reset.ts). */
const ResetSchema = z
  .strictObject({
    /** Run under /bin/sh -c in the config file's folder, MMSCERT_CASE_ID and MMSCERT_SUITE in its environment; exit 0 = done. */
    command: z.string().min(1).optional(),
    /** POSTed to (JSON {case, suite}); 2xx = done. */
    url: z.string().url().optional(),
    timeout: duration.default('30s'),
    every: z.enum(['case', 'suite', 'run']).default('case'),
  })
  .refine((r) => r.command !== undefined || r.url !== undefined, 'a reset needs `command` or `url`');

/** Health before each case (target-health.ts). */
const HealthSchema = z.strictObject({
  /** How long a down target is waited for before the case is given up (verdict error). */
  wait: duration.default('10s'),
  poll: duration.default('250ms'),
  /** Cases in a row the target may be down before the run is aborted (exit 2). */
  maxDownCases: z.number().int().positive().default(3),
});

/** What every MMSC not started by us (external, container) declares: its ICS, its reset hook, its health checks. */
const OperatedTarget = {
  /** The target's ICS file (path relative to the config file): required, see `mmscert ics init`. */
  ics: z
    .string({
      error: 'an external or container target needs its ICS: `ics: FILE` (mmscert ics init writes one)',
    })
    .min(1),
  reset: ResetSchema.optional(),
  health: HealthSchema.optional(),
};

export const TargetConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none'), name: z.string().optional() }),
    z.strictObject({
      kind: z.literal('embedded'),
      name: z.string().optional(),
      /** Overrides of the reference MMSC's config (src/mmsc MmscConfig). */
      mmsc: z.record(z.string(), z.unknown()).optional(),
    }),
    z.strictObject({
      kind: z.literal('external'),
      name: z.string().optional(),
      endpoints: EndpointsSchema,
      ...OperatedTarget,
    }),
    z.strictObject({
      kind: z.literal('container'),
      name: z.string().optional(),
      image: z.string().min(1),
      /** Container ports of each interface; the harness maps them to loopback. */
      ports: z.strictObject({
        mm1: z.number().int().optional(),
        mm3: z.number().int().optional(),
        mm4: z.number().int().optional(),
        mm7: z.number().int().optional(),
      }),
      mm1Path: z.string().default('/mms'),
      mm7Path: z.string().default('/mm7'),
      domain: z.string().optional(),
      env: z.record(z.string(), z.string()).optional(),
      ...OperatedTarget,
    }),
  ]),
  /** Per peer kind: config merged into every peer of that kind (fixed ports, credentials). */
  peers: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Known failures of this target (path relative to the config file). */
  expectations: z.string().optional(),
});

export type TargetConfig = z.infer<typeof TargetConfigSchema>;
export type ResetConfig = z.infer<typeof ResetSchema>;
export type HealthConfig = z.infer<typeof HealthSchema>;

export class TargetConfigError extends Error {}

/** Reads and validates a target config; errors are one `file:line:col: message` line. */
export function loadTargetConfig(file: string): TargetConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TargetConfigError(
      `cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const { line, col } = lines.linePos(doc.errors[0].pos[0]);
    throw new TargetConfigError(`${file}:${line}:${col}: YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const r = TargetConfigSchema.safeParse(doc.toJS());
  if (!r.success) {
    const i = r.error.issues[0];
    const p = positionOf(doc, lines, file, i.path);
    throw new TargetConfigError(
      `${p.file}:${p.line}:${p.col}: ${i.path.join('.') || '(document)'}: ${i.message}`,
    );
  }
  return r.data;
}
