import type { Json } from '../util/json.ts';
import type { MessageObservation, Observation, Timeline } from '../wire/timeline.ts';
import { durationMs } from './duration.ts';
import { isLateArrival } from './late-arrivals.ts';
import { type Mismatch, matchFields } from './matchers.ts';
import type { Expectation } from './suite-schema.ts';

export const DEFAULT_EXPECT_WITHIN_MS = 2000;

export type ExpectOutcome =
  | { ok: true; matched: Observation[] }
  | { ok: false; expected: string; observed: Json; message: string };

/** `m-send-conf on MM1 at mmsc (out) where X-Mms-Response-Status = Ok` */
export function describeExpectation(e: Expectation): string {
  const what = e.message
    ? Array.isArray(e.message)
      ? e.message.join(' | ')
      : e.message
    : e.event
      ? `event ${e.event}`
      : 'an observation';
  const parts = [what];
  if (e.iface) parts.push(`on ${e.iface}`);
  if (e.node) parts.push(`at ${e.node}`);
  if (e.peer) parts.push(`with ${e.peer}`);
  if (e.direction) parts.push(`(${e.direction})`);
  if (e.count && e.count > 1) parts.push(`x${e.count}`);
  if (e.where && Object.keys(e.where).length > 0) {
    parts.push(
      `where ${Object.entries(e.where)
        .map(
          ([k, m]) =>
            `${k} ${m !== null && typeof m === 'object' ? JSON.stringify(m) : `= ${JSON.stringify(m)}`}`,
        )
        .join(', ')}`,
    );
  }
  return parts.join(' ');
}

/** The filter part (kind, type, iface, node, peer, direction) of an expectation; `where` apart. */
export function selects(e: Expectation, o: Observation): boolean {
  // a message of an ended case seen by this case's peers (late-arrivals.ts) is no answer to it
  if (isLateArrival(o)) return false;
  if (e.message !== undefined) {
    if (o.kind !== 'message') return false;
    const types = Array.isArray(e.message) ? e.message : [e.message];
    if (!types.includes(o.type)) return false;
  } else if (e.event !== undefined) {
    if (o.kind !== 'event' || o.name !== e.event) return false;
  } else if (o.kind !== 'message' && o.kind !== 'event') return false;
  if (e.iface !== undefined && o.iface !== e.iface) return false;
  if (e.node !== undefined && o.node !== e.node) return false;
  if (e.peer !== undefined && o.peer !== e.peer) return false;
  if (e.direction !== undefined && o.direction !== e.direction) return false;
  return true;
}

function fieldsOf(o: Observation): Json {
  if (o.kind === 'message') return o.fields;
  if (o.kind === 'event') return o.detail ?? null;
  return null;
}

export function mismatches(e: Expectation, o: Observation): Mismatch[] {
  if (!e.where) return [];
  return matchFields(e.where, fieldsOf(o), o.kind === 'message' ? o.raw : undefined);
}

export function matches(e: Expectation, o: Observation): boolean {
  return selects(e, o) && mismatches(e, o).length === 0;
}

/** A short line per observation, for "observed" in a failure. */
export function brief(o: Observation): string {
  const who = `${o.node}${o.peer ? ` -> ${o.peer}` : ''}`;
  if (o.kind === 'message') return `#${o.seq} ${o.type} on ${o.iface} at ${who} (${o.direction})`;
  if (o.kind === 'event') return `#${o.seq} event ${o.name} at ${who}`;
  return `#${o.seq} ${o.kind} at ${who}`;
}

/** What was seen instead: near misses (selected, wrong fields) first, else what messages there were. */
export function observedInstead(e: Expectation, observations: readonly Observation[]): Json {
  const near = observations.filter((o) => selects(e, o));
  if (near.length > 0) {
    return near.slice(0, 5).map((o) => ({
      observation: brief(o),
      mismatches: mismatches(e, o).map((m) => ({
        field: m.field,
        expected: m.expected,
        observed: m.observed === undefined ? '(absent)' : m.observed,
      })),
    }));
  }
  const seen = observations.filter((o): o is MessageObservation => o.kind === 'message');
  if (seen.length === 0) return 'no protocol message was observed';
  return { 'no such message; messages seen': seen.slice(-12).map(brief) };
}

/**
 * `expect`: resolves when `count` (default 1) observations from `since` match, or fails at the
 * deadline with what was observed instead. Already-published observations count.
 */
export function awaitExpectation(
  timeline: Timeline,
  e: Expectation,
  opts: { since: number; signal?: AbortSignal },
): Promise<ExpectOutcome> {
  const within = durationMs(e.within, DEFAULT_EXPECT_WITHIN_MS);
  const need = e.count ?? 1;
  const matched: Observation[] = [];
  for (const o of timeline.all().slice(opts.since)) if (matches(e, o)) matched.push(o);
  if (matched.length >= need) return Promise.resolve({ ok: true, matched: matched.slice(0, need) });
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(opts.signal?.reason ?? new Error('aborted'));
    };
    const unsubscribe = timeline.subscribe((o) => {
      if (o.seq >= opts.since && matches(e, o)) {
        matched.push(o);
        if (matched.length >= need) {
          finish();
          resolve({ ok: true, matched });
        }
      }
    });
    const timer = setTimeout(() => {
      finish();
      const expected = describeExpectation(e);
      timeline.publish({
        kind: 'event',
        name: 'deadline-expired',
        node: 'harness',
        role: 'harness',
        iface: 'HARNESS',
        direction: 'local',
        detail: { expected, withinMs: within },
      });
      const observed = observedInstead(e, timeline.all().slice(opts.since));
      resolve({
        ok: false,
        expected,
        observed,
        message:
          need > 1 && matched.length > 0
            ? `only ${matched.length} of ${need} matching observations within ${within} ms`
            : `no matching observation within ${within} ms`,
      });
    }, within);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `expect-none`: watches for `within` (default 2s); any matching observation from `since` is a failure. */
export function awaitNone(
  timeline: Timeline,
  e: Expectation,
  opts: { since: number; signal?: AbortSignal },
): Promise<ExpectOutcome> {
  const within = durationMs(e.within, DEFAULT_EXPECT_WITHIN_MS);
  const expected = `no ${describeExpectation(e)} within ${within} ms`;
  const failWith = (o: Observation): ExpectOutcome => ({
    ok: false,
    expected,
    observed: { observation: brief(o), fields: fieldsOf(o) },
    message: 'a forbidden observation happened',
  });
  const early = timeline
    .all()
    .slice(opts.since)
    .find((o) => matches(e, o));
  if (early) return Promise.resolve(failWith(early));
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(opts.signal?.reason ?? new Error('aborted'));
    };
    const unsubscribe = timeline.subscribe((o) => {
      if (o.seq >= opts.since && matches(e, o)) {
        finish();
        resolve(failWith(o));
      }
    });
    const timer = setTimeout(() => {
      finish();
      resolve({ ok: true, matched: [] });
    }, within);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
