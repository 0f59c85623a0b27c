import { LEVELS } from '../harness/levels.ts';
import type { CaseResult, RunResult, Verdict } from '../harness/run-result.ts';
import { type BaselineView, baselineSection } from './baseline-section.ts';
import { formatBytes } from './byte-size.ts';
import { casePageName, requirementLine, verdictBadge } from './case-page.ts';
import { escapeXml as esc } from './escape.ts';
import { REPORT_CSS } from './report-style.ts';
import { requirementCoverage, uncoveredRequirements } from './requirement-coverage.ts';

/**
 * report.html, failures first, small enough to open at once (a few hundred kB for a full run):
 * the verdict counts per level; the failures, errors and inconclusives (clause, one-line why,
 * link to the case's page); the top causes; the requirement × verdict grid (one row per
 * requirement, Autobahn-style coloured cells, a chip per case); every case as one row. A few
 * lines of inline script filter the rows by interface, level and verdict and search their text
 * (the filter is kept in the URL's #fragment). The grid and the case list are parsed inside
 * <template>s and put in the page by the script once its top is painted, so the first paint does
 * not wait for thousands of table cells. Each case's details (sequence diagram, steps,
 * decoded PDUs, capture link) are on its own page, cases/<id>.html (case-page.ts), loaded only
 * when followed: fetch() of a file next to a page opened from file:// is refused by Chromium,
 * a link is not. Built from the cases without their timelines.
 */

const COLS: Array<{ v: Verdict; label: string }> = [
  { v: 'pass', label: 'pass' },
  { v: 'fail', label: 'fail' },
  { v: 'inconclusive', label: 'inconclusive' },
  { v: 'not-applicable', label: 'n/a' },
  { v: 'error', label: 'error' },
];

