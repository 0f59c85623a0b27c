import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LatencySummary } from '../load/load-stats.ts';
import type { LoadProgress, LoadResult } from '../load/run-load.ts';
import { escapeXml } from './escape.ts';

/**
 * The reports of a load run (`mmscert load`): load.json (the LoadResult as it is), load.html (one
 * self-contained page: inline SVG plots of latency over time and of the percentile distribution,
 * no script, no CDN) and the terminal summary; a progress line while it runs (TTY only).
 */

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** One overwritten line (\r) about four times a second: elapsed, scheduled, ok, failed, in flight. */
export function progressLine(p: LoadProgress): string {
  const when =
    p.elapsedMs <= p.durationMs
      ? `load ${(p.elapsedMs / 1000).toFixed(1)}/${(p.durationMs / 1000).toFixed(0)} s`
      : `load ${(p.durationMs / 1000).toFixed(0)} s done, draining ${((p.elapsedMs - p.durationMs) / 1000).toFixed(1)} s`;
  return (
    `${when}  scheduled ${p.scheduled}  ok ${p.ok}  failed ${p.failed}  in flight ${p.inFlight}  ` +
    `p99(ended last s) ${p.p99 > 0 ? `${ms(p.p99)} ms` : '-'}`
  );
}

/** `1.23 s (41%)` */
function cpu(msSpent: number, share: number | undefined): string {
  return `${(msSpent / 1000).toFixed(2)} s${share !== undefined ? ` (${(share * 100).toFixed(0)}%)` : ''}`;
}

function latencyRow(name: string, s: LatencySummary): string {
  return `  ${name.padEnd(28)} ${String(s.count).padStart(7)}  ${[s.p50, s.p90, s.p99, s.p999, s.max].map((x) => ms(x).padStart(8)).join('')}`;
}

