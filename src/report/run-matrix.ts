import { casePageName } from './case-page.ts';
import { escapeXml as esc } from './escape.ts';
import { REPORT_CSS } from './report-style.ts';
import type { RunDoc } from './run-diff.ts';

/**
 * `mmscert matrix RUN_A RUN_B ...`: several runs (several targets, or one target over time) side
 * by side on one page, the way Autobahn|Testsuite compares agents: one column per run (its target
 * description, run id, tool version, counts), one row per requirement (the worst verdict of the
 * run's cases citing it) and one row per case (its verdict), each cell coloured by verdict and
 * linking to that run's page of the case (cases/<id>.html) when the run wrote one. Rows whose
 * verdicts differ between the runs are marked; a few lines of script filter to them, by verdict,
 * or by free text. Reads results.json only (any age: what a run did not record is left blank).
 */

export interface MatrixColumn {
  doc: RunDoc;
  /** The run's directory relative to the page (links to its report.html and case pages). */
  href: string;
  /** Case ids whose page the run wrote (cases/<id>.html): cells link only to pages that exist. */
  pages: ReadonlySet<string>;
}

type Case = RunDoc['cases'][number];

/** Worst first: a requirement's cell shows the worst verdict among its cases. */
const RANK: Record<string, number> = {
  error: 0,
  fail: 1,
  inconclusive: 2,
  known: 3,
  pass: 4,
  'not-applicable': 5,
};

const SHORT: Record<string, string> = {
  pass: 'pass',
  fail: 'FAIL',
  error: 'error',
  inconclusive: 'inconcl.',
  'not-applicable': 'n/a',
  known: 'known',
};

function shown(c: Case): string {
  return c.known && c.verdict !== 'pass' ? 'known' : c.verdict;
}

function link(dir: string, file: string): string {
  const d = dir.replace(/\\/g, '/').replace(/\/$/, '');
  return d === '' || d === '.' ? file : `${d}/${file}`;
}

