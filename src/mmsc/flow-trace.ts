import { renameSync, writeFileSync } from 'node:fs';

/**
 * An opt-in tracer of where one mm1 flow's wall time goes inside the reference MMSC (issue 21 item
 * 4): the path of each message is stamped (performance.now(), ms) at fixed points, keyed by its
 * Message-ID, and every disk sync the journal makes is counted with its duration.
 *
 * Off unless MMSCERT_FLOW_TRACE names a file: then every SIGUSR2 writes the summary of the flows
 * finished since the last one (p50/p99 of each segment between two points, syncs per flow) to that
 * file and starts over. Off, every hook is one `undefined` check.
 */

/** The points of a flow, in the order they normally happen. */
export const TRACE_POINTS = [
  /** m-send-req decoded, its handler entered */
  'recv',
  /** the recipients' routes known (MM5: ENUM / HLR) */
  'resolved',
  /** the message (and, when committed together, its delivery jobs) on disk */
  'stored',
  /** its delivery jobs on disk and runnable */
  'queued',
  /** m-send-conf handed to HTTP */
  'conf',
  /** the outbox started the delivery job */
  'jobStart',
  /** the first submit_sm of the push written to the SMPP session */
  'submitWritten',
  /** the last submit_sm_resp of the push received */
  'submitResp',
  /** the recipient's status `notified` on disk */
  'notified',
  /** the delivery job deleted on disk */
  'jobDone',
  /** GET of the content location entered */
  'retrieveRecv',
  /** m-retrieve-conf handed to HTTP */
  'retrieveSent',
  /** m-notifyresp-ind entered */
  'notifyRecv',
  /** the recipient's status `retrieved` on disk (the m-notifyresp-ind's answer goes next) */
  'notifyStored',
] as const;

export type TracePoint = (typeof TRACE_POINTS)[number];

/** The segments reported: [from, to]. */
const SEGMENTS: ReadonlyArray<readonly [TracePoint, TracePoint]> = [
  ['recv', 'resolved'],
  ['resolved', 'stored'],
  ['stored', 'queued'],
  ['queued', 'conf'],
  ['recv', 'conf'],
  ['queued', 'jobStart'],
  ['conf', 'jobStart'],
  ['jobStart', 'submitWritten'],
  ['submitWritten', 'submitResp'],
  ['submitResp', 'notified'],
  ['notified', 'jobDone'],
  ['recv', 'submitWritten'],
  ['submitResp', 'retrieveRecv'],
  ['retrieveRecv', 'retrieveSent'],
  ['retrieveSent', 'notifyRecv'],
  ['notifyRecv', 'notifyStored'],
  ['recv', 'notifyStored'],
];

const MAX_OPEN = 50_000;

export interface TraceSegment {
  from: TracePoint;
  to: TracePoint;
  count: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

export interface TraceSummary {
  /** Flows whose m-notifyresp-ind was stored since the last summary. */
  flows: number;
  segments: TraceSegment[];
  syncs: { count: number; totalMs: number; p50: number; p99: number; perFlow: number };
  /** Journal commits (records) and the write + sync batches they went out in. */
  commits: { records: number; batches: number; recordsPerFlow: number };
  /** Summaries written so far (a reader waits for this to change). */
  seq: number;
}

export class FlowTracer {
  private open = new Map<string, Partial<Record<TracePoint, number>>>();
  private done: Array<Partial<Record<TracePoint, number>>> = [];
  private syncMs: number[] = [];
  private records = 0;
  private batches = 0;
  private seq = 0;

  /** Stamps `point` of message `id` (the first stamp of a point stands). */
  mark(id: string, point: TracePoint, at = performance.now()): void {
    let f = this.open.get(id);
    if (!f) {
      if (this.open.size >= MAX_OPEN) {
        const oldest = this.open.keys().next().value;
        if (oldest !== undefined) this.open.delete(oldest);
      }
      f = {};
      this.open.set(id, f);
    }
    if (f[point] === undefined) f[point] = at;
    if (f.notifyStored !== undefined && f.jobDone !== undefined) {
      this.open.delete(id);
      this.done.push(f);
    }
  }

  /** One journal write + sync of `records` commits, the sync taking `ms`. */
  sync(ms: number, records: number): void {
    this.syncMs.push(ms);
    this.records += records;
    this.batches += 1;
  }

  /** The summary of what finished since the last call, then starts over. */
  summary(): TraceSummary {
    const flows = this.done.length;
    const segments: TraceSegment[] = [];
    for (const [from, to] of SEGMENTS) {
      const d: number[] = [];
      for (const f of this.done) {
        const a = f[from];
        const b = f[to];
        if (a !== undefined && b !== undefined) d.push(b - a);
      }
      segments.push({ from, to, ...stats(d) });
    }
    const s = stats(this.syncMs);
    const out: TraceSummary = {
      flows,
      segments,
      syncs: {
        count: s.count,
        totalMs: round(this.syncMs.reduce((a, b) => a + b, 0)),
        p50: s.p50,
        p99: s.p99,
        perFlow: flows ? round(s.count / flows) : 0,
      },
      commits: {
        records: this.records,
        batches: this.batches,
        recordsPerFlow: flows ? round(this.records / flows) : 0,
      },
      seq: ++this.seq,
    };
    this.done = [];
    this.syncMs = [];
    this.records = 0;
    this.batches = 0;
    return out;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function stats(d: number[]): { count: number; p50: number; p99: number; mean: number; max: number } {
  if (d.length === 0) return { count: 0, p50: 0, p99: 0, mean: 0, max: 0 };
  d.sort((a, b) => a - b);
  const q = (p: number) => d[Math.min(d.length - 1, Math.ceil(p * d.length) - 1)];
  return {
    count: d.length,
    p50: round(q(0.5)),
    p99: round(q(0.99)),
    mean: round(d.reduce((a, b) => a + b, 0) / d.length),
    max: round(d[d.length - 1]),
  };
}

/** The process's tracer: set only when MMSCERT_FLOW_TRACE names the summary file. */
export const flowTrace: FlowTracer | undefined = (() => {
  const file = process.env.MMSCERT_FLOW_TRACE;
  if (!file) return undefined;
  const t = new FlowTracer();
  process.on('SIGUSR2', () => {
    // whole or not at all for a reader polling the file
    writeFileSync(`${file}.tmp`, JSON.stringify(t.summary(), null, 1));
    renameSync(`${file}.tmp`, file);
  });
  return t;
})();
