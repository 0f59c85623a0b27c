import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RenderedCase } from '../report/render-case.ts';
import { cliBundle } from '../util/typescript-imports.ts';
import type { LoadedCase } from './case-model.ts';
import { makeRunId } from './run-id.ts';
import type { CaseResult, RunResult } from './run-result.ts';
import { summarise } from './run-result.ts';
import { topCauses } from './top-causes.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.ts';

/**
 * Runs a run's cases on several worker threads (one per core by default), each with its own
 * target and peers (case-worker.ts). Cases are handed out in load order, each worker keeping its
 * share of `jobs` cases at once; results come back in load order whatever the completion order,
 * so the same seed gives the same reports as one thread (a case's seed comes from the run seed
 * and its id, never from where or when it ran). Each case is rendered in its worker (render-case.ts);
 * its timeline stays there, so the results carry empty `timeline.observations` and the reports are
 * assembled from `rendered` (writeReports(..., { cases: rendered, capturesWritten })).
 */

export interface PoolOptions extends Omit<WorkerSetup, 'index' | 'count'> {
  /** Lanes in all: with `inThread`, this thread is one of them and `workers - 1` threads are started. */
  workers: number;
  /**
   * This thread runs a lane too (default true): on a machine with as many cores as lanes that
   * saves one thread's start-up (each thread loads every module through tsx again).
   */
  inThread?: boolean;
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

interface Lane {
  index: number;
  post(m: ToWorker): void;
  ready: Promise<{ kind: string; description: string }>;
  inFlight: number;
  closed: boolean;
  /** Resolves once the lane said `closed` (or its thread ended). */
  closedSignal: Promise<void>;
  end(): Promise<void>;
}

export class WorkerPoolError extends Error {}

/**
 * The lanes start (load their modules, open their target) as soon as the pool is made, so that
 * overlaps whatever the caller does next (loading the suites); `run` then hands out cases.
 */
export class WorkerPool {
  private readonly lanes: Lane[] = [];
  private onMessage?: (lane: Lane, m: FromWorker) => void;
  private failure?: (e: Error) => void;
  private failed?: Error;

  constructor(private readonly opts: PoolOptions) {
    const count = Math.max(1, opts.workers);
    const inThread = opts.inThread ?? true;
    const { workers: _w, inThread: _i, ...rest } = opts;
    // from the CLI's bundle (bin/cli-bundle.mjs) a thread loads the bundled entry, without tsx
    const bundle = cliBundle();
    const tsx = (inThread && count === 1) || bundle ? '' : tsxApiUrl();
    const entry = bundle?.worker ?? new URL('./case-worker-entry.ts', import.meta.url).href;
    // threads first: their start-up then overlaps everything this thread does
    for (let i = inThread ? 2 : 1; i <= count; i++) {
      const setup: WorkerSetup = { ...rest, index: i, count };
      this.lanes.push(
        this.threadLane(i, new Worker(BOOT, { eval: true, workerData: { tsx, entry, bundle, setup } })),
      );
    }
    if (inThread) this.lanes.unshift(this.localLane({ ...rest, index: 1, count }));
  }

  private fail(index: number, message: string): void {
    const e = new WorkerPoolError(`worker ${index}: ${message}`);
    this.failed ??= e;
    this.failure?.(e);
  }

  private laneBase(index: number) {
    let readyResolve!: (v: { kind: string; description: string }) => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<{ kind: string; description: string }>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => undefined);
    let closedResolve!: () => void;
    const closedSignal = new Promise<void>((res) => {
      closedResolve = res;
    });
    const deliver = (lane: Lane, m: FromWorker) => {
      if (m.type === 'ready') readyResolve({ kind: m.kind, description: m.description });
      else if (m.type === 'fatal') {
        readyReject(new WorkerPoolError(`worker ${index}: ${m.message}`));
        this.fail(index, m.message);
      } else if (m.type === 'closed') closedResolve();
      else this.onMessage?.(lane, m);
    };
    return { ready, readyReject, closedSignal, closedResolve, deliver };
  }

