import type { CaseResult, StepResult } from '../harness/run-result.ts';
import { jsonReplacer } from '../util/json.ts';
import type { MessageObservation } from '../wire/timeline.ts';
import { formatBytes } from './byte-size.ts';
import { escapeXml as esc } from './escape.ts';
import { type DiagramDeadline, relMs, sequenceDiagramSvg } from './sequence-diagram.ts';

/**
 * A case's own page, cases/<id>.html beside report.html (which links it): what the case checks,
 * its verdict, expected vs observed, the sequence diagram (times since the case started, missed
 * deadlines drawn), its steps with their windows, the decoded PDUs and a link to its capture.
 * Self-contained (inline CSS and SVG, no script). A case whose evidence was not kept (a passing
 * case under `--evidence failing`) gets the same page without diagram and PDUs.
 */

/**
 * The case pages' stylesheet, cases/case.css, written once per report directory (report-style.ts):
 * inline in every page it was a third of a passing case's page.
 */
export const CASE_CSS_NAME = 'case.css';

/** `mm1.send.001` -> `cases/mm1.send.001.html` (anything but [A-Za-z0-9._-] becomes `_`). */
export function casePageName(id: string): string {
  return `cases/${id.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
}

export function verdictBadge(c: Pick<CaseResult, 'verdict' | 'known' | 'level'>): string {
  if (c.known && c.verdict !== 'pass') return `<span class="v v-known">${c.verdict} (known)</span>`;
  if (c.verdict === 'fail' && c.level !== 'SHALL') return `<span class="v v-should">fail ${c.level}</span>`;
  return `<span class="v v-${c.verdict}">${c.verdict}${c.verdict === 'fail' ? ` ${c.level}` : ''}</span>`;
}

function json(v: unknown): string {
  return esc(JSON.stringify(v, jsonReplacer, 2) ?? 'null');
}

function pdus(c: CaseResult): string {
  const msgs = c.timeline.observations.filter((o): o is MessageObservation => o.kind === 'message');
  if (msgs.length === 0) return '<p class="muted">No decoded PDU.</p>';
  const shown = msgs.slice(0, 200);
  const rows = shown.map(
    (o) =>
      `<tr><td>${o.seq}</td><td class="mono">${relMs(o.t)}</td><td>${esc(o.iface)}</td><td>${esc(o.node)} ${o.direction === 'in' ? '&larr;' : o.direction === 'out' ? '&rarr;' : '&middot;'} ${esc(o.peer ?? '')}</td><td><details><summary>${esc(o.type)}</summary><pre>${json(o.fields)}</pre></details></td></tr>`,
  );
  return `<table class="pdus"><thead><tr><th>#</th><th>time</th><th>iface</th><th>node</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table>${msgs.length > shown.length ? `<p class="muted">${msgs.length - shown.length} more in results.json</p>` : ''}`;
}

function stepWindow(s: StepResult): string {
  if (s.deadlineNs === undefined) return '';
  return `${relMs(s.deadlineNs)} <span class="muted">(within ${Math.round((s.deadlineNs - s.startNs) / 1e6)} ms)</span>`;
}

