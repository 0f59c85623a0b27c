import { z } from 'zod';
import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import { INTERFACES } from '../wire/nodes.ts';
import { EVENT_NAMES } from './event-names.ts';
import { IcsSchema } from './ics/ics-schema.ts';

/**
 * The suite file format: one zod schema is the single source for validation (`mmscert validate`,
 * the loader) and for the JSON Schema editors use (suites/schema/suite.schema.json).
 */

/** `200ms`, `2s`, `1.5s`, `1m`, or a number of milliseconds. */
export const DurationSchema = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration like 200ms, 2s or 1m'),
  ])
  .describe('A duration: 200ms, 2s, 1m, or a number of milliseconds');

/**
 * A deadline or pause that may come from the target's ICS timers, rendered when the step runs:
 * `{{ics.timers.minExpiry}}`, or a sum with plain durations (`{{ics.timers.minExpiry}} + 1s`).
 */
const TIMER_NAMES = Object.keys(IcsSchema.shape.timers.shape).join('|');
const TIMED_TERM = String.raw`(\{\{\s*ics\.timers\.(${TIMER_NAMES})\s*\}\}|\d+(\.\d+)?(ms|s|m))`;
export const TimedDurationSchema = z
  .union([
    DurationSchema,
    z
      .string()
      .regex(
        new RegExp(`^${TIMED_TERM}(\\s*\\+\\s*${TIMED_TERM})*$`),
        'a duration like 200ms, 2s, 1m, {{ics.timers.NAME}} or a sum: {{ics.timers.minExpiry}} + 1s',
      ),
  ])
  .describe(
    'A duration (200ms, 2s, 1m, ms), an ICS timer ({{ics.timers.notificationRetry}}) or a sum of these',
  );

import { LEVELS, type Level } from './levels.ts';

export { LEVELS, type Level };

export const InlineRequirementSchema = z
  .strictObject({
    id: z.string().optional().describe('Optional stable requirement id'),
    spec: z.string().min(1).describe('Specification, e.g. "OMA-TS-MMS_ENC-V1_3" or "3GPP TS 23.140"'),
    clause: z.string().min(1).describe('Clause, e.g. "6.1.1" or "§8.4.1"'),
    level: z
      .enum(LEVELS)
      .describe('Requirement level: a failed SHOULD/MAY is graded apart from a failed SHALL'),
    text: z.string().optional().describe('The requirement sentence'),
  })
  .describe('A requirement written inline');

export const RequirementRefSchema = z
  .strictObject({ ref: z.string().min(1).describe('An id in suites/requirements.yaml') })
  .describe('A reference into the requirement catalogue (suites/requirements.yaml)');

export const RequirementSchema = z.union([
  InlineRequirementSchema,
  RequirementRefSchema,
  z.string().min(1).describe('Shorthand for { ref: ID }'),
]);

/** Matcher for one decoded field. A bare scalar means equality. */
export const FieldMatcherSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z
    .strictObject({
      equals: z.unknown().optional().describe('Deep equality'),
      present: z.boolean().optional().describe('The field is present (true) or absent (false)'),
      pattern: z.string().optional().describe('A regular expression the value (as text) matches'),
      range: z.tuple([z.number(), z.number()]).optional().describe('Inclusive numeric range [min, max]'),
      oneOf: z.array(z.unknown()).optional().describe('Equal to one of these'),
      contains: z.unknown().optional().describe('Substring (text) or element (array)'),
      not: z.unknown().optional().describe('A matcher that must NOT match'),
    })
    .describe('A field matcher: every given test must hold'),
]);

export const ExpectationSchema = z
  .strictObject({
    message: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('Message type (m-send-conf, submit_sm, MM4_forward.REQ, SubmitReq, NAPTR...)'),
    event: z.string().optional().describe('Event observation name (deadline-expired, behaviour, error...)'),
    iface: z.enum(INTERFACES).optional().describe('Interface: MM1, MM4, MM7, SMPP, MM5...'),
    node: z.string().optional().describe('Node that recorded it: mmsc, smsc, ue.alice...'),
    peer: z.string().optional().describe('The node at the other end'),
    direction: z.enum(['in', 'out', 'local']).optional().describe('Relative to the recording node'),
    where: z
      .record(z.string(), FieldMatcherSchema)
      .optional()
      .describe('Field name (or dotted path) -> matcher'),
    within: TimedDurationSchema.optional().describe('Deadline (default 2s)'),
    from: z
      .enum(['start', 'last-action', 'last-match'])
      .optional()
      .describe('Where in the timeline to start looking (default: the start of the case)'),
    count: z.number().int().positive().optional().describe('At least this many matching observations'),
    save: z.string().optional().describe('Keep the matched fields as saved.NAME'),
  })
  .describe('A query over the case timeline');

/**
 * One alternative of `anyOf`: an expectation, applicable only when its ICS terms hold (e.g. the
 * DSN a target behind an MTA sends instead of an SMTP refusal: `ics: [mm3.mtaFronted]`).
 */
