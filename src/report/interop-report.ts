import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DIRECTIONS,
  type Direction,
  type InteropOutcome,
  type InteropResult,
  type InteropVerdict,
  type PartyFacts,
} from '../harness/interop/interop-result.ts';
import type { InteropRun } from '../harness/interop/interop-run.ts';
import { buildPcapng } from '../wire/build-pcapng.ts';
import { escapeXml as esc, xmlSafeText } from './escape.ts';
import { type BundleSeal, sealBundle, sha256Hex } from './evidence-bundle.ts';

/**
 * The interop report of a two-MMSC run (issue 17 item 5), written as an evidence bundle:
 *
 *   interop.json            the whole result (parties, ICS, purposes, checks, mails by file)
 *   ics/a.ics.yaml, b.ics.yaml   each party's ICS as read
 *   mm4/NNN-ab-<type>.eml   every mail the relay carried, the octets as the sending MMSC wrote them
 *   mm4/smtp-dialogues.txt  each relayed SMTP connection, commands and the receiver's replies
 *   purposes/<id>.<a-b>.json   per test purpose and direction: checks, mails, the handsets' MM1 PDUs
 *   capture.pcapng          every byte our peers exchanged with both MMSCs (relay legs, SMPP, MM1, DNS)
 *   MANIFEST.sha256, BUNDLE.sha256   the seal (evidence-bundle.ts)
 *   report.html             one page, printable to PDF, in the manner of a GSMA IR.53 test report
 */
export interface InteropReportFiles {
  dir: string;
  html: string;
  seal: BundleSeal;
}

const ARROW: Record<Direction, string> = { 'a->b': 'A → B', 'b->a': 'B → A' };
const dirKey = (d: Direction) => d.replace('->', '-');

function mailFile(m: { n: number; from: string; to: string; type?: string }): string {
  const type = (m.type ?? 'undecodable').replace(/[^A-Za-z0-9._-]/g, '_');
  return `mm4/${String(m.n).padStart(3, '0')}-${m.from}${m.to}-${type}.eml`;
}

function purposeFile(o: InteropOutcome): string {
  return `purposes/${o.purpose}.${dirKey(o.direction)}.json`;
}

const stable = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export function writeInteropReport(run: InteropRun, dir: string): InteropReportFiles {
  const r = run.result;
  mkdirSync(path.join(dir, 'mm4'), { recursive: true });
  mkdirSync(path.join(dir, 'purposes'), { recursive: true });
  mkdirSync(path.join(dir, 'ics'), { recursive: true });
  for (const side of ['a', 'b'] as const)
    writeFileSync(path.join(dir, 'ics', `${side}.ics.yaml`), r.parties[side].icsText);
  for (const m of run.mails) writeFileSync(path.join(dir, mailFile(m)), m.data);
  const dialogues = run.connections
    .map((c) => {
      const lines = c.commands.map((cmd) => {
        const reply = cmd.reply ? `${cmd.reply.code} ${cmd.reply.text.replace(/\n/g, ' | ')}` : '(no reply)';
        return `  ${c.from.toUpperCase()}: ${cmd.line}\n  ${c.to.toUpperCase()}: ${reply}`;
      });
      return `connection ${c.conn}: ${c.from.toUpperCase()} -> relay -> ${c.to.toUpperCase()}${c.encrypted ? ' (STARTTLS: the rest encrypted, in the capture only)' : ''}\n${lines.join('\n')}\n`;
    })
    .join('\n');
  writeFileSync(path.join(dir, 'mm4', 'smtp-dialogues.txt'), dialogues);
  for (const o of r.outcomes) {
    writeFileSync(
      path.join(dir, purposeFile(o)),
      stable({
        purpose: o.purpose,
        direction: o.direction,
        verdict: o.verdict,
        durationMs: o.durationMs,
        ...(o.startRunMs !== undefined ? { startRunMs: o.startRunMs } : {}),
        ...(o.error ? { error: o.error } : {}),
        checks: o.checks,
        mails: o.mails.map((m) => ({
          n: m.n,
          file: mailFile(m),
          sha256: sha256Hex(m.data),
          from: m.from,
          to: m.to,
          mailFrom: m.mailFrom,
          rcptTo: m.rcptTo,
          rcptCodes: m.rcptCodes,
          dataReply: m.dataReply ?? null,
          type: m.type ?? null,
          headers: (m.fields as { headers?: unknown } | undefined)?.headers ?? null,
          ...(m.decodeError ? { decodeError: m.decodeError } : {}),
          ...(m.fault ? { relayFault: m.fault } : {}),
          // ms since the run's timeline origin, as the handsets' atMs are since the purpose's start
          atRunMs: Math.round(m.t / 1e6),
        })),
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.notes ? { notes: o.notes } : {}),
        handset: o.handset,
      }),
    );
  }
  writeFileSync(
    path.join(dir, 'capture.pcapng'),
    buildPcapng(run.timeline.all(), { originEpochMs: run.timeline.originEpochMs, title: 'mmscert interop' }),
  );
  const parties = Object.fromEntries(
    (['a', 'b'] as const).map((s) => {
      const { icsText, ...rest } = r.parties[s];
      return [s, { ...rest, icsSha256: sha256Hex(icsText), icsCopy: `ics/${s}.ics.yaml` }];
    }),
  );
  writeFileSync(
    path.join(dir, 'interop.json'),
    stable({
      ...r,
      parties,
      outcomes: r.outcomes.map((o) => ({
        ...o,
        mails: o.mails.map((m) => mailFile(m)),
        handset: purposeFile(o),
      })),
    }),
  );
  const seal = sealBundle(dir);
  const html = path.join(dir, 'report.html');
  writeFileSync(html, interopHtml(r, seal));
  return { dir, html, seal };
}

