import { describe, expect, it } from 'vitest';
import { baselineSection } from './baseline-section.ts';
import { diffRuns, type RunDoc } from './run-diff.ts';
import { type MatrixColumn, matrixHtml } from './run-matrix.ts';

const req = (id: string) => ({ id, spec: 'OMA-TS-MMS_ENC-V1_3', clause: id, level: 'SHALL' });
const a: RunDoc = {
  runId: 'RA',
  seed: 1,
  target: { description: 'embedded reference MMSC' },
  tool: { version: '0.1.0' },
  cases: [
    { id: 'x.1', title: 'one', verdict: 'pass', requirements: [req('R1')] },
    {
      id: 'x.2',
      title: 'two',
      verdict: 'fail',
      requirements: [req('R1')],
      failure: { message: 'no conf\nmore' },
    },
    { id: 'x.3', title: 'three <b>', verdict: 'pass', requirements: [req('R2')] },
    { id: 'x.4', title: 'four', verdict: 'fail', known: { reason: 'r' } },
  ],
};
const b: RunDoc = {
  runId: 'RB',
  target: { description: 'vendor X 4.2' },
  cases: [
    { id: 'x.1', title: 'one', verdict: 'pass', requirements: [req('R1')] },
    { id: 'x.2', title: 'two', verdict: 'pass', requirements: [req('R1')] },
    {
      id: 'x.3',
      title: 'three <b>',
      verdict: 'error',
      requirements: [req('R2')],
      failure: { message: 'peer broke' },
    },
    { id: 'x.5', title: 'five', verdict: 'not-applicable' },
  ],
};
const cols: MatrixColumn[] = [
  { doc: a, href: 'runs/a', pages: new Set(['x.1', 'x.2', 'x.3', 'x.4']) },
  { doc: b, href: '.', pages: new Set(['x.3']) },
];

/** The <tr> of the table section `section` whose row header contains `text`. */
function row(html: string, section: string, text: string): string {
  const s = html.slice(html.indexOf(`data-section="${section}"`));
  const body = s.slice(0, s.indexOf('</table>'));
  const r = body.split('\n').find((l) => l.startsWith('<tr') && l.includes(text));
  if (!r) throw new Error(`no row ${text} in ${section}`);
  return r;
}

describe('matrixHtml: runs side by side', () => {
  const html = matrixHtml(cols);

  it('one column per run, headed by its target description, linking to its report', () => {
    expect(html).toContain(
      '<div class="target">embedded reference MMSC</div><a class="mono" href="runs/a/report.html">RA</a>',
    );
    expect(html).toContain('<div class="target">vendor X 4.2</div><a class="mono" href="report.html">RB</a>');
    expect(html.match(/<th class="run"/g)?.length).toBe(4); // two columns in each table
  });

  it('one row per case, a coloured cell per run linking to the page the run wrote', () => {
    const x3 = row(html, 'cases', 'x.3');
    expect(x3).toContain('<td class="m c-pass"><a href="runs/a/cases/x.3.html"');
    expect(x3).toContain(
      '<td class="m c-error"><a href="cases/x.3.html" title="x.3: error — peer broke">error</a>',
    );
    expect(x3).toContain(' data-differs');
    expect(x3).toContain('three &lt;b&gt;');
    // no page in run B: a cell without a link
    expect(row(html, 'cases', 'x.2')).toContain('<td class="m c-pass"><span title="x.2: pass">pass</span>');
    expect(row(html, 'cases', 'x.1')).not.toContain('data-differs');
    // a known failure is shown as known; a case a run does not have is a blank cell
    const x4 = row(html, 'cases', 'x.4');
    expect(x4).toContain('c-known');
    expect(x4).toContain('<td class="m absent" title="not in this run">–</td>');
    expect(row(html, 'cases', 'x.5')).toMatch(/absent.*c-not-applicable/);
  });

  it('one row per requirement: the worst verdict of the run’s cases citing it', () => {
    const r1 = row(html, 'requirements', 'R1');
    expect(r1).toMatch(
      /<td class="m c-fail"><a href="runs\/a\/cases\/x\.2\.html" title="2 case\(s\); worst: x\.2 fail: no conf">FAIL<\/a>/,
    );
    expect(r1).toContain('<td class="m c-pass"><span');
    expect(r1).toContain('data-differs');
    expect(row(html, 'requirements', 'R2')).toContain('c-error');
    expect(html).toContain(
      '5 cases, 4 with verdicts that differ between the runs · 2 requirements, 2 that differ',
    );
  });
});

describe('baselineSection: the comparison in report.html', () => {
  it('lists new failures, fixed and other changes, each linking to both runs', () => {
    const html = baselineSection({ diff: diffRuns(a, b), href: '../RA' });
    expect(html).toContain('<a href="../RA/report.html">RA (embedded reference MMSC');
    expect(html).toMatch(
      /<ul class="changes" data-changes="new"><li data-case="x.3">.*<a class="case-link" href="cases\/x\.3\.html">x\.3<\/a> <a class="baseline-link" href="\.\.\/RA\/cases\/x\.3\.html">baseline<\/a>.*peer broke/,
    );
    expect(html).toMatch(/data-changes="fixed"><li data-case="x.2">/);
    expect(html).toMatch(
      /Only in the baseline \(1\)<\/h3><p class="mono" data-changes="only-baseline">x\.4</,
    );
    expect(html).toContain('1 new failure(s), 1 fixed');
    expect(html).toContain('target: embedded reference MMSC -&gt; vendor X 4.2');
    expect(baselineSection(undefined)).toBe('');
  });
});
