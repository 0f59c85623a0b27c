import type { CaseResult, RunResult, Verdict } from '../harness/run-result.ts';
import { jsonReplacer } from '../util/json.ts';
import type { MessageObservation } from '../wire/timeline.ts';
import { escapeXml as esc } from './escape.ts';
import { requirementCoverage, uncoveredRequirements } from './requirement-coverage.ts';
import { sequenceDiagramSvg } from './sequence-diagram.ts';

/**
 * report.html: ONE self-contained file (inline CSS and SVG, no scripts, no external assets):
 * the summary, a requirement x verdict matrix per interface, the requirement coverage list, and
 * each case with its sequence diagram, decoded PDUs, expected vs observed and its .pcapng link.
 */

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.muted{color:#777}.mono,pre{font-family:ui-monospace,monospace;font-size:12px}
pre{background:#f7f7f7;padding:6px;overflow:auto;max-height:360px;white-space:pre-wrap}
.v{display:inline-block;padding:1px 7px;border-radius:9px;font-weight:600;font-size:12px}
.v-pass{background:#d9f2dd;color:#165c22}.v-fail{background:#fbdada;color:#8a1010}.v-error{background:#fde5c2;color:#7a4300}.v-inconclusive{background:#fff3b0;color:#6b5800}.v-not-applicable{background:#eee;color:#555}
.v-known{background:#e6e6e6;color:#444}.v-should{background:#fff0c2;color:#6b5200}
td.c-pass{background:#eefaf0}td.c-fail{background:#fdeeee}td.c-error{background:#fff4e3}
details.case{border:1px solid #ddd;border-radius:6px;margin:8px 0;padding:6px 10px}
details.case>summary{cursor:pointer}.seqwrap{overflow:auto;border:1px solid #eee;margin:8px 0}
.ev{display:grid;grid-template-columns:1fr 1fr;gap:10px}.ev>div{min-width:0}
`;

function badge(c: CaseResult): string {
  if (c.known && c.verdict !== 'pass') return `<span class="v v-known">${c.verdict} (known)</span>`;
  if (c.verdict === 'fail' && c.level !== 'SHALL') return `<span class="v v-should">fail (${c.level})</span>`;
  return `<span class="v v-${c.verdict}">${c.verdict}${c.verdict === 'fail' ? ` (${c.level})` : ''}</span>`;
}

function caseAnchor(id: string): string {
  return `case-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

function json(v: unknown): string {
  return esc(JSON.stringify(v, jsonReplacer, 2) ?? 'null');
}

function matrix(run: RunResult): string {
  const rows = requirementCoverage(run);
  if (rows.length === 0) return '<p class="muted">No case cites a requirement.</p>';
  const byIface = new Map<string, typeof rows>();
  for (const r of rows)
    for (const i of r.interfaces.length > 0 ? r.interfaces : ['other'])
      byIface.set(i, [...(byIface.get(i) ?? []), r]);
  const cols: Array<{ v: Verdict | 'known'; label: string }> = [
    { v: 'pass', label: 'pass' },
    { v: 'fail', label: 'fail' },
    { v: 'inconclusive', label: 'inconclusive' },
    { v: 'not-applicable', label: 'n/a' },
    { v: 'error', label: 'error' },
    { v: 'known', label: 'known failure' },
  ];
  const out: string[] = [];
  for (const [iface, list] of [...byIface.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(
      `<h3>${esc(iface)}</h3><table class="matrix" data-iface="${esc(iface)}"><thead><tr><th>requirement</th><th>level</th>${cols.map((c) => `<th>${c.label}</th>`).join('')}</tr></thead><tbody>`,
    );
    for (const r of list) {
      const cells = cols.map((col) => {
        const hits = r.cases.filter((c) =>
          col.v === 'known'
            ? c.known && c.verdict !== 'pass'
            : !(c.known && c.verdict !== 'pass') && c.verdict === col.v,
        );
        const links = hits.map((c) => `<a href="#${caseAnchor(c.id)}">${esc(c.id)}</a>`).join('<br>');
        const cls = hits.length > 0 && col.v !== 'known' ? ` class="c-${col.v}"` : '';
        return `<td${cls}>${hits.length > 0 ? `${hits.length}<br>${links}` : ''}</td>`;
      });
      const req = r.requirement;
      out.push(
        `<tr data-verdict="${r.verdict}"><td>${esc(req.spec)} ${esc(req.clause)}${req.id ? ` <span class="muted">${esc(req.id)}</span>` : ''}${req.text ? `<br><span class="muted">${esc(req.text)}</span>` : ''}</td><td>${req.level}</td>${cells.join('')}</tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  return out.join('\n');
}

function pdus(c: CaseResult): string {
  const msgs = c.timeline.observations.filter((o): o is MessageObservation => o.kind === 'message');
  if (msgs.length === 0) return '<p class="muted">No decoded PDU.</p>';
  const shown = msgs.slice(0, 200);
  const rows = shown.map(
    (o) =>
      `<tr><td>${o.seq}</td><td>${(o.t / 1e6).toFixed(1)}</td><td>${esc(o.iface)}</td><td>${esc(o.node)} ${o.direction === 'in' ? '&larr;' : o.direction === 'out' ? '&rarr;' : '&middot;'} ${esc(o.peer ?? '')}</td><td><details><summary>${esc(o.type)}</summary><pre>${json(o.fields)}</pre></details></td></tr>`,
  );
  return `<table class="pdus"><thead><tr><th>#</th><th>ms</th><th>iface</th><th>node</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table>${msgs.length > shown.length ? `<p class="muted">${msgs.length - shown.length} more in results.json</p>` : ''}`;
}

function steps(c: CaseResult): string {
  const rows = c.steps.map(
    (s) =>
      `<tr><td>${esc(s.label)}</td><td><span class="v v-${s.status === 'skipped' ? 'known' : s.status}">${s.status}</span></td><td class="mono">${esc(`${s.source.file}:${s.source.line}:${s.source.col}`)}</td><td>${s.message ? esc(s.message) : ''}</td></tr>`,
  );
  return `<table class="steps"><thead><tr><th>step</th><th>status</th><th>source</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The case's encoding defects (findings.ts), when there is more than the failure names. */
function findingsList(c: CaseResult): string {
  const list = c.findings ?? [];
  if (list.length < 2) return '';
  return `<ul class="findings">${list.map((f) => `<li>${esc(f.message)}</li>`).join('')}</ul>`;
}

/** One case's section (summary line, failure, sequence diagram, steps, decoded PDUs). */
export function caseSection(c: CaseResult): string {
  const f = c.failure;
  const failure = f
    ? `<div class="failure"><p><b>${esc(f.label)}</b> at <span class="mono">${esc(`${f.source.file}:${f.source.line}:${f.source.col}`)}</span>: ${esc(f.message)}</p>${
        f.expected !== undefined || f.observed !== undefined
          ? `<div class="ev"><div><h4>expected</h4><pre class="expected">${esc(f.expected ?? '')}</pre></div><div><h4>observed</h4><pre class="observed">${json(f.observed ?? null)}</pre></div></div>`
          : ''
      }${findingsList(c)}${c.known ? `<p>Known failure: ${esc(c.known.reason)}</p>` : ''}</div>`
    : c.notApplicable
      ? `<div class="failure"><p>Not applicable: ${esc(c.notApplicable.reasons.join('; '))}</p></div>`
      : c.fixed
        ? '<p>Listed as a known failure, but passed: the expectations file is out of date.</p>'
        : '';
  const reqs = c.requirements
    .map((r) => `<li>${r.level} — ${esc(r.spec)} ${esc(r.clause)}${r.text ? `: ${esc(r.text)}` : ''}</li>`)
    .join('');
  const open = c.verdict !== 'pass' && c.verdict !== 'not-applicable';
  return `<details class="case" id="${caseAnchor(c.id)}" data-verdict="${c.verdict}"${open ? ' open' : ''}>
<summary>${badge(c)} <b class="mono">${esc(c.id)}</b> ${esc(c.title)} <span class="muted">${c.durationMs} ms</span></summary>
${c.description ? `<p>${esc(c.description)}</p>` : ''}${c.expectation ? `<p><i>Expectation:</i> ${esc(c.expectation)}</p>` : ''}
${reqs ? `<ul class="reqs">${reqs}</ul>` : ''}
<p class="muted">${esc(c.source.file)}:${c.source.line}:${c.source.col} · interfaces ${esc(c.interfaces.join(', ') || '-')} · seed ${c.seed}${c.pcapng ? ` · <a href="${esc(c.pcapng)}">${esc(c.pcapng)}</a>` : ''}</p>
${failure}
<h4>Sequence</h4><div class="seqwrap">${sequenceDiagramSvg(c.timeline.observations)}</div>
<h4>Steps</h4>${steps(c)}
<h4>Decoded PDUs</h4>${pdus(c)}
</details>`;
}

/**
 * `sections`: each case's section already rendered (render-case.ts), by index in run.cases; the
 * cases' timelines are then not read.
 */
export function htmlReport(
  run: RunResult,
  opts: { runPcapng?: string; sections?: readonly string[] } = {},
): string {
  const sections = opts.sections;
  const { head, tail } = htmlReportFrame(run, opts);
  return `${head}${htmlCaseOrder(run)
    .map((i) => sections?.[i] ?? caseSection(run.cases[i]))
    .join('\n')}${tail}`;
}

/** The order of the case sections in report.html (indices into run.cases): errors, failures, passes. */
export function htmlCaseOrder(run: RunResult): number[] {
  const order: Record<string, number> = { error: 0, fail: 1, inconclusive: 2, pass: 3, 'not-applicable': 4 };
  return run.cases
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order[a.c.verdict] - order[b.c.verdict])
    .map(({ i }) => i);
}

/**
 * report.html's text before the first case section and after the last: head + the sections in
 * htmlCaseOrder joined with '\n' + tail is htmlReport(run).
 */
export function htmlReportFrame(
  run: RunResult,
  opts: { runPcapng?: string } = {},
): { head: string; tail: string } {
  const s = run.summary;
  const coverage = requirementCoverage(run);
  const head = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>mmscert ${esc(run.runId)}</title><style>${CSS}</style></head>
<body>
<h1>mmscert run ${esc(run.runId)}</h1>
<p>Target: <b>${esc(run.target.description)}</b> (${esc(run.target.kind)}) · seed ${run.seed} · ${run.jobs} job(s) · ${run.durationMs} ms · ${esc(run.startedAt)}${opts.runPcapng ? ` · <a href="${esc(opts.runPcapng)}">${esc(opts.runPcapng)}</a>` : ''}</p>
<table class="summary"><tr><th>cases</th><th>pass</th><th>fail SHALL</th><th>fail SHOULD</th><th>fail MAY</th><th>fail robustness</th><th>inconclusive</th><th>n/a</th><th>error</th><th>known</th><th>unexpected</th></tr>
<tr><td>${s.total}</td><td>${s.pass}</td><td>${s.failByLevel.SHALL}</td><td>${s.failByLevel.SHOULD}</td><td>${s.failByLevel.MAY}</td><td>${s.failByLevel.ROBUSTNESS}</td><td>${s.inconclusive}</td><td>${s.notApplicable}</td><td>${s.error}</td><td>${s.known}</td><td>${s.unexpected}</td></tr></table>
${topCausesTable(run)}<h2>Requirements × verdict</h2>
${matrix(run)}
<h2>Requirement coverage</h2>
<table class="coverage"><thead><tr><th>spec</th><th>clause</th><th>level</th><th>verdict</th><th>cases</th></tr></thead><tbody>
${coverage.map((r) => `<tr><td>${esc(r.requirement.spec)}</td><td>${esc(r.requirement.clause)}</td><td>${r.requirement.level}</td><td><span class="v v-${r.verdict}">${r.verdict}</span></td><td>${r.cases.length}</td></tr>`).join('\n')}
</tbody></table>
${uncoveredSection(run)}
<h2>Cases</h2>
`;
  return { head, tail: `\n</body></html>\n` };
}

/** Failed and inconclusive cases grouped by first cause (the first ten), most frequent first. */
function topCausesTable(run: RunResult): string {
  const top = run.topCauses ?? [];
  if (top.length === 0) return '';
  const rows = top
    .slice(0, 10)
    .map(
      (t) =>
        `<tr><td>${t.count}</td><td>${esc(t.cause)}</td><td>${t.cases.map((id) => `<a href="#${caseAnchor(id)}">${esc(id)}</a>`).join(', ')}${t.count > t.cases.length ? ' …' : ''}</td></tr>`,
    )
    .join('\n');
  return `<h2>Top causes</h2>
<table class="top-causes"><thead><tr><th>cases</th><th>first cause</th><th>which</th></tr></thead><tbody>
${rows}
</tbody></table>${top.length > 10 ? `<p class="muted">${top.length - 10} more causes in results.json</p>` : ''}
`;
}

/** The catalogue entries no case of this run cites. */
function uncoveredSection(run: RunResult): string {
  if (!run.catalogue) return '';
  const rows = uncoveredRequirements(run);
  return `<h2>Requirements no case covers (${rows.length} of ${run.catalogue.length})</h2>
<ul class="uncovered">${rows.map((r) => `<li><b>${esc(r.id ?? '')}</b> ${esc(r.spec)} ${esc(r.clause)} (${r.level})${r.text ? ` — ${esc(r.text)}` : ''}</li>`).join('')}</ul>`;
}
