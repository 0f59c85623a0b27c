import type { LoadedCase } from './case-model.ts';
import type { CaseOutcome } from './case-sink.ts';
import type { RunResult } from './run-result.ts';

/** What the lanes run against, once one is ready. */
export interface TargetInfo {
  kind: string;
  description: string;
  /** Most cases at once over every lane. */
  maxJobs: number;
}

/**
 * Cases that run together: `width` at a time over the lanes (each lane its share), after
 * `enter` (the shared peers started for them). `shared`: on the run's shared peers.
 */
export interface LanePhase {
  /** Indices into the run's cases, in start order. */
  cases: readonly number[];
  width: number;
  enter?(): Promise<void>;
  shared?: boolean;
}

/**
 * Where a run's cases run: on this thread or on worker threads, each lane with its own target
 * (and peers). A lane runs every case through the same code (case-worker.ts: runCase, then the
 * sink's finisher); runSuites (runner.ts) hands the cases out.
 */
export interface Lane {
  /** Settles once the lane's target is open (rejects if it cannot start). */
  readonly ready: Promise<unknown>;
  /**
   * One case; rejects with a TargetError when the target is gone for good (the run stops), any
   * other error is the harness's own (the run fails).
   */
  run(index: number, c: LoadedCase, phase: LanePhase): Promise<CaseOutcome>;
}

export interface Lanes {
  readonly lanes: readonly Lane[];
  /** The target, once the first lane is ready (rejects when none can start). */
  open(): Promise<TargetInfo>;
  /** The phases the cases go through, one after the other; `order`: the start order. */
  phases(cases: readonly LoadedCase[], order: readonly number[], jobs: number): LanePhase[];
  /** Closes every lane's target (and ends their threads). */
  close(): Promise<void>;
  /** What the run record keeps of the lanes themselves (their shared peers), once closed. */
  record?(cases: readonly LoadedCase[]): Pick<RunResult, 'shared'>;
}

/** One phase: every case in start order. */
export function onePhase(order: readonly number[], jobs: number): LanePhase[] {
  return [{ cases: order, width: jobs }];
}
