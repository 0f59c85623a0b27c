import type { PeerEndpoint } from '../../mocks/peer.ts';
import type { JsonObject } from '../util/json.ts';
import { CaseError, type CaseRun, errorMessage, type PeerPlan, withDeadline } from './case-run.ts';
import { peerWiring } from './peer-kinds.ts';
import { numberKey } from './shared/identity-keys.ts';
import { type StartedPeer, TargetRetryableError } from './target.ts';
import { icsPeerConfig, icsPeerDefaults } from './targets/ics-identities.ts';
import { renderTemplate } from './template.ts';

/** Most set-ups of one case when the target fails with TargetRetryableError (port taken). */
export const MAX_SETUP_ATTEMPTS = 3;
/** How long a case that needs notifications waits for the target's bind to the shared SMSC. */
export const SHARED_SMSC_BIND_WAIT_MS = 10_000;

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

/** Set-up, again from scratch (fresh target ports, fresh peers) when the target asks for it. */
export async function setUp(run: CaseRun): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await setUpOnce(run);
      return;
    } catch (e) {
      if (!(e instanceof TargetRetryableError) || attempt >= MAX_SETUP_ATTEMPTS) throw e;
      run.harnessEvent('retry', { what: 'setup', attempt, reason: e.message });
      await tearDown(run);
      run.started.length = 0;
    }
  }
}

/** The target session, the case's place on the shared peers, then its own peers, in start order. */
async function setUpOnce(run: CaseRun): Promise<void> {
  const { c, opts, shared, timeline, msisdns, values } = run;
  timeline.setContext({ case: c.id, step: 'setup' });
  const kinds = new Map<string, string[]>();
  for (const p of run.plans) kinds.set(p.kind, [...(kinds.get(p.kind) ?? []), p.name]);
  try {
    run.session = await opts.target.startCase({
      caseId: c.id,
      timeline,
      seed: run.seed,
      peers: kinds,
      msisdns,
    });
  } catch (e) {
    throw new CaseError(`target: ${errorMessage(e)}`);
  }
  const session = run.session;
  values.target = { ...session.endpoints, domain: opts.target.ics.provisioning.domain } as JsonObject;
  if (shared) {
    shared.router.register(c.id, timeline, {
      kinds: run.sharedKinds,
      keys: [...msisdns.values()].map(numberKey),
      alone: c.alone !== undefined,
    });
    const hlr = run.sharedKinds.has('hlr') ? shared.peer('hlr') : undefined;
    const add = hlr?.peer.actions['add-subscriber'];
    if (add) {
      const p = opts.target.ics.provisioning;
      for (const msisdn of msisdns.values()) {
        await add({ msisdn, mcc: p.mcc, mnc: p.mnc });
        run.hlrAdded.push(msisdn);
      }
    }
  }
  for (const plan of run.plans) {
    const common = shared && run.sharedKinds.has(plan.kind) ? shared.peer(plan.kind) : undefined;
    if (common) {
      // the run's peer of that kind (sharingOf: started with this case's own config, if any)
      run.started.push(common);
      values[plan.kind] = {
        ...scalars(common.config),
        node: common.peer.name,
        kind: plan.kind,
        url: common.endpoints[0]?.url ?? null,
        endpoints: endpointValues(common.endpoints),
      };
      continue;
    }
    await startPeer(run, plan);
  }
  await session.attach(run.started);
  if (shared && run.sharedKinds.has('smsc')) {
    const problem = await shared.smscBound(SHARED_SMSC_BIND_WAIT_MS, run.abort.signal);
    if (problem) throw new CaseError(problem);
  }
}

/** One peer of the case's own: its config (the target's wiring over the suite's), started, templated. */
async function startPeer(run: CaseRun, plan: PeerPlan): Promise<void> {
  const { opts, timeline, msisdns, values } = run;
  const session = run.session;
  if (!session) throw new CaseError('no target session');
  const kind = opts.peerKinds[plan.kind];
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
    ...peerWiring(opts.peerKinds, plan.kind, plan.name, { target: session.endpoints, peers: run.started }),
    ...icsPeerDefaults(opts.target.ics, plan.kind, msisdns, opts.peerKinds),
    ...(renderTemplate(plan.suiteConfig, run.scope) as JsonObject),
    ...session.peerConfig(plan.kind, plan.name),
    ...icsPeerConfig(opts.target.ics, plan.kind, opts.peerKinds),
  };
  let endpoints: PeerEndpoint[];
  const peer = kind.create(config, {
    timeline,
    air: run.air,
    seed: run.seed,
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
  const started: StartedPeer = { kind: plan.kind, name: plan.name, peer, endpoints, config };
  run.started.push(started);
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

/** Stops the started peers (last first) and the target session; failures go on the timeline. */
export async function tearDown(run: CaseRun): Promise<void> {
  for (const p of [...run.started].reverse()) {
    if (run.shared && run.sharedKinds.has(p.kind)) continue;
    await withDeadline(p.peer.stop(), 5000, `stopping ${p.peer.name}`).catch((e) =>
      run.harnessEvent('error', { message: errorMessage(e) }),
    );
  }
  const s = run.session;
  run.session = undefined;
  if (s) {
    await withDeadline(s.stop(), 5000, 'stopping the target').catch((e) =>
      run.harnessEvent('error', { message: errorMessage(e) }),
    );
  }
}

/** What the case held on the run's shared peers goes back: its HLR subscribers, routes and numbers. */
export async function releaseShared(run: CaseRun): Promise<void> {
  const { shared, c } = run;
  if (!shared) return;
  const remove = shared.peer('hlr')?.peer.actions['remove-subscriber'];
  for (const msisdn of run.hlrAdded) await remove?.({ msisdn }).catch(() => undefined);
  run.sharedStreams = shared.router.sharedNodesOf(c.id);
  shared.router.unregister(c.id);
  for (const n of run.claimed) shared.release(n);
}
