import os from 'node:os';
import { runOpenLoop } from '../src/load/arrivals.ts';
import type { FlowKind, FlowResult } from '../src/load/flows.ts';
import { LoadStats } from '../src/load/load-stats.ts';

/**
 * The load generator's own ceiling: the open-loop scheduler and the HDR bookkeeping of
 * `mmscert load` against a null peer (every flow ends at once, ok, with four steps), at rising
 * offered rates. Where achieved falls below offered, or arrivals start late, the generator itself
 * is the limit. (A real flow's cost is in its exchanges: see `mmscert load` against a target.)
 */
export async function run(): Promise<void> {
  const seconds = Number(process.env.LOAD_BENCH_SECONDS ?? 2);
  const ok: FlowResult = {
    ok: true,
    steps: [
      { name: 'submit', ms: 1 },
      { name: 'push', ms: 1 },
      { name: 'retrieve', ms: 1 },
      { name: 'notifyresp', ms: 1 },
    ],
  };
  for (const rate of [1_000, 10_000, 50_000, 100_000, 200_000]) {
    const stats = new LoadStats();
    const cpu0 = process.cpuUsage();
    const s = await runOpenLoop<FlowKind, FlowResult>({
      plan: { rate, durationMs: seconds * 1000, rampMs: 0 },
      mix: [
        { kind: 'mm1-mt', weight: 70 },
        { kind: 'mm7-submit', weight: 30 },
      ],
      maxInFlight: 100_000,
      drainMs: 5000,
      start: (a) => {
        stats.arrival(a.scheduledMs);
        return Promise.resolve(ok);
      },
      done: (a, r, ms) => stats.done(a.kind, r, ms, a.scheduledMs, a.scheduledMs + ms),
      overflow: () => undefined,
    });
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    console.log(
      `load generator, null peer: offered ${rate}/s -> ${(s.finished / (s.endMs / 1000)).toFixed(0)} flows/s over ${(s.endMs / 1000).toFixed(2)} s, ` +
        `start lag max ${s.maxStartLagMs.toFixed(1)} ms, latency p99 ${stats.latency('flow.p99')?.toFixed(2)} ms, ` +
        `${((cpuS * 1e6) / Math.max(1, s.finished)).toFixed(1)} µs CPU per flow (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
    );
  }
}
