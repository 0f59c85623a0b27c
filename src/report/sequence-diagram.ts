import { NODE_ROLES, type NodeRole } from '../wire/nodes.ts';
import type { MessageObservation, Observation } from '../wire/timeline.ts';
import { escapeXml } from './escape.ts';

/** One drawn row: an arrow between two lifelines, or a note on one. */
export interface DiagramRow {
  kind: 'arrow' | 'note';
  from: string;
  to: string;
  label: string;
  iface: string;
  seq: number;
  tNs: number;
  /** Notes: `error` for deadline-expired / error events (drawn red). */
  tone?: 'error' | 'info';
  title?: string;
}

export interface Diagram {
  lifelines: { node: string; role: NodeRole | 'unknown' }[];
  rows: DiagramRow[];
}

const ROLE_ORDER = new Map<string, number>(NODE_ROLES.map((r, i) => [r, i]));
// Left to right as the network picture reads: handsets, gateway, MMSC, then what it talks to.
const DISPLAY_ORDER: Array<NodeRole> = [
  'harness',
  'ue',
  'wap-gateway',
  'ppg',
  'vasp',
  'mmsc',
  'smsc',
  'hlr',
  'remote-mmsc',
  'mta',
];

/** Peer events worth a note in the diagram (harness events always are). */
const NOTABLE_EVENT = /error|fail|expired|dead|retry|refused|drop|timeout/i;

/**
 * The diagram of a case's timeline: one lifeline per node, one arrow per protocol message,
 * notes for harness events (actions, behaviours, expired deadlines) and peer errors.
 *
 * A message is often recorded at both ends (`out` at the sender, `in` at the receiver) and
 * either record may not know the other end (a proxy's client believes it talks to the MMSC).
 * Each `out` is paired with the first later unpaired `in` of the same type at another node
 * that does not name a different sender — preferring the node the `out` names — and drawn
 * once, from sender to receiver. Unpaired records are drawn towards the end they name, or as
 * a note when they name none.
 */
export function buildDiagram(observations: readonly Observation[]): Diagram {
  const roles = new Map<string, NodeRole | 'unknown'>();
  const rows: DiagramRow[] = [];
  const see = (node: string, role: NodeRole | 'unknown') => {
    if (!roles.has(node) || roles.get(node) === 'unknown') roles.set(node, role);
  };
  const msgs = observations.filter((o): o is MessageObservation => o.kind === 'message');
  const partnerOf = new Map<number, MessageObservation>();
  const paired = new Set<number>();
  for (let i = 0; i < msgs.length; i++) {
    const out = msgs[i];
    if (out.direction !== 'out' || paired.has(out.seq)) continue;
    let best: MessageObservation | undefined;
    for (let j = i + 1; j < msgs.length; j++) {
      const inn = msgs[j];
      if (inn.direction !== 'in' || paired.has(inn.seq) || inn.type !== out.type || inn.node === out.node)
        continue;
      if (inn.peer !== undefined && inn.peer !== out.node) continue;
      if (out.peer === undefined || inn.node === out.peer) {
        best = inn;
        break;
      }
      best ??= inn;
    }
    if (best) {
      paired.add(out.seq);
      paired.add(best.seq);
      partnerOf.set(out.seq, best);
      partnerOf.set(best.seq, out);
    }
  }
  for (const o of observations) {
    if (o.kind === 'message') {
      see(o.node, o.role);
      const partner = partnerOf.get(o.seq);
      if (partner && o.direction === 'in') continue; // drawn at its `out`
      let from = o.node;
      let to = o.node;
      if (partner) {
        see(partner.node, partner.role);
        to = partner.node;
      } else if (o.direction === 'out') to = o.peer ?? o.node;
      else if (o.direction === 'in') from = o.peer ?? o.node;
      if (from !== o.node) see(from, 'unknown');
      if (to !== o.node) see(to, 'unknown');
      rows.push({
        kind: from === to ? 'note' : 'arrow',
        from,
        to,
        label:
          from === to && o.direction !== 'local'
            ? `${o.direction === 'in' ? '\u2190' : '\u2192'} ${o.type}`
            : o.type,
        iface: o.iface,
        seq: o.seq,
        tNs: o.t,
        title: JSON.stringify(o.fields).slice(0, 600),
      });
    } else if (o.kind === 'event') {
      if (o.role !== 'harness' && !NOTABLE_EVENT.test(o.name)) continue;
      const node = o.node;
      see(node, o.role);
      const error = o.name === 'deadline-expired' || NOTABLE_EVENT.test(o.name);
      const detail = o.detail && typeof o.detail === 'object' && !Array.isArray(o.detail) ? o.detail : {};
      let label = o.name;
      if (o.name === 'action' && typeof detail.action === 'string') label = `do ${detail.action}`;
      else if (o.name === 'behaviour' && typeof detail.kind === 'string')
        label = `behaviour ${o.peer ?? ''} ${detail.kind}`;
      else if (o.name === 'deadline-expired' && typeof detail.expected === 'string')
        label = `expired: ${detail.expected}`;
      rows.push({
        kind: 'note',
        from: node,
        to: node,
        label,
        iface: o.iface,
        seq: o.seq,
        tNs: o.t,
        tone: error ? 'error' : 'info',
        title: JSON.stringify(o.detail ?? null).slice(0, 600),
      });
    }
  }
  const rank = (r: NodeRole | 'unknown') => {
    const i = DISPLAY_ORDER.indexOf(r as NodeRole);
    return i === -1 ? 100 + (ROLE_ORDER.get(r) ?? 50) : i;
  };
  const lifelines = [...roles.entries()]
    .map(([node, role]) => ({ node, role }))
    .sort((a, b) => rank(a.role) - rank(b.role) || a.node.localeCompare(b.node));
  return { lifelines, rows };
}

