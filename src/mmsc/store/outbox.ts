import type { JsonObject } from '../../util/json.ts';
import { flowTrace } from '../flow-trace.ts';
import { DueQueue } from './due-queue.ts';
import { isJobId } from './job-id.ts';
import type { JobRecord, StoreBackend } from './store-backend-types.ts';

export { isJobId } from './job-id.ts';

/**
 * The durable outbox: every pending notification, report and forward is a job (attempt
 * count, next attempt time, payload) committed to the store backend before the work is
 * acknowledged to anyone, replayed at start, deleted when done. Jobs that exhaust their
 * attempts move to `<root>/outbox-dead/<job id>.json`.
 *
 * Job ids are deterministic where the work is (`notify.<msg>.<rcpt>`), so enqueuing the
 * same work twice (a retried submit, a replay after a crash) is a no-op.
 */

export interface Job {
  id: string;
  kind: string;
  attempts: number;
  /** Epoch ms. */
  nextAttemptAt: number;
  createdAt: number;
  payload: JsonObject;
  lastError?: string;
}

/** Thrown by a handler to retry later (after `delayMs`, or the back-off). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Thrown by a handler when retrying cannot help: the job goes to the dead folder at once. */
export class GiveUp extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GiveUp';
  }
}

export type JobHandler = (job: Job) => Promise<void>;

export interface OutboxEvents {
  /** A job failed and will be retried (or was given up). */
  onEvent?: (name: 'queued' | 'retry' | 'done' | 'dead', job: Job, detail?: string) => void;
}

export interface OutboxOptions extends OutboxEvents {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Jobs run at once (all kinds together). */
  concurrency?: number;
  /**
   * Fair service across messages (default true): due jobs wait in one lane per message
   * (`payload.messageId`, else the job itself) and start round-robin over the lanes, at most
   * `perMessage` of one lane at once, so a message to thousands of recipients cannot hold every
   * slot while an ordinary message waits behind it. False: earliest due first, no quota.
   */
  fair?: boolean;
  /** The MMSC's clock (ms since the epoch; default Date.now): due times are on its time line. */
  now?: () => number;
  /** Most jobs of one message running at once (default a quarter of the concurrency). */
  perMessage?: number;
  /** Called when a job is given up (after its file moved to outbox-dead). */
  onDead?: (job: Job) => void | Promise<void>;
}

export class Outbox {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<string>();
  /** The attempt of each running job, settled once its outcome is stored (attemptInFlight). */
  private readonly runningAttempts = new Map<string, Promise<void>>();
  private readonly handlers = new Map<string, JobHandler>();
  /** Kinds whose finished jobs are deleted lazily (handle()'s `rerunHarmless`). */
  private readonly rerunHarmless = new Set<string>();
  /** Every pending job by its next attempt time (stale entries skipped when popped). */
  private readonly due = new DueQueue<Job>();
  /** Due jobs of kinds nobody handles yet, by kind. */
  private readonly parked = new Map<string, Job[]>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private started = false;
  private passQueued = false;
  private stopped = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly concurrency: number;
  /** Due jobs waiting for a slot, by message; the Map's order is the round-robin ring. */
  private readonly lanes = new Map<string, { jobs: Job[]; head: number }>();
  private readonly runningOf = new Map<string, number>();
  private readonly perMessage: number;
  private readonly fair: boolean;

  private readonly now: () => number;

  private constructor(
    private readonly backend: StoreBackend,
    private readonly opts: OutboxOptions,
  ) {
    this.concurrency = opts.concurrency ?? 64;
    this.now = opts.now ?? Date.now;
    this.fair = opts.fair ?? true;
    this.perMessage = this.fair
      ? Math.max(1, opts.perMessage ?? Math.floor(this.concurrency / 4))
      : Number.POSITIVE_INFINITY;
  }

  /** Loads every job left by a previous run (they run once `start()` is called). */
  static async open(backend: StoreBackend, opts: OutboxOptions): Promise<Outbox> {
    const o = new Outbox(backend, opts);
    for (const text of await backend.loadJobs()) {
      try {
        const job = JSON.parse(text) as Job;
        if (job && typeof job.id === 'string' && isJobId(job.id) && typeof job.kind === 'string')
          o.setJob(job);
      } catch {
        // not a job of ours: leave it for an operator
      }
    }
    return o;
  }

  /**
   * Registers the function that performs jobs of one kind. `rerunHarmless`: a job of this kind that
   * runs again after it finished finds its work done (the message's state says so) and does nothing;
   * its deletion then needs no sync of its own (StoreBackend.removeJob `lazy`): a crash that loses it
   * costs one idle run.
   */
  handle(kind: string, handler: JobHandler, opts: { rerunHarmless?: boolean } = {}): void {
    this.handlers.set(kind, handler);
    if (opts.rerunHarmless) this.rerunHarmless.add(kind);
    else this.rerunHarmless.delete(kind);
    for (const job of this.parked.get(kind) ?? []) this.due.push(job.nextAttemptAt, job);
    this.parked.delete(kind);
    if (this.started) this.schedule();
  }

