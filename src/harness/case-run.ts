import { AirInterface } from '../../mocks/air-interface.ts';
import { peerStartRank } from '../../mocks/peer-kind.ts';
import type { Json, JsonObject } from '../util/json.ts';
import { Timeline } from '../wire/timeline.ts';
import type { LoadedCase, LoadedStep } from './case-model.ts';
import { icsTemplateValues } from './ics/ics-template-values.ts';
import type { KnownFailures } from './known-failures.ts';
import { IdentityRegistry, watchLateArrivals } from './late-arrivals.ts';
import type { PeerKinds } from './peer-kinds.ts';
import type { CaseFailure, CaseResult, StepResult } from './run-result.ts';
import { caseRandom, caseSeed, freshSeed } from './seeded.ts';
import type { SharedPeers } from './shared/shared-peers.ts';
import type { Level } from './suite-schema.ts';
import type { StartedPeer, Target, TargetSession } from './target.ts';
import type { TemplateScope } from './template.ts';

/** What every case of a run is run with, whatever lane (thread) runs it. */
export interface CaseOptions {
  target: Target;
  peerKinds: PeerKinds;
  seed: number;
  /** Lowest requirement level whose failure fails the run (default SHALL). */
  failOn?: Level;
  knownFailures?: KnownFailures;
  /**
   * Multiplies every deadline of the cases (`expect` windows, step timeouts, the case timeout,
   * `wait` steps): a slow target or a loaded host gets more time, suites unchanged. Not the
   * `expect-none` windows: they bound a time the target keeps by its own clock (no notification
   * before the Delivery-Time), which a longer window would overrun; a slow host only makes a
   * forbidden event later (missed, never invented). Default 1.
   */
  timeScale?: number;
  /**
   * The run's identities (handset MSISDNs, transaction and message ids per case): fresh per case
   * across the lane's cases, and what reveals a late arrival of an ended case (late-arrivals.ts).
   */
  identities?: IdentityRegistry;
}

/** A harness failure inside a case (unknown peer or action, bad template): an `error` verdict. */
export class CaseError extends Error {}

/** A deadline (step or case) expired. */
export class DeadlineError extends Error {}

export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface PeerPlan {
  kind: string;
  name: string;
  node: string;
  suiteConfig: JsonObject;
}

/**
 * The case's peers: kind: true | [names] | {config} -> one plan per peer; named peers are nodes
 * `kind.name`. A target that notifies through a push proxy gateway (ICS notification.via pap)
 * reaches the handsets of a case that gives an SMSC only through a PPG in front of it: one is
 * added (the embedded reference MMSC's ICS says smpp, so its cases are unchanged).
 */
function planPeers(c: LoadedCase, kinds: PeerKinds, notifiesVia?: string): PeerPlan[] {
  const plans: PeerPlan[] = [];
  for (const [kind, spec] of Object.entries(c.peers)) {
    if (Array.isArray(spec)) {
      for (const name of spec) plans.push({ kind, name, node: `${kind}.${name}`, suiteConfig: {} });
    } else {
      plans.push({ kind, name: kind, node: kind, suiteConfig: spec === true ? {} : (spec as JsonObject) });
    }
  }
  if (notifiesVia === 'pap' && 'smsc' in c.peers && !('ppg' in c.peers))
    plans.push({ kind: 'ppg', name: 'ppg', node: 'ppg', suiteConfig: {} });
  // servers the target calls first, then the gateways, then the handsets that call them
  return plans.sort((a, b) => peerStartRank(kinds, a.kind) - peerStartRank(kinds, b.kind));
}

/**
 * One case while it runs: its own timeline, air interface, identities, template values, the
 * peers it started and its target session, and its verdict so far. The stages of runCase
 * (run-case.ts) and the step kinds (step-kinds.ts) work on it.
 */
export class CaseRun {
  readonly seed: number;
  readonly scale: number;
  readonly caseTimeoutMs: number;
  readonly random: ReturnType<typeof caseRandom>;
  readonly timeline = new Timeline();
  readonly identities: IdentityRegistry;
  readonly air: AirInterface;
  readonly startedAt = new Date().toISOString();
  readonly t0 = performance.now();
  readonly steps: StepResult[];
  verdict: CaseResult['verdict'] = 'pass';
  failure: CaseFailure | undefined;
  readonly started: StartedPeer[] = [];
  session: TargetSession | undefined;
  readonly abort = new AbortController();
  readonly plans: PeerPlan[];
  /** ue name -> MSISDN. */
  readonly msisdns = new Map<string, string>();
  /** Numbers this case holds on the shared peers: released when it ends. */
  readonly claimed: string[] = [];
  /** Kinds this case uses from the run's shared peers. */
  readonly sharedKinds: Set<string>;
  /** Subscribers this case added to the shared HLR (removed when it ends). */
  readonly hlrAdded: string[] = [];
  readonly values: { [k: string]: Json };
  readonly scope: TemplateScope;
  /** Why the case does not apply to this target (empty: it applies). */
  naReasons: string[] = [];
  /** The shared peers' connections that carried observations routed to this case. */
  sharedStreams: string[] = [];
  /** Where the last action and the last match ended on the timeline (`from:` of expectations). */
  lastAction = 0;
  lastMatch = 0;
  private readonly stopWatching: () => void;

