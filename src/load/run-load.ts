import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Target } from '../harness/target.ts';
import { parseDurationText } from '../util/duration-text.ts';
import { type ArrivalPlan, arrivalCount, runOpenLoop } from './arrivals.ts';
import { CpuSampler, type CpuShare } from './cpu-share.ts';
import { FLOW_KINDS, type FlowKind, type LoadRig, runFlow, startLoadRig } from './flows.ts';
import { type LatencySummary, LoadStats, type SecondFigures } from './load-stats.ts';
import { evaluateSlo, type SloGate, type SloVerdict, sloLine } from './slo.ts';

/** The mix of a run: `mm1-mt=70,mm7-submit=30`. */
export type FlowMix = { kind: FlowKind; weight: number }[];

export class LoadOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadOptionError';
  }
}

/** `mm1-mt=70,mm7-submit=30` (a kind alone weighs 1). */
export function parseMix(text: string): FlowMix {
  const out: FlowMix = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const [name, w] = p.split('=');
    const kind = name.trim() as FlowKind;
    if (!FLOW_KINDS.includes(kind))
      throw new LoadOptionError(`unknown flow '${name.trim()}' (flows: ${FLOW_KINDS.join(', ')})`);
    const weight = w === undefined ? 1 : Number(w);
    if (!(weight > 0)) throw new LoadOptionError(`flow ${kind}: the weight must be a positive number`);
    out.push({ kind, weight });
  }
  if (out.length === 0) throw new LoadOptionError('an empty mix');
  return out;
}

/** `500/s`, `500`, `30000/min`: flows per second. */
export function parseRate(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(\/s|\/min)?\s*$/.exec(text);
  const n = m ? Number(m[1]) / (m[2] === '/min' ? 60 : 1) : Number.NaN;
  if (!(n > 0)) throw new LoadOptionError(`bad rate '${text}' (e.g. 500/s)`);
  return n;
}

/** `60s`, `1500ms`, `2m`; a bare number is seconds. */
export function parseDuration(text: string, what: string): number {
  const t = text.trim();
  const ms = /^[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) * 1000 : parseDurationText(t);
  if (ms === undefined || !(ms >= 0)) throw new LoadOptionError(`bad ${what} '${text}' (e.g. 60s, 1500ms)`);
  return ms;
}

export interface LoadOptions {
  target: Target;
  seed: number;
  plan: ArrivalPlan;
  mix: FlowMix;
  /** Most flows in flight (and recipient handsets). */
  maxInFlight: number;
  stepTimeoutMs: number;
  senders?: number;
  slo?: readonly SloGate[];
  signal?: AbortSignal;
  /** Handsets reach our WAP gateway over TCP, as in a suite run (flows.ts LoadRigOptions). */
  handsetsOverTcp?: boolean;
  /** Sample this process's CPU by peer (cpu-share.ts); default true. */
  cpuProfile?: boolean;
  /** About four times a second while the run goes. */
  progress?(p: LoadProgress): void;
}

export interface LoadProgress {
  elapsedMs: number;
  durationMs: number;
  scheduled: number;
  ok: number;
  failed: number;
  inFlight: number;
  /** Of the flows that ended ok in the last whole second (0: none did). */
  p99: number;
}

/** What a peer handled and how many flows waited on it at most (all in this one process). */
export interface PeerFigures {
  node: string;
  observations: number;
  /** Most flows' waits on this node at once (sampled 4 times a second). */
  maxPendingWaits: number;
  /** This peer's own CPU over the run (ms) and its share of the process's busy time (cpu-share.ts). */
  cpuMs?: number;
  cpuShare?: number;
}

export interface GeneratorFigures {
  /** CPU of this process (the generator, our peers and handsets, an embedded target), ms. */
  cpuMs: number;
  /** Share of the run's wall time this process's event loop was busy (0..1; from the CPU profile's idle samples when there is one). */
  eventLoopUtilization: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Largest lag between an arrival's scheduled and actual start (ms). */
  maxStartLagMs: number;
  loadAverage: { start: number[]; end: number[] };
  cores: number;
  /** Why the generator and peers may have been the bottleneck (empty: they were not). */
  bottleneck: string[];
  /** This process's CPU by who spent it (peers, handsets, embedded MMSC, generator, gc, other). */
  cpuByComponent?: CpuShare[];
}