function steps(c: CaseResult): string {
  const rows = c.steps.map(
    (s) =>
      `<tr data-status="${s.status}"><td>${esc(s.label)}</td><td><span class="v v-${s.status}">${s.status}</span></td><td class="mono">${s.status === 'skipped' ? '' : relMs(s.startNs)}</td><td class="mono">${s.status === 'skipped' ? '' : `${((s.endNs - s.startNs) / 1e6).toFixed(1)} ms`}</td><td class="mono">${stepWindow(s)}</td><td class="mono">${esc(`${s.source.file}:${s.source.line}:${s.source.col}`)}</td><td>${s.message ? esc(s.message) : ''}</td></tr>`,
  );
  return `<table class="steps"><thead><tr><th>step</th><th>status</th><th>start</th><th>took</th><th>deadline</th><th>source</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The deadlines a diagram draws: those of the steps whose window closed without what they expected. */
export function missedDeadlines(c: Pick<CaseResult, 'steps'>): DiagramDeadline[] {
  return c.steps
    .filter((s) => s.deadlineNs !== undefined && (s.status === 'fail' || s.status === 'inconclusive'))
    .map((s) => ({
      tNs: s.deadlineNs as number,
      label: `${relMs(s.deadlineNs as number)}: ${s.label} (within ${Math.round(((s.deadlineNs as number) - s.startNs) / 1e6)} ms)`,
      missed: true,
    }));
}

/** The case's encoding defects (findings.ts), when there is more than the failure names. */
function findingsList(c: CaseResult): string {
  const list = c.findings ?? [];
  if (list.length < 2) return '';
  return `<ul class="findings">${list.map((f) => `<li>${esc(f.message)}</li>`).join('')}</ul>`;
}

export function requirementLine(r: CaseResult['requirements'][number]): string {
  return `${r.id ? `<b class="mono">${esc(r.id)}</b> ` : ''}${r.level} — ${esc(r.spec)} ${esc(r.clause)}${r.text ? `: ${esc(r.text)}` : ''}`;
}

/** The case's page (a whole HTML document); links are relative to cases/. */
export function casePage(c: CaseResult): string {
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
  const reqs = c.requirements.map((r) => `<li>${requirementLine(r)}</li>`).join('');
  const capture = c.pcapng
    ? `<a class="pcap" href="../${esc(c.pcapng)}">${esc(c.pcapng)}</a>`
    : c.evidenceOverBound
      ? `<span class="muted">capture not kept: the run's reports reached their bound of ${formatBytes(c.evidenceOverBound)} (rerun this case, or raise --max-output)</span>`
      : c.evidenceOmitted
        ? '<span class="muted">capture not kept (passing case; run with --evidence all to keep it)</span>'
        : '<span class="muted">no capture</span>';
  const evidence = c.evidenceOverBound
    ? `<p class="muted">Sequence diagram and decoded PDUs not kept: the run's reports had reached their bound of ${formatBytes(c.evidenceOverBound)} (<span class="mono">--max-output</span>) when this case finished. <span class="mono">mmscert run --suite ${esc(c.id)}</span> keeps them.</p>`
    : c.evidenceOmitted
      ? '<p class="muted">Sequence diagram and decoded PDUs not kept for a passing case (<span class="mono">--evidence failing</span>, the default; <span class="mono">--evidence all</span> keeps them).</p>'
      : `<h2>Sequence</h2><div class="seqwrap">${sequenceDiagramSvg(c.timeline.observations, { deadlines: missedDeadlines(c) })}</div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(c.id)} ${c.verdict}</title><link rel="stylesheet" href="${CASE_CSS_NAME}"></head>
<body>
<p><a href="../report.html">&larr; report</a></p>
<h1 class="case" id="case" data-verdict="${c.verdict}">${verdictBadge(c)} <span class="mono">${esc(c.id)}</span> ${esc(c.title)}</h1>
<p class="muted">${esc(c.source.file)}:${c.source.line}:${c.source.col} · interfaces ${esc(c.interfaces.join(', ') || '-')} · level ${c.level} · seed ${c.seed} · ${c.durationMs} ms · ${esc(c.startedAt)} · ${capture}</p>
${c.description ? `<p>${esc(c.description)}</p>` : ''}${c.expectation ? `<p><i>Expectation:</i> ${esc(c.expectation)}</p>` : ''}
${reqs ? `<ul class="reqs">${reqs}</ul>` : ''}
${failure}
${evidence}
<h2>Steps</h2>${steps(c)}
${c.evidenceOmitted ? '' : `<h2>Decoded PDUs</h2>${pdus(c)}`}
</body></html>
`;
}
