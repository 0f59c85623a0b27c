/**
 * Open-loop arrivals: flow i starts at a time fixed by the offered rate alone, never by when
 * earlier flows finish, and its latency counts from that scheduled time. A slow target then shows
 * as latency and errors, not as a generator that quietly slows down with it ("coordinated
 * omission": a closed loop, or an open loop timed from the actual start, hides the queueing).
 */

export interface ArrivalPlan {
  /** Offered flows per second once ramped up. */
  rate: number;
  /** Whole run, the ramp included (ms). */
  durationMs: number;
  /** Linear ramp from 0 to `rate` at the start (ms, 0: none). */
  rampMs: number;
}

/** Arrivals a plan schedules in all (the integral of the rate over the run). */
export function arrivalCount(plan: ArrivalPlan): number {
  return Math.floor(arrivalsBy(plan, plan.durationMs) + 1e-9);
}

/** Arrivals scheduled by time t (ms from the start): the rate integrated from 0 to t. */
export function arrivalsBy(plan: ArrivalPlan, t: number): number {
  const perMs = plan.rate / 1000;
  const ramp = Math.min(plan.rampMs, plan.durationMs);
  const tt = Math.min(Math.max(t, 0), plan.durationMs);
  if (tt <= ramp) return ramp === 0 ? 0 : (perMs * tt * tt) / (2 * ramp);
  return (perMs * ramp) / 2 + perMs * (tt - ramp);
}

/** When (ms from the start) arrival i (0-based) is due: the inverse of arrivalsBy at i + 1. */
export function scheduledAt(plan: ArrivalPlan, i: number): number {
  const n = i + 1;
  const perMs = plan.rate / 1000;
  const ramp = Math.min(plan.rampMs, plan.durationMs);
  const inRamp = (perMs * ramp) / 2;
  if (ramp > 0 && n <= inRamp) return Math.sqrt((2 * ramp * n) / perMs);
  return ramp + (n - inRamp) / perMs;
}

/**
 * A deterministic weighted mix (smooth weighted round robin): over any run of sum(weights) picks,
 * each kind comes exactly its weight's share, evenly spread (70/30: never 70 in a row).
 */
export class MixPicker<K extends string> {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly entries: readonly { kind: K; weight: number }[]) {
    if (entries.length === 0) throw new Error('an empty mix');
    this.current = entries.map(() => 0);
    this.total = entries.reduce((s, e) => s + e.weight, 0);
    if (!(this.total > 0)) throw new Error('the mix weights sum to 0');
  }

  next(): K {
    let best = 0;
    for (let i = 0; i < this.entries.length; i++) {
      this.current[i] += this.entries[i].weight;
      if (this.current[i] > this.current[best]) best = i;
    }
    this.current[best] -= this.total;
    return this.entries[best].kind;
  }
}

/** The clock the scheduler runs on (tests give a manual one). */
export interface SchedulerClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls fn after ms; returns a cancel. */
  after(ms: number, fn: () => void): () => void;
}

