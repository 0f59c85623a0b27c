import { LEVEL_RANK, type LoadedCase } from './case-model.ts';
import { type CaseOptions, CaseRun, DeadlineError, errorMessage } from './case-run.ts';
import { releaseShared, setUp, tearDown } from './case-setup.ts';
import { durationMs } from './duration.ts';
import { encodingFindings, judgeFindings } from './findings.ts';
import { applicability } from './ics/ics-select.ts';
import type { CaseResult } from './run-result.ts';
import type { SharedPeers } from './shared/shared-peers.ts';
import { DEFAULT_ACTION_TIMEOUT_MS, STEP_KINDS } from './step-kinds.ts';
import { TemplateError } from './template.ts';

/**
 * Runs one case in isolation: its own timeline, air interface, peers and target session. With
 * `shared` (an external target's peers shared by concurrent cases), the case uses those for the
 * kinds they cover, its handsets join the run-wide air interface under MSISDNs no running case
 * holds, and the router hands it what the shared peers see for its identities.
 *
 * A pipeline of named stages over one CaseRun (case-run.ts): applicability, the target's gate,
 * then set-up and the steps under the case deadline, tear-down, judging, the result.
 */
export async function runCase(c: LoadedCase, opts: CaseOptions, shared?: SharedPeers): Promise<CaseResult> {
  const run = new CaseRun(c, opts, shared);
  checkApplicability(run);
  const gated = await targetGate(run);
  try {
    if (run.naReasons.length === 0 && gated) await underCaseDeadline(run, setUpAndRunSteps);
  } finally {
    await endCase(run);
  }
  return caseResult(run);
}

/** Applicability before anything starts: the ICS items the case needs (ISO/IEC 9646-7). */
function checkApplicability(run: CaseRun): void {
  const { c, opts } = run;
  run.naReasons =
    c.scope === 'reference' && opts.target.kind !== 'embedded'
      ? ['a reference self-test of the reference MMSC: it runs only against the embedded target']
      : applicability(opts.target.ics, c.ics).reasons;
  if (run.naReasons.length > 0) run.verdict = 'not-applicable';
}

/**
 * The target's own gate (reset hook, health; targets/target-ops.ts), outside the case deadline:
 * a target that is down makes this case `error` (false: nothing more runs); a TargetError
 * (reset failed, down for good) ends the run.
 */
async function targetGate(run: CaseRun): Promise<boolean> {
  const { c, opts } = run;
  if (run.naReasons.length > 0) return true;
  const gate = await opts.target.beforeCase?.({ id: c.id, suite: c.suite });
  if (!gate) return true;
  run.timeline.setContext({ case: c.id, step: 'before-case' });
  for (const e of gate.events) run.harnessEvent(e.name, e.detail);
  if (gate.error) run.setFailure('error', undefined, { message: gate.error });
  return !gate.error;
}

/** `body`, or an `error` verdict at the running step when the case deadline comes first. */
async function underCaseDeadline(run: CaseRun, body: (run: CaseRun) => Promise<void>): Promise<void> {
  const { c, timeline, caseTimeoutMs } = run;
  let caseTimer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    caseTimer = setTimeout(() => {
      const running = run.steps.find((s) => s.status === 'pass' && s.endNs === 0);
      const step = running ? c.steps[running.index] : undefined;
      if (running) {
        running.status = 'error';
        running.message = `case deadline ${caseTimeoutMs} ms exceeded`;
        running.endNs = timeline.now();
      }
      run.setFailure('error', step, { message: `case deadline ${caseTimeoutMs} ms exceeded` });
      run.abort.abort(new DeadlineError('case deadline'));
      resolve();
    }, caseTimeoutMs);
  });
  try {
    await Promise.race([
      body(run).catch((e) => run.setFailure('error', undefined, { message: errorMessage(e) })),
      deadline,
    ]);
  } finally {
    clearTimeout(caseTimer);
  }
}

