import type { Json } from '../util/json.ts';
import type { Iface, NodeRole } from './nodes.ts';

/**
 * The run's one ordered log. Every peer, the reference MMSC and every harness client
 * publish into it; expectations query it, reports draw it, PCAPNG files are its bytes.
 */

export type Direction = 'in' | 'out' | 'local';

/** Where an observation belongs in a suite run (stamped by the timeline from its context). */
export interface CaseContext {
  case?: string;
  step?: string;
}

interface ObservationBase extends CaseContext {
  /** Position in the timeline, 0-based, assigned on publish. */
  seq: number;
  /** Nanoseconds since the timeline's origin (process.hrtime based, monotonic). */
  t: number;
  /** The node that recorded it, e.g. `smsc`, `mmsc`, `ue.alice`. */
  node: string;
  role: NodeRole;
  iface: Iface;
  direction: Direction;
  /** The node at the other end, when known (`mmsc`, `ue.bob`). */
  peer?: string;
  /** Connection id (see ConnObservation) for byte- and message-level observations on a stream. */
  conn?: string;
  /**
   * Identities the observation concerns that its fields do not show (an SMSC's WAP push content:
   * the destination MSISDN of the submit that carried it). A routing hint for peers shared by
   * concurrent cases (src/harness/shared).
   */
  about?: string[];
}

/** A decoded protocol message: an MMS PDU, an SMPP PDU, an MM4 message, an MM7 SOAP body... */
export interface MessageObservation extends ObservationBase {
  kind: 'message';
  /** Message type as the spec names it: `m-send-req`, `submit_sm`, `MM4_forward.REQ`, `SubmitReq`, `NAPTR`. */
  type: string;
  /** Decoded fields (JSON; bytes as { $base64 }). */
  fields: Json;
  /** The message's encoded bytes, when the recorder has them. */
  raw?: Uint8Array;
}

/** Bytes as they crossed a socket (recorded by the wire tap). */
export interface BytesObservation extends ObservationBase {
  kind: 'bytes';
  conn: string;
  raw: Uint8Array;
}

export interface Endpoint4 {
  /** Logical node at this end. */
  node: string;
  role: NodeRole;
  port: number;
}

/** A transport connection or datagram flow opening / closing (for PCAPNG framing and diagrams). */
export interface ConnObservation extends ObservationBase {
  kind: 'conn';
  conn: string;
  transport: 'tcp' | 'udp';
  event: 'open' | 'end' | 'close' | 'error';
  client: Endpoint4;
  server: Endpoint4;
  error?: string;
}

/** Anything else worth seeing: a behaviour applied, a retry, a deadline expired, a peer error. */
export interface EventObservation extends ObservationBase {
  kind: 'event';
  name: string;
  detail?: Json;
}

export type Observation = MessageObservation | BytesObservation | ConnObservation | EventObservation;

/** What a publisher hands in: the timeline fills seq, t and the case context. */
export type ObservationInput =
  | Omit<MessageObservation, 'seq' | 't'>
  | Omit<BytesObservation, 'seq' | 't'>
  | Omit<ConnObservation, 'seq' | 't'>
  | Omit<EventObservation, 'seq' | 't'>;

export type Listener = (o: Observation) => void;

export class DeadlineExpired extends Error {
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
  ) {
    super(`no observation matched ${description} within ${timeoutMs} ms`);
    this.name = 'DeadlineExpired';
  }
}

let connCounter = 0;
let connPrefix = '';
/** A process-unique connection id. */
export function newConnId(prefix = 'c'): string {
  connCounter += 1;
  return `${connPrefix}${prefix}${connCounter}`;
}

/** Prefixes every connection id of this thread (`w2.`): ids stay unique across worker threads. */
export function setConnIdPrefix(prefix: string): void {
  connPrefix = prefix;
}

export class Timeline {
  /** Wall-clock time (ms since epoch) at t = 0. */
  readonly originEpochMs: number;
  private readonly originHr: bigint;
  private readonly items: Observation[] = [];
  private readonly listeners = new Set<Listener>();
  private context: CaseContext = {};
  /** Observations published so far (their seq), also when they are not kept. */
  private count = 0;
  /** Keeps every observation (queries, reports); false: only the subscribers see them (load runs). */
  private readonly retain: boolean;

