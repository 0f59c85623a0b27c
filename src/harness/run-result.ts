import type { Json } from '../util/json.ts';
import type { Iface } from '../wire/nodes.ts';
import type { Observation } from '../wire/timeline.ts';
import type { ResolvedRequirement } from './case-model.ts';
import type { Ics } from './ics/ics-schema.ts';
import type { Level, StepKind } from './suite-schema.ts';
import type { SourcePos } from './yaml-positions.ts';

/**
 * What a run produces. Reporters (JSON, JUnit, HTML, terminal) are pure functions of it.
 * Verdicts follow conformance-testing practice (ISO/IEC 9646-1, ETSI ES 201 873-1 TTCN-3 §24):
 *   pass            every observation of the target was as required;
 *   fail            the target did something the cited clause forbids (expected vs observed);
 *                   graded by the strongest requirement level of its case;
 *   inconclusive    the stimulus or a precondition did not happen as meant (our own peer did not
 *                   send what the case meant to send): nothing is said about the target;
 *   not-applicable  outside the target's declared capabilities (its ICS), with the reason;
 *   error           the harness, a peer or the target's health broke the case.
 */
export const VERDICTS = ['pass', 'fail', 'inconclusive', 'not-applicable', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];
export type StepStatus = Verdict | 'skipped';

export interface StepResult {
  index: number;
  kind: StepKind;
  label: string;
  source: SourcePos;
  status: StepStatus;
  /** Nanoseconds on the case timeline. */
  startNs: number;
  endNs: number;
  /** expect / expect-none: when its window closes (ns on the case timeline; startNs + within). */
  deadlineNs?: number;
  message?: string;
  expected?: string;
  observed?: Json;
  /** An action's result, an expectation's matched fields. */
  result?: Json;
}

export interface CaseFailure {
  step: number;
  label: string;
  source: SourcePos;
  message: string;
  expected?: string;
  observed?: Json;
}

/** One defect as the case's findings keep it (src/harness/findings.ts): seen once or more, by several nodes, in several PDUs. */
export interface CaseFinding {
  kind: 'encoding-defect';
  requirement: ResolvedRequirement;
  /** The field's own clause, as the peer named it (e.g. `OMA-TS-MMS_ENC-V1_3 §7.3 (X-Mms-Message-Size: Long-integer)`). */
  clause: string;
  messageType: string | null;
  field: string;
  reason: string;
  /** Octet offset in the PDU, at its first sighting. */
  offset: number;
  iface: Iface;
  /** Nodes that saw it, in order of first sighting. */
  nodes: string[];
  /** How many `encoding-defect` events report it. */
  seen: number;
  /** Timeline seq of the first sighting, and the step it happened in. */
  seq: number;
  step?: string;
  /** `X-Mms-Message-Size: Long-integer length 244 not in 1..30` — what the top causes group by. */
  cause: string;
  message: string;
}

export interface CasePeer {
  name: string;
  kind: string;
  endpoints: { protocol: string; url: string }[];
}

export interface CaseResult {
  id: string;
  title: string;
  description?: string;
  expectation?: string;
  suite: string;
  source: SourcePos;
  level: Level;
  requirements: ResolvedRequirement[];
  interfaces: Iface[];
  tags: string[];
  family?: { id: string; row: number };
  verdict: Verdict;
  /** Why the case is not applicable to this target (ICS items it needs that the target does not claim). */
  notApplicable?: { reasons: string[] };
  /** Known failure from the target's expectations file (then it does not fail the run). */
  known?: { reason: string };
  /** A known failure that passed: the expectations file is out of date. */
  fixed?: boolean;
  /** Whether this result makes the run fail (see gradeCase). */
  unexpected: boolean;
  failure?: CaseFailure;
  /**
   * Shared peers (external target, concurrent cases) whose connections carried observations
   * routed to this case: those connections' bytes are in run.pcapng, not in the case's capture.
   */
  sharedStreams?: string[];
  /** What peers saw the target break besides the steps' own checks (encoding defects), one per defect. */
  findings?: CaseFinding[];
  steps: StepResult[];
  seed: number;
  startedAt: string;
  durationMs: number;
  peers: CasePeer[];
  timeline: { originEpochMs: number; observations: Observation[] };
  /** File name of the case's PCAPNG in the report directory, once written. */
  pcapng?: string;
  /**
   * The case's observations were left out of results.json and its capture was not written
   * (`--evidence failing`, the default, and the case passed or was not applicable).
   */
  evidenceOmitted?: true;
  /**
   * The case failed, but its observations and capture were left out to keep the run's report
   * directory under this many bytes (`mmscert run --max-output`); evidenceOmitted is set too.
   */
  evidenceOverBound?: number;
}

