import { AsyncLocalStorage } from 'node:async_hooks';
import type { Json, JsonObject } from '../../util/json.ts';
import type { Observation, ObservationInput, Timeline } from '../../wire/timeline.ts';
import type { LateArrival } from '../run-result.ts';
import { type IdentityKey, idKeys, keysOfJson, keysOfObservation } from './identity-keys.ts';

interface RoutedCase {
  id: string;
  timeline: Timeline;
  kinds: ReadonlySet<string>;
  /** It runs alone in its lane (`alone:`): what carries no identity on its shared peers is its own. */
  alone: boolean;
  strong: Set<IdentityKey>;
  weak: Set<IdentityKey>;
  sharedNodes: Set<string>;
  unsubscribe: () => void;
}

type Owners = Map<IdentityKey, Set<string>>;

function addOwner(owners: Owners, key: IdentityKey, id: string): void {
  const s = owners.get(key);
  if (s) s.add(id);
  else owners.set(key, new Set([id]));
}

function removeOwner(owners: Owners, key: IdentityKey, id: string): void {
  const s = owners.get(key);
  if (!s) return;
  s.delete(id);
  if (s.size === 0) owners.delete(key);
}

/** Session-level PDUs of a shared bind (SMPP 3.4 §4.1, §4.2): no case's own, every sharing case's context. */
const SESSION = /^(bind_(transmitter|receiver|transceiver)|unbind|outbind)(_resp)?$/;

function seqOf(o: Observation): number | undefined {
  if (o.kind !== 'message' || o.fields === null || typeof o.fields !== 'object' || Array.isArray(o.fields))
    return undefined;
  const n = (o.fields as JsonObject).sequence_number;
  return typeof n === 'number' ? n : undefined;
}

/**
 * Routes what peers shared by concurrent cases publish (one SMSC bind from the target for the
 * whole run, one HLR, one remote MMSC ...) to the timeline of the case it belongs to.
 *
 * Every shared peer publishes into the run's shared timeline; for each message or event the
 * router decides which running case(s) it belongs to, in this order:
 *   1. it was published while one of the case's own actions ran (the case's async context:
 *      `vasp.submit`, `remote-mmsc.forward`, `smsc.deliver-mo` ... and every socket they opened);
 *   2. it answers a request routed to a case (an SMPP `*_resp` with that request's
 *      sequence_number on that connection, SMPP 3.4 §3.2);
 *   3. it carries a case's identities (identity-keys.ts): first the strong ones (the case's
 *      handset MSISDNs, drawn distinct per run; message and transaction ids seen in the case's
 *      own traffic), then the weak ones (numbers and addresses the case's actions named);
 *   4. it has no identity but follows one that was routed on the same connection.
 * Binding and unbinding (SMPP bind_*, unbind) go to every case sharing the peer, and the bind of
 * a session already up is shown to each case as it starts. Only cases that declare the peer's
 * kind see anything of it. What carries identities of no running case
 * is a late arrival: recorded run-wide, never matched. What carries none (an enquire_link on
 * the target's bind) goes to a case running alone in its lane (`alone:`, nothing runs beside it),
 * else stays run-wide.
 *
 * Bytes and connection events stay in the shared timeline (run.pcapng), except connections a
 * case's own action opened: those are whole, and go to that case.
 */
export class ObservationRouter {
  private readonly als = new AsyncLocalStorage<string>();
  private readonly cases = new Map<string, RoutedCase>();
  private readonly strongOwners: Owners = new Map();
  private readonly weakOwners: Owners = new Map();
  /** Connections opened while a case's action ran: whole, that case's. */
  private readonly connOwner = new Map<string, string>();
  /** The cases the last routed message of each connection went to. */
  private readonly connLast = new Map<string, string[]>();
  /** `conn|direction|sequence_number` of requests -> the cases they went to. */
  private readonly requests = new Map<string, string[]>();
  private readonly ended = new Set<string>();
  /** The bind exchange of each open session of a shared peer (SMPP 3.4 §4.1): every case's context. */
  private readonly sessions = new Map<string, { kind: string; messages: Observation[] }>();
  /** Strong keys of ended cases (their handsets' numbers, their message ids) -> the case. */
  private readonly endedKeys = new Map<IdentityKey, string>();
  readonly lateArrivals: LateArrival[] = [];
  private unsubscribe?: () => void;