  constructor(
    readonly c: LoadedCase,
    readonly opts: CaseOptions,
    readonly shared?: SharedPeers,
  ) {
    this.identities = opts.identities ?? new IdentityRegistry();
    const keepsState = opts.target.kind === 'external' || opts.target.kind === 'container';
    this.seed = freshSeed(caseSeed(opts.seed, c.id), keepsState ? this.identities.salt : undefined);
    this.scale = opts.timeScale ?? 1;
    this.caseTimeoutMs = Math.round(c.timeoutMs * this.scale);
    this.random = caseRandom(this.seed);
    this.identities.begin(c.id);
    // first subscriber: a late arrival is tagged before any expectation sees it
    this.stopWatching = watchLateArrivals(this.timeline, this.identities, c.id, (o, l) =>
      this.harnessEvent('late-arrival', {
        seq: o.seq,
        type: o.kind === 'message' ? o.type : o.kind,
        node: o.node,
        ofCase: l.ofCase,
        identity: l.identity,
      }),
    );
    this.air = shared?.air ?? new AirInterface();
    this.steps = c.steps.map((s) => ({
      index: s.index,
      kind: s.kind,
      label: s.label,
      source: s.source,
      status: 'skipped',
      startNs: 0,
      endNs: 0,
    }));
    this.plans = planPeers(c, opts.peerKinds, opts.target.ics.notification.via);
    this.assignMsisdns();
    this.sharedKinds = new Set(this.plans.filter((p) => shared?.kinds.has(p.kind)).map((p) => p.kind));
    this.values = {
      case: { id: c.id, title: c.title },
      seed: this.seed,
      saved: {},
      ics: icsTemplateValues(opts.target.ics),
    };
    const random = this.random;
    const identities = this.identities;
    this.scope = {
      values: this.values,
      get faker() {
        return random.faker;
      },
      txid: () => {
        for (;;) {
          const t = random.txid();
          if (identities.claimId(c.id, t)) return t;
        }
      },
    };
  }

  /** A number of the target's range no other case of the run has (late arrivals tell them apart). */
  private freshMsisdn(): string {
    for (;;) {
      const n = this.random.msisdn(this.opts.target.ics.provisioning.subscribers);
      if (this.identities.claimMsisdn(this.c.id, n)) return n;
    }
  }

  /** Each handset's MSISDN: the suite's fixed one, or a fresh one (distinct across running cases). */
  private assignMsisdns(): void {
    for (const p of this.plans) {
      if (p.kind !== 'ue') continue;
      const fixed = p.suiteConfig.msisdn as string | undefined;
      if (fixed !== undefined) this.identities.assignMsisdn(this.c.id, fixed);
      let n = fixed ?? this.freshMsisdn();
      if (this.shared) {
        // distinct across the cases running at once (a suite's fixed number is kept)
        let free = this.shared.claim(n);
        for (let i = 0; !free && fixed === undefined && i < 1000; i++) {
          n = this.freshMsisdn();
          free = this.shared.claim(n);
        }
        if (free) this.claimed.push(n);
      }
      this.msisdns.set(p.name, n);
    }
  }

  /** The first failure wins: later ones do not change the verdict. */
  setFailure(
    v: 'fail' | 'error' | 'inconclusive',
    step: LoadedStep | undefined,
    f: Omit<CaseFailure, 'step' | 'label' | 'source'>,
  ): void {
    if (this.verdict !== 'pass') return;
    this.verdict = v;
    this.failure = {
      step: step ? step.index : -1,
      label: step ? step.label : 'setup',
      source: step ? step.source : this.c.source,
      ...f,
    };
  }

  harnessEvent(name: string, detail: JsonObject, peer?: string): void {
    this.timeline.publish({
      kind: 'event',
      name,
      node: 'harness',
      role: 'harness',
      iface: 'HARNESS',
      direction: 'local',
      ...(peer !== undefined ? { peer } : {}),
      detail,
    });
  }

  findPeer(node: string): StartedPeer | undefined {
    return this.started.find(
      (p) => p.peer.name === node || `${p.kind}.${p.name}` === node || (p.name === p.kind && p.kind === node),
    );
  }

  /** The late-arrival watch ends with the case, and its identities are released. */
  end(): void {
    this.stopWatching();
    this.identities.end(this.c.id);
  }
}