export interface RunSummary {
  total: number;
  pass: number;
  fail: number;
  /** Failed cases by the strongest level of their requirements. */
  failByLevel: Record<Level, number>;
  inconclusive: number;
  notApplicable: number;
  error: number;
  known: number;
  fixed: number;
  unexpected: number;
}

/** Failed and inconclusive cases that share a first cause (src/harness/top-causes.ts). */
export interface TopCause {
  cause: string;
  count: number;
  /** The first few case ids. */
  cases: string[];
}

export interface RunResult {
  runId: string;
  seed: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  target: { kind: string; description: string };
  jobs: number;
  failOn: Level;
  /** `--time-scale`: every deadline of the cases was multiplied by it (absent in older results: 1). */
  timeScale?: number;
  /**
   * The run stopped early (the target's reset failed, or it stayed down for several cases in a
   * row): the reason, and the ids of the cases that never ran (`--rerun-failed` runs them too).
   * `cases` holds those that did; exit 2.
   */
  aborted?: { reason: string; notRun: string[] };
  cases: CaseResult[];
  summary: RunSummary;
  /** Failed and inconclusive cases grouped by their first cause, most frequent first. */
  topCauses?: TopCause[];
  /** The requirement catalogue the cases cite (suites/requirements.yaml): reports list what no case covers. */
  catalogue?: ResolvedRequirement[];
  /** Peers shared by concurrent cases (external targets, more than one job): src/harness/shared. */
  shared?: SharedRunRecord;
  /**
   * `--shard INDEX/TOTAL`: this run is one part of `of` cases (src/harness/shard.ts); `positions`:
   * where each of `cases` sits among them (load order), for `mmscert merge-reports`.
   */
  shard?: { index: number; total: number; of: number; positions: number[] };
  /**
   * `--evidence`: whose timelines and captures the reports keep (absent in older results: all).
   * Under `failing`, `shared.timeline.observations` is left empty too (its bytes: run.pcapng.gz).
   */
  evidence?: 'failing' | 'all';
  /**
   * `--max-output`: the bound of the report directory in bytes, and the failing cases whose
   * evidence was left out to stay under it (CaseResult.evidenceOverBound). Absent: no bound.
   */
  outputBound?: { maxBytes: number; evidenceDropped: string[] };
  /** The mmscert that ran (version; git commit of its checkout when it is one). Absent in older results. */
  tool?: { name: string; version: string; commit?: string };
  /** The target's ICS as the run read it (the cases' applicability came from it). */
  ics?: Ics;
  /** Where it ran (what may explain timing differences between two runs). */
  machine?: {
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    memoryMb: number;
  };
}

/** An observation of a shared peer that belongs to no running case (src/harness/shared/observation-router.ts). */
export interface LateArrival {
  /** ns since the shared timeline's origin */
  t: number;
  node: string;
  kind: 'message' | 'event';
  /** message type or event name */
  what: string;
  direction: string;
  keys: string[];
  reason: string;
  /** the ended case it would have belonged to, when known */
  case?: string;
}

/** What the run's shared peers saw besides what was routed to the cases. */
export interface SharedRunRecord {
  /** Shared peer kinds (each one node of that name). */
  peers: string[];
  /** Cases that ran alone, with their own peers, and why (exclusive.ts). */
  exclusive: { case: string; reason: string }[];
  /** Observations carrying identities of no running case: recorded, never matched. */
  lateArrivals: LateArrival[];
  /** Everything the shared peers published (their connections' bytes: run.pcapng). */
  timeline: { originEpochMs: number; observations: Observation[] };
}

export function summarise(cases: readonly CaseResult[]): RunSummary {
  const s: RunSummary = {
    total: cases.length,
    pass: 0,
    fail: 0,
    failByLevel: { SHALL: 0, SHOULD: 0, MAY: 0, ROBUSTNESS: 0 },
    inconclusive: 0,
    notApplicable: 0,
    error: 0,
    known: 0,
    fixed: 0,
    unexpected: 0,
  };
  for (const c of cases) {
    if (c.verdict === 'pass') s.pass++;
    else if (c.verdict === 'fail') {
      s.fail++;
      s.failByLevel[c.level]++;
    } else if (c.verdict === 'inconclusive') s.inconclusive++;
    else if (c.verdict === 'not-applicable') s.notApplicable++;
    else s.error++;
    if (c.known && c.verdict !== 'pass' && c.verdict !== 'not-applicable') s.known++;
    if (c.fixed) s.fixed++;
    if (c.unexpected) s.unexpected++;
  }
  return s;
}