  /**
   * @param kindOf the peer kind of a shared node (`smsc` -> smsc), undefined for other nodes
   */
  constructor(
    readonly shared: Timeline,
    private readonly kindOf: (node: string) => string | undefined,
  ) {
    this.unsubscribe = shared.subscribe((o) => this.route(o));
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Runs `fn` as case `caseId`: what shared peers publish meanwhile (and from what it starts) is that case's. */
  run<T>(caseId: string, fn: () => T): T {
    return this.als.run(caseId, fn);
  }

  /** A case starts: its timeline, the shared kinds it declares, its own identities (handset MSISDNs). */
  register(
    caseId: string,
    timeline: Timeline,
    opts: { kinds: Iterable<string>; keys: Iterable<IdentityKey>; alone?: boolean },
  ): void {
    this.unregister(caseId);
    this.ended.delete(caseId);
    const c: RoutedCase = {
      id: caseId,
      timeline,
      kinds: new Set(opts.kinds),
      alone: opts.alone === true,
      strong: new Set(),
      weak: new Set(),
      sharedNodes: new Set(),
      unsubscribe: () => undefined,
    };
    this.cases.set(caseId, c);
    for (const k of opts.keys) this.learn(c, k, true);
    // the sessions already up (the target bound to our SMSC before this case started)
    for (const session of this.sessions.values())
      if (c.kinds.has(session.kind)) for (const o of session.messages) this.deliver(o, [caseId], false);
    // the case's own traffic teaches it its message and transaction ids; its actions name numbers
    c.unsubscribe = timeline.subscribe((o) => {
      if (o.kind === 'message') for (const k of idKeys(keysOfObservation(o))) this.learn(c, k, true);
      else if (o.kind === 'event' && o.name === 'action' && o.node === 'harness') {
        const params = (o.detail as JsonObject | null)?.params as Json | undefined;
        for (const k of keysOfJson(params)) this.learn(c, k, k.startsWith('id:'));
      }
    });
  }

  /** A case ended: what still carries its identities is a late arrival. */
  unregister(caseId: string): void {
    const c = this.cases.get(caseId);
    if (!c) return;
    c.unsubscribe();
    for (const k of c.strong) {
      removeOwner(this.strongOwners, k, caseId);
      this.endedKeys.set(k, caseId);
    }
    for (const k of c.weak) removeOwner(this.weakOwners, k, caseId);
    this.cases.delete(caseId);
    this.ended.add(caseId);
  }

  /** Whether a connection was opened by a case's action (then its packets are that case's). */
  ownedByCase(conn: string): boolean {
    return this.connOwner.has(conn);
  }

  /** Shared nodes whose connections carried observations routed to the case (their bytes are run-wide). */
  sharedNodesOf(caseId: string): string[] {
    return [...(this.cases.get(caseId)?.sharedNodes ?? [])].sort();
  }

  private learn(c: RoutedCase, key: IdentityKey, strong: boolean): void {
    if (strong) {
      if (c.strong.has(key)) return;
      c.strong.add(key);
      addOwner(this.strongOwners, key, c.id);
    } else {
      if (c.weak.has(key) || c.strong.has(key)) return;
      c.weak.add(key);
      addOwner(this.weakOwners, key, c.id);
    }
  }

  /**
   * The cases owning the keys: those owning a key no other case owns when there are such keys
   * (a handset's MSISDN beside a transaction id every case's handset uses), else every owner.
   */
  private owners(keys: ReadonlySet<IdentityKey>, owners: Owners): string[] | undefined {
    const sole = new Set<string>();
    const all = new Set<string>();
    for (const k of keys) {
      const o = owners.get(k);
      if (!o) continue;
      for (const id of o) all.add(id);
      if (o.size === 1) for (const id of o) sole.add(id);
    }
    if (sole.size > 0) return [...sole];
    return all.size > 0 ? [...all] : undefined;
  }

  private late(o: Observation, keys: Set<IdentityKey>, reason: string, caseId?: string): void {
    if (o.kind !== 'message' && o.kind !== 'event') return;
    this.lateArrivals.push({
      t: o.t,
      node: o.node,
      kind: o.kind,
      what: o.kind === 'message' ? o.type : o.name,
      direction: o.direction,
      keys: [...keys].sort(),
      reason,
      ...(caseId ? { case: caseId } : {}),
    });
  }

  private deliver(o: Observation, ids: readonly string[], wholeConn: boolean): void {
    // the case's timeline numbers and stamps it afresh (its own seq, t, case and step)
    const { seq: _seq, t: _t, case: _case, step: _step, ...input } = o;
    for (const id of ids) {
      const c = this.cases.get(id);
      if (!c) continue;
      if (!wholeConn && o.conn !== undefined) c.sharedNodes.add(o.node);
      c.timeline.publish(input as ObservationInput);
    }
  }

  private route(o: Observation): void {
    const kind = this.kindOf(o.node);
    if (kind === undefined) return;
    const ctx = this.als.getStore();
    if (o.kind === 'conn' && (o.event === 'close' || o.event === 'error')) this.sessions.delete(o.conn);
    if (o.kind === 'message' && SESSION.test(o.type)) {
      // binding and unbinding concern every case that shares the session's peer
      if (o.conn !== undefined) {
        const session = this.sessions.get(o.conn);
        if (!session || /^bind_\w+(?<!_resp)$/.test(o.type))
          this.sessions.set(o.conn, { kind, messages: [o] });
        else session.messages.push(o);
      }
      this.deliver(
        o,
        [...this.cases.values()].filter((c) => c.kinds.has(kind)).map((c) => c.id),
        false,
      );
      return;
    }
    if (o.kind === 'conn' || o.kind === 'bytes') {
      if (o.kind === 'conn' && o.event === 'open' && ctx !== undefined && this.cases.has(ctx))
        this.connOwner.set(o.conn, ctx);
      const owner = this.connOwner.get(o.conn);
      if (owner !== undefined && this.cases.get(owner)?.kinds.has(kind)) this.deliver(o, [owner], true);
      return;
    }
    const keys = keysOfObservation(o);
    let ids: string[] | undefined;
    let how = '';
    const seq = seqOf(o);
    if (ctx !== undefined) {
      ids = [ctx];
      how = 'its action';
    } else if (
      seq !== undefined &&
      o.kind === 'message' &&
      o.type.endsWith('_resp') &&
      o.conn !== undefined
    ) {
      const key = `${o.conn}|${o.direction === 'in' ? 'out' : 'in'}|${seq}`;
      const req = this.requests.get(key);
      if (req) {
        this.requests.delete(key);
        ids = req;
        how = 'the request it answers';
      }
    }
    if (ids === undefined) {
      ids = this.owners(keys, this.strongOwners);
      how = 'its identities';
      if (ids === undefined) {
        // an ended case's own identity outweighs a number or address running cases merely named
        const gone = [...keys].map((k) => this.endedKeys.get(k)).find((id) => id !== undefined);
        if (gone !== undefined) {
          this.late(o, keys, 'it carries the identities of a case that has ended', gone);
          if (o.conn !== undefined) this.connLast.set(o.conn, []);
          return;
        }
        ids = this.owners(keys, this.weakOwners);
      }
    }
    if (ids === undefined && keys.size === 0) {
      // no identity at all: a case alone in its lane is the only one it can concern
      const alone = [...this.cases.values()].filter((c) => c.alone && c.kinds.has(kind)).map((c) => c.id);
      if (alone.length > 0) {
        ids = alone;
        how = 'the lane it runs alone in';
      }
    }
    // no identity, or only message ids nobody knows yet (the SMSC's own message_id for a submit):
    // it follows what went before it on its connection
    const fresh = [...keys].every((k) => k.startsWith('id:'));
    if (ids === undefined && fresh && o.conn !== undefined) {
      const last = this.connLast.get(o.conn);
      if (last) {
        ids = last;
        how = 'the connection';
      }
    }
    if (ids === undefined) {
      if (keys.size > 0) {
        this.late(o, keys, 'its identities belong to no running case');
        // what follows it on its connection without identities of its own is late too
        if (o.conn !== undefined) this.connLast.set(o.conn, []);
      }
      return;
    }
    const running = ids.filter((id) => this.cases.has(id));
    // nothing of its own, after a late arrival or an ended case on its connection: run-wide
    if (running.length === 0 && keys.size === 0) return;
    if (running.length === 0) {
      const gone = ids.find((id) => this.ended.has(id));
      this.late(
        o,
        keys,
        gone ? `routed by ${how} to a case that has ended` : `it follows a late arrival on its connection`,
        gone,
      );
      if (o.conn !== undefined) this.connLast.set(o.conn, []);
      return;
    }
    if (o.conn !== undefined) {
      this.connLast.set(o.conn, running);
      if (seq !== undefined && o.kind === 'message' && !o.type.endsWith('_resp'))
        this.requests.set(`${o.conn}|${o.direction}|${seq}`, running);
    }
    const declaring = running.filter((id) => this.cases.get(id)?.kinds.has(kind));
    if (declaring.length > 0) this.deliver(o, declaring, o.conn !== undefined && this.connOwner.has(o.conn));
  }
}
