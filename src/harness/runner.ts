import { AirInterface } from '../../mocks/air-interface.ts';
import type { BehaviourSpec, PeerEndpoint } from '../../mocks/peer.ts';
import { peerStartRank } from '../../mocks/peer-kind.ts';
import type { Json, JsonObject } from '../util/json.ts';
import { Timeline } from '../wire/timeline.ts';
import { LEVEL_RANK, type LoadedCase, type LoadedStep } from './case-model.ts';
import { durationMs } from './duration.ts';
import { awaitAnyOf, awaitExpectation, awaitNone, DEFAULT_EXPECT_WITHIN_MS } from './expectation-eval.ts';
import { encodingFindings, judgeFindings } from './findings.ts';
import { applicability } from './ics/ics-select.ts';
import { icsTemplateValues } from './ics/ics-template-values.ts';
import type { KnownFailures } from './known-failures.ts';
import { IdentityRegistry, watchLateArrivals } from './late-arrivals.ts';
import { type PeerKinds, peerWiring } from './peer-kinds.ts';
import { makeRunId } from './run-id.ts';
import type { CaseFailure, CaseResult, RunResult, StepResult } from './run-result.ts';
import { summarise } from './run-result.ts';
import { caseRandom, caseSeed } from './seeded.ts';
import { sharingOf } from './shared/exclusive.ts';
import { numberKey } from './shared/identity-keys.ts';
import { SharedPeers } from './shared/shared-peers.ts';
import type { AnyOf, Expectation, ExpectationAlternative, Level } from './suite-schema.ts';
import {
  type StartedPeer,
  type Target,
  TargetError,
  TargetRetryableError,
  type TargetSession,
} from './target.ts';
import { icsPeerConfig, icsPeerDefaults } from './targets/ics-identities.ts';
import { renderTemplate, TemplateError, type TemplateScope } from './template.ts';
import { topCauses } from './top-causes.ts';

export const DEFAULT_ACTION_TIMEOUT_MS = 10_000;
/** Most set-ups of one case when the target fails with TargetRetryableError (port taken). */
export const MAX_SETUP_ATTEMPTS = 3;
/** How long a case that needs notifications waits for the target's bind to the shared SMSC. */
export const SHARED_SMSC_BIND_WAIT_MS = 10_000;
/**
 * How long the run waits, once, for the target's first bind to the shared SMSC before the cases
 * start: longer than an ESME's reconnect back-off while nothing listened (the reference MMSC
 * doubles its delay up to 30 s). Cases needing notifications then wait SHARED_SMSC_BIND_WAIT_MS.
 */
export const SHARED_SMSC_FIRST_BIND_WAIT_MS = 35_000;

export interface RunOptions {
  cases: readonly LoadedCase[];
  target: Target;
  peerKinds: PeerKinds;
  seed: number;
  jobs?: number;
  /** Lowest requirement level whose failure fails the run (default SHALL). */
  failOn?: Level;
  knownFailures?: KnownFailures;
  runId?: string;
  /**
   * Multiplies every deadline of the cases (expectation `within`, step timeouts, the case
   * timeout, `wait` steps): a slow target or a loaded host gets more time, suites unchanged.
   * Default 1.
   */
  timeScale?: number;
  /**
   * The run's identities (handset MSISDNs, transaction and message ids per case): fresh per case
   * across the run, and what reveals a late arrival of an ended case (late-arrivals.ts). Made by
   * runSuites when not given.
   */
  identities?: IdentityRegistry;
  /** Progress subscribers (terminal reporter). */
  onCaseStart?: (c: LoadedCase) => void;
  onCaseEnd?: (r: CaseResult) => void;
}

/** A harness failure inside a case (unknown peer or action, bad template): an `error` verdict. */
class CaseError extends Error {}

