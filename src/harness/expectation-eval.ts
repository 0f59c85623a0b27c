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

/** Events that say something went wrong on the way (a defect, a refusal, a failed transaction...). */
const TROUBLE_EVENT = /defect|refused|error|fail|undecodable|invalid|not-sent|fault|rejected|too-large/i;
/** Status fields whose value, other than these, tells of a refusal. */
const STATUS_FIELDS: Record<string, RegExp> = {
  'X-Mms-Response-Status': /^Ok$/,
  'X-Mms-Retrieve-Status': /^Ok$/,
  'X-Mms-Request-Status-Code': /^Ok$/,
  command_status: /^(0|ESME_ROK)$/,
  StatusCode: /^1\d\d\d$/,
};

function clip(s: string, n = 160): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function where(o: Observation): string {
  return `at ${o.node}${o.peer ? ` -> ${o.peer}` : ''} (${o.direction})`;
}

/** A short account of an observation that tells of trouble, or undefined for an ordinary one. */
function trouble(o: Observation): string | undefined {
  if (o.kind === 'event') {
    const d = (o.detail ?? {}) as Record<string, Json>;
    if (o.name === 'encoding-defect')
      return `encoding-defect ${where(o)}: ${d.messageType ?? 'PDU'} ${String(d.line ?? `${d.field}: ${d.reason}`)}`;
    const status = typeof d.status === 'number' ? d.status : undefined;
    if (TROUBLE_EVENT.test(o.name) || (status !== undefined && status >= 400))
      return `${o.name} ${where(o)}: ${clip(JSON.stringify(d), 120)}`;
    return undefined;
  }
  if (o.kind !== 'message') return undefined;
  const f = (
    o.fields !== null && typeof o.fields === 'object' && !Array.isArray(o.fields) ? o.fields : {}
  ) as Record<string, Json>;
  if (/error|fault/i.test(o.type)) return `${o.type} ${where(o)}: ${clip(JSON.stringify(f), 120)}`;
  for (const [k, ok] of Object.entries(STATUS_FIELDS)) {
    const v = f[k];
    if (v !== undefined && v !== null && typeof v !== 'object' && !ok.test(String(v)))
      return `${o.type} ${where(o)} with ${k} ${String(v)}`;
  }
  // an SMTP reply our MTA got from the target (mocks/mail: fields.result { ok, code, response })
  const smtp = f.result;
  if (
    smtp !== null &&
    typeof smtp === 'object' &&
    !Array.isArray(smtp) &&
    typeof smtp.code === 'number' &&
    smtp.code >= 400
  )
    return `${o.type} ${where(o)} answered SMTP ${smtp.code} ${clip(String(smtp.response ?? ''), 80)}`;
  if (typeof f.status === 'number' && f.status >= 400)
    return `${o.type} ${where(o)} with HTTP status ${f.status}`;
  return undefined;
}

/**
 * The nearest candidates an unmet `expect` saw in its window, most telling first: the expected
 * message with the fields that differed; the same message type elsewhere (another node, direction
 * or interface); then what tells of trouble (an encoding-defect, a failed retrieval, an HTTP error
 * status, an SMTP refusal, a SOAP fault, a refusing status field). At most `max`, each one line.
 */
export function nearestCandidates(e: Expectation, observations: readonly Observation[], max = 4): string[] {
  const out: string[] = [];
  for (const o of observations) {
    if (out.length >= max) return out;
    if (!selects(e, o)) continue;
    const diff = mismatches(e, o)
      .map(
        (m) =>
          `${m.field} ${m.observed === undefined ? 'absent' : JSON.stringify(m.observed)} (expected ${m.expected})`,
      )
      .join(', ');
    out.push(
      clip(
        `${o.kind === 'message' ? o.type : `event ${o.kind === 'event' ? o.name : o.kind}`} ${where(o)}${diff ? `: ${diff}` : ''}`,
      ),
    );
  }
  const types = e.message === undefined ? [] : Array.isArray(e.message) ? e.message : [e.message];
  // what crossed the wire only: the reference MMSC's account of its own inside names nothing a target does
  const wire = observations.filter((o) => o.node !== 'mmsc' && !o.node.startsWith('mmsc.'));
  const elsewhere = wire.filter((o) => o.kind === 'message' && types.includes(o.type) && !selects(e, o));
  for (const o of elsewhere.slice(0, 2)) {
    if (out.length >= max) return out;
    out.push(`${o.kind === 'message' ? o.type : ''} ${where(o)} on ${o.iface}`);
  }
  const seen = new Set<string>();
  for (const o of wire) {
    if (out.length >= max) break;
    const t = trouble(o);
    if (t === undefined) continue;
    // the same trouble seen at several nodes: once
    const key = t.replace(/ at \S+( -> \S+)? \((in|out|local)\)/, '');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
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
      const window = timeline.all().slice(opts.since);
      const observed = observedInstead(e, window);
      const nearest = need > 1 && matched.length > 0 ? [] : nearestCandidates(e, window);
      resolve({
        ok: false,
        expected,
        observed,
        message:
          need > 1 && matched.length > 0
            ? `only ${matched.length} of ${need} matching observations within ${within} ms`
            : `no matching observation within ${within} ms${nearest.length > 0 ? `; nearest: ${nearest.join('; ')}` : ''}`,
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

/**
 * `expect: { anyOf }`: every applicable alternative is awaited at once, each from its own `since`
 * with its own deadline. The first one met satisfies the step (the others stop listening); the
 * step fails only when every alternative failed, with what each expected.
 */
export async function awaitAnyOf(
  timeline: Timeline,
  alternatives: ReadonlyArray<{ e: Expectation; since: number }>,
  opts: { signal?: AbortSignal },
): Promise<ExpectOutcome & { alternative?: number }> {
  const controllers = alternatives.map(() => new AbortController());
  const onAbort = () => {
    for (const c of controllers) c.abort(opts.signal?.reason);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise((resolve, reject) => {
      const failures: Array<Extract<ExpectOutcome, { ok: false }> | undefined> = alternatives.map(
        () => undefined,
      );
      let pending = alternatives.length;
      let settled = false;
      alternatives.forEach(({ e, since }, i) => {
        awaitExpectation(timeline, e, { since, signal: controllers[i].signal }).then(
          (outcome) => {
            if (settled) return;
            if (outcome.ok) {
              settled = true;
              controllers.forEach((c, j) => {
                if (j !== i) c.abort(new Error('another alternative was met'));
              });
              resolve({ ...outcome, alternative: i });
              return;
            }
            failures[i] = outcome;
            if (--pending === 0) {
              settled = true;
              const f = failures.filter((x) => x !== undefined);
              resolve({
                ok: false,
                expected: `any of: ${f.map((x) => x.expected).join(' | ')}`,
                observed: f.map((x) => x.observed),
                message: `no alternative met: ${f.map((x, k) => `(${k + 1}) ${x.message}`).join('; ')}`,
              });
            }
          },
          (err: unknown) => {
            if (settled) return;
            // aborted from outside (the case ended): the step ends with it
            if (opts.signal?.aborted) {
              settled = true;
              reject(err);
            }
          },
        );
      });
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
