import type { BehaviourDef } from '../../mocks/behaviour-tables.ts';
import type { ParamHeaders, ParamItems } from '../../mocks/param-items.ts';
import type { ActionDefs } from '../../mocks/peer.ts';
import { closest, didYouMean } from '../util/did-you-mean.ts';
import { EVENT_NAMES } from './event-names.ts';
import type { CaseScope, StepKind } from './suite-schema.ts';
import { type FieldRule, MESSAGE_TYPES } from './wire-vocabulary.ts';

/**
 * The strict check of each step kind (the `validate` column of STEP_KINDS, step-kinds.ts): what
 * the schema cannot see, because it depends on the case's peers or on the peers' own tables
 * (suite-strict.ts runs them for every step of a case).
 */

/**
 * What the loader knows of a peer kind: its action table, extra message types it publishes, its
 * behaviours (mocks/behaviour-tables.ts) and the item keys of its actions' list parameters
 * (mocks/param-items.ts). A kind without `behaviours` has its behaviour steps unchecked.
 */
export interface PeerKindVocabulary {
  actions?: ActionDefs;
  messages?: readonly string[];
  behaviours?: Readonly<Record<string, BehaviourDef>>;
  items?: ParamItems;
  headers?: ParamHeaders;
}

/** Nodes that exist in every case besides its peers: the target and the harness itself. */
export const TARGET_NODE = 'mmsc';
export const HARNESS_NODE = 'harness';

export const templated = (s: string) => s.includes('{{');

/** One step's place and what it is checked against. */
export interface StepCheckContext {
  /** The case's nodes (node -> peer kind), suite-strict caseNodes. */
  nodes: Map<string, string>;
  scope: CaseScope;
  vocabulary: Readonly<Record<string, PeerKindVocabulary>>;
  /** Message types the peers publish besides the wire vocabulary's. */
  extraTypes: ReadonlySet<string>;
  /** The step's path in its file. */
  at: readonly PropertyKey[];
  push(p: readonly PropertyKey[], message: string, key?: boolean): void;
}

export type StepCheck = (s: Record<string, unknown>, kind: StepKind, cx: StepCheckContext) => void;

export function nodeProblem(
  node: string,
  nodes: Map<string, string>,
  also: readonly string[],
): string | undefined {
  if (templated(node) || nodes.has(node) || also.includes(node)) return undefined;
  const all = [...nodes.keys(), ...also];
  return `no node "${node}" in this case${didYouMean(node, all)} (nodes: ${all.join(', ')})`;
}

/** Field-name check of one `where:` key against the rules of the expected message types. */
function fieldProblem(
  key: string,
  rules: readonly FieldRule[],
  types: readonly string[],
): string | undefined {
  if (templated(key) || rules.length === 0) return undefined;
  const segs = key.split('.');
  const first = segs[0];
  const problems: string[] = [];
  for (const rule of rules) {
    // `size`: the raw octets' length of any message (matchers.ts)
    const topNames = [...rule.top, 'size'];
    const lower = key.toLowerCase();
    if (topNames.some((n) => n.toLowerCase() === lower)) return undefined;
    const top = topNames.find((n) => n.toLowerCase() === first.toLowerCase());
    if (top === undefined) {
      if (rule.extension?.test(first)) return undefined;
      problems.push(`unknown ${rule.what} "${first}"${didYouMean(first, topNames)}`);
      continue;
    }
    const items = rule.items?.[top];
    if (items) {
      // `parts.<index>.<name>[.<sub-name>]`: an index (or a template) then the item's field names
      const [, index, name, subName] = segs;
      if (index === undefined || name === undefined || templated(index) || templated(name)) return undefined;
      if (!/^[0-9]+$/.test(index)) {
        problems.push(`"${top}" is a list: ${top}.<index>.<field>, not ${top}.${index}`);
        continue;
      }
      const itemName = [...items.names].find((n) => n.toLowerCase() === name.toLowerCase());
      if (itemName === undefined) {
        problems.push(`unknown ${items.what} "${name}"${didYouMean(name, items.names)}`);
        continue;
      }
      const sub = items.sub?.[itemName];
      if (!sub || subName === undefined || templated(subName)) return undefined;
      if ([...sub.names].some((n) => n.toLowerCase() === subName.toLowerCase())) return undefined;
      problems.push(`unknown ${sub.what} "${subName}"${didYouMean(subName, sub.names)}`);
      continue;
    }
    const nested = rule.nested?.[top];
    const second = segs[1];
    if (!nested || second === undefined || templated(second)) return undefined;
    if ([...nested.names].some((n) => n.toLowerCase() === second.toLowerCase())) return undefined;
    if (nested.unless?.test(second)) return undefined;
    problems.push(`unknown ${nested.what} "${second}"${didYouMean(second, nested.names)}`);
  }
  return `where: ${problems[0]} in ${types.join(' | ')}`;
}

