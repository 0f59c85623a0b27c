import { AirInterface } from '../../mocks/air-interface.ts';
import type { Peer } from '../../mocks/peer.ts';
import { peerStartRank } from '../../mocks/peer-kind.ts';
import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import { Handset } from '../../mocks/ue/handset.ts';
import { WapGateway } from '../../mocks/wap-gateway/wap-gateway.ts';
import { type PeerKinds, peerWiring } from '../harness/peer-kinds.ts';
import type { StartedPeer, Target, TargetSession } from '../harness/target.ts';
import { TargetError } from '../harness/target.ts';
import { icsPeerConfig, icsPeerDefaults } from '../harness/targets/ics-identities.ts';
import type { Json, JsonObject } from '../util/json.ts';
import { type Observation, Timeline } from '../wire/timeline.ts';
import { StepTimeout, WireWatch } from './wire-watch.ts';

/**
 * The flows of a load run: each one the same real exchanges the suites drive (mocks/ue handset
 * exchanges, the VASP, the remote MMSC, the SMSC and WAP gateway peers), against any target the
 * runner takes (src/harness/targets), judged only by what crosses the wire as our peers and
 * handsets see it.
 *
 * - `mm1-mt`: a handset's m-send-req -> m-send-conf Ok (OMA-TS-MMS_ENC-V1_3 §6.1); the
 *   recipient's m-notification-ind by WAP push through our SMSC (§6.2, WAP-251); its GET ->
 *   m-retrieve-conf (§6.3, OMA-TS-MMS_CTR §6.3.1); its m-notifyresp-ind answered 2xx.
 * - `mm1-mo`: a handset's m-send-req to an e-mail address -> m-send-conf Ok; the mail at our MTA
 *   (MM3, 3GPP TS 23.140 §8.3), valid RFC 5322, for that address.
 * - `mm7-submit`: SubmitReq with DeliveryReport -> SubmitRsp 1xxx (3GPP TS 23.140 §8.7.1); the
 *   recipient notified and retrieving; DeliveryReportReq Retrieved at our VASP (§8.7.3).
 * - `mm4-in`: MM4_forward.REQ from our remote MMSC accepted over SMTP -> MM4_forward.RES Ok
 *   (3GPP TS 23.140 §8.4.1); the recipient notified and retrieving.
 * - `mm4-out`: a handset's m-send-req to a foreign subscriber -> m-send-conf Ok; the
 *   MM4_forward.REQ with that X-Mms-Message-ID at our remote MMSC (§8.4.1).
 */
export type FlowKind = 'mm1-mt' | 'mm1-mo' | 'mm7-submit' | 'mm4-in' | 'mm4-out';
export const FLOW_KINDS: readonly FlowKind[] = ['mm1-mt', 'mm1-mo', 'mm7-submit', 'mm4-in', 'mm4-out'];

/** One step of a flow: its name and how long it took after the step before (ms). */
export interface FlowStep {
  name: string;
  ms: number;
}

/**
 * Why a flow failed: `timeout` (what the step waits for did not cross the wire in time),
 * `refused` (the target answered with an error status), `transport` (a connection failed),
 * `busy` (no free handset for the flow), `overflow` (the in-flight cap, counted by the scheduler),
 * `unsupported` (the target's ICS has no such interface).
 */
export type FlowErrorKind = 'timeout' | 'refused' | 'transport' | 'busy' | 'overflow' | 'unsupported';

export interface FlowResult {
  ok: boolean;
  steps: FlowStep[];
  error?: { kind: FlowErrorKind; step?: string; detail: string };
}