const VERDICT_TEXT: Record<InteropVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  inconclusive: 'INCONCLUSIVE',
  error: 'ERROR',
  'not-applicable': 'N/A',
};

function badge(v: InteropVerdict): string {
  return `<span class="v v-${v}">${VERDICT_TEXT[v]}</span>`;
}

/** Every leaf of the ICS as `path = value`, for the side-by-side table. */
function flatten(v: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v))
      for (const [p, s] of flatten(x, prefix ? `${prefix}.${k}` : k)) out.set(p, s);
  } else out.set(prefix, Array.isArray(v) ? v.join(', ') : String(v));
  return out;
}

function partyRows(a: PartyFacts, b: PartyFacts): string {
  const row = (label: string, f: (p: PartyFacts) => string) =>
    `<tr><th>${esc(label)}</th><td>${f(a)}</td><td>${f(b)}</td></tr>`;
  const t = (s: string | undefined) => esc(s ?? '—');
  return [
    row('Target', (p) => t(p.name)),
    row('Implementation', (p) =>
      t(
        [p.ics.implementation.vendor, p.ics.implementation.name, p.ics.implementation.version]
          .filter(Boolean)
          .join(' '),
      ),
    ),
    row('MMS domain', (p) => `<code>${t(p.domain)}</code>`),
    row('MCC / MNC', (p) => t(`${p.ics.provisioning.mcc} / ${p.ics.provisioning.mnc}`)),
    row('Subscriber numbers', (p) => `<code>${t(p.ics.provisioning.subscribers)}…</code>`),
    row('MM1 versions', (p) => t(p.ics.mm1.versions.join(', '))),
    row('MM1 endpoint', (p) => `<code>${t(p.mm1)}</code>`),
    row('MM4 endpoint', (p) => `<code>${t(p.mm4)}</code>`),
    row('MM4 delivery / read reports', (p) =>
      t(`${p.ics.mm4.deliveryReports ? 'yes' : 'no'} / ${p.ics.mm4.readReports ? 'yes' : 'no'}`),
    ),
    row('Notification', (p) => t(p.ics.notification.via.toUpperCase())),
    row('Our handsets', (p) =>
      p.handsets.map((h) => `${esc(h.name)} <code>${esc(h.msisdn)}</code>`).join('<br>'),
    ),
    row(
      'ICS',
      (p) =>
        `<a href="ics/${p.side}.ics.yaml">ics/${p.side}.ics.yaml</a><br><code class="hash">${sha256Hex(p.icsText)}</code>`,
    ),
  ].join('\n');
}

