import type { Json } from '../util/json.ts';
import type { Observation, Timeline } from '../wire/timeline.ts';
import { runSalt } from './seeded.ts';

/**
 * Identities of the cases of one run, and the late arrivals they reveal. Against a real MMSC the
 * peers of later cases sit on the same fixed ports as those of earlier ones, so a message the
 * target sends late (a retried notification, a delivery report, an MM4 forward of a case that
 * has ended) reaches the peer of whatever case runs then. It must never match that case:
 *
 *   - each case's handset MSISDNs and harness transaction ids are drawn fresh for the run (no two
 *     cases of a run get the same, `claim`), and the message/transaction ids its own peers send
 *     or receive are recorded as its own (`observe`);
 *   - a message our peers receive (direction `in`) that carries an identity of a case that has
 *     ended and none of a case still running is a late arrival: it is tagged (expectations skip
 *     it, `isLateArrival`) and a `late-arrival` event is put on the timeline where it was seen.
 */
export interface LateArrival {
  /** The case the identity belongs to. */
  ofCase: string;
  identity: string;
}

/** Values shorter than this are not taken as message or transaction ids (`1`, `0x01`, `OK`). */
const MIN_ID_LENGTH = 8;
/**
 * Whether a value can identify one case's message: long enough, and not all digits (an SMSC's or
 * store's counter, `0000000001`, starts again with every peer; numbers are MSISDNs, claimed apart).
 */
function idLike(s: string): boolean {
  return s.length >= MIN_ID_LENGTH && !/^\d+$/.test(s);
}
/** Field names that carry message or transaction ids (MMS, MM4, MM7, SMPP headers). */
const ID_FIELD = /(message|transaction)[-_ ]?id$|^x-mms-(message|transaction)-id$/i;
/** MSISDN digits in a string (`+15550001234/TYPE=PLMN`, `tel:+1555...`, SMPP `15550001234`). */
const DIGITS = /\d{7,15}/g;

function msisdnKey(msisdn: string): string | undefined {
  const d = msisdn.replace(/\D/g, '');
  return d.length >= 7 ? `m:${d}` : undefined;
}

const late = new WeakSet<Observation>();

/** Whether an observation was found to be a late arrival of an earlier case (expectations skip it). */
export function isLateArrival(o: Observation): boolean {
  return late.has(o);
}

/** Keys of every identity an observation's fields may carry: MSISDN digits and whole strings. */
function tokens(fields: Json, out: Set<string>): void {
  if (typeof fields === 'string') {
    const s = fields.trim().replace(/^<|>$/g, '');
    if (idLike(s)) out.add(`x:${s}`);
    for (const m of fields.matchAll(DIGITS)) out.add(`m:${m[0]}`);
    return;
  }
  if (Array.isArray(fields)) {
    for (const v of fields) tokens(v, out);
    return;
  }
  if (fields !== null && typeof fields === 'object') {
    if ('$base64' in fields) return;
    for (const v of Object.values(fields)) tokens(v, out);
  }
}

/** Message and transaction ids of an observation's fields (by field name). */
function ids(fields: Json, out: Set<string>): void {
  if (Array.isArray(fields)) {
    for (const v of fields) ids(v, out);
    return;
  }
  if (fields === null || typeof fields !== 'object' || '$base64' in fields) return;
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' && ID_FIELD.test(k)) {
      const s = v.trim().replace(/^<|>$/g, '');
      if (idLike(s)) out.add(`x:${s}`);
    } else ids(v, out);
  }
}

export class IdentityRegistry {
  /** Mixed into the case seeds of a target that keeps state, so no run replays another's ids (seeded.ts freshSeed). */
  readonly salt = runSalt();
  private readonly owner = new Map<string, string>();
  private readonly running = new Set<string>();

  begin(caseId: string): void {
    this.running.add(caseId);
  }

  end(caseId: string): void {
    this.running.delete(caseId);
  }

  /** The case an identity belongs to (MSISDN or id). */
  ownerOf(identity: string): string | undefined {
    return this.owner.get(msisdnKey(identity) ?? '') ?? this.owner.get(`x:${identity}`);
  }