/** `do: node.action`: the node is one of the case's, the action and each `with:` key (and list item key) in its tables. */
export function checkActionStep(s: Record<string, unknown>, _kind: StepKind, cx: StepCheckContext): void {
  const { nodes, at, push } = cx;
  const target = String(s.do);
  const dot = target.lastIndexOf('.');
  const node = target.slice(0, dot);
  const action = target.slice(dot + 1);
  const problem = nodeProblem(node, nodes, []);
  if (problem) {
    push([...at, 'do'], `do: ${target}: ${problem}`);
    return;
  }
  const kind = nodes.get(node);
  const table = kind === undefined ? undefined : cx.vocabulary[kind]?.actions;
  if (!table || templated(action)) return;
  const def = table[action];
  if (!def) {
    push(
      [...at, 'do'],
      `do: ${target}: ${kind} has no action "${action}"${didYouMean(action, Object.keys(table))} (actions: ${Object.keys(table).join(', ')})`,
    );
    return;
  }
  const params = s.with;
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    for (const [key, value] of Object.entries(params)) {
      if (templated(key)) continue;
      if (!Object.hasOwn(def.params, key)) {
        const known = Object.keys(def.params);
        push(
          [...at, 'with', key],
          `with: ${kind} action "${action}" has no parameter "${key}"${didYouMean(key, known)} (parameters: ${known.join(', ') || 'none'})`,
          true,
        );
        continue;
      }
      const fields = kind === undefined ? undefined : cx.vocabulary[kind]?.headers?.[action]?.[key];
      if (fields && value && typeof value === 'object' && !Array.isArray(value))
        for (const name of Object.keys(value)) {
          if (templated(name) || fields.names.includes(name)) continue;
          const near = closest(name, fields.names);
          if (near === undefined) continue;
          push(
            [...at, 'with', key, name],
            `with: ${key}: "${name}" is not a field name, did you mean "${near}"? (${fields.what}: a name this near a field's is taken for a slip)`,
            true,
          );
        }
      const itemKeys = kind === undefined ? undefined : cx.vocabulary[kind]?.items?.[action]?.[key];
      if (itemKeys && Array.isArray(value))
        value.forEach((item, j) => {
          if (!item || typeof item !== 'object' || Array.isArray(item)) return;
          for (const k2 of Object.keys(item)) {
            if (itemKeys.includes(k2) || templated(k2)) continue;
            push(
              [...at, 'with', key, j, k2],
              `with: ${key}[${j}]: no key "${k2}" in an item of ${kind} "${action}" ${key}${didYouMean(k2, itemKeys)} (keys: ${itemKeys.join(', ')})`,
              true,
            );
          }
        });
    }
  }
}

/** `behaviour:`: the peer is one of the case's nodes, the behaviour and its parameters in the peer's table. */
export function checkBehaviourStep(s: Record<string, unknown>, _kind: StepKind, cx: StepCheckContext): void {
  const { nodes, at, push } = cx;
  const b = s.behaviour as Record<string, unknown>;
  const problem = typeof b.peer === 'string' ? nodeProblem(b.peer, nodes, []) : undefined;
  if (problem) {
    push([...at, 'behaviour', 'peer'], `behaviour: ${problem}`);
    return;
  }
  const peerKind = typeof b.peer === 'string' ? nodes.get(b.peer) : undefined;
  const table = peerKind === undefined ? undefined : cx.vocabulary[peerKind]?.behaviours;
  if (!table || typeof b.kind !== 'string' || templated(b.kind)) return;
  const def = Object.hasOwn(table, b.kind) ? table[b.kind] : undefined;
  if (!def) {
    const known = Object.keys(table);
    push(
      [...at, 'behaviour', 'kind'],
      `behaviour: ${peerKind} has no behaviour "${b.kind}"${didYouMean(b.kind, known)} (behaviours: ${known.join(', ')})`,
    );
    return;
  }
  for (const key of Object.keys(b)) {
    if (key === 'peer' || key === 'kind' || Object.hasOwn(def.params, key) || templated(key)) continue;
    const known = Object.keys(def.params);
    push(
      [...at, 'behaviour', key],
      `behaviour: ${peerKind} behaviour "${b.kind}" has no parameter "${key}"${didYouMean(key, known)} (parameters: ${known.join(', ') || 'none'})`,
      true,
    );
  }
}