export interface LoadResult {
  version: 1;
  target: string;
  seed: number;
  startedAt: string;
  plan: ArrivalPlan & { mix: FlowMix; maxInFlight: number; stepTimeoutMs: number; planned: number };
  /** The flows the target supports (its ICS). */
  kinds: FlowKind[];
  totals: {
    scheduled: number;
    started: number;
    ok: number;
    failed: number;
    overflowed: number;
    abandoned: number;
    timeouts: number;
    /** Offered flows/s over the arrival window, and ok flows/s over the same window. */
    offeredPerSec: number;
    achievedPerSec: number;
    wallMs: number;
  };
  latency: {
    flow: LatencySummary;
    byKind: Record<string, LatencySummary>;
    steps: Record<string, LatencySummary>;
  };
  errors: {
    byKind: Record<string, number>;
    byStep: Record<string, number>;
    samples: { flow: string; kind: string; step?: string; detail: string }[];
  };
  perSecond: SecondFigures[];
  generator: GeneratorFigures;
  peers: PeerFigures[];
  /** Each gate: as written, the figure measured, met or not, and one line for the terminal. */
  slo?: { gate: string; actual: number | null; ok: boolean; line: string }[];
  sloOk: boolean;
}

/** Thresholds over which the rig itself, not the target, may have set the pace. */
const BUSY_LOOP = 0.9;
const LOOP_DELAY_P99_MS = 100;
const START_LAG_MS = 100;