function icsRows(a: PartyFacts, b: PartyFacts): string {
  const fa = flatten(a.ics);
  const fb = flatten(b.ics);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return keys
    .map((k) => {
      const x = fa.get(k) ?? '—';
      const y = fb.get(k) ?? '—';
      return `<tr${x === y ? '' : ' class="differs"'}><td><code>${esc(k)}</code></td><td>${xmlSafeText(x)}</td><td>${xmlSafeText(y)}</td></tr>`;
    })
    .join('\n');
}

function outcomeOf(r: InteropResult, id: string, d: Direction): InteropOutcome | undefined {
  return r.outcomes.find((o) => o.purpose === id && o.direction === d);
}

function purposeSection(r: InteropResult, id: string): string {
  const p = r.purposes.find((x) => x.id === id);
  if (!p) return '';
  const dirs = DIRECTIONS.map((d) => {
    const o = outcomeOf(r, id, d);
    if (!o) return '';
    const checks = o.checks
      .map(
        (c) =>
          `<tr data-check-verdict="${c.verdict}"><td>${esc(c.name)}${c.precondition ? ' <small>(precondition)</small>' : ''}</td><td>${esc(c.clause)}</td><td>${xmlSafeText(c.expected)}</td><td>${xmlSafeText(c.observed)}</td><td>${badge(c.verdict)}</td></tr>`,
      )
      .join('\n');
    const mails = o.mails
      .map(
        (m) =>
          `<li><a href="${mailFile(m)}">${esc(mailFile(m))}</a> ${esc(m.from.toUpperCase())} → ${esc(m.to.toUpperCase())}, ${esc(m.type ?? 'undecodable')}, SMTP ${m.dataReply?.code ?? '—'}${m.fault ? ` <strong>relay fault: ${m.fault}</strong>` : ''}</li>`,
      )
      .join('\n');
    return `<div class="direction" id="${esc(id)}.${dirKey(d)}" data-purpose="${esc(id)}" data-direction="${d}" data-verdict="${o.verdict}">
<h3>${ARROW[d]}: originator on ${d[0].toUpperCase()}, recipient on ${d[3].toUpperCase()} ${badge(o.verdict)} <small>${o.durationMs} ms</small></h3>
${o.error ? `<p class="error">${esc(o.error)}</p>` : ''}${o.reason ? `<p class="na">Not applicable: ${xmlSafeText(o.reason)}</p>` : ''}
${o.notes?.length ? `<ul class="notes">${o.notes.map((n) => `<li>${xmlSafeText(n)}</li>`).join('')}</ul>` : ''}
${
  o.verdict === 'not-applicable'
    ? ''
    : `<table class="checks"><thead><tr><th>Check</th><th>Clause</th><th>Expected</th><th>Observed on the wire</th><th>Verdict</th></tr></thead><tbody>
${checks}
</tbody></table>
<p class="evidence">Evidence: <a href="${purposeFile(o)}">${esc(purposeFile(o))}</a> (checks, mails, the handsets' MM1 PDUs)</p>`
}
${mails ? `<ul class="mails">${mails}</ul>` : ''}
</div>`;
  }).join('\n');
  return `<section class="purpose" id="${esc(id)}">
<h2>${esc(id)} — ${esc(p.title)}</h2>
<p>${esc(p.description)}</p>
<p class="refs">Group ${esc(p.group)} · Clauses: ${esc(p.clauses.join('; '))}${p.ics.length ? ` · ICS items both parties claim: ${p.ics.map((x) => `<code>${esc(x)}</code>`).join(', ')}` : ''}</p>
${dirs}
</section>`;
}

const CSS = `
:root { --pass:#1b7f3b; --fail:#b3261e; --inc:#9a6700; --err:#6f42c1; }
* { box-sizing: border-box; }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:#111; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #333; padding-bottom: 3px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #bbb; padding: 4px 6px; text-align: left; vertical-align: top; }
thead th, table.parties th { background: #f0f0f0; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
code.hash { font-size: 11px; }
.v { display: inline-block; min-width: 5.5em; text-align: center; font-weight: 700; border-radius: 3px; padding: 1px 6px; color: #fff; }
.v-pass { background: var(--pass); } .v-fail { background: var(--fail); } .v-inconclusive { background: var(--inc); } .v-error { background: var(--err); } .v-not-applicable { background: #777; }
.na { color: #555; font-style: italic; } ul.notes { color: #555; margin: 4px 0; }
.meta td, .meta th { border: none; padding: 1px 8px 1px 0; } .meta { width: auto; }
tr.differs td { background: #fff6d6; }
.seal { border: 2px solid #333; padding: 10px 14px; margin: 12px 0; }
.seal code.bundle { font-size: 15px; font-weight: 700; display: block; margin: 4px 0; }
.signatures { display: flex; gap: 24px; } .signatures > div { flex: 1; border: 1px solid #333; padding: 10px; min-height: 150px; }
.signatures p { margin: 18px 0 0; border-bottom: 1px solid #777; padding-bottom: 2px; }
.error { color: var(--fail); font-weight: 600; }
ul.mails { margin: 4px 0 8px; padding-left: 18px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } .direction, .seal, .signatures, tr { break-inside: avoid; }
  section.purpose { break-before: auto; }
  a { color: inherit; text-decoration: none; }
  .evidence a::after, ul.mails a::after { content: ""; }
  .noprint { display: none; }
}
`;

/** report.html: one self-contained page (no script, no outside resource), printable to PDF. */
export function interopHtml(r: InteropResult, seal: BundleSeal): string {
  const a = r.parties.a;
  const b = r.parties.b;
  const count = (d: Direction, v: InteropVerdict) =>
    r.outcomes.filter((o) => o.direction === d && o.verdict === v).length;
  const summary = r.purposes
    .map((p) => {
      const cells = DIRECTIONS.map((d) => {
        const o = outcomeOf(r, p.id, d);
        return `<td data-purpose="${esc(p.id)}" data-direction="${d}" data-verdict="${o?.verdict ?? 'error'}">${o ? `<a href="#${esc(p.id)}.${dirKey(d)}">${badge(o.verdict)}</a>` : '—'}</td>`;
      }).join('');
      return `<tr><td><a href="#${esc(p.id)}">${esc(p.id)}</a></td><td>${esc(p.title)}</td><td>${esc(p.clauses.join('; '))}</td>${cells}</tr>`;
    })
    .join('\n');
  const totals = DIRECTIONS.map((d) => {
    const n = r.outcomes.filter((o) => o.direction === d).length;
    return `<td data-total="${d}">${count(d, 'pass')} / ${n} pass${(['not-applicable', 'fail', 'inconclusive', 'error'] as const).map((v) => (count(d, v) ? `, ${count(d, v)} ${v === 'not-applicable' ? 'not applicable' : v}` : '')).join('')}</td>`;
  }).join('');
  const overall =
    r.outcomes.every((o) => o.verdict === 'pass' || o.verdict === 'not-applicable') &&
    r.outcomes.some((o) => o.verdict === 'pass')
      ? 'pass'
      : r.outcomes.some((o) => o.verdict === 'fail')
        ? 'fail'
        : r.outcomes.some((o) => o.verdict === 'error')
          ? 'error'
          : 'inconclusive';
  const tool = r.tool
    ? `${r.tool.name} ${r.tool.version}${r.tool.commit ? ` (${r.tool.commit.slice(0, 12)})` : ''}`
    : 'mmscert';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MMS interworking test report: ${esc(a.name)} ⇄ ${esc(b.name)}</title>
<style>${CSS}</style></head>
<body data-bundle-sha256="${seal.hash}" data-verdict="${overall}">
<header>
<h1>MMS interworking test report</h1>
<p>MM4 inter-operator tests in the manner of GSMA IR.53, between two MMSCs, each test purpose in both directions. Verdicts rest only on what crossed the wire: the mails each MMSC put on MM4 (through our recording relay) and the MM1 PDUs our handsets sent and received.</p>
<table class="meta">
<tr><th>Carrier A</th><td>${esc(a.name)} (<code>${esc(a.domain)}</code>)</td></tr>
<tr><th>Carrier B</th><td>${esc(b.name)} (<code>${esc(b.domain)}</code>)</td></tr>
<tr><th>Started</th><td>${esc(r.startedAt)}</td></tr>
<tr><th>Wall time</th><td>${(r.wallMs / 1000).toFixed(1)} s</td></tr>
<tr><th>Test tool</th><td>${esc(tool)}, seed ${r.seed}</td></tr>
<tr><th>Overall</th><td>${badge(overall)}</td></tr>
<tr><th>Evidence bundle SHA-256</th><td><code class="hash">${seal.hash}</code></td></tr>
</table>
${r.setupError ? `<p class="error">The run could not start: ${esc(r.setupError)}</p>` : ''}
</header>
<h2>1. Parties and implementations</h2>
<table class="parties"><thead><tr><th></th><th>Carrier A</th><th>Carrier B</th></tr></thead><tbody>
${partyRows(a, b)}
</tbody></table>
<h2>2. Test configuration</h2>
<p>Each MMSC's MM4 route to the other's domain points at a listener of our relay, which passes the SMTP stream on unchanged to the other MMSC's MM4 endpoint and records both legs (A → relay → B, B → relay → A). Both MMSCs bind to our SMSC for their WAP push notifications and ask our ENUM / HLR, which answers every handset's number with its operator's IR.52 domain. Handsets of ours on both sides originate and retrieve over MM1 through a WAP gateway of ours. The test purposes are the rows of mmscert’s IR.53-style MM4 matrix; each runs with the originator on A and with the originator on B, side by side, each direction with handsets of its own. A purpose is not applicable where the matrix says it cannot run between two MMSCs or where a party’s ICS does not claim an item it needs (the reason is given). Where a purpose needs a transport fault (retries, duplicates), the relay injects it into that purpose’s mails only and says so on the mail.</p>
<h2>3. Summary</h2>
<table id="summary"><thead><tr><th>Test purpose</th><th>Title</th><th>Clause</th><th>A → B</th><th>B → A</th></tr></thead><tbody>
${summary}
<tr class="totals"><th colspan="3">Totals</th>${totals}</tr>
</tbody></table>
<h2>4. Results per test purpose</h2>
${r.purposes.map((p) => purposeSection(r, p.id)).join('\n')}
<h2>5. Implementation conformance statements</h2>
<p>Every ICS item of both parties, as read from their ICS files (differences highlighted).</p>
<table class="ics"><thead><tr><th>ICS item</th><th>Carrier A</th><th>Carrier B</th></tr></thead><tbody>
${icsRows(a, b)}
</tbody></table>
<h2>6. Evidence bundle</h2>
<div class="seal" id="seal">
<p>${seal.files} evidence files, ${seal.bytes.toLocaleString('en')} octets, listed with their SHA-256 in <a href="MANIFEST.sha256">MANIFEST.sha256</a> (sorted, <code>sha256sum</code> format). The bundle's SHA-256 is the SHA-256 of that manifest:</p>
<code class="bundle">${seal.hash}</code>
<p>To verify: <code>mmscert verify-bundle DIR</code>, or <code>sha256sum -c MANIFEST.sha256 &amp;&amp; sha256sum MANIFEST.sha256</code>. Captures: <a href="capture.pcapng">capture.pcapng</a>; SMTP dialogues: <a href="mm4/smtp-dialogues.txt">mm4/smtp-dialogues.txt</a>; the whole result: <a href="interop.json">interop.json</a>.</p>
</div>
<h2>7. Signatures</h2>
<p>By signing, each carrier accepts the results above for the evidence bundle <code class="hash">${seal.hash}</code>.</p>
<div class="signatures">
<div><strong>Carrier A</strong> — ${esc(a.name)}<p>Name</p><p>Title</p><p>Date</p><p>Signature</p></div>
<div><strong>Carrier B</strong> — ${esc(b.name)}<p>Name</p><p>Title</p><p>Date</p><p>Signature</p></div>
</div>
</body></html>
`;
}
