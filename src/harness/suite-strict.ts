import type { BehaviourDef } from '../../mocks/behaviour-tables.ts';
import type { ParamItems } from '../../mocks/param-items.ts';
import type { ActionDefs } from '../../mocks/peer.ts';
import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import { closest, didYouMean } from '../util/did-you-mean.ts';
import { EVENT_NAMES } from './event-names.ts';
import type { SuiteDiagnostic } from './suite-diagnostics.ts';
import { stepKindOf } from './suite-diagnostics.ts';
import type { CaseScope, PeersSpec, Step } from './suite-schema.ts';
import { type FieldRule, MESSAGE_TYPES } from './wire-vocabulary.ts';
import type { SourcePos } from './yaml-positions.ts';

/**
 * Strict suites: what the schema cannot see, because it depends on other parts of the case or on
 * the peers' own tables. Every peer kind, node (`do:`, `behaviour.peer`, `node:`, `peer:`), action,
 * action parameter (`with:` keys), key of a list parameter's items (`with: { parts: [{ ... }] }`),
 * behaviour kind and behaviour parameter (`behaviour:`), message type, event name and field name
 * (`where:` keys, in plain expectations and in each `anyOf` alternative) must exist; a near miss
 * is named ("did you mean"). A misspelt parameter is never silently ignored.
 */

/**
 * What the loader knows of a peer kind: its action table, extra message types it publishes, its
 * behaviours and the item keys of its actions' list parameters (its row in mocks/peer-kinds.ts). A kind without `behaviours` has its behaviour steps unchecked.
 */
export interface PeerKindVocabulary {
  actions?: ActionDefs;
  messages?: readonly string[];
  behaviours?: Readonly<Record<string, BehaviourDef>>;
  items?: ParamItems;
}
export type PeerVocabulary = Readonly<Record<string, PeerKindVocabulary>>;

/** The registry's peer kinds (mocks/peer-kinds.ts): each row's actions, behaviours, item keys and extra message types. */
export const DEFAULT_PEER_VOCABULARY: PeerVocabulary = PEER_KINDS;

/** Nodes that exist in every case besides its peers: the target and the harness itself. */
const TARGET_NODE = 'mmsc';
const HARNESS_NODE = 'harness';

const templated = (s: string) => s.includes('{{');

export interface StrictContext {
  vocabulary: PeerVocabulary;
  pos: (p: readonly PropertyKey[], opts?: { key?: boolean }) => SourcePos;
  diagnostics: SuiteDiagnostic[];
}

/** Unknown peer kinds of a `peers:` mapping (suite or case level). */
export function checkPeerKinds(
  peers: PeersSpec | undefined,
  ctx: StrictContext,
  at: readonly PropertyKey[],
): void {
  for (const kind of Object.keys(peers ?? {})) {
    if (Object.hasOwn(ctx.vocabulary, kind)) continue;
    ctx.diagnostics.push({
      ...ctx.pos([...at, kind], { key: true }),
      message: `unknown peer kind "${kind}"${didYouMean(kind, Object.keys(ctx.vocabulary))} (known: ${Object.keys(ctx.vocabulary).join(', ')})`,
    });
  }
}

/** The nodes a case's peers make: `ue: [alice]` -> ue.alice, `smsc: {}` -> smsc. */
export function caseNodes(peers: PeersSpec): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const [kind, spec] of Object.entries(peers)) {
    if (Array.isArray(spec)) for (const name of spec) nodes.set(`${kind}.${name}`, kind);
    // a single handset is named within its kind too: node ue.ue (`do: ue.send` finds it as well)
    else if (kind === 'ue') nodes.set('ue.ue', kind).set('ue', kind);
    else nodes.set(kind, kind);
  }
  // a target notifying through a push proxy gateway gets one in front of the SMSC (runner planPeers)
  if ('smsc' in peers && !('ppg' in peers)) nodes.set('ppg', 'ppg');
  return nodes;
}