/**
 * Whether an expectation checks our own stimulus rather than the target: only when the case says
 * so (`precondition: true`). Not inferred from `direction: out` on our nodes: such an observation
 * often carries the target's answer (our MTA's sent mail with the target's SMTP reply).
 */
function isPrecondition(spec: Record<string, unknown>, _e: Expectation): boolean {
  return spec.precondition === true;
}
/** A deadline (step or case) expired. */
class DeadlineError extends Error {}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface PeerPlan {
  kind: string;
  name: string;
  node: string;
  suiteConfig: JsonObject;
}

/** kind: true | [names] | {config} -> one plan per peer; named peers are nodes `kind.name`. */
/**
 * The case's peers. A target that notifies through a push proxy gateway (ICS notification.via
 * pap) reaches the handsets of a case that gives an SMSC only through a PPG in front of it: one is
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

/** The scalar keys of a peer's config (templates: `{{vasp.vaspId}}`). */
function scalars(config: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(config)) if (x === null || typeof x !== 'object') out[k] = x;
  return out;
}

function endpointValues(endpoints: readonly PeerEndpoint[]): JsonObject {
  const out: JsonObject = {};
  for (const e of endpoints) if (!(e.protocol in out)) out[e.protocol] = e.url;
  return out;
}

/**
 * Runs one case in isolation: its own timeline, air interface, peers and target session. With
 * `shared` (an external target's peers shared by concurrent cases), the case uses those for the
 * kinds they cover, its handsets join the run-wide air interface under MSISDNs no running case
 * holds, and the router hands it what the shared peers see for its identities.
 */