export interface LoadRigOptions {
  /** The target (src/harness/targets/create-target.ts: embedded, external, container). */
  target: Target;
  seed?: number;
  /** Handsets flows deliver to (each serves one flow at a time): the most MT flows in flight. */
  recipients?: number;
  /** Handsets that submit (each carries many submits at once). */
  senders?: number;
  /** How long a step waits for what it expects on the wire (ms). */
  stepTimeoutMs?: number;
  /** The flows to prepare (their peers); default: every one the target's ICS supports. */
  kinds?: readonly FlowKind[];
  peerKinds?: PeerKinds;
  /**
   * Handsets reach our WAP gateway over TCP, as in a suite run, instead of handing their requests
   * to it in this process (the default: that leg is between two of our own nodes, no target sees
   * it, and it cost about a third of the rig's CPU per mm1-mt flow). What the target receives is
   * the same either way.
   */
  handsetsOverTcp?: boolean;
}

/** What the peers of the rig carried: observations each published, and what flows wait on. */
export interface PeerLoad {
  node: string;
  observations: number;
}

export interface LoadRig {
  readonly target: Target;
  /** The flows this rig can run against this target. */
  readonly kinds: readonly FlowKind[];
  readonly peers: readonly StartedPeer[];
  readonly stepTimeoutMs: number;
  /** Whether handsets reach the WAP gateway over TCP (LoadRigOptions.handsetsOverTcp). */
  readonly handsetsOverTcp: boolean;
  /** Waits on the wire not yet settled (the flows' queue at our peers). */
  pendingWaits(): number;
  /** The same by peer node (handsets as `ue.*`). */
  pendingByNode(): Map<string, number>;
  /** Free recipient handsets right now. */
  freeRecipients(): number;
  peerLoad(): PeerLoad[];
  close(): Promise<void>;
}

/** A handset of the rig. */
interface RigHandset {
  peer: Peer;
  msisdn: string;
}

class Rig implements LoadRig {
  readonly timeline = new Timeline({ retain: false });
  readonly air = new AirInterface();
  readonly watch = new WireWatch(this.timeline);
  started: StartedPeer[] = [];
  session?: TargetSession;
  senders: RigHandset[] = [];
  free: RigHandset[] = [];
  /** Foreign numbers (mm4-out), one flow at a time each. */
  freeForeign: string[] = [];
  /**
   * Tells this run's transaction ids from an earlier run's against the same target: a target
   * answers a repeated X-Mms-Transaction-ID from the same sender as the retry it is (the same
   * m-send-conf, nothing stored or delivered again), so `s0-1` of a second run would never be pushed.
   */
  readonly runTag = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
  private closed = false;
  private readonly cooling = new Set<NodeJS.Timeout>();
  next = 0;

  constructor(
    readonly target: Target,
    readonly kinds: readonly FlowKind[],
    readonly stepTimeoutMs: number,
    readonly handsetsOverTcp: boolean,
  ) {}

  get peers(): readonly StartedPeer[] {
    return this.started;
  }

  peer(kind: string): StartedPeer | undefined {
    return this.started.find((p) => p.kind === kind);
  }

  pendingWaits(): number {
    return this.watch.pending;
  }

  pendingByNode(): Map<string, number> {
    return this.watch.pendingByNode();
  }

  freeRecipients(): number {
    return this.free.length;
  }

  peerLoad(): PeerLoad[] {
    const byNode = new Map<string, number>();
    for (const [node, n] of this.watch.seen) {
      // handsets as one row: `ue.*`
      const k = node.startsWith('ue.') ? 'ue.*' : node;
      byNode.set(k, (byNode.get(k) ?? 0) + n);
    }
    return [...byNode].map(([node, observations]) => ({ node, observations }));
  }

  /** A recipient back in the pool; after a failed flow only once late pushes can no longer come. */
  give(h: RigHandset, ok: boolean): void {
    if (this.closed) return;
    if (ok) {
      this.free.push(h);
      return;
    }
    const t = setTimeout(() => {
      this.cooling.delete(t);
      if (!this.closed) this.free.push(h);
    }, this.stepTimeoutMs * 2);
    t.unref();
    this.cooling.add(t);
  }