/**
 * A load run: the rig beside the target, open-loop arrivals of the mix at the plan's rate, every
 * flow's latency from its scheduled start, the SLO gates on the figures. Throws (TargetError,
 * LoadOptionError) when the run cannot be made: a harness problem, not a result.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const rig = await startLoadRig({
    target: o.target,
    seed: o.seed,
    recipients: o.maxInFlight,
    ...(o.senders !== undefined ? { senders: o.senders } : {}),
    stepTimeoutMs: o.stepTimeoutMs,
    kinds: o.mix.map((m) => m.kind),
    ...(o.handsetsOverTcp ? { handsetsOverTcp: true } : {}),
  });
  try {
    const missing = o.mix.filter((m) => !rig.kinds.includes(m.kind)).map((m) => m.kind);
    if (missing.length > 0)
      throw new LoadOptionError(
        `the target does not support ${missing.join(', ')} (its ICS; supported: ${rig.kinds.join(', ')})`,
      );
    return await drive(rig, o);
  } finally {
    await rig.close();
  }
}

async function drive(rig: LoadRig, o: LoadOptions): Promise<LoadResult> {
  const stats = new LoadStats();
  const peerMax = new Map<string, number>();
  const sample = () => {
    for (const [node, n] of rig.pendingByNode()) peerMax.set(node, Math.max(peerMax.get(node) ?? 0, n));
  };
  // started before the figures are: the profiler's start (it logs every compiled function) and its
  // stop (it builds the profile) are not the run's
  const sampler = o.cpuProfile === false ? undefined : await CpuSampler.start().catch(() => undefined);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const load0 = os.loadavg();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let inFlight = 0;
  const ticker = setInterval(() => {
    sample();
    if (o.progress) {
      const elapsedMs = performance.now() - t0;
      o.progress({
        elapsedMs,
        durationMs: o.plan.durationMs,
        scheduled: stats.scheduled,
        ok: stats.ok,
        failed: stats.failed,
        inFlight,
        p99: stats.lastSecondP99(elapsedMs),
      });
    }
  }, 250);
  let summary: Awaited<ReturnType<typeof runOpenLoop>>;
  let cpuByComponent: CpuShare[] | undefined;
  let cpu = { user: 0, system: 0 };
  let elu = { utilization: 0 };
  try {
    summary = await runOpenLoop<FlowKind, Awaited<ReturnType<typeof runFlow>>>({
      plan: o.plan,
      mix: o.mix,
      maxInFlight: o.maxInFlight,
      // every step of a flow may take its whole timeout; then the flow ends by itself
      drainMs: o.stepTimeoutMs * 6 + 1000,
      start: (a) => {
        stats.arrival(a.scheduledMs);
        return runFlow(rig, a.kind, a.seq);
      },
      done: (a, r, latencyMs) => stats.done(a.kind, r, latencyMs, a.scheduledMs, a.scheduledMs + latencyMs),
      crashed: (a, e) =>
        stats.fail(
          a.kind,
          'transport',
          undefined,
          e instanceof Error ? e.message : String(e),
          performance.now() - t0,
        ),
      overflow: (a) => {
        stats.arrival(a.scheduledMs);
        stats.fail(a.kind, 'overflow', undefined, `${o.maxInFlight} flows in flight`, a.scheduledMs);
      },
      tick: (s) => {
        inFlight = s.inFlight;
      },
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } finally {
    clearInterval(ticker);
    loop.disable();
    cpu = process.cpuUsage(cpu0);
    elu = performance.eventLoopUtilization(elu0);
    const profiled = await sampler?.stop().catch(() => undefined);
    if (profiled) {
      cpuByComponent = profiled.shares;
      elu = { utilization: profiled.busy };
    }
  }
  sample();
  for (let i = 0; i < summary.abandoned; i++)
    stats.fail('(any)', 'timeout', 'drain', 'still in flight when the drain time ran out', summary.endMs);

  const pct = (p: number) => loop.percentile(p) / 1e6;
  const generator: GeneratorFigures = {
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopUtilization: elu.utilization,
    eventLoopDelayMs: { p50: pct(50), p99: pct(99), max: loop.max / 1e6 },
    maxStartLagMs: summary.maxStartLagMs,
    loadAverage: { start: load0, end: os.loadavg() },
    cores: os.cpus().length,
    bottleneck: [],
  };
  // the profile counts busy samples, including time the OS gave to other processes: its shares
  // split this process's measured CPU
  if (cpuByComponent)
    generator.cpuByComponent = cpuByComponent = cpuByComponent.map((c) => ({
      ...c,
      ms: c.share * generator.cpuMs,
    }));
  if (generator.eventLoopUtilization > BUSY_LOOP)
    generator.bottleneck.push(
      `the generator's event loop (our peers and handsets${o.target.kind === 'embedded' ? ', the embedded MMSC' : ''}) was busy ${(generator.eventLoopUtilization * 100).toFixed(0)}% of the run`,
    );
  if (generator.eventLoopDelayMs.p99 > LOOP_DELAY_P99_MS)
    generator.bottleneck.push(`event-loop delay p99 ${generator.eventLoopDelayMs.p99.toFixed(0)} ms`);
  if (generator.maxStartLagMs > START_LAG_MS)
    generator.bottleneck.push(`arrivals started up to ${generator.maxStartLagMs.toFixed(0)} ms late`);
  if (generator.bottleneck.length > 0 && cpuByComponent?.length)
    generator.bottleneck.push(
      `CPU by who spent it: ${cpuByComponent
        .slice(0, 4)
        .map((c) => `${c.component} ${(c.share * 100).toFixed(0)}%`)
        .join(', ')}`,
    );
  const windowS = Math.max(summary.arrivalsEndMs, 1) / 1000;
  const observed = new Map(rig.peerLoad().map((p) => [p.node, p.observations]));
  const nodes = new Set([...observed.keys(), ...peerMax.keys()]);
  const cpuOf = new Map((cpuByComponent ?? []).map((c) => [c.component, c]));
  // our peers (by name) and the handsets; not the MMSC's or the harness's own notes
  const peerNodes = new Set(rig.peers.map((p) => (p.kind === 'ue' ? 'ue.*' : p.name)));
  const peers: PeerFigures[] = [...nodes]
    .filter((n) => peerNodes.has(n))
    .sort()
    .map((node) => {
      const c = cpuOf.get(node);
      return {
        node,
        observations: observed.get(node) ?? 0,
        maxPendingWaits: peerMax.get(node) ?? 0,
        ...(cpuByComponent ? { cpuMs: c?.ms ?? 0, cpuShare: c?.share ?? 0 } : {}),
      };
    });
  const s = stats.summaries();
  const result: LoadResult = {
    version: 1,
    target: o.target.description,
    seed: o.seed,
    startedAt,
    plan: {
      ...o.plan,
      mix: o.mix,
      maxInFlight: o.maxInFlight,
      stepTimeoutMs: o.stepTimeoutMs,
      planned: arrivalCount(o.plan),
    },
    kinds: [...rig.kinds],
    totals: {
      scheduled: stats.scheduled,
      started: summary.started,
      ok: stats.ok,
      failed: stats.failed,
      overflowed: summary.overflowed,
      abandoned: summary.abandoned,
      timeouts: stats.timeouts,
      offeredPerSec: stats.scheduled / windowS,
      achievedPerSec: stats.ok / Math.max(summary.endMs / 1000, windowS),
      wallMs: summary.endMs,
    },
    latency: s,
    errors: {
      byKind: Object.fromEntries(stats.errorsByKind),
      byStep: Object.fromEntries(stats.errorsByStep),
      samples: stats.samples,
    },
    perSecond: stats.perSecond(),
    generator,
    peers,
    sloOk: true,
  };
  if (o.slo) {
    const verdicts: SloVerdict[] = evaluateSlo(o.slo, {
      flows: stats.scheduled,
      errors: stats.failed,
      timeouts: stats.timeouts,
      throughput: result.totals.achievedPerSec,
      latency: (m) => stats.latency(m),
    });
    result.slo = verdicts.map((v) => ({
      gate: v.gate.text,
      actual: v.actual ?? null,
      ok: v.ok,
      line: sloLine(v),
    }));
    result.sloOk = verdicts.every((v) => v.ok);
  }
  return result;
}