function firstLine(s: string | undefined, n = 300): string {
  const one = (s ?? '').split('\n')[0];
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function reqKey(r: NonNullable<Case['requirements']>[number]): string {
  return r.id ?? `${r.spec ?? ''} ${r.clause ?? ''}`.trim();
}

function columnHead(col: MatrixColumn, i: number): string {
  const d = col.doc;
  const n = (v: string) => d.cases.filter((c) => shown(c) === v).length;
  const counts = ['pass', 'fail', 'error', 'inconclusive', 'not-applicable', 'known']
    .map((v) => (n(v) > 0 ? `<span class="v v-${v}">${n(v)} ${SHORT[v]}</span>` : ''))
    .join(' ');
  const tool = d.tool?.version
    ? `mmscert ${d.tool.version}${d.tool.commit ? ` ${d.tool.commit.slice(0, 8)}` : ''}`
    : '';
  return `<th class="run" data-run="${i}"><div class="target">${esc(d.target?.description ?? 'unknown target')}</div><a class="mono" href="${esc(link(col.href, 'report.html'))}">${esc(d.runId)}</a><div class="muted">${esc([tool, d.startedAt ?? '', d.seed !== undefined ? `seed ${d.seed}` : ''].filter(Boolean).join(' · '))}</div><div>${counts}</div></th>`;
}

/** One coloured cell; `c` absent: the run has no such case. */
function cell(col: MatrixColumn, id: string, verdict: string | undefined, title: string): string {
  if (verdict === undefined) return '<td class="m absent" title="not in this run">–</td>';
  const text = esc(SHORT[verdict] ?? verdict);
  const inner = col.pages.has(id)
    ? `<a href="${esc(link(col.href, casePageName(id)))}" title="${esc(title)}">${text}</a>`
    : `<span title="${esc(title)}">${text}</span>`;
  return `<td class="m c-${esc(verdict)}">${inner}</td>`;
}

/** The verdicts of one row differ between the runs (a run without the case counts as different). */
function differ(verdicts: Array<string | undefined>): boolean {
  return new Set(verdicts.map((v) => v ?? 'absent')).size > 1;
}

function rowAttrs(verdicts: Array<string | undefined>, text: string): string {
  const present = verdicts.filter((v): v is string => v !== undefined);
  const differs = differ(verdicts);
  return ` data-f data-verdict="${esc([...new Set(present)].join(' '))}"${differs ? ' data-differs' : ''} data-text="${esc(text.toLowerCase())}"`;
}

function requirementRows(cols: readonly MatrixColumn[]): { rows: string[]; n: number; differ: number } {
  const reqs = new Map<string, { label: string; level: string; text: string; cases: Set<string> }>();
  for (const col of cols)
    for (const c of col.doc.cases)
      for (const r of c.requirements ?? []) {
        const k = reqKey(r);
        if (!k) continue;
        const e = reqs.get(k) ?? {
          label: r.id ? `${r.id} ${r.spec ?? ''} ${r.clause ?? ''}` : k,
          level: r.level ?? '',
          text: r.text ?? '',
          cases: new Set<string>(),
        };
        e.cases.add(c.id);
        reqs.set(k, e);
      }
  const byId = cols.map((col) => new Map(col.doc.cases.map((c) => [c.id, c])));
  let differing = 0;
  const rows = [...reqs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, r]) => {
      const verdicts = byId.map((m) => {
        const mine = [...r.cases].map((id) => m.get(id)).filter((c): c is Case => c !== undefined);
        if (mine.length === 0) return { v: undefined, worst: undefined as Case | undefined, n: 0 };
        const worst = mine.reduce((w, c) => (RANK[shown(c)] < RANK[shown(w)] ? c : w));
        return { v: shown(worst), worst, n: mine.length };
      });
      const cells = verdicts.map((x, i) =>
        x.v === undefined || !x.worst
          ? cell(cols[i], '', undefined, '')
          : cell(
              cols[i],
              x.worst.id,
              x.v,
              `${x.n} case(s); worst: ${x.worst.id} ${x.v}${x.worst.failure?.message ? `: ${firstLine(x.worst.failure.message)}` : ''}`,
            ),
      );
      const text = `${r.label} ${r.text} ${[...r.cases].join(' ')}`;
      if (differ(verdicts.map((x) => x.v))) differing++;
      return `<tr${rowAttrs(
        verdicts.map((x) => x.v),
        text,
      )}><th class="row"><b class="mono">${esc(r.label)}</b> <span class="muted">${esc(r.level)}</span>${r.text ? ` <span class="muted" title="${esc(r.text)}">${esc(firstLine(r.text, 90))}</span>` : ''}</th>${cells.join('')}</tr>`;
    });
  return { rows, n: reqs.size, differ: differing };
}

function caseRows(cols: readonly MatrixColumn[]): { rows: string[]; n: number; differ: number } {
  const ids: string[] = [];
  const info = new Map<string, Case>();
  for (const col of cols)
    for (const c of col.doc.cases)
      if (!info.has(c.id)) {
        info.set(c.id, c);
        ids.push(c.id);
      }
  ids.sort();
  const byId = cols.map((col) => new Map(col.doc.cases.map((c) => [c.id, c])));
  let differing = 0;
  const rows = ids.map((id) => {
    const c = info.get(id) as Case;
    const verdicts = byId.map((m) => {
      const x = m.get(id);
      return x ? shown(x) : undefined;
    });
    const cells = byId.map((m, i) => {
      const x = m.get(id);
      return cell(
        cols[i],
        id,
        x ? shown(x) : undefined,
        x ? `${id}: ${shown(x)}${x.failure?.message ? ` — ${firstLine(x.failure.message)}` : ''}` : '',
      );
    });
    const reqs = (c.requirements ?? []).map(reqKey).join(' ');
    const text = `${id} ${c.title ?? ''} ${reqs} ${(c.interfaces ?? []).join(' ')}`;
    if (differ(verdicts)) differing++;
    return `<tr${rowAttrs(verdicts, text)}><th class="row"><span class="mono">${esc(id)}</span> ${esc(c.title ?? '')}${reqs ? ` <span class="muted mono">${esc(reqs)}</span>` : ''}</th>${cells.join('')}</tr>`;
  });
  return { rows, n: ids.length, differ: differing };
}

