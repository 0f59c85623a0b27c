/**
 * Checks an Artillery JSON report (`artillery run --output F`) of a run with the mmscert engine
 * (src/load/artillery-engine.ts): what a CI test of `artillery run` requires of the flows' counters.
 */

export interface ArtillerySummary {
  count?: number;
  p50?: number;
  p99?: number;
  max?: number;
}

export interface ArtilleryAggregate {
  counters?: Record<string, number>;
  summaries?: Record<string, ArtillerySummary>;
}

export interface FlowsExpectation {
  /** Flow kinds that must each have completed at least once. */
  kinds: readonly string[];
  /** Flows each virtual user runs (steps of its scenario): 1 in examples/load/artillery-mms.yml. */
  flowsPerUser?: number;
  /** Virtual users the phases create (sum of arrivalRate x duration); absent: not checked. */
  users?: number;
}

/** What is wrong with the report (empty: the flows ran, every one succeeded, all counted). */
export function checkFlowCounters(report: unknown, expect: FlowsExpectation): string[] {
  const agg = (report as { aggregate?: ArtilleryAggregate } | null)?.aggregate;
  if (!agg?.counters) return ['no aggregate counters in the report'];
  const c = agg.counters;
  const n = (k: string) => c[k] ?? 0;
  const problems: string[] = [];
  const created = n('vusers.created');
  if (created === 0) problems.push('no virtual user was created');
  if (expect.users !== undefined && created !== expect.users)
    problems.push(`vusers.created ${created} != ${expect.users} the phases create`);
  if (n('vusers.failed') > 0) problems.push(`vusers.failed = ${n('vusers.failed')}`);
  if (n('vusers.completed') !== created)
    problems.push(`vusers.completed ${n('vusers.completed')} != created ${created}`);
  for (const [k, v] of Object.entries(c)) {
    if (k.startsWith('errors.')) problems.push(`${k} = ${v}`);
    if (/^mmscert\.flows\..+\.failed$/.test(k) && v > 0) problems.push(`${k} = ${v}`);
  }
  let ok = 0;
  for (const [k, v] of Object.entries(c)) {
    const m = /^mmscert\.flows\.(.+)\.ok$/.exec(k);
    if (!m) continue;
    ok += v;
    const hist = agg.summaries?.[`mmscert.flow.${m[1]}`];
    if ((hist?.count ?? 0) !== v)
      problems.push(`mmscert.flow.${m[1]} has ${hist?.count ?? 0} latencies for ${v} flows`);
    else if (!(typeof hist?.p99 === 'number' && hist.p99 >= 0))
      problems.push(`mmscert.flow.${m[1]} has no p99`);
  }
  for (const kind of expect.kinds)
    if (n(`mmscert.flows.${kind}.ok`) === 0) problems.push(`no ${kind} flow succeeded`);
  const perUser = expect.flowsPerUser ?? 1;
  if (ok !== n('vusers.completed') * perUser)
    problems.push(
      `${ok} flows succeeded for ${n('vusers.completed')} virtual users of ${perUser} flow(s) each`,
    );
  return problems;
}

/** One line per flow kind: count and latency percentiles (ms), for the test's log. */
export function flowLatencyLines(report: unknown): string[] {
  const agg = (report as { aggregate?: ArtilleryAggregate } | null)?.aggregate;
  const lines: string[] = [];
  for (const [k, s] of Object.entries(agg?.summaries ?? {})) {
    if (!k.startsWith('mmscert.flow.')) continue;
    const f = (x: number | undefined) => (x === undefined ? '?' : x.toFixed(1));
    lines.push(
      `${k.slice('mmscert.flow.'.length)}: ${s.count ?? 0} flows, p50 ${f(s.p50)} p99 ${f(s.p99)} max ${f(s.max)} ms`,
    );
  }
  return lines;
}