export const REAL_CLOCK: SchedulerClock = {
  now: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

export interface Arrival<K extends string> {
  seq: number;
  kind: K;
  /** Scheduled start, ms from the run's start (the clock's `now()` at start = 0). */
  scheduledMs: number;
  /** How late the generator actually started it (ms): its own lag, part of the latency. */
  startLagMs: number;
}

export interface OpenLoopOptions<K extends string, R> {
  plan: ArrivalPlan;
  mix: readonly { kind: K; weight: number }[];
  /** Most flows in flight; an arrival beyond is not started and counts as an overflow. */
  maxInFlight: number;
  /** After the last arrival, how long flows still in flight are waited for (ms). */
  drainMs: number;
  start(a: Arrival<K>): Promise<R>;
  /** A flow ended: its result and its latency from the scheduled start (ms). */
  done(a: Arrival<K>, r: R, latencyMs: number): void;
  /** `start` rejected (it should not: runFlow never throws): a harness problem. */
  crashed?(a: Arrival<K>, e: unknown): void;
  /** An arrival found the in-flight cap full. */
  overflow(a: Arrival<K>): void;
  /** Called on every tick (progress lines). */
  tick?(s: OpenLoopState): void;
  clock?: SchedulerClock;
  signal?: AbortSignal;
}

export interface OpenLoopState {
  /** Elapsed ms since the start. */
  elapsedMs: number;
  scheduled: number;
  started: number;
  finished: number;
  overflowed: number;
  inFlight: number;
}

export interface OpenLoopSummary extends OpenLoopState {
  /** Arrivals the plan schedules in all. */
  planned: number;
  /** Flows still in flight when the drain time ran out (not counted as finished). */
  abandoned: number;
  /** Largest start lag of the generator (ms). */
  maxStartLagMs: number;
  /** ms from the start to the last arrival's scheduling, and to the end of the drain. */
  arrivalsEndMs: number;
  endMs: number;
}

/**
 * Runs an open-loop schedule: every arrival is started when its time comes (late ones at once,
 * in order), whatever the flows before it are doing; a flow's latency is measured from its
 * scheduled time. Resolves once the last arrival is scheduled and every flow has ended (or the
 * drain time ran out).
 */
export function runOpenLoop<K extends string, R>(o: OpenLoopOptions<K, R>): Promise<OpenLoopSummary> {
  const clock = o.clock ?? REAL_CLOCK;
  const t0 = clock.now();
  const planned = arrivalCount(o.plan);
  const picker = new MixPicker(o.mix);
  const s: OpenLoopState = {
    elapsedMs: 0,
    scheduled: 0,
    started: 0,
    finished: 0,
    overflowed: 0,
    inFlight: 0,
  };
  let maxStartLagMs = 0;
  let arrivalsEndMs = 0;
  return new Promise((resolve) => {
    let cancel: (() => void) | undefined;
    let draining = false;
    let ended = false;
    const end = (abandoned: number) => {
      if (ended) return;
      ended = true;
      cancel?.();
      o.signal?.removeEventListener('abort', onAbort);
      s.elapsedMs = clock.now() - t0;
      resolve({ ...s, planned, abandoned, maxStartLagMs, arrivalsEndMs, endMs: s.elapsedMs });
    };
    const onAbort = () => {
      if (!draining) startDrain();
    };
    const startDrain = () => {
      draining = true;
      arrivalsEndMs = clock.now() - t0;
      cancel?.();
      if (s.inFlight === 0) return end(0);
      cancel = clock.after(o.drainMs, () => end(s.inFlight));
    };
    const tick = () => {
      if (draining) return;
      const now = clock.now() - t0;
      while (s.scheduled < planned) {
        const due = scheduledAt(o.plan, s.scheduled);
        if (due > now) break;
        const a: Arrival<K> = {
          seq: s.scheduled,
          kind: picker.next(),
          scheduledMs: due,
          startLagMs: now - due,
        };
        s.scheduled += 1;
        if (s.inFlight >= o.maxInFlight) {
          s.overflowed += 1;
          o.overflow(a);
          continue;
        }
        s.started += 1;
        s.inFlight += 1;
        if (a.startLagMs > maxStartLagMs) maxStartLagMs = a.startLagMs;
        let p: Promise<R>;
        try {
          p = o.start(a);
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(
          (r) => finish(a, r),
          (e) => {
            o.crashed?.(a, e);
            finish(a, undefined);
          },
        );
      }
      s.elapsedMs = now;
      o.tick?.(s);
      if (s.scheduled >= planned || o.signal?.aborted) return startDrain();
      cancel = clock.after(scheduledAt(o.plan, s.scheduled) - (clock.now() - t0), tick);
    };
    const finish = (a: Arrival<K>, r: R | undefined) => {
      if (ended) return;
      s.inFlight -= 1;
      s.finished += 1;
      // latency from the scheduled start, not from when the generator got to it
      if (r !== undefined) o.done(a, r, clock.now() - t0 - a.scheduledMs);
      if (draining && s.inFlight === 0) end(0);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}
