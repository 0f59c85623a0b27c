import { AirInterface, normaliseMsisdn } from '../../../mocks/air-interface.ts';
import type { PeerEndpoint } from '../../../mocks/peer.ts';
import { peerStartRank } from '../../../mocks/peer-kind.ts';
import type { JsonObject } from '../../util/json.ts';
import { Timeline } from '../../wire/timeline.ts';
import { type PeerKinds, peerWiring } from '../peer-kinds.ts';
import { freshSeed, runSalt } from '../seeded.ts';
import { type StartedPeer, type Target, TargetError, type TargetSession } from '../target.ts';
import { icsPeerConfig } from '../targets/ics-identities.ts';
import { ObservationRouter } from './observation-router.ts';

/**
 * The peers an external or container target calls (its SMSC, HLR, remote MMSC, MTA and VASP),
 * started once for the run on the fixed ports the target was pointed at, shared by every case
 * running at once: the target binds to our SMSC once, not once a case. They publish into the
 * run's shared timeline; the router hands each observation to its case (observation-router.ts).
 * Handsets stay per case, reached by the shared SMSC through the run-wide air interface (keyed
 * by MSISDN; numbers are drawn distinct across the cases running at once).
 */
export class SharedPeers {
  readonly timeline = new Timeline();
  readonly air = new AirInterface();
  readonly router: ObservationRouter;
  readonly kinds: ReadonlySet<string>;
  private started: StartedPeer[] = [];
  private session?: TargetSession;
  /** MSISDNs (normalised) of the handsets of the cases running now. */
  private readonly claimed = new Set<string>();

  constructor(
    private readonly target: Target,
    private readonly peerKinds: PeerKinds,
    private readonly seed: number,
    kinds: readonly string[],
  ) {
    this.kinds = new Set(kinds.filter((k) => k in peerKinds));
    this.router = new ObservationRouter(this.timeline, (node) => (this.kinds.has(node) ? node : undefined));
  }

  /** The shared peers, as a case's started peers (their templates: `{{smsc.url}}` ...). */
  get peers(): readonly StartedPeer[] {
    return this.started;
  }

  peer(kind: string): StartedPeer | undefined {
    return this.started.find((p) => p.kind === kind);
  }

  /**
   * Starts every shared peer on its configured port (again after `stop`, with default
   * behaviours), with `overlay` (kind -> config) in place of the suites' defaults.
   */
  async start(overlay: Readonly<Record<string, JsonObject>> = {}): Promise<void> {
    if (this.session) return;
    // in the order the runner starts a case's peers
    const kinds = [...this.kinds].sort(
      (a, b) => peerStartRank(this.peerKinds, a) - peerStartRank(this.peerKinds, b),
    );
    this.timeline.setContext({ case: '(shared peers)', step: 'run' });
    const session = await this.target.startCase({
      caseId: '(shared peers)',
      timeline: this.timeline,
      seed: this.seed,
      peers: new Map(kinds.map((k) => [k, [k]])),
      msisdns: new Map(),
    });
    this.session = session;
    try {
      for (const kind of kinds) {
        const config: JsonObject = {
          ...peerWiring(this.peerKinds, kind, kind, { target: session.endpoints, peers: this.started }),
          // one peer for every case (the HLR: the cases' handsets are added as they start)
          ...(this.peerKinds[kind].sharedDefaults ?? {}),
          ...(overlay[kind] ?? {}),
          ...session.peerConfig(kind, kind),
          ...icsPeerConfig(this.target.ics, kind, this.peerKinds),
        };
        const peer = this.peerKinds[kind].create(config, {
          timeline: this.timeline,
          air: this.air,
          // shared peers serve a target that keeps state between runs: ids salted per run (seeded.ts)
          seed: freshSeed(this.seed, runSalt()),
        });
        let endpoints: PeerEndpoint[];
        try {
          endpoints = await peer.start({ timeline: this.timeline, host: '127.0.0.1' });
        } catch (e) {
          await peer.stop().catch(() => undefined);
          // the run cannot go on without it (a fixed port taken): a harness error, exit 2
          throw new TargetError(
            `shared peer ${kind} did not start: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
        this.started.push({ kind, name: kind, peer, endpoints, config });
      }
      await session.attach(this.started);
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Stops them (last first); an exclusive case then starts its own on the same ports. */
  async stop(): Promise<void> {
    for (const p of [...this.started].reverse()) await p.peer.stop().catch(() => undefined);
    this.started = [];
    const s = this.session;
    this.session = undefined;
    await s?.stop().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stop();
    this.router.close();
  }

  /** Whether a number is free for a case's handset (then claims it). */
  claim(msisdn: string): boolean {
    const k = normaliseMsisdn(msisdn);
    if (this.claimed.has(k)) return false;
    this.claimed.add(k);
    return true;
  }

  release(msisdn: string): void {
    this.claimed.delete(normaliseMsisdn(msisdn));
  }

  /**
   * Waits (bounded) until the target holds a bind to the shared SMSC that can carry its
   * notifications (SMPP 3.4 §2.2: transmitter or transceiver); the reason when it does not.
   */
  async smscBound(timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const smsc = this.peer('smsc');
    if (!smsc) return undefined;
    const status = smsc.peer.actions.status;
    if (!status) return undefined;
    const until = performance.now() + timeoutMs;
    for (;;) {
      const s = (await status({})) as JsonObject;
      const bound = Array.isArray(s.bound) ? (s.bound as JsonObject[]) : [];
      // the target's own account (its ICS), not a bind of one of our peers (a case's PPG)
      const systemId = this.target.ics.notification.smpp?.systemId;
      if (
        bound.some(
          (b) =>
            (b.state === 'bound_tx' || b.state === 'bound_trx') &&
            (systemId === undefined || b.systemId === systemId),
        )
      )
        return undefined;
      if (performance.now() >= until || signal?.aborted)
        return `the target holds no SMPP transmitter or transceiver bind to our SMSC (${smsc.endpoints[0]?.url ?? 'smsc'}) after ${timeoutMs} ms`;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
