import type { JsonObject } from '../util/json.ts';
import type { LoadedCase } from './case-model.ts';
import type { CaseOptions } from './case-run.ts';
import type { CaseFinisher, CaseOutcome } from './case-sink.ts';
import { CaseLane } from './case-worker.ts';
import type { Lane, LanePhase, Lanes, TargetInfo } from './lanes.ts';
import type { RunResult } from './run-result.ts';
import { type Sharing, sharingOf } from './shared/exclusive.ts';
import { SharedPeers } from './shared/shared-peers.ts';

/**
 * How long the run waits, once, for the target's first bind to the shared SMSC before the cases
 * start: longer than an ESME's reconnect back-off while nothing listened (the reference MMSC
 * doubles its delay up to 30 s). Cases needing notifications then wait SHARED_SMSC_BIND_WAIT_MS.
 */
export const SHARED_SMSC_FIRST_BIND_WAIT_MS = 35_000;

/**
 * One lane on this thread, on a target given as an object (external and container targets,
 * `--workers 1`, tests). A target that names shared peer kinds (external, container) with more
 * than one job: those peers start once for the run (shared-peers.ts) and the cases run at once
 * beside each other, in phases (sharingOf): first every case that uses the shared peers as they
 * are; then, group by group, the cases with the same own config for a shared peer, the shared
 * peers started again with it; last, one by one, the cases that would change a shared peer, with
 * peers of their own on the fixed ports while the shared ones are stopped. `--jobs 1` runs every
 * case as before: alone, with its own peers.
 */
export class LocalLanes implements Lanes {
  private readonly lane: CaseLane;
  private readonly one: Lane;
  private opening?: Promise<TargetInfo>;
  private shared?: SharedPeers;
  private sharing: Sharing[] = [];

  constructor(
    private readonly opts: CaseOptions,
    finisher?: CaseFinisher,
  ) {
    this.lane = new CaseLane(opts, finisher);
    this.one = {
      ready: Promise.resolve(),
      run: (_index, c, phase) => this.runOne(c, phase),
    };
  }

  get lanes(): readonly Lane[] {
    return [this.one];
  }

  private runOne(c: LoadedCase, phase: LanePhase): Promise<CaseOutcome> {
    const shared = phase.shared ? this.shared : undefined;
    return shared ? shared.router.run(c.id, () => this.lane.run(c, shared)) : this.lane.run(c);
  }

  open(): Promise<TargetInfo> {
    this.opening ??= this.lane.open();
    return this.opening;
  }

  phases(cases: readonly LoadedCase[], order: readonly number[], jobs: number): LanePhase[] {
    const { target, peerKinds, seed } = this.opts;
    const kinds = target.sharedPeerKinds ?? [];
    if (!(jobs > 1 && kinds.length > 0 && cases.length > 1)) return [{ cases: order, width: jobs }];
    const shared = new SharedPeers(target, peerKinds, seed, kinds);
    this.shared = shared;
    this.sharing = cases.map((c) => sharingOf(c, shared.kinds, target.ics));
    /** Cases run at once: first on the default peers, then per own config (the overlay). */
    const groups: { cases: number[]; overlay: Record<string, JsonObject> }[] = [{ cases: [], overlay: {} }];
    const alone: number[] = [];
    const byKey = new Map<string, number>();
    for (const i of order) {
      const s = this.sharing[i];
      if (s.mode === 'shared') groups[0].cases.push(i);
      else if (s.mode === 'alone') alone.push(i);
      else {
        let g = byKey.get(s.key);
        if (g === undefined) {
          g = groups.length;
          byKey.set(s.key, g);
          groups.push({ cases: [], overlay: s.overlay });
        }
        groups[g].cases.push(i);
      }
    }
    let first = true;
    const phases: LanePhase[] = groups
      .filter((g) => g.cases.length > 0)
      .map((g) => ({
        cases: g.cases,
        width: jobs,
        shared: true,
        enter: async () => {
          // a fresh start: default behaviours, and this phase's own config
          if (!first) await shared.stop();
          first = false;
          await shared.start(g.overlay);
          // no verdict here: a case that needs the bind says so if it is still missing
          if (g.cases.some((i) => 'smsc' in cases[i].peers))
            await shared.smscBound(SHARED_SMSC_FIRST_BIND_WAIT_MS);
        },
      }));
    phases.push({ cases: alone, width: 1, enter: () => shared.stop() });
    return phases;
  }

  async close(): Promise<void> {
    try {
      await this.shared?.close();
    } finally {
      await this.lane.close();
    }
  }

  record(cases: readonly LoadedCase[]): Pick<RunResult, 'shared'> {
    const shared = this.shared;
    if (!shared) return {};
    return {
      shared: {
        peers: [...shared.kinds],
        exclusive: this.sharing.flatMap((x, i) =>
          x.mode === 'shared'
            ? []
            : [
                {
                  case: cases[i].id,
                  reason:
                    x.mode === 'config' ? `${x.reason}: beside the cases of that same config only` : x.reason,
                },
              ],
        ),
        lateArrivals: shared.router.lateArrivals,
        // without the connections a case's action opened: those are in that case's capture
        timeline: {
          originEpochMs: shared.timeline.originEpochMs,
          observations: shared.timeline
            .all()
            .filter((o) => !((o.kind === 'conn' || o.kind === 'bytes') && shared.router.ownedByCase(o.conn))),
        },
      },
    };
  }
}
