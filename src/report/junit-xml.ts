import type { CaseResult, RunResult } from '../harness/run-result.ts';
import { familyOf, primaryInterface } from './case-group.ts';
import { escapeXml, xmlSafeText } from './escape.ts';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function failureBody(c: CaseResult): string {
  const f = c.failure;
  if (!f) return '';
  const lines = [
    `${f.label} at ${f.source.file}:${f.source.line}:${f.source.col}`,
    f.message,
    ...(f.expected !== undefined ? [`expected: ${f.expected}`] : []),
    ...(f.observed !== undefined ? [`observed: ${JSON.stringify(f.observed, null, 2)}`] : []),
    `seed: ${c.seed}`,
  ];
  return xmlSafeText(lines.join('\n'));
}

function testcase(c: CaseResult, classname: string): string {
  const attrs = `classname="${escapeXml(classname)}" name="${xmlSafeText(`${c.id} ${c.title}`)}" time="${seconds(c.durationMs)}" file="${escapeXml(c.source.file)}" line="${c.source.line}"`;
  const props = c.requirements
    .map(
      (r) =>
        `      <property name="requirement" value="${xmlSafeText(`${r.level} ${r.spec} ${r.clause}${r.id ? ` (${r.id})` : ''}`)}"/>`,
    )
    .join('\n');
  const parts: string[] = [];
  if (props) parts.push(`    <properties>\n${props}\n    </properties>`);
  const message = c.failure ? xmlSafeText(c.failure.message) : '';
  if (c.known && c.verdict !== 'pass') {
    parts.push(
      `    <skipped message="known failure: ${xmlSafeText(c.known.reason)} (${c.verdict}: ${message})"/>`,
    );
  } else if (c.verdict === 'not-applicable') {
    const why = c.notApplicable?.reasons.join('; ') ?? 'outside the ICS';
    parts.push(`    <skipped message="not applicable: ${xmlSafeText(why)}"/>`);
  } else if (c.verdict === 'inconclusive') {
    // JUnit has no inconclusive: an error, typed, so a CI gate does not take it for a pass
    parts.push(`    <error message="inconclusive: ${message}" type="inconclusive">${failureBody(c)}</error>`);
  } else if (c.verdict === 'fail') {
    parts.push(`    <failure message="${message}" type="${c.level}">${failureBody(c)}</failure>`);
  } else if (c.verdict === 'error') {
    parts.push(`    <error message="${message}" type="error">${failureBody(c)}</error>`);
  }
  if (c.pcapng) parts.push(`    <system-out>capture: ${escapeXml(c.pcapng)}</system-out>`);
  return parts.length === 0
    ? `  <testcase ${attrs}/>`
    : `  <testcase ${attrs}>\n${parts.join('\n')}\n  </testcase>`;
}

/**
 * junit.xml: one <testsuite> per interface and family (`MM1 mm1.send`), a <failure> (typed by
 * requirement level) or <error> with expected vs observed; known failures are <skipped>.
 */
export function junitXml(run: RunResult): string {
  const groups = new Map<string, CaseResult[]>();
  for (const c of run.cases) {
    const key = `${primaryInterface(c)} ${familyOf(c)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const suites: string[] = [];
  for (const [name, cases] of groups) {
    const failures = cases.filter((c) => c.verdict === 'fail' && !c.known).length;
    const errors = cases.filter(
      (c) => (c.verdict === 'error' || c.verdict === 'inconclusive') && !c.known,
    ).length;
    const skipped = cases.filter(
      (c) => (c.known && c.verdict !== 'pass') || c.verdict === 'not-applicable',
    ).length;
    const time = cases.reduce((s, c) => s + c.durationMs, 0);
    suites.push(
      `<testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${cases[0]?.startedAt.slice(0, 19) ?? ''}">\n${cases.map((c) => testcase(c, name)).join('\n')}\n</testsuite>`,
    );
  }
  const s = run.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mmscert ${escapeXml(run.runId)}" tests="${s.total}" failures="${run.cases.filter((c) => c.verdict === 'fail' && !c.known).length}" errors="${run.cases.filter((c) => (c.verdict === 'error' || c.verdict === 'inconclusive') && !c.known).length}" skipped="${run.cases.filter((c) => c.verdict === 'not-applicable').length}" time="${seconds(run.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
