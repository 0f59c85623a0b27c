import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `mmscert diff RUN_A RUN_B`: what changed from one run (or target) to another, case by case, as
 * wpt and Playwright compare runs: new failures (not failing in A, failing in B), fixed (failing
 * in A, passing in B), other verdict changes, failures whose evidence changed (same verdict, a
 * different first cause), cases only one run has; and what differs in how the runs were made
 * (tool version and commit, target, ICS items, seed, machine). Reads results.json only, of any
 * age (fields a run did not record are "unknown").
 */

/** What the diff reads of a results.json (older files lack the optional parts). */
export interface RunDoc {
  runId: string;
  seed?: number;
  startedAt?: string;
  target?: { kind?: string; description?: string };
  tool?: { version?: string; commit?: string };
  ics?: Record<string, unknown>;
  machine?: Record<string, unknown>;
  evidence?: string;
  cases: Array<{
    id: string;
    title?: string;
    verdict: string;
    level?: string;
    interfaces?: string[];
    requirements?: Array<{ id?: string; spec?: string; clause?: string; level?: string; text?: string }>;
    known?: unknown;
    failure?: { message?: string };
  }>;
}

const FAILING = new Set(['fail', 'error', 'inconclusive']);

export interface CaseChange {
  id: string;
  title: string;
  from: string;
  to: string;
  /** B's failure message (new failures, changed evidence). */
  why?: string;
  /** A's failure message (changed evidence). */
  was?: string;
}

export interface RunDiff {
  a: RunDoc;
  b: RunDoc;
  newFailures: CaseChange[];
  fixed: CaseChange[];
  changed: CaseChange[];
  evidenceChanged: CaseChange[];
  onlyInA: string[];
  onlyInB: string[];
  same: number;
  /** `field: A -> B` for how the runs were made. */
  setup: string[];
}

/** A failure's first cause with numbers blanked (durations, ports, observation numbers differ run to run). */
export function causeKey(message: string | undefined): string {
  return (message ?? '')
    .split('\n')[0]
    .replace(/\d+(\.\d+)?/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}

function flat(prefix: string, v: unknown, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flat(prefix ? `${prefix}.${k}` : k, x, out);
  } else out.set(prefix, JSON.stringify(v));
}

function setupDiff(a: RunDoc, b: RunDoc): string[] {
  const out: string[] = [];
  const one = (name: string, x: unknown, y: unknown) => {
    const sx = x === undefined ? 'unknown' : String(x);
    const sy = y === undefined ? 'unknown' : String(y);
    if (sx !== sy) out.push(`${name}: ${sx} -> ${sy}`);
  };
  one('tool version', a.tool?.version, b.tool?.version);
  one('tool commit', a.tool?.commit?.slice(0, 12), b.tool?.commit?.slice(0, 12));
  one('target', a.target?.description, b.target?.description);
  one('seed', a.seed, b.seed);
  one('evidence', a.evidence ?? 'all', b.evidence ?? 'all');
  for (const k of ['node', 'platform', 'arch', 'cpus', 'cpuModel', 'memoryMb'])
    one(`machine ${k}`, a.machine?.[k], b.machine?.[k]);
  if (a.ics && b.ics) {
    const fa = new Map<string, string>();
    const fb = new Map<string, string>();
    flat('', a.ics, fa);
    flat('', b.ics, fb);
    for (const k of [...new Set([...fa.keys(), ...fb.keys()])].sort())
      if (fa.get(k) !== fb.get(k)) out.push(`ICS ${k}: ${fa.get(k) ?? 'absent'} -> ${fb.get(k) ?? 'absent'}`);
  } else if (Boolean(a.ics) !== Boolean(b.ics)) out.push('ICS: recorded in one run only');
  return out;
}