/** The terminal summary (plain text). */
export function loadSummaryText(r: LoadResult): string {
  const t = r.totals;
  const g = r.generator;
  const lines = [
    `mmscert load: ${r.target}, seed ${r.seed}`,
    `  offered ${t.offeredPerSec.toFixed(1)} flows/s (${r.plan.rate}/s, ramp ${r.plan.rampMs / 1000} s, ${r.plan.durationMs / 1000} s), achieved ${t.achievedPerSec.toFixed(1)} ok flows/s`,
    `  ${t.scheduled} scheduled, ${t.ok} ok, ${t.failed} failed (${t.timeouts} timeouts, ${t.overflowed} over the in-flight cap of ${r.plan.maxInFlight}, ${t.abandoned} abandoned)`,
    '',
    `  latency (ms, from the scheduled start)       n      p50     p90     p99   p99.9     max`,
    latencyRow('flow', r.latency.flow),
    ...Object.entries(r.latency.byKind).map(([k, s]) => latencyRow(k, s)),
    ...Object.entries(r.latency.steps).map(([k, s]) => latencyRow(`  ${k}`, s)),
  ];
  const errors = Object.entries(r.errors.byStep);
  if (errors.length > 0) {
    lines.push('', '  errors');
    for (const [k, n] of errors.sort((a, b) => b[1] - a[1])) lines.push(`    ${k.padEnd(40)} ${n}`);
    const first = r.errors.samples[0];
    if (first)
      lines.push(
        `    first: ${first.flow} ${first.kind}${first.step ? ` at ${first.step}` : ''}: ${first.detail}`,
      );
  }
  lines.push(
    '',
    `  generator (this process: generator, peers, handsets${r.target.startsWith('embedded') ? ', embedded MMSC' : ''}): CPU ${(g.cpuMs / 1000).toFixed(1)} s, event loop busy ${(g.eventLoopUtilization * 100).toFixed(0)}%, loop delay p99 ${ms(g.eventLoopDelayMs.p99)} ms, start lag max ${ms(g.maxStartLagMs)} ms, load average ${g.loadAverage.start[0].toFixed(1)} -> ${g.loadAverage.end[0].toFixed(1)} on ${g.cores} cores`,
    `  peers: ${r.peers.map((p) => `${p.node} ${p.observations} obs${p.cpuMs !== undefined ? `, CPU ${cpu(p.cpuMs, p.cpuShare)}` : ''}, flows waiting max ${p.maxPendingWaits}`).join('; ')}`,
  );
  if (g.cpuByComponent?.length)
    lines.push(
      `  CPU by who spent it (sampled): ${g.cpuByComponent.map((c) => `${c.component} ${cpu(c.ms, c.share)}`).join(', ')}`,
    );
  if (g.bottleneck.length > 0)
    lines.push(`  WARNING: the generator and peers may have been the bottleneck: ${g.bottleneck.join('; ')}`);
  if (r.slo) {
    lines.push('', `  SLO ${r.sloOk ? 'met' : 'BREACHED'}`);
    for (const s of r.slo) lines.push(`    ${s.line}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A polyline chart: x from 0 to xMax, each series its own colour; log-scale x for percentiles. */
function chart(
  title: string,
  series: { name: string; colour: string; points: [number, number][] }[],
  opts: { xLabel: string; yLabel: string; xTicks: [number, string][] },
): string {
  const W = 720;
  const H = 260;
  const L = 60;
  const B = 36;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1e-9, ...all.map((p) => p[0]), ...opts.xTicks.map((t) => t[0]));
  const yMax = Math.max(1e-9, ...all.map((p) => p[1])) * 1.1;
  const x = (v: number) => L + (v / xMax) * (W - L - 10);
  const y = (v: number) => H - B - (v / yMax) * (H - B - 10);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const parts = [
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}">`,
    `<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#888"/>`,
    `<line x1="${L}" y1="10" x2="${L}" y2="${H - B}" stroke="#888"/>`,
    ...yTicks.map(
      (v) =>
        `<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${ms(v)}</text><line x1="${L}" y1="${y(v)}" x2="${W - 10}" y2="${y(v)}" stroke="#eee"/>`,
    ),
    ...opts.xTicks.map(
      ([v, label]) =>
        `<text x="${x(v)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${escapeXml(label)}</text>`,
    ),
    `<text x="${(L + W) / 2}" y="${H - 4}" text-anchor="middle" font-size="12">${escapeXml(opts.xLabel)}</text>`,
    `<text x="12" y="${H / 2}" font-size="12" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`,
  ];
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    parts.push(
      `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${s.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`,
      `<text x="${W - 14}" y="${24 + i * 14}" text-anchor="end" font-size="11" fill="${s.colour}">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `<figure><figcaption>${escapeXml(title)}</figcaption>${parts.join('')}</figure>`;
}

/** Percentile p on a log axis: 0 -> 0, 90 -> 1, 99 -> 2, 99.9 -> 3 ... */
const nines = (p: number) => (p >= 100 ? 5 : -Math.log10(1 - p / 100));

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeXml(String(c))}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

/** load.html: self-contained (inline CSS and SVG, no script). */
export function loadHtml(r: LoadResult): string {
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  const secs = r.perSecond;
  const overTime = chart(
    'Latency over time (flows by their scheduled second, ms from the scheduled start)',
    [
      {
        name: 'p50',
        colour: colours[0],
        points: secs.filter((s) => s.p50 > 0).map((s) => [s.second, s.p50]),
      },
      {
        name: 'p99',
        colour: colours[1],
        points: secs.filter((s) => s.p99 > 0).map((s) => [s.second, s.p99]),
      },
      { name: 'max', colour: '#999', points: secs.filter((s) => s.max > 0).map((s) => [s.second, s.max]) },
    ],
    {
      xLabel: 'second of the run',
      yLabel: 'ms',
      xTicks: secs
        .filter((_, i) => i % Math.max(1, Math.ceil(secs.length / 10)) === 0)
        .map((s) => [s.second, `${s.second}`]),
    },
  );
  const throughput = chart(
    'Throughput (flows per second)',
    [
      { name: 'scheduled', colour: '#999', points: secs.map((s) => [s.second, s.scheduled]) },
      { name: 'ok (ended)', colour: colours[2], points: secs.map((s) => [s.second, s.completed]) },
      { name: 'failed', colour: colours[1], points: secs.map((s) => [s.second, s.failed]) },
    ],
    {
      xLabel: 'second of the run',
      yLabel: 'flows/s',
      xTicks: secs
        .filter((_, i) => i % Math.max(1, Math.ceil(secs.length / 10)) === 0)
        .map((s) => [s.second, `${s.second}`]),
    },
  );
  const pctSeries = [
    ['flow', r.latency.flow] as const,
    ...Object.entries(r.latency.byKind).map(([k, s]) => [k, s] as const),
  ].map(([name, s], i) => ({
    name,
    colour: colours[i % colours.length],
    points: s.percentiles.map(([p, v]) => [nines(p), v] as [number, number]),
  }));
  const percentiles = chart('Latency by percentile (ms)', pctSeries, {
    xLabel: 'percentile',
    yLabel: 'ms',
    xTicks: [
      [0, '0'],
      [nines(90), '90'],
      [nines(99), '99'],
      [nines(99.9), '99.9'],
      [nines(99.99), '99.99'],
      [5, 'max'],
    ],
  });
  const t = r.totals;
  const lat = (name: string, s: LatencySummary) =>
    [name, s.count, ...[s.p50, s.p90, s.p99, s.p999, s.max].map(ms)] as (string | number)[];
  const g = r.generator;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mmscert load: ${escapeXml(r.target)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:60em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}figcaption{font-weight:600}
.bad{color:#b00;font-weight:600}.ok{color:#070;font-weight:600}
</style></head><body>
<h1>mmscert load</h1>
<p>${escapeXml(r.target)} · seed ${r.seed} · started ${escapeXml(r.startedAt)} · mix ${escapeXml(r.plan.mix.map((m) => `${m.kind}=${m.weight}`).join(','))}</p>
<p>Offered ${t.offeredPerSec.toFixed(1)} flows/s (${r.plan.rate}/s, ramp ${r.plan.rampMs / 1000} s, ${r.plan.durationMs / 1000} s); achieved ${t.achievedPerSec.toFixed(1)} ok flows/s.
${t.scheduled} scheduled, ${t.ok} ok, ${t.failed} failed (${t.timeouts} timeouts, ${t.overflowed} over the in-flight cap of ${r.plan.maxInFlight}).
Latency counts from each flow's scheduled start (open loop).</p>
${r.slo ? `<p class="${r.sloOk ? 'ok' : 'bad'}">SLO ${r.sloOk ? 'met' : 'BREACHED'}: ${r.slo.map((s) => escapeXml(s.line)).join(' · ')}</p>` : ''}
${g.bottleneck.length ? `<p class="bad">The generator and peers may have been the bottleneck: ${escapeXml(g.bottleneck.join('; '))}</p>` : ''}
${overTime}
${percentiles}
${throughput}
<h2>Latency (ms)</h2>
${table(['', 'n', 'p50', 'p90', 'p99', 'p99.9', 'max'], [lat('flow', r.latency.flow), ...Object.entries(r.latency.byKind).map(([k, s]) => lat(k, s)), ...Object.entries(r.latency.steps).map(([k, s]) => lat(k, s))])}
<h2>Errors</h2>
${Object.keys(r.errors.byStep).length ? table(['kind@flow.step', 'count'], Object.entries(r.errors.byStep)) : '<p>none</p>'}
${
  r.errors.samples.length
    ? table(
        ['flow', 'kind', 'step', 'detail'],
        r.errors.samples.map((s) => [s.flow, s.kind, s.step ?? '', s.detail]),
      )
    : ''
}
<h2>Generator and peers</h2>
<p>One process runs the generator, our peers and handsets${r.target.startsWith('embedded') ? ' and the embedded MMSC' : ''}: CPU ${(g.cpuMs / 1000).toFixed(2)} s, event loop busy ${(g.eventLoopUtilization * 100).toFixed(0)}%, loop delay p50/p99/max ${ms(g.eventLoopDelayMs.p50)}/${ms(g.eventLoopDelayMs.p99)}/${ms(g.eventLoopDelayMs.max)} ms, arrivals started up to ${ms(g.maxStartLagMs)} ms late; load average ${g.loadAverage.start.map((x) => x.toFixed(1)).join(' ')} → ${g.loadAverage.end.map((x) => x.toFixed(1)).join(' ')} on ${g.cores} cores.</p>
${table(
  ['peer', 'observations', 'own CPU (s)', 'share of busy CPU', 'most flows waiting on it'],
  r.peers.map((p) => [
    p.node,
    p.observations,
    p.cpuMs !== undefined ? (p.cpuMs / 1000).toFixed(2) : '',
    p.cpuShare !== undefined ? `${(p.cpuShare * 100).toFixed(1)}%` : '',
    p.maxPendingWaits,
  ]),
)}
${
  g.cpuByComponent?.length
    ? `<p>This process's CPU by who spent it (a sampling profile; shared code counts for its caller; <i>other</i>: node's internals and libraries before they call our code):</p>
${table(
  ['component', 'CPU (s)', 'share'],
  g.cpuByComponent.map((c) => [c.component, (c.ms / 1000).toFixed(2), `${(c.share * 100).toFixed(1)}%`]),
)}`
    : ''
}
</body></html>
`;
}

/** Writes load.json and load.html into `dir`; returns their paths. */
export function writeLoadReports(dir: string, r: LoadResult): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'load.json');
  const html = path.join(dir, 'load.html');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(html, loadHtml(r));
  return { json, html };
}