/** `expect` / `expect-none` (or each `anyOf` alternative): nodes, message types, event names and `where:` keys exist. */
export function checkExpectationStep(s: Record<string, unknown>, kind: StepKind, cx: StepCheckContext): void {
  const { nodes, at, push, scope, extraTypes } = cx;
  const stepExp = s[kind] as { anyOf?: unknown };
  const alternatives: Array<[Record<string, unknown>, PropertyKey[]]> = Array.isArray(stepExp.anyOf)
    ? stepExp.anyOf.map((a, j): [Record<string, unknown>, PropertyKey[]] => [a, [...at, kind, 'anyOf', j]])
    : [[stepExp as Record<string, unknown>, [...at, kind]]];
  for (const [alt, altAt] of alternatives) checkExpectation(alt, altAt, scope, nodes, extraTypes, push);
}

/** The strict checks of one expectation (a step's, or one `anyOf` alternative). */
function checkExpectation(
  e: { node?: unknown; peer?: unknown; message?: unknown; event?: unknown; where?: unknown },
  eAt: readonly PropertyKey[],
  scope: CaseScope,
  nodes: Map<string, string>,
  extraTypes: ReadonlySet<string>,
  push: (p: readonly PropertyKey[], message: string, key?: boolean) => void,
): void {
  // node: mmsc in a target case is refused by the wire-only rule (suite-loader checkWireOnly)
  const selfNodes = scope === 'reference' ? [TARGET_NODE, HARNESS_NODE] : [HARNESS_NODE];
  if (typeof e.node === 'string' && e.node !== TARGET_NODE && !e.node.startsWith(`${TARGET_NODE}.`)) {
    const problem = nodeProblem(e.node, nodes, selfNodes);
    if (problem) push([...eAt, 'node'], `node: ${problem}`);
  }
  if (typeof e.peer === 'string') {
    const problem = nodeProblem(e.peer, nodes, [TARGET_NODE, HARNESS_NODE]);
    if (problem) push([...eAt, 'peer'], `peer: ${problem}`);
  }
  const types =
    e.message === undefined ? [] : Array.isArray(e.message) ? e.message.map(String) : [String(e.message)];
  const rules: FieldRule[] = [];
  let unchecked = types.length === 0;
  types.forEach((t, j) => {
    if (templated(t)) {
      unchecked = true;
      return;
    }
    if (MESSAGE_TYPES.has(t)) {
      const rule = MESSAGE_TYPES.get(t);
      if (rule) rules.push(rule);
      else unchecked = true;
      return;
    }
    if (extraTypes.has(t)) {
      unchecked = true;
      return;
    }
    unchecked = true;
    const hint = closest(t, [...MESSAGE_TYPES.keys(), ...extraTypes]);
    push(
      Array.isArray(e.message) ? [...eAt, 'message', j] : [...eAt, 'message'],
      `message: unknown message type "${t}"${hint && hint !== t ? ` (did you mean "${hint}"?)` : ''}`,
    );
  });
  if (typeof e.event === 'string' && !templated(e.event) && !EVENT_NAMES.has(e.event)) {
    const hint = closest(e.event, [...EVENT_NAMES]);
    push(
      [...eAt, 'event'],
      `event: unknown event "${e.event}"${hint && hint !== e.event ? ` (did you mean "${hint}"?)` : ''} (the events peers, handsets and the harness publish: src/harness/event-names.ts)`,
    );
  }
  if (unchecked || !e.where || typeof e.where !== 'object') return;
  for (const key of Object.keys(e.where)) {
    const problem = fieldProblem(key, rules, types);
    if (problem) push([...eAt, 'where', key], problem, true);
  }
}
