import type { Peer, PeerEndpoint } from '../../mocks/peer.ts';
import type { Clock } from '../util/case-clock.ts';
import type { JsonObject } from '../util/json.ts';
import type { Timeline } from '../wire/timeline.ts';
import type { Ics } from './ics/ics-schema.ts';

/**
 * A target MMSC: the reference one in-process (`embedded`), one elsewhere on loopback
 * (`external`, from a config file) or a container image (`container`, then like external).
 *
 * Per case the runner:
 *   1. `session = await target.startCase(ctx)`: the target's endpoints (MM1/MM3/MM4/MM7 URLs)
 *      are known from here on, and `session.peerConfig(kind, name)` says how each of our peers
 *      must be set up for this target (fixed ports and credentials for an external target;
 *      where the target's endpoints are, for peers that call it);
 *   2. starts the case's peers with that config merged under the suite's own;
 *   3. `await session.attach(peers)`: an embedded target starts now, pointed at the peers'
 *      real (ephemeral) endpoints; an external one checks it can be reached;
 *   4. runs the steps, then `session.stop()` and the peers' stop().
 */
export interface TargetEndpoints {
  /** MM1 URL (HTTP POST of m-send-req), e.g. http://127.0.0.1:8002/mms */
  mm1?: string;
  /** MM3 inbound SMTP, smtp://127.0.0.1:2526 */
  mm3?: string;
  /** MM4 inbound SMTP, smtp://127.0.0.1:2525 */
  mm4?: string;
  /** MM7 URL (SOAP over HTTP POST), http://127.0.0.1:8007/mm7 */
  mm7?: string;
  /** EAIF URL (Nokia External Application Interface, MMS PDUs over HTTP POST), http://127.0.0.1:8007/eaif */
  eaif?: string;
  /** The target's own MMS domain (MM4 addressing, ENUM answers). */
  domain?: string;
}

export interface StartedPeer {
  kind: string;
  /** Name within its kind (`alice` for ue.alice; the kind itself for single peers). */
  name: string;
  peer: Peer;
  endpoints: PeerEndpoint[];
  config: JsonObject;
}

export interface TargetCaseContext {
  caseId: string;
  timeline: Timeline;
  seed: number;
  /** The peer kinds and names the case needs (kind -> names). */
  peers: ReadonlyMap<string, readonly string[]>;
  /** MSISDNs of the case's handsets (ue name -> +E164). */
  msisdns: ReadonlyMap<string, string>;
}

export interface TargetSession {
  readonly endpoints: TargetEndpoints;
  /** Config our peer `kind`/`name` needs for this target (merged under the suite's config). */
  peerConfig(kind: string, name: string): JsonObject;
  /** The peers are up: wire the target to them (embedded: start it). */
  attach(peers: readonly StartedPeer[]): Promise<void>;
  stop(): Promise<void>;
  /**
   * The clock the case runs on, given to its peers: the embedded target's seeded case clock (a
   * seeded run writes the same times every run); none (the system clock) for a target with its own.
   */
  readonly clock?: Clock;
}

export interface Target {
  readonly kind: 'embedded' | 'external' | 'container' | 'none';
  /** One line for reports: `embedded reference MMSC`, `external Acme MMSC (config f.yaml)`. */
  readonly description: string;
  /**
   * What the target implements and how it is provisioned: decides which cases apply and every
   * identity the cases use (embedded: derived from the reference MMSC's config; external and
   * container: the ICS file the config names).
   */
  readonly ics: Ics;
  /** Most cases at once. */
  readonly maxJobs: number;
  /**
   * Peer kinds the target itself calls on fixed ports (external, container: smsc, hlr ...): with
   * more than one job they run once for the run, shared by the cases (src/harness/shared).
   */
  readonly sharedPeerKinds?: readonly string[];
  /** Once per run, before any case (check reachability, start a container). */
  open(): Promise<void>;
  startCase(ctx: TargetCaseContext): Promise<TargetSession>;
  /**
   * Before each case, outside its deadline (external and container targets: the reset hook,
   * then the health check, see targets/target-ops.ts). `error`: the case is not run, its verdict
   * is `error` with this reason. Throws TargetError to stop the run (exit 2).
   */
  beforeCase?(c: { id: string; suite: string }): Promise<CaseGate>;
  /** Once per run, after every case. */
  close(): Promise<void>;
}

/** What the target says before a case: why it cannot run (`error`), and events for its timeline. */
export interface CaseGate {
  error?: string;
  events: { name: string; detail: JsonObject }[];
}

/** The target cannot be used at all (unreachable, bad config, no container engine): a harness error. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/**
 * The target could not start for a passing reason (a reserved port taken by another process
 * between reservation and bind): the runner starts the case's peers and target afresh, at most
 * a few times, before calling it an `error`.
 */
export class TargetRetryableError extends TargetError {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRetryableError';
  }
}