  get pending(): number {
    return this.jobs.size;
  }

  list(kind?: string): Job[] {
    return [...this.jobs.values()].filter((j) => kind === undefined || j.kind === kind);
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /**
   * Durably adds a job (no-op when a job with this id is pending). Resolves once the job
   * file is on disk.
   */
  async enqueue(kind: string, id: string, payload: JsonObject, notBefore = this.now()): Promise<Job> {
    if (!isJobId(id)) throw new Error(`invalid job id ${JSON.stringify(id)}`);
    const existing = this.jobs.get(id);
    if (existing) return existing;
    const job: Job = { id, kind, attempts: 0, nextAttemptAt: notBefore, createdAt: this.now(), payload };
    this.jobs.set(id, job); // a second enqueue of this id meanwhile is the same job
    try {
      await this.backend.putJob(id, JSON.stringify(job));
    } catch (e) {
      this.jobs.delete(id);
      throw e;
    }
    // Runnable only once durable: a job that ran and was deleted before its own record landed
    // would come back at the next start.
    const current = this.jobs.get(id) === job;
    if (current) this.due.push(job.nextAttemptAt, job);
    this.opts.onEvent?.('queued', job);
    if (current) this.runNowOrSchedule(job);
    else if (this.started) this.schedule();
    return job;
  }

  /**
   * A job to commit together with other state (MessageStore.create's `jobs`: one sync for a message
   * and its work) instead of through enqueue(); undefined when a job with this id is pending. It
   * counts as pending at once (a second draft or enqueue of the id is a no-op) but runs only after
   * `admit()`, which the caller calls once the commit is on disk; `discard()` if the commit failed.
   */
  draft(
    kind: string,
    id: string,
    payload: JsonObject,
    notBefore = this.now(),
  ): { job: Job; record: JobRecord } | undefined {
    if (!isJobId(id)) throw new Error(`invalid job id ${JSON.stringify(id)}`);
    if (this.jobs.has(id)) return undefined;
    const job: Job = { id, kind, attempts: 0, nextAttemptAt: notBefore, createdAt: this.now(), payload };
    this.jobs.set(id, job);
    return { job, record: { id, job: JSON.stringify(job) } };
  }

  /** A drafted job is on disk: it runs when due. */
  admit(job: Job): void {
    if (this.jobs.get(job.id) !== job) return; // cancelled meanwhile
    this.due.push(job.nextAttemptAt, job);
    this.opts.onEvent?.('queued', job);
    this.runNowOrSchedule(job);
  }

  /**
   * A job that has just become runnable starts at once when it is due and nothing waits for a slot
   * (it would be the next to start anyway); otherwise the next pass sees it. Its entry in `due` is
   * skipped when popped (running or done by then).
   */
  private runNowOrSchedule(job: Job): void {
    if (!this.started || this.stopped) return;
    if (
      this.lanes.size === 0 &&
      this.running.size < this.concurrency &&
      job.nextAttemptAt <= this.now() &&
      this.handlers.has(job.kind) &&
      !this.running.has(job.id)
    ) {
      const lane = this.laneOf(job);
      if ((this.runningOf.get(lane) ?? 0) < this.perMessage) {
        this.run(job, lane);
        return;
      }
    }
    this.schedule();
  }

  /** A drafted job whose commit failed: forgotten. */
  discard(job: Job): void {
    if (this.jobs.get(job.id) === job) this.jobs.delete(job.id);
  }

  /**
   * Resolves when job `id`, running now, has finished this attempt (its outcome stored: done,
   * rescheduled or buried); undefined when it is not running.
   */
  attemptInFlight(id: string): Promise<void> | undefined {
    return this.runningAttempts.get(id);
  }

  /** Removes a pending job (e.g. a notification for a cancelled message). */
  async cancel(id: string): Promise<boolean> {
    if (!this.jobs.has(id) || this.running.has(id)) return false;
    this.jobs.delete(id);
    await this.backend.removeJob(id);
    return true;
  }

  /** Starts running due jobs (replayed ones included). */
  start(): void {
    this.started = true;
    this.stopped = false;
    this.schedule();
  }

  /** Stops scheduling and waits for running jobs; pending ones stay on disk. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    await Promise.allSettled([...this.inflight]);
  }

  /** Runs every due job now (tests, and after a route reconnects). */
  kick(): void {
    this.schedule();
  }

  /** Coalesces scheduling requests into one pass per event-loop turn. */
  private schedule(): void {
    if (this.stopped || !this.started || this.passQueued) return;
    this.passQueued = true;
    setImmediate(() => {
      this.passQueued = false;
      this.pass();
    });
  }

  private setJob(job: Job): void {
    this.jobs.set(job.id, job);
    this.due.push(job.nextAttemptAt, job);
  }

  /**
   * Moves due jobs into their message's lane, starts jobs round-robin over the lanes (up to the
   * concurrency, `perMessage` a lane) and arms the timer for the next due job.
   */
  private pass(): void {
    if (this.stopped || !this.started) return;
    const t = this.now();
    for (;;) {
      const job = this.due.popDue(t);
      if (!job) break;
      if (this.jobs.get(job.id) !== job || this.running.has(job.id)) continue; // done, cancelled or rescheduled
      if (!this.handlers.has(job.kind)) {
        const parked = this.parked.get(job.kind) ?? [];
        parked.push(job);
        this.parked.set(job.kind, parked);
        continue;
      }
      const key = this.laneOf(job);
      const lane = this.lanes.get(key);
      if (lane) lane.jobs.push(job);
      else this.lanes.set(key, { jobs: [job], head: 0 });
    }
    this.startFromLanes();
    // Due jobs held back by the concurrency limit start when a running one finishes.
    const earliest = this.due.peekTime();
    if (earliest > t && earliest < this.timerAt) {
      if (this.timer) clearTimeout(this.timer);
      this.timerAt = earliest;
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.timerAt = Number.POSITIVE_INFINITY;
          this.schedule();
        },
        Math.max(0, Math.min(earliest - t, 2 ** 31 - 1)),
      );
    }
  }

  /** The lane (fairness key) of a job: its message, else itself; one lane for all when unfair. */
  private laneOf(job: Job): string {
    if (!this.fair) return '';
    const m = job.payload.messageId;
    return typeof m === 'string' ? `m:${m}` : `j:${job.id}`;
  }

  /** One job from each lane in ring order (a lane served goes to the back), until slots run out. */
  private startFromLanes(): void {
    let started = true;
    while (started && this.running.size < this.concurrency && this.lanes.size > 0) {
      started = false;
      // One turn over the lanes there are now, without copying the Map (a backlog of thousands of
      // lanes made a copy per finished job): a lane served is re-added at the end, and the
      // iteration, which would reach it again, stops after the lanes it started with.
      let turn = this.lanes.size;
      for (const [key, lane] of this.lanes) {
        if (turn-- <= 0 || this.running.size >= this.concurrency) break;
        if ((this.runningOf.get(key) ?? 0) >= this.perMessage) continue;
        let job: Job | undefined;
        while (lane.head < lane.jobs.length) {
          const j = lane.jobs[lane.head++];
          if (this.jobs.get(j.id) === j && !this.running.has(j.id)) {
            job = j;
            break;
          }
        }
        this.lanes.delete(key);
        if (lane.head < lane.jobs.length) {
          if (lane.head > 1024 && lane.head * 2 > lane.jobs.length) {
            lane.jobs = lane.jobs.slice(lane.head);
            lane.head = 0;
          }
          this.lanes.set(key, lane);
        }
        if (!job) continue;
        this.run(job, key);
        started = true;
      }
    }
  }

  private run(job: Job, lane: string): void {
    const handler = this.handlers.get(job.kind);
    if (!handler) return;
    this.running.add(job.id);
    this.runningOf.set(lane, (this.runningOf.get(lane) ?? 0) + 1);
    const p = (async () => {
      try {
        await handler(job);
        this.jobs.delete(job.id);
        await this.backend.removeJob(job.id, { lazy: this.rerunHarmless.has(job.kind) });
        if (flowTrace && job.kind === 'deliver') flowTrace.mark(String(job.payload.messageId), 'jobDone');
        this.opts.onEvent?.('done', job);
      } catch (e) {
        await this.failed(job, e);
      } finally {
        this.running.delete(job.id);
        this.runningAttempts.delete(job.id);
        // A retry becomes due only now: queued while this attempt still ran (its record being
        // written), a pass would have found the job running and dropped the entry for good.
        const retry = this.jobs.get(job.id);
        if (retry && retry !== job && retry.attempts > job.attempts)
          this.due.push(retry.nextAttemptAt, retry);
        const n = (this.runningOf.get(lane) ?? 1) - 1;
        if (n > 0) this.runningOf.set(lane, n);
        else this.runningOf.delete(lane);
      }
    })().catch(() => undefined);
    this.runningAttempts.set(job.id, p);
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      this.schedule();
    });
  }

  private async failed(job: Job, e: unknown): Promise<void> {
    const message = e instanceof Error ? e.message : String(e);
    const attempts = job.attempts + 1;
    if (e instanceof GiveUp || attempts >= this.opts.maxAttempts) {
      const dead: Job = { ...job, attempts, lastError: message };
      this.jobs.delete(job.id);
      try {
        await this.backend.buryJob(job.id, JSON.stringify(dead));
      } catch {
        // the job stays pending in the store and is retried after a restart: nothing is lost
      }
      this.opts.onEvent?.('dead', dead, message);
      await this.opts.onDead?.(dead);
      return;
    }
    const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempts - 1));
    const delay = e instanceof RetryLater && e.delayMs !== undefined ? e.delayMs : backoff;
    const next: Job = { ...job, attempts, nextAttemptAt: this.now() + delay, lastError: message };
    this.jobs.set(job.id, next); // due once this attempt has finished (run's finally)
    try {
      await this.backend.putJob(job.id, JSON.stringify(next));
    } catch {
      // keep the in-memory schedule; the older record still replays the job after a crash
    }
    this.opts.onEvent?.('retry', next, message);
  }
}