const MATRIX_CSS = `
table.runs th.run{min-width:120px;max-width:220px;font-weight:normal;vertical-align:bottom}
table.runs th.run .target{font-weight:600}
table.runs th.row{font-weight:normal;background:none;max-width:640px}
table.runs td.m{text-align:center;font-size:12px;font-weight:600;white-space:nowrap;padding:1px 6px}
table.runs td.m a,table.runs td.m span{color:inherit;text-decoration:none;display:block}
table.runs td.absent{color:#bbb}
table.runs tr[data-differs]>th.row{border-left:4px solid #c77}
`;

const SCRIPT = `(function(){
var $=function(id){return document.getElementById(id)},d=$('f-differs'),v=$('f-verdict'),q=$('f-q');
var rows=[].slice.call(document.querySelectorAll('[data-f]'));
function apply(){var w=q.value.toLowerCase().split(/\\s+/).filter(Boolean),n={};
 rows.forEach(function(r){var ok=(!d.checked||r.hasAttribute('data-differs'))&&(!v.value||(' '+r.dataset.verdict+' ').indexOf(' '+v.value+' ')>=0)&&w.every(function(x){return r.dataset.text.indexOf(x)>=0});
  r.hidden=!ok;var s=r.closest('[data-section]').getAttribute('data-section');n[s]=(n[s]||0)+(ok?1:0)});
 [].forEach.call(document.querySelectorAll('[data-shown]'),function(e){e.textContent=n[e.getAttribute('data-shown')]||0})}
[d,v,q].forEach(function(e){e.addEventListener('input',apply)});apply();
})();`;

/** The page (a whole HTML document). */
export function matrixHtml(cols: readonly MatrixColumn[]): string {
  const head = `<tr><th></th>${cols.map((c, i) => columnHead(c, i)).join('')}</tr>`;
  const reqs = requirementRows(cols);
  const cases = caseRows(cols);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>mmscert matrix: ${cols.length} run(s)</title><style>${REPORT_CSS}${MATRIX_CSS}</style></head>
<body>
<h1>mmscert: ${cols.length} runs side by side</h1>
<p class="meta">${cols.map((c) => `<b>${esc(c.doc.target?.description ?? 'unknown target')}</b> (${esc(c.doc.runId)})`).join(' · ')}</p>
<p class="summary-line">${cases.n} cases, ${cases.differ} with verdicts that differ between the runs · ${reqs.n} requirements, ${reqs.differ} that differ</p>
<div class="filters">
<label><input type="checkbox" id="f-differs"> only rows that differ</label>
<label>verdict <select id="f-verdict"><option value="">any</option>${['fail', 'error', 'inconclusive', 'known', 'pass', 'not-applicable'].map((v) => `<option value="${v}">${v}</option>`).join('')}</select></label>
<label>search <input id="f-q" type="search" placeholder="case id, requirement, clause, text"></label>
<span class="muted">shown: <span data-shown="requirements">${reqs.n}</span> requirements · <span data-shown="cases">${cases.n}</span> cases</span>
</div>
<section data-section="requirements"><h2 id="requirements">Requirements × run (${reqs.n})</h2>
<table class="grid runs"><thead>${head}</thead><tbody>
${reqs.rows.join('\n')}
</tbody></table></section>
<section data-section="cases"><h2 id="cases">Cases × run (${cases.n})</h2>
<table class="grid runs"><thead>${head}</thead><tbody>
${cases.rows.join('\n')}
</tbody></table></section>
<script>${SCRIPT}</script>
</body></html>
`;
}