  constructor(opts: { retain?: boolean } = {}) {
    this.originEpochMs = Date.now();
    this.originHr = process.hrtime.bigint();
    this.retain = opts.retain ?? true;
  }

  /** Case and step stamped on every observation published from now on (unless the input sets them). */
  setContext(context: CaseContext): void {
    this.context = { ...context };
  }

  getContext(): CaseContext {
    return { ...this.context };
  }

  now(): number {
    return Number(process.hrtime.bigint() - this.originHr);
  }

  publish<T extends ObservationInput>(input: T): Observation {
    // Same object as `{ ...this.context, ...input, seq, t }` (same keys, same key order), built
    // by assignment: V8 (Node 20) takes tens of microseconds per two-object spread here, which
    // was the largest single cost of a run (tens of thousands of publishes).
    const o: Record<string, unknown> = {};
    const context = this.context as Record<string, unknown>;
    for (const k of Object.keys(context)) o[k] = context[k];
    const fields = input as unknown as Record<string, unknown>;
    for (const k of Object.keys(fields)) o[k] = fields[k];
    o.seq = this.count++;
    o.t = this.now();
    const obs = o as unknown as Observation;
    if (this.retain) this.items.push(obs);
    for (const l of this.listeners) {
      try {
        l(obs);
      } catch {
        // A broken subscriber must not break the publisher (a peer mid-protocol).
      }
    }
    return obs;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  all(): readonly Observation[] {
    return this.items;
  }

  get length(): number {
    return this.items.length;
  }

  /** Observations matching a predicate, from seq `since` on. */
  query<T extends Observation = Observation>(match: (o: Observation) => o is T, since?: number): T[];
  query(match: (o: Observation) => boolean, since?: number): Observation[];
  query(match: (o: Observation) => boolean, since = 0): Observation[] {
    const out: Observation[] = [];
    for (let i = since; i < this.items.length; i++) if (match(this.items[i])) out.push(this.items[i]);
    return out;
  }

  messages(
    filter: Partial<Pick<MessageObservation, 'type' | 'iface' | 'node' | 'direction'>> = {},
    since = 0,
  ) {
    return this.query(
      (o): o is MessageObservation =>
        o.kind === 'message' &&
        (filter.type === undefined || o.type === filter.type) &&
        (filter.iface === undefined || o.iface === filter.iface) &&
        (filter.node === undefined || o.node === filter.node) &&
        (filter.direction === undefined || o.direction === filter.direction),
      since,
    );
  }

  /**
   * Resolves with the first observation (from seq `since`, default: already published ones
   * included) that matches; rejects with DeadlineExpired after `timeoutMs`. The expiry is
   * itself published as an event observation.
   */
  waitFor<T extends Observation = Observation>(
    match: (o: Observation) => boolean,
    opts: { timeoutMs: number; since?: number; description?: string; signal?: AbortSignal },
  ): Promise<T> {
    const since = opts.since ?? 0;
    for (let i = since; i < this.items.length; i++) {
      if (match(this.items[i])) return Promise.resolve(this.items[i] as T);
    }
    return new Promise<T>((resolve, reject) => {
      const description = opts.description ?? 'the expectation';
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(opts.signal?.reason ?? new Error('aborted'));
      };
      const unsubscribe = this.subscribe((o) => {
        if (o.seq >= since && match(o)) {
          done();
          resolve(o as T);
        }
      });
      const timer = setTimeout(() => {
        done();
        this.publish({
          kind: 'event',
          name: 'deadline-expired',
          node: 'harness',
          role: 'harness',
          iface: 'HARNESS',
          direction: 'local',
          detail: { description, timeoutMs: opts.timeoutMs },
        });
        reject(new DeadlineExpired(description, opts.timeoutMs));
      }, opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** JSON form: bytes as base64. Used by results.json and `mmscert peers --events`. */
  toJSON(): { originEpochMs: number; observations: Observation[] } {
    return { originEpochMs: this.originEpochMs, observations: this.items };
  }
}