  giveForeign(n: string, ok: boolean): void {
    if (this.closed) return;
    if (ok) {
      this.freeForeign.push(n);
      return;
    }
    const t = setTimeout(() => {
      this.cooling.delete(t);
      if (!this.closed) this.freeForeign.push(n);
    }, this.stepTimeoutMs * 2);
    t.unref();
    this.cooling.add(t);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.cooling) clearTimeout(t);
    this.watch.close();
    for (const p of [...this.started].reverse()) await p.peer.stop().catch(() => undefined);
    this.started = [];
    await this.session?.stop().catch(() => undefined);
    this.session = undefined;
    await this.target.close().catch(() => undefined);
  }
}

/** The flows a target's ICS can carry. */
export function supportedKinds(target: Target): FlowKind[] {
  const ics = target.ics;
  return FLOW_KINDS.filter((k) => {
    if (k === 'mm7-submit') return ics.mm7.supported && ics.mm7.deliveryReports;
    if (k === 'mm4-in') return ics.mm4.supported && ics.mm4.inbound;
    if (k === 'mm4-out') return ics.mm4.supported && ics.mm4.outbound;
    if (k === 'mm1-mo') return ics.mm3.supported && ics.mm3.outbound;
    return true;
  });
}

/** `+1555000` + 4 digits: the numbers of a range as the suites' handsets get them. */
function numberIn(prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(4, '0')}`;
}

/**
 * Starts our peers and handsets beside the target, once for the whole load run: the same peer
 * kinds, wiring and provisioning a case gets (src/harness/case-setup.ts), with one difference:
 * the timeline keeps nothing (a load run publishes millions of observations), flows wait on it
 * through a WireWatch.
 */
export async function startLoadRig(opts: LoadRigOptions): Promise<LoadRig> {
  const kinds = opts.peerKinds ?? PEER_KINDS;
  const target = opts.target;
  const supported = supportedKinds(target);
  const wanted = (opts.kinds ?? supported).filter((k) => supported.includes(k));
  const recipients = Math.max(1, Math.min(opts.recipients ?? 256, 9000));
  const senders = Math.max(1, Math.min(opts.senders ?? 8, 500));
  const rig = new Rig(target, wanted, opts.stepTimeoutMs ?? 10_000, opts.handsetsOverTcp === true);
  const seed = opts.seed ?? 1;
  const ics = target.ics;
  const p = ics.provisioning;
  try {
    await target.open();
    const msisdns = new Map<string, string>();
    for (let i = 0; i < senders; i++) msisdns.set(`s${i}`, numberIn(p.subscribers, i + 1));
    for (let i = 0; i < recipients; i++) msisdns.set(`r${i}`, numberIn(p.subscribers, senders + i + 1));
    const peerKinds = new Set<string>([
      ics.notification.via === 'pap' ? 'ppg' : 'smsc',
      'hlr',
      'wap-gateway',
    ]);
    if (wanted.includes('mm7-submit')) peerKinds.add('vasp');
    if (wanted.includes('mm1-mo')) peerKinds.add('mail');
    if (wanted.includes('mm4-in') || wanted.includes('mm4-out')) peerKinds.add('remote-mmsc');
    const order = [...peerKinds].sort((a, b) => peerStartRank(kinds, a) - peerStartRank(kinds, b));
    const names = new Map<string, string[]>(order.map((k) => [k, [k]]));
    names.set('ue', [...msisdns.keys()]);
    rig.timeline.setContext({ case: '(load)', step: 'run' });
    const session = await target.startCase({
      caseId: '(load)',
      timeline: rig.timeline,
      seed,
      peers: names,
      msisdns,
    });
    rig.session = session;
    const start = async (kind: string, name: string, base: JsonObject): Promise<StartedPeer> => {
      const config: JsonObject = {
        ...base,
        ...peerWiring(kinds, kind, name, { target: session.endpoints, peers: rig.started }),
        ...icsPeerDefaults(ics, kind, msisdns, kinds),
        ...session.peerConfig(kind, name),
        ...icsPeerConfig(ics, kind, kinds),
      };
      const peer = kinds[kind].create(config, {
        timeline: rig.timeline,
        air: rig.air,
        seed,
        ...(session.clock ? { clock: session.clock } : {}),
      });
      try {
        const endpoints = await peer.start({ timeline: rig.timeline, host: '127.0.0.1' });
        const s: StartedPeer = { kind, name, peer, endpoints, config };
        rig.started.push(s);
        return s;
      } catch (e) {
        await peer.stop().catch(() => undefined);
        throw new TargetError(`peer ${kind} did not start: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    for (const kind of order) await start(kind, kind, {});
    for (const [name, msisdn] of msisdns) {
      const s = await start('ue', name, { name, msisdn });
      (name.startsWith('s') ? rig.senders : rig.free).push({ peer: s.peer, msisdn });
    }
    const gateway = rig.started.find((p) => p.peer instanceof WapGateway)?.peer;
    if (gateway instanceof WapGateway && !rig.handsetsOverTcp)
      for (const s of rig.started)
        if (s.peer instanceof Handset) s.peer.useGatewayRelay((r) => gateway.relay(r));
    await session.attach(rig.started);
    // a target whose SMSC went away (a run before this one) comes back at its reconnect back-off:
    // the reference MMSC's doubles up to 30 s
    await smscBound(rig, ics.notification.smpp?.systemId, SMSC_BIND_WAIT_MS);
    if (wanted.includes('mm4-out')) {
      // foreign subscribers for mm4-out, known to our HLR / ENUM as the foreign network's (MM5)
      const hlr = rig.peer('hlr')?.peer.actions['add-subscribers'];
      const count = Math.min(recipients, 9000);
      await hlr?.({ prefix: p.foreign.subscribers, count, first: 1, mcc: p.foreign.mcc, mnc: p.foreign.mnc });
      for (let i = 1; i <= count; i++) rig.freeForeign.push(numberIn(p.foreign.subscribers, i));
    }
    return rig;
  } catch (e) {
    await rig.close();
    throw e;
  }
}