/** The verdict a row is filtered and coloured by: `known` for a known failure that did not pass. */
function shownVerdict(c: { verdict: Verdict; known?: unknown }): Verdict | 'known' {
  return c.known && c.verdict !== 'pass' ? 'known' : c.verdict;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function caseLink(id: string, text = id): string {
  return `<a class="case-link" href="${esc(casePageName(id))}">${esc(text)}</a>`;
}

/**
 * Attributes the filter script reads: interfaces, levels, verdicts (space separated). The search
 * runs over the row's text and its links' titles (read once by the script, not repeated here).
 */
function filterAttrs(o: {
  ifaces: readonly string[];
  levels: readonly string[];
  verdicts: readonly string[];
}): string {
  return ` data-f data-iface="${esc(o.ifaces.join(' '))}" data-level="${esc(o.levels.join(' '))}" data-verdict="${esc(o.verdicts.join(' '))}"`;
}

function counts(run: RunResult): string {
  const head = `<tr><th>level</th><th>cases</th>${COLS.map((c) => `<th>${c.label}</th>`).join('')}<th>known</th></tr>`;
  const row = (label: string, cases: readonly CaseResult[]) => {
    const n = (v: Verdict) => cases.filter((c) => c.verdict === v && !(c.known && v !== 'pass')).length;
    const known = cases.filter((c) => c.known && c.verdict !== 'pass').length;
    const cells = COLS.map((c) => {
      const k = n(c.v);
      return `<td class="n ${k > 0 ? `c-${c.v}` : 'z'}" data-col="${c.v}">${k}</td>`;
    });
    return `<tr data-level="${esc(label)}"><th>${esc(label)}</th><td class="n">${cases.length}</td>${cells.join('')}<td class="n ${known > 0 ? 'c-known' : 'z'}">${known}</td></tr>`;
  };
  const rows = LEVELS.map((l) => run.cases.filter((c) => c.level === l))
    .map((cases, i) => (cases.length > 0 ? row(LEVELS[i], cases) : ''))
    .join('');
  return `<table class="counts">${head}${rows}${row('all', run.cases)}</table>`;
}

const ATTENTION: Record<string, number> = { fail: 0, error: 1, inconclusive: 2 };
const LEVEL_RANK: Record<string, number> = { SHALL: 0, ROBUSTNESS: 1, SHOULD: 2, MAY: 3 };

/** Failed, errored and inconclusive cases: unexpected ones first, failures by level, known failures last. */
function failures(run: RunResult): string {
  const list = run.cases
    .filter((c) => c.verdict in ATTENTION)
    .sort(
      (a, b) =>
        Number(Boolean(a.known)) - Number(Boolean(b.known)) ||
        ATTENTION[a.verdict] - ATTENTION[b.verdict] ||
        LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
        a.id.localeCompare(b.id),
    );
  if (list.length === 0)
    return '<h2 id="failures">Failures and inconclusives (0)</h2><p>No case failed, erred or was inconclusive.</p>';
  const items = list.map((c) => {
    const req = c.requirements[0];
    const more =
      c.requirements.length > 1 ? ` <span class="muted">+${c.requirements.length - 1} more</span>` : '';
    const why = c.failure ? `${c.failure.label}: ${c.failure.message}` : '';
    return `<li class="attention"${filterAttrs({ ifaces: c.interfaces, levels: [c.level], verdicts: [shownVerdict(c)] })}>${verdictBadge(c)} ${caseLink(c.id)} ${esc(c.title)}
${req ? `<div class="clause">${requirementLine(req)}${more}</div>` : ''}${why ? `<div class="why" title="${esc(clip(why, 2000))}">${esc(clip(why, 260))}</div>` : ''}</li>`;
  });
  return `<h2 id="failures">Failures, errors and inconclusives (${list.length})</h2><ol class="failures">${items.join('\n')}</ol>`;
}

/** Failed and inconclusive cases grouped by first cause (the first ten), most frequent first. */
function topCausesTable(run: RunResult): string {
  const top = run.topCauses ?? [];
  if (top.length === 0) return '';
  const rows = top
    .slice(0, 10)
    .map(
      (t) =>
        `<tr><td class="n">${t.count}</td><td>${esc(clip(t.cause, 300))}</td><td>${t.cases.map((id) => caseLink(id)).join(', ')}${t.count > t.cases.length ? ' …' : ''}</td></tr>`,
    )
    .join('\n');
  return `<h2>Top causes</h2>
<table class="top-causes"><thead><tr><th>cases</th><th>first cause</th><th>which</th></tr></thead><tbody>
${rows}
</tbody></table>${top.length > 10 ? `<p class="muted">${top.length - 10} more causes in results.json</p>` : ''}
`;
}

function matrix(run: RunResult): string {
  const rows = requirementCoverage(run);
  if (rows.length === 0) return '<p class="muted">No case cites a requirement.</p>';
  const body = rows.map((r) => {
    const req = r.requirement;
    const cells = COLS.map((col) => {
      const k = r.cases.filter((c) => c.verdict === col.v && !(c.known && col.v !== 'pass')).length;
      return `<td class="n ${k > 0 ? `c-${col.v}` : 'z'}">${k}</td>`;
    });
    const known = r.cases.filter((c) => c.known && c.verdict !== 'pass').length;
    const chips = r.cases
      .map((c) => {
        const v = c.known && c.verdict !== 'pass' ? 'known' : c.verdict;
        return `<a class="chip c-${v}" href="${esc(casePageName(c.id))}" title="${esc(`${c.id}: ${v}`)}"></a>`;
      })
      .join('');
    const verdicts = [...new Set(r.cases.map((c) => shownVerdict(c)))];
    const worst = r.verdict;
    return `<tr${filterAttrs({ ifaces: r.interfaces, levels: [req.level], verdicts })}><td class="c c-${worst}">${worst}</td><td>${req.id ? `<b class="mono">${esc(req.id)}</b> ` : ''}${esc(req.spec)} ${esc(req.clause)}${req.text ? ` <span class="muted" title="${esc(req.text)}">${esc(clip(req.text, 110))}</span>` : ''}</td><td>${req.level}</td><td>${esc(r.interfaces.join(' '))}</td>${cells.join('')}<td class="n ${known > 0 ? 'c-known' : 'z'}">${known}</td><td class="chips">${chips}</td></tr>`;
  });
  return `<table class="grid matrix"><thead><tr><th>verdict</th><th>requirement</th><th>level</th><th>iface</th>${COLS.map((c) => `<th title="${c.label}">${c.label}</th>`).join('')}<th>known</th><th>cases</th></tr></thead><tbody>
${body.join('\n')}
</tbody></table>`;
}

function caseRows(run: RunResult): string {
  const rows = run.cases.map((c) => {
    const v = shownVerdict(c);
    return `<tr${filterAttrs({ ifaces: c.interfaces, levels: [c.level], verdicts: [v] })}><td class="c c-${v}">${v === 'fail' ? `fail ${c.level}` : v}</td><td class="mono">${caseLink(c.id)}</td><td title="${esc([...c.requirements.map((r) => r.id ?? `${r.spec} ${r.clause}`), ...c.tags].join(' '))}">${esc(c.title)}</td><td>${c.level}</td><td>${esc(c.interfaces.join(' '))}</td><td class="n">${c.durationMs}</td></tr>`;
  });
  return `<table class="grid cases"><thead><tr><th>verdict</th><th>case</th><th>title</th><th>level</th><th>iface</th><th>ms</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** The catalogue entries no case of this run cites (collapsed). */
function uncoveredSection(run: RunResult): string {
  if (!run.catalogue) return '';
  const rows = uncoveredRequirements(run);
  return `<details class="uncovered"><summary>Requirements no case covers (${rows.length} of ${run.catalogue.length})</summary>
<ul>${rows.map((r) => `<li><b>${esc(r.id ?? '')}</b> ${esc(r.spec)} ${esc(r.clause)} (${r.level})${r.text ? ` — ${esc(r.text)}` : ''}</li>`).join('')}</ul></details>`;
}

function options(values: readonly string[]): string {
  return values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
}

/**
 * Puts the grid and the case list (parsed inside <template>s, so never styled or laid out before)
 * into the page once it painted its top; filters every element with data-f; the filter's state
 * lives in location.hash (kept across back/forward).
 */
const SCRIPT = `(function(){
var $=function(id){return document.getElementById(id)},f={iface:$('f-iface'),level:$('f-level'),verdict:$('f-verdict'),q:$('f-q')};
var items,text;
function collect(){items=[].slice.call(document.querySelectorAll('[data-f]'));text=null}
function filtered(){return ['iface','level','verdict','q'].some(function(k){return f[k].value})}
function mount(){[].forEach.call(document.querySelectorAll('template[data-mount]'),function(t){t.replaceWith(t.content)});
 collect();if(filtered())apply();document.body.setAttribute('data-mounted','');if(performance.mark)performance.mark('mmscert-mounted')}
collect();
function index(){text=items.map(function(e){var t=e.textContent;[].forEach.call(e.querySelectorAll('[title]'),function(a){t+=' '+a.title});return t.toLowerCase()})}
function has(list,v){return !v||(' '+list+' ').indexOf(' '+v+' ')>=0}
function apply(){
 var i=f.iface.value,l=f.level.value,v=f.verdict.value,q=f.q.value.toLowerCase().split(/\\s+/).filter(Boolean),n={};
 if(q.length&&!text)index();
 items.forEach(function(e,k){var d=e.dataset,ok=has(d.iface,i)&&has(d.level,l)&&has(d.verdict,v)&&q.every(function(w){return text[k].indexOf(w)>=0});
  e.hidden=!ok;var s=e.closest('[data-section]').getAttribute('data-section');n[s]=(n[s]||0)+(ok?1:0)});
 [].forEach.call(document.querySelectorAll('[data-shown]'),function(e){e.textContent=n[e.getAttribute('data-shown')]||0});
 var h=['iface','level','verdict','q'].filter(function(k){return f[k].value}).map(function(k){return k+'='+encodeURIComponent(f[k].value)}).join('&');
 history.replaceState(null,'',h?'#'+h:location.pathname+location.search);
}
location.hash.slice(1).split('&').forEach(function(p){var kv=p.split('='),e=f[kv[0]];if(e&&kv[1]!==undefined)e.value=decodeURIComponent(kv[1])});
for(var k in f)f[k].addEventListener('input',apply);
if(filtered())apply();
requestAnimationFrame(function(){setTimeout(mount,0)});
})();`;

/**
 * report.html (a whole document). `runPcapng`: the run's merged capture, when written;
 * `baseline`: the comparison with an earlier run (`mmscert run --baseline`), shown after the counts.
 */
export function htmlReport(
  run: RunResult,
  opts: { runPcapng?: string; baseline?: BaselineView } = {},
): string {
  const coverage = requirementCoverage(run);
  const ifaces = [...new Set(run.cases.flatMap((c) => c.interfaces))].sort();
  const kept =
    run.evidence === 'failing'
      ? ' · evidence (captures, diagrams, PDUs) kept for failing, erring and inconclusive cases only'
      : '';
  const dropped = run.outputBound?.evidenceDropped ?? [];
  const bound = run.outputBound
    ? ` · reports bounded to ${formatBytes(run.outputBound.maxBytes)} (--max-output)${dropped.length > 0 ? `: <b>evidence of ${dropped.length} failing case(s) not kept</b> (the first failures keep theirs; rerun the others with --suite)` : ''}`
    : '';
  const n = run.cases.filter((c) => c.verdict in ATTENTION).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>mmscert ${esc(run.runId)}: ${run.summary.unexpected > 0 ? `${run.summary.unexpected} unexpected` : 'ok'}</title><style>${REPORT_CSS}</style></head>
<body>
<h1>mmscert run ${esc(run.runId)}</h1>
<p class="meta">Target: <b>${esc(run.target.description)}</b> (${esc(run.target.kind)}) · seed ${run.seed} · ${run.jobs} job(s) · ${run.durationMs} ms · ${esc(run.startedAt)}${opts.runPcapng ? ` · <a href="${esc(opts.runPcapng)}">${esc(opts.runPcapng)}</a>` : ''} · <a href="results.json">results.json</a>${kept}${bound}</p>
${counts(run)}
<p class="summary-line">${run.summary.total} cases · <b>${run.summary.unexpected} unexpected</b> (gate: ${esc(run.failOn)}) · ${run.summary.known} known failure(s) · ${run.summary.fixed} fixed${run.aborted ? ` · <b>run stopped: ${esc(run.aborted.reason)}; ${run.aborted.notRun.length} case(s) not run</b>` : ''}</p>
${baselineSection(opts.baseline)}
<div class="filters">
<label>interface <select id="f-iface"><option value="">all</option>${options(ifaces)}</select></label>
<label>level <select id="f-level"><option value="">all</option>${options(LEVELS)}</select></label>
<label>verdict <select id="f-verdict"><option value="">all</option>${options(['fail', 'error', 'inconclusive', 'known', 'pass', 'not-applicable'])}</select></label>
<label>search <input id="f-q" type="search" placeholder="case id, clause, requirement, text"></label>
<span class="muted">shown: <span data-shown="failures">${n}</span> failing · <span data-shown="matrix">${coverage.length}</span> requirements · <span data-shown="cases">${run.cases.length}</span> cases</span>
</div>
<section data-section="failures">${failures(run)}</section>
${topCausesTable(run)}
<noscript><p>The requirement grid and the case list are shown by the page's script (coverage.md and results.json hold them too).</p></noscript>
<section class="lazy" data-section="matrix"><h2 id="matrix">Requirements × verdict (${coverage.length})</h2>
<template data-mount>${matrix(run)}</template></section>
<section class="lazy" data-section="cases"><h2 id="cases">Cases (${run.cases.length})</h2>
<template data-mount>${caseRows(run)}</template></section>
${uncoveredSection(run)}
<script>${SCRIPT}</script>
</body></html>
`;
}