export const ExpectationAlternativeSchema = ExpectationSchema.extend({
  ics: z
    .array(z.string().min(1))
    .optional()
    .describe("ICS terms this alternative needs (else it is not awaited): 'mm3.mtaFronted'"),
}).describe('An alternative of anyOf');

/**
 * Standard alternatives as one expectation: met when any applicable alternative is met (each
 * awaited at once, each with its own deadline), failed when every one of them failed.
 */
export const AnyOfSchema = z
  .strictObject({
    anyOf: z
      .array(ExpectationAlternativeSchema)
      .min(2)
      .describe('Alternatives: the first one met satisfies the step'),
  })
  .describe('Any one of several observations (alternatives the standard allows)');

const stepCommon = {
  name: z.string().optional().describe('Step name, shown in reports and PCAPNG comments'),
  timeout: DurationSchema.optional().describe('Step deadline (actions; default 10s)'),
};

export const ActionStepSchema = z
  .strictObject({
    ...stepCommon,
    do: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.[A-Za-z0-9_-]+$/,
        'PEER.ACTION, e.g. ue.alice.send or smsc.status',
      )
      .describe("A peer's action: ue.alice.send, vasp.submit, smsc.deliver-mo"),
    with: z.record(z.string(), z.unknown()).optional().describe('Action parameters (templated)'),
    save: z.string().optional().describe('Keep the result as saved.NAME for templating'),
  })
  .describe('Call an action of a peer');

export const BehaviourStepSchema = z
  .strictObject({
    ...stepCommon,
    behaviour: z
      .looseObject({
        peer: z.string().describe('Peer node name'),
        kind: z.string().describe('Behaviour kind'),
      })
      .describe('Puts a behaviour in front of the peer defaults for the rest of the case'),
  })
  .describe('Set a peer behaviour');

export const WaitStepSchema = z.strictObject({ ...stepCommon, wait: TimedDurationSchema }).describe('Pause');

const precondition = z
  .boolean()
  .optional()
  .describe(
    "This step checks the stimulus (what our own peers sent), not the target: when it fails the verdict is inconclusive, not fail. Never implied: an observation of our own node may carry the target's answer",
  );

export const ExpectStepSchema = z
  .strictObject({ ...stepCommon, precondition, expect: z.union([ExpectationSchema, AnyOfSchema]) })
  .describe('An observation that must happen');

export const ExpectNoneStepSchema = z
  .strictObject({
    ...stepCommon,
    precondition,
    // count and save have no meaning when nothing may match: refused, not silently ignored
    'expect-none': ExpectationSchema.omit({ count: true, save: true }),
  })
  .describe('An observation that must NOT happen (within the deadline)');

export const StepSchema = z.union([
  ActionStepSchema,
  BehaviourStepSchema,
  WaitStepSchema,
  ExpectStepSchema,
  ExpectNoneStepSchema,
]);

/** The key that names a step's kind, and the schema for it (for precise error messages). */
export const STEP_SCHEMAS = {
  do: ActionStepSchema,
  behaviour: BehaviourStepSchema,
  wait: WaitStepSchema,
  expect: ExpectStepSchema,
  'expect-none': ExpectNoneStepSchema,
} as const;
export type StepKind = keyof typeof STEP_SCHEMAS;

/** Peers a case needs: `ue: [alice, bob]`, `smsc: {}` or `smsc: true`, `hlr: { subscribers: [...] }`. */
export const PeersSchema = z
  .record(
    z.string().regex(/^[a-z][a-z0-9-]*$/, 'a peer kind such as ue, smsc, hlr, vasp'),
    z.union([
      z.literal(true),
      z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a peer name')),
      z.record(z.string(), z.unknown()),
    ]),
  )
  .describe('Peer kinds this case needs -> true, a list of names (ue: [alice, bob]) or a config object');

export const CASE_SCOPES = ['target', 'reference'] as const;
export type CaseScope = (typeof CASE_SCOPES)[number];

const IcsTermsSchema = z
  .array(z.string().min(1))
  .describe(
    "ICS items the case needs (all must hold, else not-applicable): 'mm7.supported', '!mm1.mmbox', 'mm1.versions has 1.3', 'notification.via == smpp', 'mm1.maxMessageSize >= 300000'",
  );
const ScopeSchema = z
  .enum(CASE_SCOPES)
  .describe(
    'target (default): judged from the wire only. reference: a self-test of the reference MMSC, may observe node mmsc, runs only against the embedded target',
  );

const caseFields = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9_{}. -]+$/, 'a dotted id like mm1.send.001')
    .describe('Hierarchical case id, selectable by glob (mm1.send.*)'),
  title: z.string().min(1),
  description: z.string().optional().describe('What the case does'),
  expectation: z.string().optional().describe('What a conforming MMSC does'),
  requirements: z.array(RequirementSchema).optional(),
  interfaces: z.array(z.enum(INTERFACES)).optional(),
  peers: PeersSchema.optional(),
  timeout: DurationSchema.optional().describe('Case deadline (default 30s)'),
  tags: z.array(z.string()).optional(),
  alone: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Why the case runs alone in its lane (no other case of the run beside it on the same MMSC and peers): a case whose own load (hundreds of connections or recipients) would make its neighbours, or itself, miss deadlines',
    ),
  ics: IcsTermsSchema.optional(),
  scope: ScopeSchema.optional(),
  each: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .describe('Rows: the case is expanded once per row, {{each.FIELD}} replaced'),
  steps: z.array(StepSchema).min(1),
};