const SMSC_BIND_WAIT_MS = 35_000;

/** Waits (bounded) until the target holds a bind to our SMSC that can carry its notifications. */
async function smscBound(rig: Rig, systemId: string | undefined, timeoutMs: number): Promise<void> {
  const status = rig.peer('smsc')?.peer.actions.status;
  if (!status) return;
  const until = performance.now() + timeoutMs;
  for (;;) {
    const s = (await status({})) as JsonObject;
    const bound = Array.isArray(s.bound) ? (s.bound as JsonObject[]) : [];
    // SMPP 3.4 §2.2: a transmitter or transceiver bind carries submit_sm
    if (
      bound.some(
        (b) =>
          (b.state === 'bound_tx' || b.state === 'bound_trx') &&
          (systemId === undefined || b.systemId === systemId),
      )
    )
      return;
    if (performance.now() >= until)
      throw new TargetError(
        `the target holds no SMPP transmitter bind to our SMSC after ${timeoutMs} ms (is its SMSC route pointed at our SMSC's port?)`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

class FlowFailure extends Error {
  constructor(
    readonly kind: FlowErrorKind,
    readonly step: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** Times the steps of one flow. */
class Steps {
  readonly list: FlowStep[] = [];
  private last = performance.now();
  current = 'start';

  /** Waits for `p` as step `name`; a timeout or error is that step's failure. */
  async step<T>(name: string, p: Promise<T>): Promise<T> {
    this.current = name;
    let v: T;
    try {
      v = await p;
    } catch (e) {
      if (e instanceof FlowFailure) throw e;
      if (e instanceof StepTimeout) throw new FlowFailure('timeout', name, e.message);
      throw new FlowFailure('transport', name, e instanceof Error ? e.message : String(e));
    }
    const now = performance.now();
    this.list.push({ name, ms: now - this.last });
    this.last = now;
    return v;
  }
}

function field(o: Observation, path: readonly string[]): Json | undefined {
  if (o.kind !== 'message') return undefined;
  let v: Json | undefined = o.fields;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = v[k];
  }
  return v;
}

/** Every string in a field (a header seen once or repeated, an address list). */
function strings(v: Json | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => strings(x));
  if (v && typeof v === 'object') return Object.values(v).flatMap((x) => strings(x));
  return [];
}

const isIn = (o: Observation) => o.direction === 'in';

/**
 * The recipient side of MM1 (OMA-TS-MMS_CTR §6.3.1, immediate retrieval): the handset's
 * m-notification-ind (WAP push through our SMSC), its m-retrieve-conf, and the target's HTTP
 * answer to its m-notifyresp-ind (the response bytes on the handset's MM1 connection).
 */
function recipientWaits(rig: Rig, node: string, withAck: boolean) {
  const t = rig.stepTimeoutMs;
  const push = rig.watch.wait(node, 'm-notification-ind', isIn, t);
  const retrieved = rig.watch.wait(node, 'm-retrieve-conf', isIn, t);
  const notifyresp = withAck
    ? rig.watch.wait(node, 'm-notifyresp-ind', (o) => o.direction === 'out', t)
    : undefined;
  // the HTTP answer to the m-notifyresp-ind: the first bytes in on the handset's connection after
  // it went out, or the answer the gateway relayed to it in this process (the handset has no other
  // MM1 exchange open: each recipient serves one flow)
  const acked = notifyresp?.promise.then(
    () =>
      (rig.handsetsOverTcp
        ? rig.watch.wait(node, 'bytes', (o) => o.kind === 'bytes' && o.direction === 'in', t)
        : rig.watch.wait(node, 'event:mm1-answer', () => true, t)
      ).promise,
  );
  // awaited only when the flow gets that far
  acked?.catch(() => undefined);
  return {
    push,
    retrieved,
    acked,
    cancel() {
      push.cancel();
      retrieved.cancel();
      notifyresp?.cancel();
    },
  };
}

/** HTTP status of a response's first bytes, or of the answer the gateway relayed (`mm1-answer`). */
function httpStatus(o: Observation): number | undefined {
  if (o.kind === 'event') {
    const d = o.detail;
    const status = d && typeof d === 'object' && !Array.isArray(d) ? d.status : undefined;
    return typeof status === 'number' ? status : undefined;
  }
  if (o.kind !== 'bytes') return undefined;
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.from(o.raw.subarray(0, 16)).toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

function retrieveStatusOk(o: Observation, subject: string): void {
  const status = strings(field(o, ['X-Mms-Retrieve-Status']))[0];
  // OMA-TS-MMS_ENC-V1_3 §7.3.55: an Error-* status is a failed retrieval
  if (status?.startsWith('Error'))
    throw new FlowFailure('refused', 'retrieve', `X-Mms-Retrieve-Status ${status}`);
  const got = strings(field(o, ['Subject']))[0];
  if (got !== undefined && got !== subject)
    throw new FlowFailure('refused', 'retrieve', `m-retrieve-conf of another message (Subject ${got})`);
}

async function recipientSteps(
  s: Steps,
  w: ReturnType<typeof recipientWaits>,
  subject: string,
): Promise<void> {
  await s.step('push', w.push.promise);
  retrieveStatusOk(await s.step('retrieve', w.retrieved.promise), subject);
  if (w.acked) {
    const answer = await s.step('notifyresp', w.acked);
    const code = httpStatus(answer);
    if (code === undefined || code < 200 || code > 299)
      throw new FlowFailure('refused', 'notifyresp', `m-notifyresp-ind answered HTTP ${code ?? '?'}`);
  }
}

function text(v: Json): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Runs one flow of `kind` (`seq` names its transaction ids and subject). Never throws. */
/** The sender's m-send-req of flow `seq` (a run-unique Transaction-ID), refused unless m-send-conf says Ok. */
async function submitSend(
  s: Steps,
  r: Rig,
  sender: RigHandset,
  seq: number,
  to: string,
  subject: string,
): Promise<JsonObject> {
  const conf = (await s.step(
    'submit',
    sender.peer.actions.send({
      transactionId: `load-${r.runTag}-${seq}`,
      to,
      subject,
      parts: [{ contentType: 'text/plain', text: `flow ${seq}` }],
    }),
  )) as JsonObject;
  if (conf.responseStatus !== 'Ok')
    throw new FlowFailure(
      'refused',
      'submit',
      `m-send-conf ${text(conf.responseStatus) ?? `HTTP ${conf.status}`}`,
    );
  return conf;
}

export async function runFlow(rig: LoadRig, kind: FlowKind, seq: number): Promise<FlowResult> {
  const r = rig as Rig;
  const s = new Steps();
  if (!r.kinds.includes(kind))
    return {
      ok: false,
      steps: [],
      error: { kind: 'unsupported', detail: `${kind}: not supported by this target` },
    };
  const needsRecipient = kind !== 'mm4-out' && kind !== 'mm1-mo';
  // the handset freed last: its connections are warm, and a run at a low rate keeps to a few handsets
  const recipient = needsRecipient ? r.free.pop() : undefined;
  const foreign = kind === 'mm4-out' ? r.freeForeign.shift() : undefined;
  if ((needsRecipient && !recipient) || (kind === 'mm4-out' && !foreign))
    return { ok: false, steps: [], error: { kind: 'busy', detail: 'every recipient handset is in a flow' } };
  const sender = r.senders[r.next++ % r.senders.length];
  const subject = `load ${kind} ${seq}`;
  let ok = false;
  let waits: ReturnType<typeof recipientWaits> | undefined;
  try {
    const ics = r.target.ics;
    const p = ics.provisioning;
    if (kind === 'mm1-mt' && recipient) {
      waits = recipientWaits(r, recipient.peer.name, true);
      await submitSend(s, r, sender, seq, recipient.msisdn, subject);
      await recipientSteps(s, waits, subject);
    } else if (kind === 'mm7-submit' && recipient) {
      const vasp = r.peer('vasp');
      if (!vasp) throw new FlowFailure('unsupported', 'submit', 'no VASP');
      waits = recipientWaits(r, recipient.peer.name, false);
      // the report for this recipient (each recipient serves one flow at a time)
      const digits = recipient.msisdn.replace(/^\+/, '');
      const report = r.watch.wait(
        'vasp',
        'DeliveryReportReq',
        (o) =>
          isIn(o) &&
          strings(field(o, ['fields', 'Recipient'])).some((x) => x.replace(/^\+/, '').startsWith(digits)),
        r.stepTimeoutMs,
      );
      try {
        const rsp = (await s.step(
          'submit',
          vasp.peer.actions.submit({
            to: recipient.msisdn,
            deliveryReport: true,
            subject,
            text: `flow ${seq}`,
            // the MM7 TransactionID too (3GPP TS 23.140 §8.7.1): the VASP draws it from the seed
            transactionId: `load-${r.runTag}-${seq}`,
          }),
        )) as JsonObject;
        if (rsp.ok !== true)
          throw new FlowFailure(
            'refused',
            'submit',
            `SubmitRsp ${text(rsp.error) ?? rsp.statusCode ?? `HTTP ${rsp.httpStatus}`}`,
          );
        await recipientSteps(s, waits, subject);
        const dr = await s.step('delivery-report', report.promise);
        const mid = strings(field(dr, ['fields', 'MessageID']))[0];
        if (typeof rsp.messageId === 'string' && mid !== rsp.messageId)
          throw new FlowFailure('refused', 'delivery-report', `DeliveryReportReq for MessageID ${mid}`);
        const status = strings(field(dr, ['fields', 'MMStatus']))[0];
        if (status !== 'Retrieved')
          throw new FlowFailure('refused', 'delivery-report', `DeliveryReportReq MMStatus ${status}`);
      } finally {
        report.cancel();
      }
    } else if (kind === 'mm4-in' && recipient) {
      const remote = r.peer('remote-mmsc');
      if (!remote) throw new FlowFailure('unsupported', 'forward', 'no remote MMSC');
      waits = recipientWaits(r, recipient.peer.name, true);
      const tid = `load-${r.runTag}-${seq}`;
      const res = r.watch.wait(
        'remote-mmsc',
        'MM4_forward.RES',
        (o) => isIn(o) && strings(field(o, ['headers', 'X-Mms-Transaction-ID']))[0] === tid,
        r.stepTimeoutMs,
      );
      try {
        const out = (await s.step(
          'forward',
          remote.peer.actions.forward({
            from: `${p.foreign.subscribers}0001/TYPE=PLMN@${p.foreign.domain}`,
            to: `${recipient.msisdn}/TYPE=PLMN@${p.domain}`,
            subject,
            text: `flow ${seq}`,
            transactionId: tid,
          }),
        )) as JsonObject;
        const smtp = out.smtp as JsonObject | undefined;
        if (smtp?.ok !== true)
          throw new FlowFailure(
            'refused',
            'forward',
            `SMTP ${text(smtp?.error ?? null) ?? JSON.stringify(smtp)}`,
          );
        // 3GPP TS 23.140 §8.4.1.2: MM4_forward.RES when X-Mms-Ack-Request asked for it
        const got = await s.step('forward-res', res.promise);
        const code = strings(field(got, ['headers', 'X-Mms-Request-Status-Code']))[0];
        if (code !== 'Ok') throw new FlowFailure('refused', 'forward-res', `MM4_forward.RES ${code}`);
        await recipientSteps(s, waits, subject);
      } finally {
        res.cancel();
      }
    } else if (kind === 'mm1-mo') {
      // one address a flow: the mail that reaches our MTA for it is this flow's
      const address = `load-${seq}@${p.mailDomain}`;
      const mail = r.watch.wait(
        'mail',
        'email',
        (o) => isIn(o) && strings(field(o, ['rcptTo'])).includes(address),
        r.stepTimeoutMs,
      );
      try {
        await submitSend(s, r, sender, seq, address, subject);
        const got = await s.step('mail', mail.promise);
        // our MTA's check of the raw octets (RFC 5322 / MIME)
        if (field(got, ['valid']) !== true)
          throw new FlowFailure('refused', 'mail', 'the mail is not valid RFC 5322 / MIME');
      } finally {
        mail.cancel();
      }
    } else if (kind === 'mm4-out' && foreign) {
      const fwd = r.watch.wait(
        'remote-mmsc',
        'MM4_forward.REQ',
        (o) => isIn(o) && strings(field(o, ['headers', 'To'])).some((x) => x.startsWith(`${foreign}/`)),
        r.stepTimeoutMs,
      );
      try {
        const conf = await submitSend(s, r, sender, seq, foreign, subject);
        const req = await s.step('forward', fwd.promise);
        const mid = strings(field(req, ['headers', 'X-Mms-Message-ID']))[0];
        if (typeof conf.messageId === 'string' && mid !== conf.messageId)
          throw new FlowFailure('refused', 'forward', `MM4_forward.REQ of X-Mms-Message-ID ${mid}`);
      } finally {
        fwd.cancel();
      }
    }
    ok = true;
    return { ok: true, steps: s.list };
  } catch (e) {
    const f =
      e instanceof FlowFailure
        ? e
        : new FlowFailure('transport', s.current, e instanceof Error ? e.message : String(e));
    return { ok: false, steps: s.list, error: { kind: f.kind, step: f.step, detail: f.message } };
  } finally {
    waits?.cancel();
    if (recipient) r.give(recipient, ok);
    if (foreign) r.giveForeign(foreign, ok);
  }
}