async function setUpAndRunSteps(run: CaseRun): Promise<void> {
  try {
    await setUp(run);
  } catch (e) {
    run.setFailure('error', undefined, { message: errorMessage(e) });
    return;
  }
  await runSteps(run);
}

/** The steps in order, each by its kind's row of STEP_KINDS, until one fails or errs. */
async function runSteps(run: CaseRun): Promise<void> {
  const { c, timeline } = run;
  for (const step of c.steps) {
    const r = run.steps[step.index];
    timeline.setContext({ case: c.id, step: step.label });
    r.startNs = timeline.now();
    r.status = 'pass';
    const spec = step.spec as Record<string, unknown>;
    const timeoutMs = Math.round(
      durationMs(spec.timeout as string | number | undefined, DEFAULT_ACTION_TIMEOUT_MS) * run.scale,
    );
    try {
      if ((await STEP_KINDS[step.kind].execute({ run, step, r, spec, timeoutMs })) === false) return;
    } catch (e) {
      r.status = 'error';
      r.message = e instanceof TemplateError ? `template: ${e.message}` : errorMessage(e);
      run.setFailure('error', step, { message: r.message });
      return;
    } finally {
      r.endNs = timeline.now();
    }
  }
}

/** Tear-down, then the case lets go of its identities and of its place on the shared peers. */
async function endCase(run: CaseRun): Promise<void> {
  run.timeline.setContext({ case: run.c.id, step: 'teardown' });
  await tearDown(run);
  // sockets destroyed in the teardown report their close on the next turn
  await new Promise<void>((resolve) => setImmediate(resolve));
  run.end();
  await releaseShared(run);
}

/**
 * The case's result: its verdict judged with what our peers saw the target break on the wire
 * besides the steps' checks (findings.ts), graded against the known failures and `failOn`.
 */
function caseResult(run: CaseRun): CaseResult {
  const { c, opts, timeline } = run;
  const findings = encodingFindings(timeline.all());
  const judged = judgeFindings(c, run.verdict, run.failure, findings);
  const failure = judged.failure;
  const known = opts.knownFailures?.lookup(c.id);
  const verdict = judged.verdict;
  const failOn = opts.failOn ?? 'SHALL';
  const unexpected =
    verdict === 'pass' || verdict === 'not-applicable'
      ? false
      : known
        ? false
        : verdict === 'error' || verdict === 'inconclusive' || LEVEL_RANK[judged.level] >= LEVEL_RANK[failOn];
  return {
    id: c.id,
    title: c.title,
    ...(c.description !== undefined ? { description: c.description } : {}),
    ...(c.expectation !== undefined ? { expectation: c.expectation } : {}),
    suite: c.suite,
    source: c.source,
    level: judged.level,
    requirements: c.requirements,
    interfaces: c.interfaces,
    tags: c.tags,
    ...(c.family ? { family: { id: c.family.id, row: c.family.row } } : {}),
    verdict,
    ...(run.naReasons.length > 0 ? { notApplicable: { reasons: run.naReasons } } : {}),
    ...(known && verdict !== 'pass' ? { known: { reason: known.reason } } : {}),
    ...(known && verdict === 'pass' ? { fixed: true } : {}),
    unexpected,
    ...(failure ? { failure } : {}),
    ...(run.sharedStreams.length > 0 ? { sharedStreams: run.sharedStreams } : {}),
    ...(findings.length > 0 ? { findings } : {}),
    steps: run.steps,
    seed: run.seed,
    startedAt: run.startedAt,
    durationMs: Math.round(performance.now() - run.t0),
    peers: run.started.map((p) => ({
      name: p.peer.name,
      kind: p.kind,
      endpoints: p.endpoints.map((e) => ({ protocol: e.protocol, url: e.url })),
    })),
    // a snapshot: whatever a stopped peer still publishes later is not part of this case's result
    timeline: { originEpochMs: timeline.originEpochMs, observations: timeline.all().slice() },
  };
}
