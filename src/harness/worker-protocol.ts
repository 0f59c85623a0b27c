import type { LoadedCase } from './case-model.ts';
import type { CaseResult } from './run-result.ts';
import type { Level } from './suite-schema.ts';

/**
 * Messages between the runner's thread and its case lanes (worker-pool.ts, case-worker.ts).
 * Everything is plain data (structured clone); a finisher's buffers travel transferred.
 */
export interface WorkerSetup {
  /** 1-based lane number (conn ids and reserved ports are kept apart per lane). */
  index: number;
  count: number;
  /** Target config file (absolute path); absent: the embedded reference MMSC. */
  configFile?: string;
  /** The peers-only target (tests of the pool itself). */
  peersOnly?: boolean;
  /** The peer registry: a module URL and its export (default: mocks/peer-kinds.ts). */
  peerKinds?: { module: string; export: string };
  seed: number;
  failOn?: Level;
  /** Multiplies every deadline of the cases (CaseOptions.timeScale). */
  timeScale?: number;
  knownFailures?: { id: string; reason: string }[];
  /** An expectations file to read the known failures from (absolute path). */
  knownFailuresFile?: string;
  /**
   * Options of the sink's finisher, which the lane's entry module makes (plain data; the CLI's
   * entry renders each case's reports there: src/cli/run-lane-entry.ts).
   */
  sink?: unknown;
}

export type ToWorker = { type: 'case'; index: number; case: LoadedCase } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; kind: string; description: string; maxJobs: number }
  /** `result` as the lane's finisher sent it on (without one: whole), and its `payload`. */
  | { type: 'done'; index: number; result: CaseResult; payload?: unknown }
  /** The case's target is gone for good (TargetError): the run stops. */
  | { type: 'target-error'; index: number; message: string }
  | { type: 'fatal'; message: string }
  | { type: 'closed' };
