import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cliBundle } from '../util/typescript-imports.ts';
import type { LoadedCase } from './case-model.ts';
import type { CaseFinisher, CaseOutcome } from './case-sink.ts';
import { type Lane, type LanePhase, type Lanes, onePhase, type TargetInfo } from './lanes.ts';
import { TargetError } from './target.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.ts';

/**
 * Lanes on several worker threads (one per core by default), each with its own target and peers
 * (case-worker.ts), the first one on this thread unless told. runSuites hands the cases out in
 * start order, each lane keeping its share of `jobs` cases at once; results come back in load
 * order whatever the completion order, so the same seed gives the same reports as one thread (a
 * case's seed comes from the run seed and its id, never from where or when it ran).
 */

export interface PoolOptions extends Omit<WorkerSetup, 'index' | 'count'> {
  /** Lanes in all: with `inThread`, this thread is one of them and `workers - 1` threads are started. */
  workers: number;
  /**
   * This thread runs a lane too (default true): on a machine with as many cores as lanes that
   * saves one thread's start-up (each thread loads every module through tsx again).
   */
  inThread?: boolean;
  /**
   * The module a worker thread starts (a URL): it serves one lane (case-worker.ts
   * serveOnParentPort) with the finisher it makes from `sink`. Default: case-worker-entry.ts,
   * no finisher.
   */
  entry?: string;
  /** The finisher of the lane on this thread (what `entry` makes in the threads). */
  finisher?: CaseFinisher | Promise<CaseFinisher>;
}

/** Lanes for a machine: one per core the process may use. */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

/** tsx's ESM registration, loaded in each worker first: workers do not inherit the loader hooks. */
function tsxApiUrl(): string {
  const req = createRequire(import.meta.url);
  const pkg = req.resolve('tsx/package.json');
  const exp = (
    JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }
  ).exports['./esm/api'].import.default;
  return pathToFileURL(path.join(path.dirname(pkg), exp)).href;
}

const BOOT = `const { workerData } = require('node:worker_threads');
if (workerData.bundle) globalThis[Symbol.for('mmscert.bundle')] = workerData.bundle;
(workerData.tsx ? import(workerData.tsx).then((m) => m.register()) : Promise.resolve()).then(() => import(workerData.entry)).catch((e) => {
  require('node:worker_threads').parentPort.postMessage({ type: 'fatal', message: String(e && e.stack || e) });
});`;

interface PoolLane extends Lane {
  index: number;
  ready: Promise<TargetInfo>;
  post(m: ToWorker): void;
  closed: boolean;
  /** Resolves once the lane said `closed` (or its thread ended). */
  closedSignal: Promise<void>;
  end(): Promise<void>;
}

export class WorkerPoolError extends Error {}

/**
 * The lanes start (load their modules, open their target) as soon as the pool is made, so that
 * overlaps whatever the caller does next (loading the suites).
 */
export class WorkerPool implements Lanes {
  private readonly pool: PoolLane[] = [];
  private failed?: Error;
  /** Cases sent and not answered, by case index: what a failing lane rejects. */
  private readonly pending = new Map<
    number,
    { resolve: (o: CaseOutcome) => void; reject: (e: Error) => void }
  >();

  constructor(opts: PoolOptions) {
    const count = Math.max(1, opts.workers);
    const inThread = opts.inThread ?? true;
    const { workers: _w, inThread: _i, entry: given, finisher, ...rest } = opts;
    // from the CLI's bundle (bin/cli-bundle.mjs) a thread loads a bundled entry, without tsx
    const bundle = cliBundle();
    const entry = given ?? new URL('./case-worker-entry.ts', import.meta.url).href;
    const tsx = /\.[cm]?ts$/.test(entry) ? tsxApiUrl() : '';
    // threads first: their start-up then overlaps everything this thread does
    for (let i = inThread ? 2 : 1; i <= count; i++) {
      const setup: WorkerSetup = { ...rest, index: i, count };
      this.pool.push(
        this.threadLane(i, new Worker(BOOT, { eval: true, workerData: { tsx, entry, bundle, setup } })),
      );
    }
    if (inThread) this.pool.unshift(this.localLane({ ...rest, index: 1, count }, finisher));
  }

  get lanes(): readonly Lane[] {
    return this.pool;
  }

  private fail(index: number, message: string): void {
    const e = new WorkerPoolError(`worker ${index}: ${message}`);
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
  }

