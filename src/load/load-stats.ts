import * as hdr from 'hdr-histogram-js';
import type { FlowKind, FlowResult } from './flows.ts';

/**
 * The figures of a load run: HDR histograms (hdr-histogram-js: fixed memory whatever the count,
 * 3 significant digits from 1 µs to an hour) of every flow's latency, per flow kind and per step;
 * failures by kind and by step; what was scheduled, finished and failed in each second.
 */

/** µs in an hour: the largest latency a histogram keeps exactly (longer ones saturate). */
const HIGHEST_US = 3_600_000_000;

function histogram(packed = false): hdr.Histogram {
  return hdr.build({
    // a run keeps one a second: packed counts take a few kB instead of ~90 kB
    ...(packed ? { bitBucketSize: 'packed' as const } : {}),
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    // the pure JS implementation: the WebAssembly one must be awaited before use
    useWebAssembly: false,
  });
}

function record(h: hdr.Histogram, ms: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

/** Percentiles a summary lists (the HTML percentile plot draws them). */
export const PLOT_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.9, 99.99, 100] as const;

export interface LatencySummary {
  count: number;
  /** ms */
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  /** [percentile, ms] for the percentile plot. */
  percentiles: [number, number][];
}

/** A percentile (ms), read as the highest value of its bucket: never above the largest recorded. */
function at(h: hdr.Histogram, p: number): number {
  return Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000;
}

function summary(h: hdr.Histogram): LatencySummary {
  const ms = (p: number) => at(h, p);
  return {
    count: h.totalCount,
    min: h.totalCount ? h.minNonZeroValue / 1000 : 0,
    mean: h.mean / 1000,
    p50: ms(50),
    p90: ms(90),
    p95: ms(95),
    p99: ms(99),
    p999: ms(99.9),
    max: h.maxValue / 1000,
    percentiles: PLOT_PERCENTILES.map((p) => [p, p === 100 ? h.maxValue / 1000 : ms(p)]),
  };
}

/** One second of the run (by the flows' scheduled time; completions by when they ended). */
export interface SecondFigures {
  second: number;
  scheduled: number;
  /** Flows that ended ok in this second (throughput). */
  completed: number;
  failed: number;
  /** Latency of the ok flows scheduled in this second. */
  p50: number;
  p99: number;
  max: number;
}

export class LoadStats {
  readonly flow = histogram();
  private readonly byKind = new Map<string, hdr.Histogram>();
  /** `<kind>.<step>` */
  private readonly bySteps = new Map<string, hdr.Histogram>();
  /** `<step>` over every kind (SLO `step.<name>.pNN`). */
  private readonly byStepName = new Map<string, hdr.Histogram>();
  readonly errorsByKind = new Map<string, number>();
  /** `<error kind>@<kind>.<step>` */
  readonly errorsByStep = new Map<string, number>();
  /** The first few failures as they were (detail text), for the report. */
  readonly samples: { flow: string; kind: string; step?: string; detail: string }[] = [];
  private readonly seconds: { scheduled: number; completed: number; failed: number; h?: hdr.Histogram }[] =
    [];
  /** Latency of the flows that ended ok in the current and in the last whole second (progress line). */
  private endSecond = -1;
  private endNow = histogram(true);
  private endPrev = histogram(true);
  private endPrevSecond = -1;
  scheduled = 0;
  ok = 0;
  failed = 0;
  timeouts = 0;

  private sec(i: number) {
    while (this.seconds.length <= i) this.seconds.push({ scheduled: 0, completed: 0, failed: 0 });
    return this.seconds[i];
  }

  /** An arrival was scheduled (started or not). */
  arrival(scheduledMs: number): void {
    this.scheduled += 1;
    this.sec(Math.floor(scheduledMs / 1000)).scheduled += 1;
  }