  /**
   * A freshly drawn MSISDN for `caseId`: true (now the case's) unless another case of the run
   * already has it (then draw again).
   */
  claimMsisdn(caseId: string, msisdn: string): boolean {
    const key = msisdnKey(msisdn);
    if (!key) return true;
    return this.claimKey(caseId, key);
  }

  /** A freshly drawn transaction id: true unless another case of the run already has it. */
  claimId(caseId: string, id: string): boolean {
    return this.claimKey(caseId, `x:${id}`);
  }

  /** A MSISDN the suite fixed for the case: the case's from now on, whoever had it before. */
  assignMsisdn(caseId: string, msisdn: string): void {
    const key = msisdnKey(msisdn);
    if (key) this.owner.set(key, caseId);
  }

  private claimKey(caseId: string, key: string): boolean {
    const o = this.owner.get(key);
    if (o !== undefined && o !== caseId) return false;
    this.owner.set(key, caseId);
    return true;
  }

  /**
   * Sorts one observation of `caseId`'s timeline: what our own nodes send makes its ids the
   * case's; what they receive is a late arrival when it carries identities of ended cases only,
   * else its ids become the case's (when no other case has them).
   */
  observe(caseId: string, o: Observation): LateArrival | undefined {
    // what a peer reports about what it received (`sms-undeliverable {to}`) is judged like it
    if (o.kind === 'event' && o.node !== 'harness') return this.endedOwner(caseId, o.detail ?? null);
    if (o.kind !== 'message') return undefined;
    if (o.direction !== 'in') {
      const own = new Set<string>();
      ids(o.fields, own);
      // our own stimulus: its ids are this case's, even a literal an earlier case used too
      for (const k of own) this.owner.set(k, caseId);
      return undefined;
    }
    const endedOwner = this.endedOwner(caseId, o.fields);
    if (endedOwner) return endedOwner;
    const found = new Set<string>();
    ids(o.fields, found);
    for (const k of found) if (!this.owner.has(k)) this.owner.set(k, caseId);
    return undefined;
  }

  /** Whether these fields carry an identity of `caseId` or of another case still running. */
  carriesLive(caseId: string, fields: Json): boolean {
    const seen = new Set<string>();
    tokens(fields, seen);
    for (const k of seen) {
      const c = this.owner.get(k);
      if (c === caseId || (c !== undefined && this.running.has(c))) return true;
    }
    return false;
  }

  /** The ended case these fields belong to: identities of ended cases only. */
  private endedOwner(caseId: string, fields: Json): LateArrival | undefined {
    const seen = new Set<string>();
    tokens(fields, seen);
    let endedOwner: LateArrival | undefined;
    for (const k of seen) {
      const c = this.owner.get(k);
      if (c === undefined) continue;
      // an identity of this case (or of one still running) wins over any of an ended case
      if (c === caseId || this.running.has(c)) return undefined;
      endedOwner ??= { ofCase: c, identity: k.slice(2) };
    }
    return endedOwner;
  }
}

/**
 * Watches `caseId`'s timeline for late arrivals: subscribe before anything else does (the first
 * listener tags an observation before any expectation sees it). Returns the unsubscribe.
 */
export function watchLateArrivals(
  timeline: Timeline,
  registry: IdentityRegistry,
  caseId: string,
  onLate: (o: Observation, l: LateArrival) => void,
): () => void {
  /** Connections that carried a late arrival, until they carry this case's own traffic again. */
  const lateOn = new Set<string>();
  return timeline.subscribe((o) => {
    const l = registry.observe(caseId, o);
    if (l) {
      late.add(o);
      if (o.conn) lateOn.add(o.conn);
      onLate(o, l);
      return;
    }
    if (!o.conn || !lateOn.has(o.conn)) return;
    if (o.kind === 'message' && o.direction === 'in' && registry.carriesLive(caseId, o.fields)) {
      lateOn.delete(o.conn);
      return;
    }
    // what our peer derives from a late message on the same connection (the WAP push inside a
    // late submit_sm, the peer's events about it) is late too, though it names no identity
    if ((o.kind === 'message' && o.direction === 'in') || (o.kind === 'event' && o.node !== 'harness'))
      late.add(o);
  });
}
