import type { ResolvedRequirement } from '../harness/case-model.ts';
import type { CaseResult, RunResult, Verdict } from '../harness/run-result.ts';

/** One requirement and what the run says about it. */
export interface CoverageRow {
  key: string;
  requirement: ResolvedRequirement;
  interfaces: string[];
  cases: { id: string; verdict: Verdict; known: boolean }[];
  /** Worst verdict over its cases: error > fail > inconclusive > pass > not-applicable. */
  verdict: Verdict;
}

const WORST: Record<Verdict, number> = { 'not-applicable': -1, pass: 0, inconclusive: 1, fail: 2, error: 3 };

export function requirementKey(r: ResolvedRequirement): string {
  return r.id ?? `${r.spec} ${r.clause} ${r.level}`;
}

/** Requirement coverage: every requirement any case cites, with its cases and verdict, sorted by spec and clause. */
export function requirementCoverage(run: Pick<RunResult, 'cases'>): CoverageRow[] {
  const rows = new Map<string, CoverageRow>();
  const add = (r: ResolvedRequirement, c: CaseResult) => {
    const key = requirementKey(r);
    let row = rows.get(key);
    if (!row) {
      row = { key, requirement: r, interfaces: [], cases: [], verdict: 'not-applicable' };
      rows.set(key, row);
    }
    for (const i of c.interfaces) if (!row.interfaces.includes(i)) row.interfaces.push(i);
    row.cases.push({ id: c.id, verdict: c.verdict, known: Boolean(c.known) });
    if (WORST[c.verdict] > WORST[row.verdict]) row.verdict = c.verdict;
  };
  for (const c of run.cases) {
    for (const r of c.requirements) add(r, c);
    // the encoding requirements a case failed on without citing them (findings.ts)
    for (const f of c.findings ?? [])
      if (!c.requirements.some((r) => requirementKey(r) === requirementKey(f.requirement)))
        add(f.requirement, c);
  }
  const clauseKey = (s: string) => s.replace(/\d+/g, (d) => d.padStart(6, '0'));
  return [...rows.values()].sort(
    (a, b) =>
      a.requirement.spec.localeCompare(b.requirement.spec) ||
      clauseKey(a.requirement.clause).localeCompare(clauseKey(b.requirement.clause)) ||
      a.key.localeCompare(b.key),
  );
}

/** Catalogue entries (suites/requirements.yaml) that no case of the run cites. */
export function uncoveredRequirements(run: Pick<RunResult, 'cases' | 'catalogue'>): ResolvedRequirement[] {
  const cited = new Set<string>();
  for (const c of run.cases) {
    for (const r of c.requirements) if (r.id) cited.add(r.id);
    for (const f of c.findings ?? []) if (f.requirement.id) cited.add(f.requirement.id);
  }
  return (run.catalogue ?? []).filter((r) => r.id && !cited.has(r.id));
}

/** coverage.md: the list as a Markdown table, then the catalogue entries no case covers. */
export function coverageMarkdown(run: Pick<RunResult, 'cases' | 'runId' | 'catalogue'>): string {
  const rows = requirementCoverage(run);
  const uncovered = uncoveredRequirements(run);
  const lines = [
    `# Requirement coverage — run ${run.runId}`,
    '',
    `${rows.length} requirements cited by ${run.cases.length} cases.`,
    '',
    '| spec | clause | level | verdict | cases |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.requirement.spec} | ${r.requirement.clause} | ${r.requirement.level} | ${r.verdict} | ${r.cases.map((c) => `${c.id} (${c.verdict}${c.known ? ', known' : ''})`).join(', ')} |`,
    ),
    '',
    `## Requirements no case of this run covers (${uncovered.length} of ${run.catalogue?.length ?? 0} in the catalogue)`,
    '',
    ...(uncovered.length === 0
      ? ['None.']
      : uncovered.map((r) => `- ${r.id}: ${r.spec} ${r.clause} (${r.level})${r.text ? ` — ${r.text}` : ''}`)),
    '',
  ];
  return lines.join('\n');
}