const COL = 150;
const ROW = 24;
const TOP = 40;
/** The time column left of the first lifeline: each row's time since the case started. */
const TIME_W = 78;
const LEFT = 80 + TIME_W;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** `+1234.5 ms`: ns on the case timeline as milliseconds since the case started. */
export function relMs(tNs: number): string {
  return `+${(tNs / 1e6).toFixed(1)} ms`;
}

/** A deadline drawn across the diagram (an expectation's window closing), at its time. */
export interface DiagramDeadline {
  tNs: number;
  label: string;
  /** The window closed without what was expected (drawn red), else grey. */
  missed: boolean;
}

/**
 * The diagram as inline SVG (no external resources, no scripts): each row with its time since
 * the case started (left column) and `deadlines` drawn as dashed lines across every lifeline
 * where their time falls among the rows.
 */
export function sequenceDiagramSvg(
  observations: readonly Observation[],
  opts: { maxRows?: number; deadlines?: readonly DiagramDeadline[] } = {},
): string {
  const d = buildDiagram(observations);
  const maxRows = opts.maxRows ?? 400;
  if (d.lifelines.length === 0) return '<p class="muted">No protocol message was observed.</p>';
  type Drawn = DiagramRow | (DiagramDeadline & { kind: 'deadline' });
  const rows: Drawn[] = d.rows.slice(0, maxRows);
  const lastT = rows.length > 0 ? rows[rows.length - 1].tNs : 0;
  for (const dl of [...(opts.deadlines ?? [])].sort((a, b) => a.tNs - b.tNs)) {
    // a deadline after the last drawn row of a clipped diagram has no place in it
    if (d.rows.length > maxRows && dl.tNs > lastT) continue;
    let at = rows.findIndex((r) => r.tNs > dl.tNs);
    if (at === -1) at = rows.length;
    rows.splice(at, 0, { ...dl, kind: 'deadline' });
  }
  const x = new Map(d.lifelines.map((l, i) => [l.node, LEFT + i * COL]));
  const width = LEFT + 80 + (d.lifelines.length - 1) * COL;
  const height = TOP + (rows.length + 1) * ROW + 10;
  const out: string[] = [];
  out.push(
    `<svg class="seq" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram">`,
  );
  out.push(
    '<defs><marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#333"/></marker></defs>',
  );
  out.push(`<text x="4" y="21" font-size="10" fill="#789">since start</text>`);
  for (const l of d.lifelines) {
    const lx = x.get(l.node) ?? 0;
    out.push(
      `<g class="lifeline"><rect x="${lx - 65}" y="6" width="130" height="22" rx="4" fill="#eef3fb" stroke="#6b8cc7"/><text x="${lx}" y="21" text-anchor="middle" font-size="12">${escapeXml(clip(l.node, 20))}</text><line x1="${lx}" y1="28" x2="${lx}" y2="${height - 4}" stroke="#9ab" stroke-dasharray="4 3"/></g>`,
    );
  }
  rows.forEach((r, i) => {
    const y = TOP + (i + 1) * ROW;
    const time = `<text class="t" x="4" y="${y - 1}" font-size="10" fill="#678">${relMs(r.tNs)}</text>`;
    if (r.kind === 'deadline') {
      const color = r.missed ? '#c00' : '#999';
      out.push(
        `<g class="deadline${r.missed ? ' deadline-missed' : ''}"><title>${escapeXml(r.label)}</title>${time}<line x1="${TIME_W}" y1="${y - 5}" x2="${width - 4}" y2="${y - 5}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/><text x="${LEFT - 60}" y="${y - 8}" font-size="11" fill="${color}">${escapeXml(clip(`deadline ${r.label}`, 90))}</text></g>`,
      );
      return;
    }
    const x1 = x.get(r.from) ?? LEFT;
    const x2 = x.get(r.to) ?? LEFT;
    const title = `<title>#${r.seq} ${relMs(r.tNs)} ${escapeXml(r.iface)} ${escapeXml(r.label)} ${escapeXml(r.title ?? '')}</title>`;
    if (r.kind === 'arrow') {
      const mid = (x1 + x2) / 2;
      out.push(
        `<g class="msg" data-seq="${r.seq}">${title}${time}<line x1="${x1}" y1="${y}" x2="${x2 + (x2 > x1 ? -2 : 2)}" y2="${y}" stroke="#333" marker-end="url(#arrowhead)"/><text x="${mid}" y="${y - 4}" text-anchor="middle" font-size="11">${escapeXml(clip(r.label, 28))} <tspan fill="#789">${escapeXml(r.iface)}</tspan></text></g>`,
      );
    } else {
      const fill = r.tone === 'error' ? '#fde2e2' : '#f6f6e8';
      const stroke = r.tone === 'error' ? '#c33' : '#bb9';
      out.push(
        `<g class="note${r.tone === 'error' ? ' note-error' : ''}" data-seq="${r.seq}">${title}${time}<rect x="${x1 + 4}" y="${y - 14}" width="${COL * 1.6}" height="18" rx="3" fill="${fill}" stroke="${stroke}"/><text x="${x1 + 10}" y="${y - 1}" font-size="11">${escapeXml(clip(r.label, 44))}</text></g>`,
      );
    }
  });
  if (d.rows.length > maxRows) {
    out.push(
      `<text x="${LEFT}" y="${height - 2}" font-size="11" fill="#a00">${d.rows.length - maxRows} more rows not drawn</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