export async function runCase(
  c: LoadedCase,
  opts: Omit<RunOptions, 'cases'>,
  shared?: SharedPeers,
): Promise<CaseResult> {
  const seed = caseSeed(opts.seed, c.id);
  const scale = opts.timeScale ?? 1;
  const caseTimeoutMs = Math.round(c.timeoutMs * scale);
  const random = caseRandom(seed);
  const timeline = new Timeline();
  const identities = opts.identities ?? new IdentityRegistry();
  identities.begin(c.id);
  // first subscriber: a late arrival is tagged before any expectation sees it
  const stopWatching = watchLateArrivals(timeline, identities, c.id, (o, l) =>
    timeline.publish({
      kind: 'event',
      name: 'late-arrival',
      node: 'harness',
      role: 'harness',
      iface: 'HARNESS',
      direction: 'local',
      detail: {
        seq: o.seq,
        type: o.kind === 'message' ? o.type : o.kind,
        node: o.node,
        ofCase: l.ofCase,
        identity: l.identity,
      },
    }),
  );
  const air = shared?.air ?? new AirInterface();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const steps: StepResult[] = c.steps.map((s) => ({
    index: s.index,
    kind: s.kind,
    label: s.label,
    source: s.source,
    status: 'skipped',
    startNs: 0,
    endNs: 0,
  }));
  let verdict: CaseResult['verdict'] = 'pass';
  let failure: CaseFailure | undefined;
  const started: StartedPeer[] = [];
  let session: TargetSession | undefined;
  const abort = new AbortController();

  const plans = planPeers(c, opts.peerKinds, opts.target.ics.notification.via);
  const msisdns = new Map<string, string>();
  /** A number of the target's range no other case of the run has (late arrivals tell them apart). */
  const freshMsisdn = () => {
    for (;;) {
      const n = random.msisdn(opts.target.ics.provisioning.subscribers);
      if (identities.claimMsisdn(c.id, n)) return n;
    }
  };
  /** Numbers this case holds on the shared peers: released when it ends. */
  const claimed: string[] = [];
  for (const p of plans) {
    if (p.kind !== 'ue') continue;
    const fixed = p.suiteConfig.msisdn as string | undefined;
    if (fixed !== undefined) identities.assignMsisdn(c.id, fixed);
    let n = fixed ?? freshMsisdn();
    if (shared) {
      // distinct across the cases running at once (a suite's fixed number is kept)
      let free = shared.claim(n);
      for (let i = 0; !free && fixed === undefined && i < 1000; i++) {
        n = freshMsisdn();
        free = shared.claim(n);
      }
      if (free) claimed.push(n);
    }
    msisdns.set(p.name, n);
  }
  const sharedKinds = new Set(plans.filter((p) => shared?.kinds.has(p.kind)).map((p) => p.kind));
  /** Subscribers this case added to the shared HLR (removed when it ends). */
  const hlrAdded: string[] = [];
  const values: { [k: string]: Json } = {
    case: { id: c.id, title: c.title },
    seed,
    saved: {},
    ics: icsTemplateValues(opts.target.ics),
  };
  const scope: TemplateScope = {
    values,
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
  const setFailure = (
    v: 'fail' | 'error' | 'inconclusive',
    step: LoadedStep | undefined,
    f: Omit<CaseFailure, 'step' | 'label' | 'source'>,
  ) => {
    if (verdict !== 'pass') return;
    verdict = v;
    failure = {
      step: step ? step.index : -1,
      label: step ? step.label : 'setup',
      source: step ? step.source : c.source,
      ...f,
    };
  };

  const harnessEvent = (name: string, detail: JsonObject) =>
    timeline.publish({
      kind: 'event',
      name,
      node: 'harness',
      role: 'harness',
      iface: 'HARNESS',
      direction: 'local',
      detail,
    });
  /** Stops the started peers (last first) and the target session; failures go on the timeline. */
  const teardown = async () => {
    for (const p of [...started].reverse()) {
      if (shared && sharedKinds.has(p.kind)) continue;
      await withDeadline(p.peer.stop(), 5000, `stopping ${p.peer.name}`).catch((e) =>
        harnessEvent('error', { message: errorMessage(e) }),
      );
    }
    const s = session;
    session = undefined;
    if (s) {
      await withDeadline(s.stop(), 5000, 'stopping the target').catch((e) =>
        harnessEvent('error', { message: errorMessage(e) }),
      );
    }
  };

  /** Set-up, again from scratch (fresh target ports, fresh peers) when the target asks for it. */
  const setup = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await setupOnce();
        return;
      } catch (e) {
        if (!(e instanceof TargetRetryableError) || attempt >= MAX_SETUP_ATTEMPTS) throw e;
        harnessEvent('retry', { what: 'setup', attempt, reason: e.message });
        await teardown();
        started.length = 0;
      }
    }
  };

  const setupOnce = async () => {
    timeline.setContext({ case: c.id, step: 'setup' });
    const kinds = new Map<string, string[]>();
    for (const p of plans) kinds.set(p.kind, [...(kinds.get(p.kind) ?? []), p.name]);
    try {
      session = await opts.target.startCase({ caseId: c.id, timeline, seed, peers: kinds, msisdns });
    } catch (e) {
      throw new CaseError(`target: ${errorMessage(e)}`);
    }
    values.target = { ...session.endpoints, domain: opts.target.ics.provisioning.domain } as JsonObject;
    if (shared) {
      shared.router.register(c.id, timeline, {
        kinds: sharedKinds,
        keys: [...msisdns.values()].map(numberKey),
      });
      const hlr = sharedKinds.has('hlr') ? shared.peer('hlr') : undefined;
      const add = hlr?.peer.actions['add-subscriber'];
      if (add) {
        const p = opts.target.ics.provisioning;
        for (const msisdn of msisdns.values()) {
          await add({ msisdn, mcc: p.mcc, mnc: p.mnc });
          hlrAdded.push(msisdn);
        }
      }
    }
    for (const plan of plans) {
      const kind = opts.peerKinds[plan.kind];
      const common = shared && sharedKinds.has(plan.kind) ? shared.peer(plan.kind) : undefined;
      if (common) {
        // the run's peer of that kind (sharingOf: started with this case's own config, if any)
        started.push(common);
        values[plan.kind] = {
          ...scalars(common.config),
          node: common.peer.name,
          kind: plan.kind,
          url: common.endpoints[0]?.url ?? null,
          endpoints: endpointValues(common.endpoints),
        };
        continue;
      }
      if (!kind)
        throw new CaseError(
          `unknown peer kind "${plan.kind}" (known: ${Object.keys(opts.peerKinds).join(', ')})`,
        );
      // Handsets are named within their kind (`alice` -> node ue.alice) and get their MSISDN;
      // other named peers get their node name; single peers keep their own default name.
      const base: JsonObject =
        plan.kind === 'ue'
          ? { name: plan.name, msisdn: msisdns.get(plan.name) ?? null }
          : plan.node !== plan.kind
            ? { name: plan.node }
            : {};
      // The target decides what it is (its ports for our peers, its provisioned identities):
      // those win over the suite's config, which may only shape our peers' behaviour.
      const config: JsonObject = {
        ...base,
        ...peerWiring(opts.peerKinds, plan.kind, plan.name, { target: session.endpoints, peers: started }),
        ...icsPeerDefaults(opts.target.ics, plan.kind, msisdns, opts.peerKinds),
        ...(renderTemplate(plan.suiteConfig, scope) as JsonObject),
        ...session.peerConfig(plan.kind, plan.name),
        ...icsPeerConfig(opts.target.ics, plan.kind, opts.peerKinds),
      };
      let endpoints: PeerEndpoint[];
      const peer = kind.create(config, {
        timeline,
        air,
        seed,
        ...(session.clock ? { clock: session.clock } : {}),
      });
      try {
        endpoints = await withDeadline(
          peer.start({ timeline, host: '127.0.0.1' }),
          10_000,
          `starting ${plan.node}`,
        );
      } catch (e) {
        await peer.stop().catch(() => undefined);
        throw new Error(`peer ${plan.node} did not start: ${errorMessage(e)}`);
      }
      started.push({ kind: plan.kind, name: plan.name, peer, endpoints, config });
      const v: JsonObject = {
        node: peer.name,
        kind: plan.kind,
        url: endpoints[0]?.url ?? null,
        endpoints: endpointValues(endpoints),
      };
      for (const [k, x] of Object.entries(config))
        if (!(k in v) && (x === null || typeof x !== 'object')) v[k] = x;
      // {{ue.bob.digits}}: the number without '+', as SMPP destination_addr (TON international) carries it
      if (plan.kind === 'ue' && typeof v.msisdn === 'string') v.digits = v.msisdn.replace(/^\+/, '');
      if (plan.node === plan.kind) values[plan.kind] = v;
      else values[plan.kind] = { ...((values[plan.kind] as JsonObject | undefined) ?? {}), [plan.name]: v };
    }
    await session.attach(started);
    if (shared && sharedKinds.has('smsc')) {
      const problem = await shared.smscBound(SHARED_SMSC_BIND_WAIT_MS, abort.signal);
      if (problem) throw new CaseError(problem);
    }
  };

  const findPeer = (node: string) =>
    started.find(
      (p) => p.peer.name === node || `${p.kind}.${p.name}` === node || (p.name === p.kind && p.kind === node),
    );

  const runSteps = async () => {
    let lastAction = 0;
    let lastMatch = 0;
    for (const step of c.steps) {
      const r = steps[step.index];
      timeline.setContext({ case: c.id, step: step.label });
      r.startNs = timeline.now();
      r.status = 'pass';
      const spec = step.spec as Record<string, unknown>;
      const timeoutMs = Math.round(
        durationMs(spec.timeout as string | number | undefined, DEFAULT_ACTION_TIMEOUT_MS) * scale,
      );
      try {
        if (step.kind === 'do') {
          const target = String(spec.do);
          const dot = target.lastIndexOf('.');
          const node = target.slice(0, dot);
          const action = target.slice(dot + 1);
          const p = findPeer(node);
          if (!p)
            throw new CaseError(
              `${target}: no peer "${node}" in this case (peers: ${started.map((s) => s.peer.name).join(', ') || 'none'})`,
            );
          const fn = p.peer.actions[action];
          if (!fn)
            throw new CaseError(
              `${target}: peer ${node} has no action "${action}" (actions: ${Object.keys(p.peer.actions).join(', ')})`,
            );
          const params = renderTemplate(spec.with ?? {}, scope) as JsonObject;
          lastAction = timeline.length;
          timeline.publish({
            kind: 'event',
            name: 'action',
            node: 'harness',
            role: 'harness',
            iface: 'HARNESS',
            direction: 'local',
            peer: node,
            detail: { action: target, params },
          });
          let result: Json;
          try {
            result = await withDeadline(fn(params), timeoutMs, target);
          } catch (e) {
            // our peer could not do what the case asked (a peer or harness fault): error, and
            // nothing is said about the target
            if (e instanceof DeadlineError) throw e;
            throw new Error(`${target} failed: ${errorMessage(e)}`);
          }
          r.result = result ?? null;
          if (typeof spec.save === 'string') (values.saved as JsonObject)[spec.save] = result ?? null;
        } else if (step.kind === 'behaviour') {
          const { peer: node, ...behaviour } = renderTemplate(spec.behaviour, scope) as JsonObject;
          const p = findPeer(String(node));
          if (!p) throw new CaseError(`behaviour: no peer "${String(node)}" in this case`);
          try {
            p.peer.use(behaviour as BehaviourSpec);
          } catch (e) {
            throw new CaseError(`behaviour ${String(behaviour.kind)} on ${String(node)}: ${errorMessage(e)}`);
          }
          timeline.publish({
            kind: 'event',
            name: 'behaviour',
            node: 'harness',
            role: 'harness',
            iface: 'HARNESS',
            direction: 'local',
            peer: String(node),
            detail: behaviour,
          });
        } else if (step.kind === 'wait') {
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(
              resolve,
              Math.round(durationMs(renderTemplate(spec.wait, scope) as string | number, 0) * scale),
            );
            abort.signal.addEventListener(
              'abort',
              () => {
                clearTimeout(t);
                reject(abort.signal.reason);
              },
              { once: true },
            );
          });
        } else {
          const rendered = renderTemplate(spec[step.kind], scope) as unknown as Expectation | AnyOf;
          // An expect-none window is not scaled: it often bounds a time the target keeps by its own
          // clock (nothing before the Delivery-Time); a slow host only makes a forbidden event
          // later, so the unscaled window can miss one, never invent one.
          const scaled = (x: Expectation): Expectation =>
            scale === 1 || step.kind === 'expect-none'
              ? x
              : { ...x, within: Math.round(durationMs(x.within, DEFAULT_EXPECT_WITHIN_MS) * scale) };
          const sinceOf = (x: Expectation) =>
            x.from === 'last-action' ? lastAction : x.from === 'last-match' ? lastMatch : 0;
          let e: Expectation;
          let outcome: Awaited<ReturnType<typeof awaitExpectation>>;
          if ('anyOf' in rendered) {
            // the alternatives this target's ICS admits (an alternative's own `ics:` terms)
            const alts = rendered.anyOf
              .filter(
                (a: ExpectationAlternative) =>
                  applicability(opts.target.ics, a.ics ?? []).reasons.length === 0,
              )
              .map(({ ics: _ics, ...a }: ExpectationAlternative) => scaled(a));
            if (alts.length === 0)
              throw new CaseError('anyOf: no alternative applies to this target (their ics: terms)');
            r.deadlineNs =
              r.startNs + Math.max(...alts.map((a) => durationMs(a.within, DEFAULT_EXPECT_WITHIN_MS))) * 1e6;
            const any = await awaitAnyOf(
              timeline,
              alts.map((a) => ({ e: a, since: sinceOf(a) })),
              { signal: abort.signal },
            );
            e = alts[any.alternative ?? 0];
            outcome = any;
          } else {
            e = scaled(rendered);
            const since = sinceOf(e);
            r.deadlineNs = r.startNs + durationMs(e.within, DEFAULT_EXPECT_WITHIN_MS) * 1e6;
            outcome =
              step.kind === 'expect'
                ? await awaitExpectation(timeline, e, { since, signal: abort.signal })
                : await awaitNone(timeline, e, { since, signal: abort.signal });
          }
          if (!outcome.ok) {
            const pre = isPrecondition(spec, e);
            r.status = pre ? 'inconclusive' : 'fail';
            r.message = pre ? `precondition: ${outcome.message}` : outcome.message;
            r.expected = outcome.expected;
            r.observed = outcome.observed;
            setFailure(pre ? 'inconclusive' : 'fail', step, {
              message: r.message,
              expected: outcome.expected,
              observed: outcome.observed,
            });
            return;
          }
          if (outcome.matched.length > 0) {
            const last = outcome.matched[outcome.matched.length - 1];
            lastMatch = last.seq + 1;
            const f =
              last.kind === 'message' ? last.fields : last.kind === 'event' ? (last.detail ?? null) : null;
            r.result = f;
            if (e.save) (values.saved as JsonObject)[e.save] = f;
          }
        }
      } catch (e) {
        r.status = 'error';
        r.message = e instanceof TemplateError ? `template: ${e.message}` : errorMessage(e);
        setFailure('error', step, { message: r.message });
        return;
      } finally {
        r.endNs = timeline.now();
      }
    }
  };

  // Applicability before anything starts: the ICS items the case needs (ISO/IEC 9646-7).
  const naReasons =
    c.scope === 'reference' && opts.target.kind !== 'embedded'
      ? ['a reference self-test of the reference MMSC: it runs only against the embedded target']
      : applicability(opts.target.ics, c.ics).reasons;
  if (naReasons.length > 0) verdict = 'not-applicable';
  // The target's own gate (reset hook, health; targets/target-ops.ts), outside the case deadline:
  // a target that is down makes this case `error`; a TargetError (reset failed, down for good)
  // ends the run.
  const gate =
    naReasons.length === 0 ? await opts.target.beforeCase?.({ id: c.id, suite: c.suite }) : undefined;
  if (gate) {
    timeline.setContext({ case: c.id, step: 'before-case' });
    for (const e of gate.events) harnessEvent(e.name, e.detail);
    if (gate.error) setFailure('error', undefined, { message: gate.error });
  }
  let caseTimer: NodeJS.Timeout | undefined;
  let sharedStreams: string[] = [];
  try {
    const body = (async () => {
      if (naReasons.length > 0 || gate?.error) return;
      try {
        await setup();
      } catch (e) {
        setFailure('error', undefined, { message: errorMessage(e) });
        return;
      }
      await runSteps();
    })();
    const deadline = new Promise<void>((resolve) => {
      caseTimer = setTimeout(() => {
        const running = steps.find((s) => s.status === 'pass' && s.endNs === 0);
        const step = running ? c.steps[running.index] : undefined;
        if (running) {
          running.status = 'error';
          running.message = `case deadline ${caseTimeoutMs} ms exceeded`;
          running.endNs = timeline.now();
        }
        setFailure('error', step, { message: `case deadline ${caseTimeoutMs} ms exceeded` });
        abort.abort(new DeadlineError('case deadline'));
        resolve();
      }, caseTimeoutMs);
    });
    await Promise.race([
      body.catch((e) => setFailure('error', undefined, { message: errorMessage(e) })),
      deadline,
    ]);
  } finally {
    clearTimeout(caseTimer);
    timeline.setContext({ case: c.id, step: 'teardown' });
    await teardown();
    // sockets destroyed in the teardown report their close on the next turn
    await new Promise<void>((resolve) => setImmediate(resolve));
    stopWatching();
    identities.end(c.id);
    if (shared) {
      const remove = shared.peer('hlr')?.peer.actions['remove-subscriber'];
      for (const msisdn of hlrAdded) await remove?.({ msisdn }).catch(() => undefined);
      sharedStreams = shared.router.sharedNodesOf(c.id);
      shared.router.unregister(c.id);
      for (const n of claimed) shared.release(n);
    }
  }

  // what our peers saw the target break on the wire besides the steps' checks (findings.ts)
  const findings = encodingFindings(timeline.all());
  const judged = judgeFindings(c, verdict as CaseResult['verdict'], failure, findings);
  failure = judged.failure;
  const known = opts.knownFailures?.lookup(c.id);
  const finalVerdict = judged.verdict;
  const failOn = opts.failOn ?? 'SHALL';
  const unexpected =
    finalVerdict === 'pass' || finalVerdict === 'not-applicable'
      ? false
      : known
        ? false
        : finalVerdict === 'error' ||
          finalVerdict === 'inconclusive' ||
          LEVEL_RANK[judged.level] >= LEVEL_RANK[failOn];
  return {
    id: c.id,
    title: c.title,
    ...(c.description !== undefined ? { description: c.description } : {}),
    ...(c.expectation !== undefined ? { expectation: c.expectation } : {}),
    suite: c.suite,
    source: c.source,
    level: judged.level,
    requirements: c.requirements,
    interfaces: c.interfaces,
    tags: c.tags,
    ...(c.family ? { family: { id: c.family.id, row: c.family.row } } : {}),
    verdict: finalVerdict,
    ...(naReasons.length > 0 ? { notApplicable: { reasons: naReasons } } : {}),
    ...(known && finalVerdict !== 'pass' ? { known: { reason: known.reason } } : {}),
    ...(known && finalVerdict === 'pass' ? { fixed: true } : {}),
    unexpected,
    ...(failure ? { failure } : {}),
    ...(sharedStreams.length > 0 ? { sharedStreams } : {}),
    ...(findings.length > 0 ? { findings } : {}),
    steps,
    seed,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    peers: started.map((p) => ({
      name: p.peer.name,
      kind: p.kind,
      endpoints: p.endpoints.map((e) => ({ protocol: e.protocol, url: e.url })),
    })),
    // a snapshot: whatever a stopped peer still publishes later is not part of this case's result
    timeline: { originEpochMs: timeline.originEpochMs, observations: timeline.all().slice() },
  };
}