  private laneBase(index: number) {
    let readyResolve!: (v: TargetInfo) => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<TargetInfo>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => undefined);
    let closedResolve!: () => void;
    const closedSignal = new Promise<void>((res) => {
      closedResolve = res;
    });
    const deliver = (m: FromWorker) => {
      if (m.type === 'ready') readyResolve({ kind: m.kind, description: m.description, maxJobs: m.maxJobs });
      else if (m.type === 'fatal') {
        readyReject(new WorkerPoolError(`worker ${index}: ${m.message}`));
        this.fail(index, m.message);
      } else if (m.type === 'closed') closedResolve();
      else {
        const p = this.pending.get(m.index);
        this.pending.delete(m.index);
        if (m.type === 'done') p?.resolve({ result: m.result, payload: m.payload });
        else p?.reject(new TargetError(m.message));
      }
    };
    const run = (post: (m: ToWorker) => void) => (index: number, c: LoadedCase, _phase: LanePhase) =>
      new Promise<CaseOutcome>((resolve, reject) => {
        if (this.failed) return reject(this.failed);
        this.pending.set(index, { resolve, reject });
        post({ type: 'case', index, case: c });
      });
    return { ready, readyReject, closedSignal, closedResolve, deliver, run };
  }

  private threadLane(index: number, worker: Worker): PoolLane {
    const b = this.laneBase(index);
    const post = (m: ToWorker) => worker.postMessage(m);
    const lane: PoolLane = {
      index,
      post,
      run: b.run(post),
      ready: b.ready,
      closed: false,
      closedSignal: b.closedSignal,
      end: async () => {
        await worker.terminate();
      },
    };
    worker.on('message', (m: FromWorker) => b.deliver(m));
    worker.on('error', (e) => {
      b.readyReject(new WorkerPoolError(`worker ${index}: ${e.message}`));
      this.fail(index, e.message);
    });
    worker.on('exit', (code) => {
      b.closedResolve();
      if (!lane.closed) {
        b.readyReject(new WorkerPoolError(`worker ${index} exited (code ${code})`));
        this.fail(index, `exited (code ${code}) before the run ended`);
      }
    });
    return lane;
  }

  /** The lane on this thread: the same lane code as a thread's, its messages on a later turn. */
  private localLane(setup: WorkerSetup, finisher?: CaseFinisher | Promise<CaseFinisher>): PoolLane {
    const b = this.laneBase(setup.index);
    let handle: ((m: ToWorker) => void) | undefined;
    const queued: ToWorker[] = [];
    const post = (m: ToWorker) => (handle ? handle(m) : queued.push(m));
    const lane: PoolLane = {
      index: setup.index,
      post,
      run: b.run(post),
      ready: b.ready,
      closed: false,
      closedSignal: b.closedSignal,
      end: async () => undefined,
    };
    // messages are delivered on a later turn, as from a thread
    const send = (m: FromWorker) => setImmediate(() => b.deliver(m));
    Promise.all([import('./case-worker.ts'), finisher])
      .then(([{ startCaseLane }, f]) => startCaseLane(setup, send, f))
      .then(
        (h) => {
          handle = h;
          for (const m of queued.splice(0)) h(m);
        },
        (e) => send({ type: 'fatal', message: (e as Error).message }),
      );
    return lane;
  }

  /** Lanes (this thread's included). */
  get size(): number {
    return this.pool.length;
  }

  /** The first lane to be ready (its target's kind and description); rejects if every lane fails. */
  open(): Promise<TargetInfo> {
    return Promise.any(this.pool.map((w) => w.ready)).then(
      (t) => ({ ...t, maxJobs: t.maxJobs * this.pool.length }),
      (e: AggregateError) => {
        throw e.errors[0];
      },
    );
  }

  /** Every lane is ready (the first one's target). */
  async ready(): Promise<TargetInfo> {
    const all = await Promise.all(this.pool.map((w) => w.ready));
    return all[0];
  }

  phases(_cases: readonly LoadedCase[], order: readonly number[], jobs: number): LanePhase[] {
    return onePhase(order, jobs);
  }

  /** Closes every lane's target and ends the worker threads (again: nothing). */
  async close(): Promise<void> {
    await Promise.all(
      this.pool.map(async (w) => {
        if (w.closed) return;
        w.closed = true;
        w.post({ type: 'close' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([w.closedSignal, new Promise((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
        await w.end();
      }),
    );
  }
}
