import type { Json } from '../util/json.ts';
import type { Iface } from '../wire/nodes.ts';
import type { CaseScope, CaseSpec, Level, PeersSpec, Step, StepKind } from './suite-schema.ts';
import type { SourcePos } from './yaml-positions.ts';

/** A requirement after catalogue references are resolved. */
export interface ResolvedRequirement {
  id?: string;
  spec: string;
  clause: string;
  level: Level;
  text?: string;
}

/** One step of a loaded case, with the place it was written. */
export interface LoadedStep {
  index: number;
  kind: StepKind;
  /** `step 2: ue.alice.send` — as shown in reports and PCAPNG comments. */
  label: string;
  spec: Step;
  source: SourcePos;
}

/** A case ready to run: families expanded, requirements resolved, every step positioned. */
export interface LoadedCase {
  id: string;
  title: string;
  description?: string;
  expectation?: string;
  requirements: ResolvedRequirement[];
  /** The strongest level among the requirements (SHALL when none is given). */
  level: Level;
  interfaces: Iface[];
  peers: PeersSpec;
  timeoutMs: number;
  tags: string[];
  /** Why the case runs alone in its lane (suite `alone:`); none: beside other cases. */
  alone?: string;
  steps: LoadedStep[];
  /** Suite name (the file's `suite:` or its path under suites/). */
  suite: string;
  source: SourcePos;
  /** ICS selection terms the case needs (src/harness/ics/ics-select.ts); none: always applicable. */
  ics: string[];
  /**
   * `target`: judges any target from the wire. `reference`: a self-test of the reference MMSC that
   * may observe its inside (`node: mmsc`); runs only against the embedded target, never counts
   * towards a target's verdicts.
   */
  scope: CaseScope;
  /** Set for cases expanded from an `each:` table. */
  family?: { id: string; row: number; values: { [k: string]: Json } };
}

/** Gate order for `--fail-on`: a ROBUSTNESS failure gates a run as a SHALL one does. */
export const LEVEL_RANK: Record<Level, number> = { SHALL: 3, ROBUSTNESS: 3, SHOULD: 2, MAY: 1 };

export function strongestLevel(reqs: readonly ResolvedRequirement[]): Level {
  let best: Level | undefined;
  for (const r of reqs)
    if (!best || LEVEL_RANK[r.level] > LEVEL_RANK[best] || (r.level === 'SHALL' && best === 'ROBUSTNESS'))
      best = r.level;
  return best ?? 'SHALL';
}

/** What `defineCase()` returns: the same model as a YAML case, plus where it was written. */
export interface DefinedCase extends CaseSpec {
  readonly __source?: SourcePos;
}
