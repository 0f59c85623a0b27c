import type { RenderedCase } from '../report/render-case.ts';
import type { LoadedCase } from './case-model.ts';
import type { CaseResult } from './run-result.ts';
import type { Level } from './suite-schema.ts';

/**
 * Messages between the runner's thread and its case workers (worker-pool.ts, case-worker.ts).
 * Everything is plain data (structured clone); captures travel as transferred buffers.
 */
export interface WorkerSetup {
  /** 1-based worker number (conn ids and reserved ports are kept apart per worker). */
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
  /** Multiplies every deadline of the cases (RunOptions.timeScale). */
  timeScale?: number;
  knownFailures?: { id: string; reason: string }[];
  /** An expectations file to read the known failures from (absolute path). */
  knownFailuresFile?: string;
  /**
   * The report pieces each case is rendered into here; `dir`: its capture is written there too;
   * `evidence`: whose capture and timeline are kept (report/evidence.ts; default all).
   */
  render: { json: boolean; html: boolean; dir?: string; evidence?: 'failing' | 'all' };
}

export type ToWorker = { type: 'case'; index: number; case: LoadedCase } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; kind: string; description: string }
  /** `result` without its timeline's observations (they stay in the worker). */
  | { type: 'done'; index: number; result: CaseResult; rendered: RenderedCase }
  | { type: 'fatal'; message: string }
  | { type: 'closed' };