function nodeProblem(node: string, nodes: Map<string, string>, also: readonly string[]): string | undefined {
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

/** The strict checks of one case's steps (after `each:` expansion). */
export function checkCaseSteps(
  steps: readonly Step[],
  peers: PeersSpec,
  scope: CaseScope,
  ctx: StrictContext,
  casePath: readonly PropertyKey[],
): void {
  const nodes = caseNodes(peers);
  const extraTypes = new Set(Object.values(ctx.vocabulary).flatMap((k) => k.messages ?? []));
  const push = (p: readonly PropertyKey[], message: string, key = false): void => {
    ctx.diagnostics.push({ ...ctx.pos(p, { key }), message });
  };
  for (const [i, step] of steps.entries()) {
    const k = stepKindOf(step);
    if (!('kind' in k)) continue;
    const at = [...casePath, 'steps', i];
    const s = step as Record<string, unknown>;
    if (k.kind === 'do') {
      const target = String(s.do);
      const dot = target.lastIndexOf('.');
      const node = target.slice(0, dot);
      const action = target.slice(dot + 1);
      const problem = nodeProblem(node, nodes, []);
      if (problem) {
        push([...at, 'do'], `do: ${target}: ${problem}`);
        continue;
      }
      const kind = nodes.get(node);
      const table = kind === undefined ? undefined : ctx.vocabulary[kind]?.actions;
      if (!table || templated(action)) continue;
      const def = table[action];
      if (!def) {
        push(
          [...at, 'do'],
          `do: ${target}: ${kind} has no action "${action}"${didYouMean(action, Object.keys(table))} (actions: ${Object.keys(table).join(', ')})`,
        );
        continue;
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
          const itemKeys = kind === undefined ? undefined : ctx.vocabulary[kind]?.items?.[action]?.[key];
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
      continue;
    }
    if (k.kind === 'behaviour') {
      const b = s.behaviour as Record<string, unknown>;
      const problem = typeof b.peer === 'string' ? nodeProblem(b.peer, nodes, []) : undefined;
      if (problem) {
        push([...at, 'behaviour', 'peer'], `behaviour: ${problem}`);
        continue;
      }
      const peerKind = typeof b.peer === 'string' ? nodes.get(b.peer) : undefined;
      const table = peerKind === undefined ? undefined : ctx.vocabulary[peerKind]?.behaviours;
      if (!table || typeof b.kind !== 'string' || templated(b.kind)) continue;
      const def = Object.hasOwn(table, b.kind) ? table[b.kind] : undefined;
      if (!def) {
        const known = Object.keys(table);
        push(
          [...at, 'behaviour', 'kind'],
          `behaviour: ${peerKind} has no behaviour "${b.kind}"${didYouMean(b.kind, known)} (behaviours: ${known.join(', ')})`,
        );
        continue;
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
      continue;
    }
    if (k.kind !== 'expect' && k.kind !== 'expect-none') continue;
    const stepExp = s[k.kind] as { anyOf?: unknown };
    const alternatives: Array<[Record<string, unknown>, PropertyKey[]]> = Array.isArray(stepExp.anyOf)
      ? stepExp.anyOf.map((a, j): [Record<string, unknown>, PropertyKey[]] => [
          a,
          [...at, k.kind, 'anyOf', j],
        ])
      : [[stepExp as Record<string, unknown>, [...at, k.kind]]];
    for (const [alt, altAt] of alternatives) checkExpectation(alt, altAt, scope, nodes, extraTypes, push);
  }
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

/** What the strict checks depend on besides the suite file, for the suite cache's key. */
export function vocabularyKey(v: PeerVocabulary): string {
  const rules = [...MESSAGE_TYPES].map(([t, r]) => [
    t,
    r
      ? [
          r.what,
          [...r.top],
          r.extension?.source,
          Object.entries(r.nested ?? {}).map(([k, n]) => [k, [...n.names]]),
        ]
      : null,
  ]);
  return JSON.stringify([
    Object.entries(v).map(([k, x]) => [
      k,
      x.actions ?? null,
      x.messages ?? null,
      x.behaviours ?? null,
      x.items ?? null,
    ]),
    rules,
    [...EVENT_NAMES],
  ]);
}
