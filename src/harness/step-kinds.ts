import type { BehaviourSpec } from '../../mocks/peer.ts';
import type { Json, JsonObject } from '../util/json.ts';
import type { LoadedStep } from './case-model.ts';
import { CaseError, type CaseRun, DeadlineError, errorMessage, withDeadline } from './case-run.ts';
import { durationMs } from './duration.ts';
import { awaitAnyOf, awaitExpectation, awaitNone, DEFAULT_EXPECT_WITHIN_MS } from './expectation-eval.ts';
import { applicability } from './ics/ics-select.ts';
import type { StepResult } from './run-result.ts';
import { checkActionStep, checkBehaviourStep, checkExpectationStep, type StepCheck } from './step-checks.ts';
import type { AnyOf, Expectation, ExpectationAlternative, StepKind } from './suite-schema.ts';
import { renderTemplate } from './template.ts';

export const DEFAULT_ACTION_TIMEOUT_MS = 10_000;

/** One step while it runs: the case, the step, its result so far and its (scaled) timeout. */
export interface StepContext {
  run: CaseRun;
  step: LoadedStep;
  r: StepResult;
  spec: Record<string, unknown>;
  timeoutMs: number;
}

/**
 * One row per step kind: `validate`, the strict check of the step when its suite is loaded
 * (suite-strict.ts, against the case's peers and the peers' action tables); `execute`, what the
 * runner does with it (run-case.ts). `execute` resolves `false` when the case stops here (a
 * failed expectation; its verdict is set); it throws for a harness error (the verdict `error`).
 */
export interface StepKindRow {
  validate?: StepCheck;
  execute(s: StepContext): Promise<boolean | undefined>;
}

/** `do: node.action` with `with:` parameters: the peer's action, under the step's timeout. */
async function executeAction({ run, r, spec, timeoutMs }: StepContext): Promise<undefined> {
  const target = String(spec.do);
  const dot = target.lastIndexOf('.');
  const node = target.slice(0, dot);
  const action = target.slice(dot + 1);
  const p = run.findPeer(node);
  if (!p)
    throw new CaseError(
      `${target}: no peer "${node}" in this case (peers: ${run.started.map((s) => s.peer.name).join(', ') || 'none'})`,
    );
  const fn = p.peer.actions[action];
  if (!fn)
    throw new CaseError(
      `${target}: peer ${node} has no action "${action}" (actions: ${Object.keys(p.peer.actions).join(', ')})`,
    );
  const params = renderTemplate(spec.with ?? {}, run.scope) as JsonObject;
  run.lastAction = run.timeline.length;
  run.harnessEvent('action', { action: target, params }, node);
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
  if (typeof spec.save === 'string') (run.values.saved as JsonObject)[spec.save] = result ?? null;
  return undefined;
}

/** `behaviour: { peer, kind, ... }`: put in front of the peer's defaults for the rest of the case. */
async function executeBehaviour({ run, spec }: StepContext): Promise<undefined> {
  const { peer: node, ...behaviour } = renderTemplate(spec.behaviour, run.scope) as JsonObject;
  const p = run.findPeer(String(node));
  if (!p) throw new CaseError(`behaviour: no peer "${String(node)}" in this case`);
  try {
    p.peer.use(behaviour as BehaviourSpec);
  } catch (e) {
    throw new CaseError(`behaviour ${String(behaviour.kind)} on ${String(node)}: ${errorMessage(e)}`);
  }
  run.harnessEvent('behaviour', behaviour, String(node));
  return undefined;
}

