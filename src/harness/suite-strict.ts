import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { EVENT_NAMES } from './event-names.ts';
import type { PeerKindVocabulary } from './step-checks.ts';
import { STEP_KINDS } from './step-kinds.ts';
import type { SuiteDiagnostic } from './suite-diagnostics.ts';
import { stepKindOf } from './suite-diagnostics.ts';
import type { CaseScope, PeersSpec, Step } from './suite-schema.ts';
import { MESSAGE_TYPES } from './wire-vocabulary.ts';
import type { SourcePos } from './yaml-positions.ts';

/**
 * Strict suites: what the schema cannot see, because it depends on other parts of the case or on
 * the peers' own tables. Every peer kind, node (`do:`, `behaviour.peer`, `node:`, `peer:`), action,
 * action parameter (`with:` keys), key of a list parameter's items (`with: { parts: [{ ... }] }`),
 * behaviour kind and behaviour parameter (`behaviour:`), message type, event name and field name
 * (`where:` keys, in plain expectations and in each `anyOf` alternative) must exist; a near miss
 * is named ("did you mean"). A misspelt parameter is never silently ignored.
 */

export type { PeerKindVocabulary };
export type PeerVocabulary = Readonly<Record<string, PeerKindVocabulary>>;

/** The registry's peer kinds (mocks/peer-kinds.ts): each row's actions, behaviours, item keys and extra message types. */
export const DEFAULT_PEER_VOCABULARY: PeerVocabulary = PEER_KINDS;

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

/** Message types the peers publish besides the wire vocabulary's, once per vocabulary (not per case). */
const EXTRA_TYPES = new WeakMap<PeerVocabulary, ReadonlySet<string>>();
function extraTypesOf(v: PeerVocabulary): ReadonlySet<string> {
  let types = EXTRA_TYPES.get(v);
  if (!types) {
    types = new Set(Object.values(v).flatMap((k) => k.messages ?? []));
    EXTRA_TYPES.set(v, types);
  }
  return types;
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
  const extraTypes = extraTypesOf(ctx.vocabulary);
  const push = (p: readonly PropertyKey[], message: string, key = false): void => {
    ctx.diagnostics.push({ ...ctx.pos(p, { key }), message });
  };
  for (const [i, step] of steps.entries()) {
    const k = stepKindOf(step);
    if (!('kind' in k)) continue;
    const at = [...casePath, 'steps', i];
    STEP_KINDS[k.kind].validate?.(step as Record<string, unknown>, k.kind, {
      nodes,
      scope,
      vocabulary: ctx.vocabulary,
      extraTypes,
      at,
      push,
    });
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
          Object.entries(r.items ?? {}).map(([k, n]) => [
            k,
            [...n.names],
            Object.entries(n.sub ?? {}).map(([s, x]) => [s, [...x.names]]),
          ]),
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
      x.headers ?? null,
    ]),
    rules,
    [...EVENT_NAMES],
  ]);
}