export function diffRuns(a: RunDoc, b: RunDoc): RunDiff {
  const inA = new Map(a.cases.map((c) => [c.id, c]));
  const inB = new Map(b.cases.map((c) => [c.id, c]));
  const d: RunDiff = {
    a,
    b,
    newFailures: [],
    fixed: [],
    changed: [],
    evidenceChanged: [],
    onlyInA: a.cases.filter((c) => !inB.has(c.id)).map((c) => c.id),
    onlyInB: [],
    same: 0,
    setup: setupDiff(a, b),
  };
  for (const cb of b.cases) {
    const ca = inA.get(cb.id);
    if (!ca) {
      d.onlyInB.push(cb.id);
      continue;
    }
    const change: CaseChange = {
      id: cb.id,
      title: cb.title ?? ca.title ?? '',
      from: ca.verdict,
      to: cb.verdict,
    };
    const failedA = FAILING.has(ca.verdict);
    const failedB = FAILING.has(cb.verdict);
    if (!failedA && failedB)
      d.newFailures.push({ ...change, ...(cb.failure?.message ? { why: cb.failure.message } : {}) });
    else if (failedA && cb.verdict === 'pass') d.fixed.push(change);
    else if (ca.verdict !== cb.verdict)
      d.changed.push({ ...change, ...(cb.failure?.message ? { why: cb.failure.message } : {}) });
    else if (failedB && causeKey(ca.failure?.message) !== causeKey(cb.failure?.message))
      d.evidenceChanged.push({
        ...change,
        ...(cb.failure?.message ? { why: cb.failure.message } : {}),
        ...(ca.failure?.message ? { was: ca.failure.message } : {}),
      });
    else d.same++;
  }
  return d;
}

function line(s: string, n = 200): string {
  const one = s.split('\n')[0];
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** The diff as text, most important first. */
export function diffText(d: RunDiff): string {
  const out: string[] = [];
  const who = (r: RunDoc) =>
    `${r.runId} (${r.target?.description ?? 'unknown target'}, mmscert ${r.tool?.version ?? '?'}${r.tool?.commit ? ` ${r.tool.commit.slice(0, 12)}` : ''}, seed ${r.seed ?? '?'})`;
  out.push(`A: ${who(d.a)}`, `B: ${who(d.b)}`);
  if (d.setup.length > 0) out.push('Setup differs:', ...d.setup.map((s) => `  ${s}`));
  const section = (title: string, list: CaseChange[], detail: (c: CaseChange) => string[]) => {
    if (list.length === 0) return;
    out.push(`${title} (${list.length}):`);
    for (const c of list)
      out.push(`  ${c.from.padEnd(14)} -> ${c.to.padEnd(14)} ${c.id} ${c.title}`, ...detail(c));
  };
  section('New failures', d.newFailures, (c) => (c.why ? [`      ${line(c.why)}`] : []));
  section('Fixed', d.fixed, () => []);
  section('Other verdict changes', d.changed, (c) => (c.why ? [`      ${line(c.why)}`] : []));
  section('Still failing, with other evidence', d.evidenceChanged, (c) => [
    `      was: ${line(c.was ?? '')}`,
    `      now: ${line(c.why ?? '')}`,
  ]);
  if (d.onlyInA.length > 0) out.push(`Only in A (${d.onlyInA.length}): ${d.onlyInA.join(', ')}`);
  if (d.onlyInB.length > 0) out.push(`Only in B (${d.onlyInB.length}): ${d.onlyInB.join(', ')}`);
  out.push(
    `${d.newFailures.length} new failure(s), ${d.fixed.length} fixed, ${d.changed.length} other verdict change(s), ${d.evidenceChanged.length} with other evidence, ${d.same} unchanged, ${d.onlyInA.length} only in A, ${d.onlyInB.length} only in B`,
  );
  return `${out.join('\n')}\n`;
}

export class RunDocError extends Error {}

/** The run directory of `where` (a run directory, or its results.json). */
export function runDirOf(where: string): string {
  return existsSync(where) && statSync(where).isDirectory() ? where : path.dirname(where);
}

/** A run directory or its results.json, read as a RunDoc. */
export function readRunDoc(where: string): RunDoc {
  const file = existsSync(where) && statSync(where).isDirectory() ? path.join(where, 'results.json') : where;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RunDocError(`${file}: ${(e as Error).message}`);
  }
  const d = doc as Partial<RunDoc> | null;
  if (!d || typeof d !== 'object' || !Array.isArray(d.cases))
    throw new RunDocError(`${file}: not an mmscert results.json (no cases)`);
  return {
    ...d,
    runId: typeof d.runId === 'string' ? d.runId : path.basename(path.dirname(file)),
    cases: d.cases,
  };
}
