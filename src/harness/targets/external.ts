import type { JsonObject } from '../../util/json.ts';
import type { Ics } from '../ics/ics-schema.ts';
import { kindsCalledByTarget } from '../peer-kinds.ts';
import {
  type CaseGate,
  type Target,
  type TargetCaseContext,
  type TargetEndpoints,
  TargetError,
  type TargetSession,
} from '../target.ts';
import { awaitTargetBind, checkEndpoints, DEFAULT_HEALTH } from './target-health.ts';
import { TargetOps, type TargetOpsOptions } from './target-ops.ts';

/**
 * A target MMSC already running (on loopback). Its endpoints come from the config file; our
 * peers listen where the target was told to find them (fixed ports and credentials from the
 * config's `peers:`). Those peers are shared by the cases running at once (`sharedPeerKinds`);
 * with one job each case starts them afresh.
 * Before any case the fixed peer ports are checked free and the target reachable; before each
 * case the reset hook runs when due and the target's health is checked (target-ops.ts).
 */
export class ExternalTarget implements Target {
  readonly kind: 'external' | 'container' = 'external';
  readonly maxJobs = 256;
  readonly description: string;
  protected readonly ops: TargetOps;
  readonly sharedPeerKinds: readonly string[];

  constructor(
    protected endpoints: TargetEndpoints,
    readonly ics: Ics,
    protected readonly peers: Readonly<Record<string, JsonObject>> = {},
    name = 'external MMSC',
    ops: TargetOpsOptions = {},
  ) {
    this.description = name;
    // the peers an MMSC calls (SMPP, MM5, MM4, MM3, MM7 towards the VASP): where it was told to find them
    this.sharedPeerKinds = kindsCalledByTarget().filter((k) => peers[k] !== undefined);
    // the target's own domain is its ICS's
    this.endpoints = { ...endpoints, domain: ics.provisioning.domain };
    this.ops = new TargetOps(() => this.endpoints, peers, ops);
  }

  /**
   * Fixed peer ports free, the once-per-run reset, then every configured endpoint accepts
   * connections (waited for as long as the health check waits): otherwise a harness error.
   */
  async open(): Promise<void> {
    await this.ops.open();
    const waitMs = this.ops.opts.health?.waitMs ?? DEFAULT_HEALTH.waitMs;
    const pollMs = this.ops.opts.health?.pollMs ?? DEFAULT_HEALTH.pollMs;
    const t0 = Date.now();
    let problems = await checkEndpoints(this.endpoints);
    while (problems.length > 0 && Date.now() - t0 < waitMs) {
      await new Promise((r) => setTimeout(r, pollMs));
      problems = await checkEndpoints(this.endpoints);
    }
    if (problems.length > 0)
      throw new TargetError(`target unreachable (waited ${Date.now() - t0} ms): ${problems.join('; ')}`);
  }

  beforeCase(c: { id: string; suite: string }): Promise<CaseGate> {
    return this.ops.beforeCase(c);
  }

  async startCase(ctx: TargetCaseContext): Promise<TargetSession> {
    const endpoints = this.endpoints;
    const peers = this.peers;
    const bindWaitMs = this.ops.opts.health?.waitMs ?? DEFAULT_HEALTH.waitMs;
    const smpp = this.ics.notification.via === 'smpp';
    return {
      endpoints,
      // the fixed ports the target was pointed at
      peerConfig: (kind) => ({ ...(peers[kind] ?? {}) }),
      // our SMSC has just started: give the target's bind (its reconnect back-off) time to come
      attach: async (started) => {
        const smsc = smpp ? started.find((p) => p.kind === 'smsc') : undefined;
        if (!smsc) return;
        const ms = await awaitTargetBind(ctx.timeline, smsc.peer.name, bindWaitMs);
        ctx.timeline.publish({
          kind: 'event',
          name: ms === undefined ? 'target-not-bound' : 'target-bound',
          node: 'harness',
          role: 'harness',
          iface: 'HARNESS',
          direction: 'local',
          detail:
            ms === undefined
              ? { smsc: smsc.endpoints[0]?.url ?? null, waitedMs: bindWaitMs }
              : { smsc: smsc.endpoints[0]?.url ?? null, afterMs: ms },
        });
      },
      stop: async () => undefined,
    };
  }

  async close(): Promise<void> {}
}