export const CaseSchema = z.strictObject(caseFields).describe('A test case');

export const SuiteFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    suite: z.string().optional().describe('Suite name (defaults to the file path)'),
    title: z.string().optional(),
    description: z.string().optional(),
    interfaces: z.array(z.enum(INTERFACES)).optional().describe('Default interfaces of every case'),
    peers: PeersSchema.optional().describe('Default peers of every case (merged under each case)'),
    requirements: z.array(RequirementSchema).optional().describe('Requirements every case checks'),
    ics: IcsTermsSchema.optional().describe("ICS items every case needs (merged with each case's)"),
    scope: ScopeSchema.optional().describe('Scope of every case (a case may not widen a reference suite)'),
    cases: z.array(CaseSchema).min(1),
  })
  .describe('An mmscert suite file');

export type Duration = z.infer<typeof DurationSchema>;
export type Requirement = z.infer<typeof RequirementSchema>;
export type InlineRequirement = z.infer<typeof InlineRequirementSchema>;
export type FieldMatcher = z.infer<typeof FieldMatcherSchema>;
export type Expectation = z.infer<typeof ExpectationSchema>;
export type ExpectationAlternative = z.infer<typeof ExpectationAlternativeSchema>;
export type AnyOf = z.infer<typeof AnyOfSchema>;
export type Step = z.infer<typeof StepSchema>;
export type PeersSpec = z.infer<typeof PeersSchema>;
export type CaseSpec = z.infer<typeof CaseSchema>;
export type SuiteFile = z.infer<typeof SuiteFileSchema>;

/** The requirement catalogue (suites/requirements.yaml): a list or a map id -> requirement. */
export const RequirementCatalogueSchema = z.union([
  z.strictObject({ requirements: z.array(InlineRequirementSchema.extend({ id: z.string().min(1) })) }),
  z.strictObject({ requirements: z.record(z.string(), InlineRequirementSchema) }),
]);

/** The JSON Schema published for editors. */
export function suiteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SuiteFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  addActionSchemas(schema);
  return {
    ...schema,
    $id: 'https://mmscert.dev/schema/suite.schema.json',
    title: 'mmscert suite',
  };
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Editors complete what the loader checks: the action step gets one `if do: KIND[.NAME].ACTION
 * then with: {its parameters only}` per action of the peers' action tables (the same tables the
 * loader reads), `do:` lists every action as examples, `peers:` the peer kinds.
 */
function addActionSchemas(root: Record<string, unknown>): void {
  const branches: unknown[] = [];
  const examples: string[] = [];
  for (const [kind, row] of Object.entries(PEER_KINDS)) {
    for (const [action, def] of Object.entries(row.actions ?? {})) {
      examples.push(`${kind === 'ue' ? 'ue.alice' : kind}.${action}`);
      const params = Object.fromEntries(
        Object.entries(def.params as Record<string, string>).map(([k, d]) => [k, { description: d }]),
      );
      branches.push({
        if: {
          properties: { do: { pattern: `^${reEscape(kind)}(\\.[A-Za-z0-9_-]+)?\\.${reEscape(action)}$` } },
          required: ['do'],
        },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
        then: {
          properties: {
            with: {
              type: 'object',
              description: def.description,
              properties: params,
              additionalProperties: false,
            },
          },
        },
      });
    }
  }
  const kinds = Object.keys(PEER_KINDS);
  const behaviourKinds = [
    ...new Set(Object.values(PEER_KINDS).flatMap((k) => Object.keys(k.behaviours ?? {}))),
  ].sort();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const props = o.properties as Record<string, Record<string, unknown>> | undefined;
    if (props?.do && Array.isArray(o.required) && o.required.includes('do')) steps.push(o);
    // completion of event names and behaviour kinds (the strict check refuses others)
    if (props?.event && typeof props.event === 'object' && props.event.type === 'string')
      props.event.examples = [...EVENT_NAMES];
    const kindProp = (props?.behaviour?.properties as Record<string, Record<string, unknown>> | undefined)
      ?.kind;
    if (kindProp) kindProp.examples = behaviourKinds;
    if (props?.peers && typeof props.peers === 'object') {
      const names = props.peers.propertyNames as Record<string, unknown> | undefined;
      if (names) props.peers.propertyNames = { ...names, enum: kinds };
    }
    for (const v of Object.values(o)) visit(v);
  };
  const steps: Record<string, unknown>[] = [];
  visit(root);
  for (const o of steps) {
    o.allOf = branches;
    (o.properties as Record<string, Record<string, unknown>>).do.examples = examples;
  }
}