/** `wait: 2s` (scaled), cut short when the case's deadline aborts it. */
async function executeWait({ run, spec }: StepContext): Promise<undefined> {
  const { abort } = run;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(
      resolve,
      Math.round(durationMs(renderTemplate(spec.wait, run.scope) as string | number, 0) * run.scale),
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
  return undefined;
}

/** `expect` / `expect-none` (one expectation or `anyOf` alternatives): a query over the timeline. */
async function executeExpectation({ run, step, r, spec }: StepContext): Promise<boolean | undefined> {
  const { scale, timeline, abort } = run;
  const rendered = renderTemplate(spec[step.kind], run.scope) as unknown as Expectation | AnyOf;
  // An expect-none window is not scaled: it often bounds a time the target keeps by its own
  // clock (nothing before the Delivery-Time); a slow host only makes a forbidden event
  // later, so the unscaled window can miss one, never invent one.
  const scaled = (x: Expectation): Expectation =>
    scale === 1 || step.kind === 'expect-none'
      ? x
      : { ...x, within: Math.round(durationMs(x.within, DEFAULT_EXPECT_WITHIN_MS) * scale) };
  const sinceOf = (x: Expectation) =>
    x.from === 'last-action' ? run.lastAction : x.from === 'last-match' ? run.lastMatch : 0;
  let e: Expectation;
  let outcome: Awaited<ReturnType<typeof awaitExpectation>>;
  if ('anyOf' in rendered) {
    // the alternatives this target's ICS admits (an alternative's own `ics:` terms)
    const alts = rendered.anyOf
      .filter(
        (a: ExpectationAlternative) => applicability(run.opts.target.ics, a.ics ?? []).reasons.length === 0,
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
    if (step.kind === 'expect-none' && e.from === 'last-action') e = fromTheAction(run, e);
    const since = sinceOf(e);
    r.deadlineNs = r.startNs + durationMs(e.within, DEFAULT_EXPECT_WITHIN_MS) * 1e6;
    outcome =
      step.kind === 'expect'
        ? await awaitExpectation(timeline, e, { since, signal: abort.signal })
        : await awaitNone(timeline, e, { since, signal: abort.signal });
  }
  if (!outcome.ok) {
    // Whether the expectation checks our own stimulus rather than the target: only when the
    // case says so (`precondition: true`). Not inferred from `direction: out` on our nodes: such
    // an observation often carries the target's answer (our MTA's sent mail with its SMTP reply).
    const pre = spec.precondition === true;
    r.status = pre ? 'inconclusive' : 'fail';
    r.message = pre ? `precondition: ${outcome.message}` : outcome.message;
    r.expected = outcome.expected;
    r.observed = outcome.observed;
    run.setFailure(pre ? 'inconclusive' : 'fail', step, {
      message: r.message,
      expected: outcome.expected,
      observed: outcome.observed,
    });
    return false;
  }
  if (outcome.matched.length > 0) {
    const last = outcome.matched[outcome.matched.length - 1];
    run.lastMatch = last.seq + 1;
    const f = last.kind === 'message' ? last.fields : last.kind === 'event' ? (last.detail ?? null) : null;
    r.result = f;
    if (e.save) (run.values.saved as JsonObject)[e.save] = f;
  }
  return undefined;
}

/**
 * An `expect-none` window `from: last-action` runs from that action's start, not from this step's:
 * the steps between (waiting for the m-send-conf) take longer on a loaded host, and a window
 * opened late can reach a time the target keeps from the stimulus (the Delivery-Time) and invent a
 * failure. Only ever shortened: what is already on the timeline since the action still counts.
 */
function fromTheAction(run: CaseRun, e: Expectation): Expectation {
  const action = run.timeline.all()[run.lastAction];
  if (!action) return e;
  const elapsedMs = (run.timeline.now() - action.t) / 1e6;
  const within = durationMs(e.within, DEFAULT_EXPECT_WITHIN_MS);
  return { ...e, within: Math.max(0, Math.round(within - elapsedMs)) };
}

/** The step kinds: the one place a kind's checking and running is looked up. */
export const STEP_KINDS: Readonly<Record<StepKind, StepKindRow>> = {
  do: { validate: checkActionStep, execute: executeAction },
  behaviour: { validate: checkBehaviourStep, execute: executeBehaviour },
  wait: { execute: executeWait },
  expect: { validate: checkExpectationStep, execute: executeExpectation },
  'expect-none': { validate: checkExpectationStep, execute: executeExpectation },
};
