import { casePageName } from './case-page.ts';
import { escapeXml as esc } from './escape.ts';
import type { CaseChange, RunDiff } from './run-diff.ts';

/**
 * The comparison section of report.html when `mmscert run --baseline RUN_DIR` was given: the
 * same comparison as `mmscert diff BASELINE THIS_RUN` (run-diff.ts): new failures, fixed, other
 * verdict changes, failures whose evidence changed, cases only one run has, and how the runs
 * differ (tool, target, ICS, seed, machine). Each case links to its page in this run and, where
 * the baseline wrote one, in the baseline (`href`: the baseline's directory relative to this
 * report's).
 */
export interface BaselineView {
  diff: RunDiff;
  /** The baseline run's directory, relative to the report's (links to its report and case pages). */
  href?: string;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function hrefIn(dir: string, file: string): string {
  return `${dir.replace(/\\/g, '/').replace(/\/$/, '')}/${file}`;
}

function changeItem(c: CaseChange, href: string | undefined, detail: string): string {
  const base = href
    ? ` <a class="baseline-link" href="${esc(hrefIn(href, casePageName(c.id)))}">baseline</a>`
    : '';
  return `<li data-case="${esc(c.id)}"><span class="v v-${esc(c.from)}">${esc(c.from)}</span> &rarr; <span class="v v-${esc(c.to)}">${esc(c.to)}</span> <a class="case-link" href="${esc(casePageName(c.id))}">${esc(c.id)}</a>${base} ${esc(c.title)}${detail}</li>`;
}

function why(label: string, s: string | undefined): string {
  return s ? `<div class="why" title="${esc(clip(s, 2000))}">${label}${esc(clip(s, 260))}</div>` : '';
}

/** The section (an empty string without a baseline). */
export function baselineSection(view: BaselineView | undefined): string {
  if (!view) return '';
  const { diff: d, href } = view;
  const list = (key: string, title: string, items: CaseChange[], detail: (c: CaseChange) => string) =>
    items.length === 0
      ? ''
      : `<h3>${title} (${items.length})</h3><ul class="changes" data-changes="${key}">${items.map((c) => changeItem(c, href, detail(c))).join('\n')}</ul>`;
  const ids = (key: string, title: string, items: string[]) =>
    items.length === 0
      ? ''
      : `<h3>${title} (${items.length})</h3><p class="mono" data-changes="${key}">${items.map(esc).join(', ')}</p>`;
  const b = d.a;
  const who = `${esc(b.runId)} (${esc(b.target?.description ?? 'unknown target')}, mmscert ${esc(b.tool?.version ?? '?')}${b.tool?.commit ? ` ${esc(b.tool.commit.slice(0, 12))}` : ''}, seed ${esc(String(b.seed ?? '?'))})`;
  const summary = `${d.newFailures.length} new failure(s), ${d.fixed.length} fixed, ${d.changed.length} other verdict change(s), ${d.evidenceChanged.length} failing with other evidence, ${d.same} unchanged, ${d.onlyInA.length} only in the baseline, ${d.onlyInB.length} only in this run`;
  const setup =
    d.setup.length === 0
      ? ''
      : `<details class="setup"><summary>How the runs differ (${d.setup.length})</summary><ul>${d.setup.map((s) => `<li class="mono">${esc(s)}</li>`).join('')}</ul></details>`;
  return `<section class="baseline" data-section="baseline"><h2 id="baseline">Compared with the baseline</h2>
<p>Baseline: ${href ? `<a href="${esc(hrefIn(href, 'report.html'))}">${who}</a>` : who}</p>
<p class="summary-line" data-baseline-summary>${d.newFailures.length > 0 ? '<b>' : ''}${summary}${d.newFailures.length > 0 ? '</b>' : ''}</p>
${list('new', 'New failures', d.newFailures, (c) => why('', c.why))}
${list('fixed', 'Fixed', d.fixed, () => '')}
${list('changed', 'Other verdict changes', d.changed, (c) => why('', c.why))}
${list('evidence', 'Still failing, with other evidence', d.evidenceChanged, (c) => `${why('was: ', c.was)}${why('now: ', c.why)}`)}
${ids('only-baseline', 'Only in the baseline', d.onlyInA)}
${ids('only-this', 'Only in this run', d.onlyInB)}
${setup}</section>`;
}