  /** A flow ended: its latency from the scheduled start, at `endMs` from the run's start. */
  done(kind: FlowKind, r: FlowResult, latencyMs: number, scheduledMs: number, endMs: number): void {
    if (!r.ok) {
      this.fail(kind, r.error?.kind ?? 'transport', r.error?.step, r.error?.detail ?? '', endMs);
      return;
    }
    this.ok += 1;
    record(this.flow, latencyMs);
    record(this.get(this.byKind, kind), latencyMs);
    for (const s of r.steps) {
      record(this.get(this.bySteps, `${kind}.${s.name}`), s.ms);
      record(this.get(this.byStepName, s.name), s.ms);
    }
    const endSec = Math.floor(endMs / 1000);
    this.sec(endSec).completed += 1;
    if (endSec !== this.endSecond) {
      [this.endPrev, this.endNow] = [this.endNow, this.endPrev];
      this.endNow.reset();
      this.endPrevSecond = this.endSecond;
      this.endSecond = endSec;
    }
    record(this.endNow, latencyMs);
    const sec = this.sec(Math.floor(scheduledMs / 1000));
    sec.h ??= histogram(true);
    record(sec.h, latencyMs);
  }

  /** A failure (a flow's, an overflow of the in-flight cap, a flow abandoned at the end). */
  fail(kind: string, errorKind: string, step: string | undefined, detail: string, atMs: number): void {
    this.failed += 1;
    if (errorKind === 'timeout') this.timeouts += 1;
    this.errorsByKind.set(errorKind, (this.errorsByKind.get(errorKind) ?? 0) + 1);
    const key = `${errorKind}@${kind}${step ? `.${step}` : ''}`;
    this.errorsByStep.set(key, (this.errorsByStep.get(key) ?? 0) + 1);
    if (this.samples.length < 20)
      this.samples.push({ flow: kind, kind: errorKind, ...(step ? { step } : {}), detail });
    this.sec(Math.floor(atMs / 1000)).failed += 1;
  }

  private get(m: Map<string, hdr.Histogram>, k: string): hdr.Histogram {
    let h = m.get(k);
    if (!h) {
      h = histogram();
      m.set(k, h);
    }
    return h;
  }

  /** A latency figure by SLO name: `flow.p99`, `mm1-mt.p50`, `step.push.max`; undefined: no data. */
  latency(metric: string): number | undefined {
    const m = /^(.*)\.(p[\d.]+|max|mean)$/.exec(metric);
    if (!m) return undefined;
    const [, what, stat] = m;
    const h =
      what === 'flow'
        ? this.flow
        : what.startsWith('step.')
          ? this.byStepName.get(what.slice(5))
          : this.byKind.get(what);
    if (!h || h.totalCount === 0) return undefined;
    if (stat === 'max') return h.maxValue / 1000;
    if (stat === 'mean') return h.mean / 1000;
    return at(h, Number(stat.slice(1)));
  }

  /** p99 (ms) of the flows that ended ok in the whole second before `nowMs` (0: none did). */
  lastSecondP99(nowMs: number): number {
    const want = Math.floor(nowMs / 1000) - 1;
    // a whole second gets no more flows: its p99 is read once (a percentile of a packed histogram
    // walks every bucket: ~10 ms here, and the progress line asks four times a second)
    if (this.p99Of.second === want && this.p99Of.endSecond === this.endSecond) return this.p99Of.value;
    const h = this.endSecond === want ? this.endNow : this.endPrevSecond === want ? this.endPrev : undefined;
    const value = h && h.totalCount > 0 ? at(h, 99) : 0;
    this.p99Of = { second: want, endSecond: this.endSecond, value };
    return value;
  }
  private p99Of = { second: Number.NaN, endSecond: Number.NaN, value: 0 };

  summaries(): {
    flow: LatencySummary;
    byKind: Record<string, LatencySummary>;
    steps: Record<string, LatencySummary>;
  } {
    const of = (m: Map<string, hdr.Histogram>) =>
      Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, h]) => [k, summary(h)]));
    return { flow: summary(this.flow), byKind: of(this.byKind), steps: of(this.bySteps) };
  }

  perSecond(): SecondFigures[] {
    return this.seconds.map((s, second) => ({
      second,
      scheduled: s.scheduled,
      completed: s.completed,
      failed: s.failed,
      p50: s.h ? at(s.h, 50) : 0,
      p99: s.h ? at(s.h, 99) : 0,
      max: s.h ? s.h.maxValue / 1000 : 0,
    }));
  }
}
