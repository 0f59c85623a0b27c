import type { LoadedCase } from './case-model.ts';
import type { CaseResult } from './run-result.ts';

/**
 * Where a run's finished cases go, one at a time as they finish (any order): the terminal's
 * progress, the report files. The harness knows no reporter: the CLI wires them in as sinks.
 */
export interface CaseSink {
  /** A case is handed to a lane (start order). */
  caseStart?(c: LoadedCase, index: number): void;
  /**
   * A case finished: its result (index: its place in load order) and whatever the lane's
   * finisher made of it where it ran (undefined without one).
   */
  caseEnd?(index: number, result: CaseResult, payload: unknown): void;
}

/** A finished case as it leaves its lane. */
export interface CaseOutcome {
  result: CaseResult;
  /** The finisher's own product (a sink's rendering of the case). */
  payload?: unknown;
  /** Buffers of `payload` moved, not copied, to the run's thread. */
  transfer?: ArrayBuffer[];
}

/**
 * The part of a sink that runs where the case ran (its lane's thread), while the case's timeline
 * is at hand: it may render the case there and send on a lighter result (without its timeline).
 * Without one, a case's result travels whole.
 */
export interface CaseFinisher {
  finish(result: CaseResult): CaseOutcome;
}