  private threadLane(index: number, worker: Worker): Lane {
    const b = this.laneBase(index);
    const lane: Lane = {
      index,
      post: (m) => worker.postMessage(m),
      ready: b.ready,
      inFlight: 0,
      closed: false,
      closedSignal: b.closedSignal,
      end: async () => {
        await worker.terminate();
      },
    };
    worker.on('message', (m: FromWorker) => b.deliver(lane, m));
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

  private localLane(setup: WorkerSetup): Lane {
    const b = this.laneBase(setup.index);
    let handle: ((m: ToWorker) => void) | undefined;
    const queued: ToWorker[] = [];
    const lane: Lane = {
      index: setup.index,
      post: (m) => (handle ? handle(m) : queued.push(m)),
      ready: b.ready,
      inFlight: 0,
      closed: false,
      closedSignal: b.closedSignal,
      end: async () => undefined,
    };
    // messages are delivered on a later turn, as from a thread
    const send = (m: FromWorker) => setImmediate(() => b.deliver(lane, m));
    import('./case-worker.ts')
      .then(({ startCaseLane }) => startCaseLane(setup, send))
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
    return this.lanes.length;
  }

  /** Every worker's target is open (its kind and description, from the first worker). */
  /** The first lane to be ready (its target's kind and description); rejects if every lane fails. */
  firstReady(): Promise<{ kind: string; description: string }> {
    return Promise.any(this.lanes.map((w) => w.ready)).catch((e: AggregateError) => {
      throw e.errors[0];
    });
  }

  async ready(): Promise<{ kind: string; description: string }> {
    const all = await Promise.all(this.lanes.map((w) => w.ready));
    return all[0];
  }

  /** Runs `cases` (`jobs` at once over all workers); results and renderings in load order. */
  async run(
    cases: readonly LoadedCase[],
    opts: {
      jobs: number;
      runId?: string;
      /** Start order (indices into `cases`, each once; default: load order). Results keep load order. */
      order?: readonly number[];
      onCaseStart?: (c: LoadedCase) => void;
      onCaseEnd?: (r: CaseResult) => void;
      /**
       * Each case's rendering as it arrives (any order): then it is not kept, and `rendered` of
       * the result is empty (the reports are written as the cases finish).
       */
      onRendered?: (index: number, result: CaseResult, rendered: RenderedCase) => void;
    },
  ): Promise<{ run: RunResult; rendered: RenderedCase[] }> {
    const startedAt = new Date();
    const t0 = performance.now();
    // the first lane ready says what the target is; each lane gets cases as soon as it is ready
    const target = await this.firstReady();
    const perLane = Math.max(1, Math.ceil(opts.jobs / this.lanes.length));
    const order = opts.order ?? cases.map((_, i) => i);
    if (order.length !== cases.length || new Set(order).size !== cases.length)
      throw new WorkerPoolError('order: not a permutation of the cases');
    const results: CaseResult[] = new Array(cases.length);
    const rendered: RenderedCase[] = new Array(cases.length);
    let next = 0;
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.failure = reject;
      const feed = (w: Lane) => {
        while (w.inFlight < perLane && next < cases.length) {
          const index = order[next++];
          w.inFlight++;
          opts.onCaseStart?.(cases[index]);
          w.post({ type: 'case', index, case: cases[index] });
        }
      };
      this.onMessage = (w, m) => {
        if (m.type !== 'done') return;
        w.inFlight--;
        results[m.index] = m.result;
        if (opts.onRendered) opts.onRendered(m.index, m.result, m.rendered);
        else rendered[m.index] = m.rendered;
        done++;
        opts.onCaseEnd?.(m.result);
        if (done === cases.length) resolve();
        else feed(w);
      };
      if (cases.length === 0) resolve();
      for (const w of this.lanes) w.ready.then(() => feed(w), reject);
    });
    const finishedAt = new Date();
    const run: RunResult = {
      runId: opts.runId ?? makeRunId(this.opts.seed, startedAt),
      seed: this.opts.seed,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      target,
      jobs: opts.jobs,
      failOn: this.opts.failOn ?? 'SHALL',
      timeScale: this.opts.timeScale ?? 1,
      cases: results,
      summary: summarise(results),
      topCauses: topCauses(results),
    };
    return { run, rendered: opts.onRendered ? [] : rendered };
  }

  /** Closes every lane's target and ends the worker threads. */
  async close(): Promise<void> {
    await Promise.all(
      this.lanes.map(async (w) => {
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