export { makeRunId };

/**
 * Runs the cases, `jobs` at a time, each isolated. Results keep the load order whatever the
 * completion order, so the same seed gives the same report.
 *
 * A target that names shared peer kinds (external, container) with more than one job: those
 * peers start once for the run (shared-peers.ts) and the cases run at once beside each other, in
 * phases (sharingOf): first every case that uses the shared peers as they are; then, group by
 * group, the cases with the same own config for a shared peer, the shared peers started again
 * with it; last, one by one, the cases that would change a shared peer, with peers of their own
 * on the fixed ports while the shared ones are stopped. `--jobs 1` runs every case as before:
 * alone, with its own peers.
 */
export async function runSuites(opts: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, opts.target.maxJobs));
  const results: CaseResult[] = new Array(opts.cases.length);
  const sharedKinds = opts.target.sharedPeerKinds ?? [];
  const shared =
    jobs > 1 && sharedKinds.length > 0 && opts.cases.length > 1
      ? new SharedPeers(opts.target, opts.peerKinds, opts.seed, sharedKinds)
      : undefined;
  const sharing = shared ? opts.cases.map((c) => sharingOf(c, shared.kinds, opts.target.ics)) : [];
  /** Indices run at once: first on the default peers, then per own config (the overlay). */
  const phases: { cases: number[]; overlay: Record<string, JsonObject> }[] = [{ cases: [], overlay: {} }];
  const alone: number[] = [];
  const byKey = new Map<string, number>();
  sharing.forEach((s, i) => {
    if (s.mode === 'shared') phases[0].cases.push(i);
    else if (s.mode === 'alone') alone.push(i);
    else {
      let p = byKey.get(s.key);
      if (p === undefined) {
        p = phases.length;
        byKey.set(s.key, p);
        phases.push({ cases: [], overlay: s.overlay });
      }
      phases[p].cases.push(i);
    }
  });

  const run = { ...opts, identities: opts.identities ?? new IdentityRegistry() };
  /** A TargetError from a case's gate (reset failed, target down for good): no further case starts. */
  let aborted: string | undefined;

  /** `indices`, `jobs` at a time; `withShared`: on the shared peers, routed. */
  const runAll = async (indices: readonly number[], withShared: boolean, width: number) => {
    let next = 0;
    const worker = async () => {
      for (;;) {
        if (aborted !== undefined) return;
        const n = next++;
        if (n >= indices.length) return;
        const i = indices[n];
        const c = opts.cases[i];
        opts.onCaseStart?.(c);
        try {
          results[i] =
            withShared && shared
              ? await shared.router.run(c.id, () => runCase(c, run, shared))
              : await runCase(c, run);
        } catch (e) {
          if (!(e instanceof TargetError)) throw e;
          aborted ??= e.message;
          return;
        }
        opts.onCaseEnd?.(results[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, indices.length) }, worker));
  };

  await opts.target.open();
  try {
    if (!shared)
      await runAll(
        opts.cases.map((_, i) => i),
        false,
        jobs,
      );
    else {
      let first = true;
      for (const phase of phases) {
        if (phase.cases.length === 0) continue;
        // a fresh start: default behaviours, and this phase's own config
        if (!first) await shared.stop();
        first = false;
        await shared.start(phase.overlay);
        // no verdict here: a case that needs the bind says so if it is still missing
        if (phase.cases.some((i) => 'smsc' in opts.cases[i].peers))
          await shared.smscBound(SHARED_SMSC_FIRST_BIND_WAIT_MS);
        await runAll(phase.cases, true, jobs);
      }
      await shared.stop();
      await runAll(alone, false, 1);
    }
  } finally {
    await shared?.close();
    await opts.target.close();
  }
  const finishedAt = new Date();
  const done = aborted === undefined ? results : results.filter((r) => r !== undefined);
  return {
    runId: opts.runId ?? makeRunId(opts.seed, startedAt),
    seed: opts.seed,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    target: { kind: opts.target.kind, description: opts.target.description },
    jobs,
    failOn: opts.failOn ?? 'SHALL',
    timeScale: opts.timeScale ?? 1,
    cases: done,
    summary: summarise(done),
    ...(aborted !== undefined
      ? { aborted: { reason: aborted, notRun: opts.cases.filter((_, i) => !results[i]).map((c) => c.id) } }
      : {}),
    ...(shared
      ? {
          shared: {
            peers: [...shared.kinds],
            exclusive: sharing.flatMap((x, i) =>
              x.mode === 'shared'
                ? []
                : [
                    {
                      case: opts.cases[i].id,
                      reason:
                        x.mode === 'config'
                          ? `${x.reason}: beside the cases of that same config only`
                          : x.reason,
                    },
                  ],
            ),
            lateArrivals: shared.router.lateArrivals,
            // without the connections a case's action opened: those are in that case's capture
            timeline: {
              originEpochMs: shared.timeline.originEpochMs,
              observations: shared.timeline
                .all()
                .filter(
                  (o) => !((o.kind === 'conn' || o.kind === 'bytes') && shared.router.ownedByCase(o.conn)),
                ),
            },
          },
        }
      : {}),
    topCauses: topCauses(done),
  };
}
