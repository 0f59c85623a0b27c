import type { LoadedCase } from './case-model.ts';
import type { CaseOptions } from './case-run.ts';
import type { CaseSink } from './case-sink.ts';
import type { Lane, LanePhase, Lanes, TargetInfo } from './lanes.ts';
import { LocalLanes } from './local-lanes.ts';
import { makeRunId } from './run-id.ts';
import type { CaseResult, RunResult } from './run-result.ts';
import { summarise } from './run-result.ts';
import type { Level } from './suite-schema.ts';
import { TargetError } from './target.ts';
import { topCauses } from './top-causes.ts';

export { makeRunId };

/** What to run: the cases, how many at once, and what the run record says of how it ran. */
export interface RunPlan {
  cases: readonly LoadedCase[];
  seed: number;
  /** Cases at once over every lane (default 1; at most what the lanes' target allows). */
  jobs?: number;
  /** Start order (indices into `cases`, each once; default: load order). Results keep load order. */
  order?: readonly number[];
  runId?: string;
  /** As the lanes' CaseOptions (recorded in the run). */
  failOn?: Level;
  timeScale?: number;
}

/** runSuites in one call on a target object: one lane on this thread, progress callbacks. */
export interface RunOptions extends CaseOptions {
  cases: readonly LoadedCase[];
  jobs?: number;
  runId?: string;
  /** Progress subscribers (terminal reporter). */
  onCaseStart?: (c: LoadedCase) => void;
  onCaseEnd?: (r: CaseResult) => void;
}

/**
 * Runs the plan's cases on the lanes, each case isolated, and streams each finished case to the
 * sink; returns the run's record, built here once whatever the lanes. The cases go through the
 * lanes' phases one after the other, each phase `width` cases at a time, each lane taking its
 * share as soon as it is ready. Results keep the load order whatever the completion order, so the
 * same seed gives the same report. A TargetError of a case (the target's reset failed, it stayed
 * down) stops the run: no further case starts, the record says which never ran. The lanes are
 * closed at the end.
 *
 * `runSuites(opts)`: the same on `opts.target`, on this thread (LocalLanes), no finisher: every
 * case's result keeps its timeline.
 */
export function runSuites(opts: RunOptions): Promise<RunResult>;
export function runSuites(plan: RunPlan, lanes: Lanes, sink?: CaseSink): Promise<RunResult>;
export function runSuites(
  first: RunOptions | RunPlan,
  lanes?: Lanes,
  sink: CaseSink = {},
): Promise<RunResult> {
  if (lanes) return runPlan(first, lanes, sink);
  const opts = first as RunOptions;
  const { cases, jobs, runId, onCaseStart, onCaseEnd, ...caseOptions } = opts;
  return runPlan(
    {
      cases,
      seed: opts.seed,
      ...(jobs !== undefined ? { jobs } : {}),
      ...(runId !== undefined ? { runId } : {}),
      ...(opts.failOn !== undefined ? { failOn: opts.failOn } : {}),
      ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
    },
    new LocalLanes(caseOptions),
    {
      ...(onCaseStart ? { caseStart: (c) => onCaseStart(c) } : {}),
      ...(onCaseEnd ? { caseEnd: (_i, r) => onCaseEnd(r) } : {}),
    },
  );
}

async function runPlan(plan: RunPlan, lanes: Lanes, sink: CaseSink): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { cases } = plan;
  const results: CaseResult[] = new Array(cases.length);
  const order = plan.order ?? cases.map((_, i) => i);
  if (order.length !== cases.length || new Set(order).size !== cases.length)
    throw new Error('order: not a permutation of the cases');
  /** A TargetError from a case's gate (reset failed, target down for good): no further case starts. */
  let aborted: string | undefined;
  let target: TargetInfo;
  let jobs: number;
  let record: Pick<RunResult, 'shared'> = {};
  try {
    target = await lanes.open();
    jobs = Math.max(1, Math.min(plan.jobs ?? 1, target.maxJobs));
    for (const phase of lanes.phases(cases, order, jobs)) {
      if (aborted !== undefined) break;
      await phase.enter?.();
      await runPhase(phase, lanes.lanes, cases, sink, results, (reason) => {
        aborted ??= reason;
      });
    }
  } finally {
    await lanes.close();
  }
  record = lanes.record?.(cases) ?? {};
  const finishedAt = new Date();
  const done = aborted === undefined ? results : results.filter((r) => r !== undefined);
  return {
    runId: plan.runId ?? makeRunId(plan.seed, startedAt),
    seed: plan.seed,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    target: { kind: target.kind, description: target.description },
    jobs,
    failOn: plan.failOn ?? 'SHALL',
    timeScale: plan.timeScale ?? 1,
    cases: done,
    summary: summarise(done),
    ...(aborted !== undefined
      ? { aborted: { reason: aborted, notRun: cases.filter((_, i) => !results[i]).map((c) => c.id) } }
      : {}),
    ...record,
    topCauses: topCauses(done),
  };
}

/**
 * One phase: its cases in order, each lane up to its share of `width` at once, fed as soon as it
 * is ready and again whenever one of its cases ends. A case marked `alone` starts on a lane only
 * once nothing else runs there, and nothing else starts there until it ends (the next case waits
 * for it: the order stays the same). Resolves once every case started has ended (and no more
 * will start); rejects on a lane's own failure.
 */
function runPhase(
  phase: LanePhase,
  lanes: readonly Lane[],
  cases: readonly LoadedCase[],
  sink: CaseSink,
  results: CaseResult[],
  abort: (reason: string) => void,
): Promise<void> {
  const perLane = Math.max(1, Math.ceil(phase.width / lanes.length));
  const inFlight = new Map<Lane, number>(lanes.map((l) => [l, 0]));
  /** Lanes running a case that runs alone. */
  const held = new Set<Lane>();
  let next = 0;
  let running = 0;
  let stopped = false;
  return new Promise<void>((resolve, reject) => {
    const settle = () => {
      if (running === 0 && (stopped || next >= phase.cases.length)) resolve();
    };
    const feed = (lane: Lane) => {
      while (
        !stopped &&
        !held.has(lane) &&
        (inFlight.get(lane) ?? 0) < perLane &&
        next < phase.cases.length
      ) {
        const i = phase.cases[next];
        const c = cases[i];
        if (c.alone !== undefined && (inFlight.get(lane) ?? 0) > 0) break;
        next++;
        const alone = c.alone !== undefined;
        if (alone) held.add(lane);
        inFlight.set(lane, (inFlight.get(lane) ?? 0) + 1);
        running++;
        sink.caseStart?.(c, i);
        lane.run(i, c, phase).then(
          (o) => {
            results[i] = o.result;
            if (alone) held.delete(lane);
            sink.caseEnd?.(i, o.result, o.payload);
            ended(lane);
          },
          (e: unknown) => {
            if (!(e instanceof TargetError)) {
              stopped = true;
              reject(e);
              return;
            }
            abort(e.message);
            stopped = true;
            if (alone) held.delete(lane);
            ended(lane);
          },
        );
      }
      settle();
    };
    const ended = (lane: Lane) => {
      inFlight.set(lane, (inFlight.get(lane) ?? 1) - 1);
      running--;
      feed(lane);
    };
    for (const lane of lanes) lane.ready.then(() => feed(lane), reject);
    settle();
  });
}
