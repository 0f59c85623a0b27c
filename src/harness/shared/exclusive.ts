import type { LoadedCase } from '../case-model.ts';
import type { Ics } from '../ics/ics-schema.ts';
import { icsPeerConfig } from '../targets/ics-identities.ts';

/**
 * Why a case cannot share the run's peers with other cases, from its declaration alone (known
 * at load time), or undefined when it can:
 * - a `behaviour:` step on a shared peer (an SMSC refusing binds, an HLR answering slowly, a
 *   remote MMSC answering 421 ...) would change that peer for every case running beside it;
 * - its own config for a shared peer (keys other than the identities the target's ICS imposes,
 *   e.g. remote-mmsc `deliveryStatus`, hlr `subscribers`) makes a different peer;
 * - named peers of a shared kind (`remote-mmsc: [a, b]`) cannot all sit on its one fixed port.
 * Such a case runs alone, with peers of its own on the fixed ports, as every case did before
 * the peers were shared (runner.ts).
 */
export function exclusiveReason(c: LoadedCase, shared: ReadonlySet<string>, ics: Ics): string | undefined {
  for (const [kind, spec] of Object.entries(c.peers)) {
    if (!shared.has(kind)) continue;
    if (Array.isArray(spec)) return `named ${kind} peers (${spec.join(', ')})`;
    if (spec === true || spec === null || typeof spec !== 'object') continue;
    const imposed = new Set(Object.keys(icsPeerConfig(ics, kind)));
    const own = Object.keys(spec).filter((k) => !imposed.has(k));
    if (own.length > 0) return `its own ${kind} config (${own.join(', ')})`;
  }
  for (const step of c.steps) {
    if (step.kind !== 'behaviour') continue;
    const b = (step.spec as { behaviour?: { peer?: unknown; kind?: unknown } }).behaviour;
    const node = typeof b?.peer === 'string' ? b.peer : '';
    const kind = node.split('.')[0];
    if (shared.has(kind) || shared.has(node)) return `behaviour ${String(b?.kind)} on the shared ${node}`;
  }
  return undefined;
}
