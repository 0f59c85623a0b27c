import type { JsonObject } from '../../util/json.ts';
import { durationMs } from '../duration.ts';
import type { CaseGate, TargetEndpoints } from '../target.ts';
import { assertPeerPortsFree } from './peer-ports.ts';
import type { HealthConfig, ResetConfig } from './target-config.ts';
import { HealthGate, type HealthOptions } from './target-health.ts';
import { ResetSchedule, type ResetSpec, runReset } from './target-reset.ts';

/**
 * Operating a real target across a run: fixed peer ports free before anything (peer-ports.ts),
 * the reset hook at its rhythm (target-reset.ts) and the health check before each case
 * (target-health.ts), reset first so a reset that restarts the target is waited for.
 */
export interface TargetOpsOptions {
  reset?: ResetSpec;
  health?: HealthOptions;
}

/** The config's reset; its command runs in `cwd` (the config file's folder). */
export function resetSpec(c: ResetConfig, cwd?: string): ResetSpec {
  return {
    ...(cwd !== undefined ? { cwd } : {}),
    ...(c.command !== undefined ? { command: c.command } : {}),
    ...(c.url !== undefined ? { url: c.url } : {}),
    timeoutMs: durationMs(c.timeout, 30_000),
    every: c.every,
  };
}

export function healthOptions(c: HealthConfig): HealthOptions {
  return {
    waitMs: durationMs(c.wait, 10_000),
    pollMs: durationMs(c.poll, 250),
    maxDownCases: c.maxDownCases,
  };
}

export class TargetOps {
  private readonly schedule?: ResetSchedule;
  private readonly health: HealthGate;

  constructor(
    endpoints: () => TargetEndpoints,
    private readonly peers: Readonly<Record<string, JsonObject>>,
    readonly opts: TargetOpsOptions = {},
  ) {
    if (opts.reset) this.schedule = new ResetSchedule(opts.reset);
    this.health = new HealthGate(endpoints, opts.health);
  }

  /** Before any case: fixed peer ports free, the once-per-run reset. Throws TargetError. */
  async open(): Promise<void> {
    await assertPeerPortsFree(this.peers);
    if (this.schedule?.atOpen() && this.opts.reset) await runReset(this.opts.reset);
  }

  /** Before each case: its reset (if due), then health. Throws TargetError (reset failed, target gone). */
  async beforeCase(c: { id: string; suite: string }): Promise<CaseGate> {
    const events: CaseGate['events'] = [];
    if (this.schedule?.beforeCase(c.suite) && this.opts.reset) {
      const r = await runReset(this.opts.reset, { caseId: c.id, suite: c.suite });
      events.push({
        name: 'target-reset',
        detail: { every: this.opts.reset.every, ms: r.ms, output: r.output },
      });
    }
    const h = await this.health.beforeCase(c.id);
    events.push(...h.events);
    return h.ok ? { events } : { error: h.reason, events };
  }
}
