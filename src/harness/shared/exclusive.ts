import { PEER_KINDS } from '../../../mocks/peer-kinds.ts';
import type { JsonObject } from '../../util/json.ts';
import type { LoadedCase } from '../case-model.ts';
import type { Ics } from '../ics/ics-schema.ts';
import { icsPeerConfig } from '../targets/ics-identities.ts';

/**
 * How a case can use the run's shared peers, from its declaration alone (known at load time):
 * - `shared`: as they are, beside any other case;
 * - `config`: its own literal config for a shared peer (keys other than the identities the
 *   target's ICS imposes, e.g. remote-mmsc `autoReports: false`) makes a different peer: it runs
 *   beside the cases of the very same config, the shared peers started again with it, apart
 *   from every other case;
 * - `alone`: a `behaviour:` step on a shared peer (an SMSC refusing binds, an HLR answering
 *   slowly, a remote MMSC answering 421 ...) would change that peer for every case beside it;
 *   named peers of a shared kind (`remote-mmsc: [a, b]`) cannot all sit on its one fixed port; a
 *   templated config (`{{each.status}}`) differs from row to row. It runs by itself, with peers of
 *   its own on the fixed ports, as every case did before the peers were shared (runner.ts).
 *   So does a case with a `do:` of a shared peer's action marked `alone` in its action table (an
 *   SMSC ending the target's session). (A case that only needs nothing beside it says `alone:`.)
 */
export type Sharing =
  | { mode: 'shared' }
  | { mode: 'config'; reason: string; overlay: Record<string, JsonObject>; key: string }
  | { mode: 'alone'; reason: string };

export function sharingOf(c: LoadedCase, shared: ReadonlySet<string>, ics: Ics): Sharing {
  for (const step of c.steps) {
    if (step.kind !== 'do') continue;
    const target = (step.spec as { do?: unknown }).do;
    const [node = '', action = ''] = typeof target === 'string' ? target.split(/\.(?=[^.]+$)/) : [];
    const kind = node.split('.')[0];
    const why = PEER_KINDS[kind]?.actions?.[action]?.alone;
    if (why && (shared.has(kind) || shared.has(node)))
      return { mode: 'alone', reason: `${node}.${action} on the shared ${node}: ${why}` };
  }
  for (const step of c.steps) {
    if (step.kind !== 'behaviour') continue;
    const b = (step.spec as { behaviour?: { peer?: unknown; kind?: unknown } }).behaviour;
    const node = typeof b?.peer === 'string' ? b.peer : '';
    const kind = node.split('.')[0];
    if (shared.has(kind) || shared.has(node))
      return { mode: 'alone', reason: `behaviour ${String(b?.kind)} on the shared ${node}` };
  }
  const overlay: Record<string, JsonObject> = {};
  const reasons: string[] = [];
  for (const [kind, spec] of Object.entries(c.peers)) {
    if (!shared.has(kind)) continue;
    if (Array.isArray(spec)) return { mode: 'alone', reason: `named ${kind} peers (${spec.join(', ')})` };
    if (spec === true || spec === null || typeof spec !== 'object') continue;
    const imposed = new Set(Object.keys(icsPeerConfig(ics, kind)));
    const own = Object.keys(spec)
      .filter((k) => !imposed.has(k))
      .sort();
    if (own.length === 0) continue;
    const config: JsonObject = {};
    for (const k of own) config[k] = (spec as JsonObject)[k];
    if (JSON.stringify(config).includes('{{'))
      return { mode: 'alone', reason: `its own templated ${kind} config (${own.join(', ')})` };
    overlay[kind] = config;
    reasons.push(`its own ${kind} config (${own.join(', ')})`);
  }
  if (reasons.length === 0) return { mode: 'shared' };
  const key = JSON.stringify(
    Object.keys(overlay)
      .sort()
      .map((k) => [k, overlay[k]]),
  );
  return { mode: 'config', reason: reasons.join(', '), overlay, key };
}
