import type { ActionDefs } from '../../mocks/peer.ts';
import { closest, didYouMean } from '../util/did-you-mean.ts';
import type { CaseScope, StepKind } from './suite-schema.ts';
import { type FieldRule, MESSAGE_TYPES } from './wire-vocabulary.ts';

/**
 * The strict check of each step kind (the `validate` column of STEP_KINDS, step-kinds.ts): what
 * the schema cannot see, because it depends on the case's peers or on the peers' own tables
 * (suite-strict.ts runs them for every step of a case).
 */

/** What the loader knows of a peer kind: its action table, extra message types it publishes. */
export interface PeerKindVocabulary {
  actions?: ActionDefs;
  messages?: readonly string[];
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
    const nested = rule.nested?.[top];
    const second = segs[1];
    if (!nested || second === undefined || templated(second)) return undefined;
    if ([...nested.names].some((n) => n.toLowerCase() === second.toLowerCase())) return undefined;
    if (nested.unless?.test(second)) return undefined;
    problems.push(`unknown ${nested.what} "${second}"${didYouMean(second, nested.names)}`);
  }
  return `where: ${problems[0]} in ${types.join(' | ')}`;
}

/** `do: node.action`: the node is one of the case's, the action and each `with:` key in its table. */
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
    for (const key of Object.keys(params)) {
      if (Object.hasOwn(def.params, key) || templated(key)) continue;
      const known = Object.keys(def.params);
      push(
        [...at, 'with', key],
        `with: ${kind} action "${action}" has no parameter "${key}"${didYouMean(key, known)} (parameters: ${known.join(', ') || 'none'})`,
        true,
      );
    }
  }
}

/** `behaviour.peer` is one of the case's nodes. */
export function checkBehaviourStep(s: Record<string, unknown>, _kind: StepKind, cx: StepCheckContext): void {
  const { nodes, at, push } = cx;
  const b = s.behaviour as { peer?: unknown };
  const problem = typeof b.peer === 'string' ? nodeProblem(b.peer, nodes, []) : undefined;
  if (problem) push([...at, 'behaviour', 'peer'], `behaviour: ${problem}`);
}

/** `expect` / `expect-none`: its nodes exist, its message types are known, its `where:` keys are fields of them. */
export function checkExpectationStep(s: Record<string, unknown>, kind: StepKind, cx: StepCheckContext): void {
  const { nodes, at, push, scope, extraTypes } = cx;
  const e = s[kind] as { node?: unknown; peer?: unknown; message?: unknown; where?: unknown };
  const eAt = [...at, kind];
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
  if (unchecked || !e.where || typeof e.where !== 'object') return;
  for (const key of Object.keys(e.where)) {
    const problem = fieldProblem(key, rules, types);
    if (problem) push([...eAt, 'where', key], problem, true);
  }
}
