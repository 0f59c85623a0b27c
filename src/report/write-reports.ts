import { type FileHandle, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CaseResult, RunResult } from '../harness/run-result.ts';
import { buildPcapng } from '../wire/build-pcapng.ts';
import { mergePcapngs } from '../wire/merge-pcapng.ts';
import type { BaselineView } from './baseline-section.ts';
import { CASE_CSS_NAME, casePageName } from './case-page.ts';
import type { Evidence } from './evidence.ts';
import { htmlReport } from './html-report.ts';
import { junitXml } from './junit-xml.ts';
import { OutputBound } from './output-bound.ts';
import { casePcapName, type RenderedCase, renderCase } from './render-case.ts';
import { REPORT_CSS } from './report-style.ts';
import { caseParts, REPORTERS, type ReporterName } from './reporters.ts';
import { coverageMarkdown } from './requirement-coverage.ts';
import { CASE_SEPARATOR, resultsJson, resultsJsonFrame } from './results-json.ts';
import { diffRuns, type RunDoc } from './run-diff.ts';

export { caseParts, casePcapName, REPORTERS, type ReporterName };

/** An earlier run to compare with (`mmscert run --baseline DIR`): its results.json and its directory. */
export interface Baseline {
  doc: RunDoc;
  dir: string;
}

/** The comparison report.html shows: the baseline as A, this run as B (as `mmscert diff BASELINE RUN`). */
export function baselineView(b: Baseline, run: RunResult, reportDir: string): BaselineView {
  return { diff: diffRuns(b.doc, run), href: path.relative(reportDir, b.dir) || '.' };
}

/** What writeReports is given when the cases were rendered where they ran (worker threads). */
export interface PreRendered {
  /** By index in run.cases, rendered with caseParts(reporters). */
  cases: readonly RenderedCase[];
  /** The case captures are already in the report directory (written by whoever rendered them). */
  capturesWritten: boolean;
}

/**
 * Writes reports/<run-id>/ as the cases finish, one case at a time (nothing of the run is held
 * whole: each case's capture and page are written when it arrives, its results.json entry is
 * appended to a side file; `finish` writes results.json from those pieces in load order, then
 * junit.xml, coverage.md, report.html and the run's merged capture):
 *   results.json   the RunResult, bytes as { $base64 } (results-json.ts)
 *   report.html    failures first, the requirement grid, every case a row (html-report.ts)
 *   cases/<id>.html  one page per case (case-page.ts)
 *   <id>.pcapng    one capture per case that recorded bytes and whose evidence is kept
 *   run.pcapng     every kept capture merged on one clock (`evidence: all`), or run.pcapng.gz
 *                  (gzip, which Wireshark and tshark read as is) under `evidence: failing`
 *   junit.xml, coverage.md
 * Cases may arrive in any order (`add(index, ...)`); the files are the same whatever the order.
 */
export class ReportWriter {
  private readonly written: string[] = [];
  private readonly parts: { json: boolean; html: boolean };
  /** Kept captures by case index (run.pcapng is made of them at the end). */
  private readonly captures = new Map<number, Uint8Array>();
  /** Each case's results.json entry: where it sits in the side file. */
  private readonly jsonAt = new Map<number, { offset: number; length: number }>();
  private jsonSide?: FileHandle;
  private jsonSize = 0;
  private queue: Promise<void> = Promise.resolve();
  private ready?: Promise<void>;
  private failed?: Error;

  constructor(
    readonly dir: string,
    readonly reporters: readonly ReporterName[] = REPORTERS,
    readonly opts: {
      evidence?: Evidence;
      capturesWritten?: boolean;
      baseline?: Baseline;
      /** Bound of the report directory in bytes (output-bound.ts); none when absent. */
      maxBytes?: number;
      /** How many cases the run has: the bound keeps room for the entries still to come. */
      expectedCases?: number;
    } = {},
  ) {
    this.parts = caseParts(reporters);
    if (opts.maxBytes !== undefined) this.bound = new OutputBound(opts.maxBytes, opts.expectedCases ?? 0);
  }

  /** The output bound, when the run has one. */
  readonly bound?: OutputBound;

  get evidence(): Evidence {
    return this.opts.evidence ?? 'all';
  }

  private get sidePath(): string {
    return path.join(this.dir, 'results.json.cases.part');
  }

  private start(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.parts.html ? path.join(this.dir, 'cases') : this.dir, { recursive: true });
      if (this.parts.json) this.jsonSide = await open(this.sidePath, 'w+');
      if (this.parts.html) await this.put(path.join('cases', CASE_CSS_NAME), REPORT_CSS);
    })();
    return this.ready;
  }

  /**
   * One finished case: `c` with or without its timeline; `rendered` when it was rendered where it
   * ran (else it is rendered here, which needs its timeline). Writes happen in call order.
   */
  add(index: number, c: CaseResult, rendered?: RenderedCase): Promise<void> {
    let r =
      rendered ?? renderCase(c, { json: this.parts.json, html: this.parts.html, evidence: this.evidence });
    const step = this.queue.then(async () => {
      await this.start();
      if (this.bound) {
        const captureFile = r.pcapng && c.pcapng ? c.pcapng : undefined;
        if (!this.bound.admit(c, r)) {
          // over the bound: the case keeps its verdict, steps and findings, not its evidence
          if (captureFile && rendered && this.opts.capturesWritten)
            await rm(path.join(this.dir, captureFile), { force: true });
          c.pcapng = undefined;
          c.evidenceOmitted = true;
          c.evidenceOverBound = this.bound.maxBytes;
          c.timeline = { originEpochMs: c.timeline.originEpochMs, observations: [] };
          r = renderCase(c, { json: this.parts.json, html: this.parts.html, evidence: 'failing' });
          this.bound.account(r);
        }
      }
      if (r.pcapng && c.pcapng) {
        this.captures.set(index, r.pcapng);
        if (!(rendered && this.opts.capturesWritten)) await this.put(c.pcapng, r.pcapng);
        else this.written.push(path.join(this.dir, c.pcapng));
      }
      if (r.page) await this.put(casePageName(c.id), r.page);
      if (r.json && this.jsonSide) {
        const { bytesWritten } = await this.jsonSide.write(r.json, 0, r.json.byteLength, this.jsonSize);
        if (bytesWritten !== r.json.byteLength) throw new Error('results.json: short write');
        this.jsonAt.set(index, { offset: this.jsonSize, length: r.json.byteLength });
        this.jsonSize += r.json.byteLength;
      }
    });
    this.queue = step.catch((e: Error) => {
      this.failed ??= e;
    });
    return step;
  }

  private async put(name: string, data: string | Uint8Array): Promise<void> {
    const file = path.join(this.dir, name);
    await writeFile(file, data);
    this.written.push(file);
  }

  /** The run's own files, once every case was added. Returns every file written. */
  async finish(run: RunResult): Promise<string[]> {
    await this.queue;
    if (this.failed) throw this.failed;
    await this.start();
    run.evidence = this.evidence;
    if (this.bound)
      run.outputBound = { maxBytes: this.bound.maxBytes, evidenceDropped: [...this.bound.dropped] };
    const captures = inIndexOrder(this.captures);
    // the shared peers' connections (external target, concurrent cases) go into run.pcapng whole
    const sharedObs = run.shared?.timeline.observations ?? [];
    if (sharedObs.some((o) => o.kind === 'bytes'))
      captures.push(
        buildPcapng(sharedObs, {
          originEpochMs: run.shared?.timeline.originEpochMs ?? 0,
          title: `mmscert run ${run.runId}: shared peers ${run.shared?.peers.join(', ')}`,
        }),
      );
    // the shared peers' whole timeline is their connections' bytes (in run.pcapng.gz) and what
    // was routed to the cases (in the cases' timelines): under `failing` results.json leaves it out
    if (this.evidence === 'failing' && run.shared)
      run.shared.timeline = { originEpochMs: run.shared.timeline.originEpochMs, observations: [] };
    let runPcapng: string | undefined;
    if (captures.length > 0) {
      const merged = mergePcapngs(captures, { title: `mmscert run ${run.runId}` });
      runPcapng = this.evidence === 'all' ? 'run.pcapng' : 'run.pcapng.gz';
      await this.put(runPcapng, this.evidence === 'all' ? merged : gzipSync(merged));
    }
    await this.put('coverage.md', coverageMarkdown(run));
    if (this.parts.json) await this.writeResultsJson(run);
    if (this.reporters.includes('junit')) await this.put('junit.xml', junitXml(run));
    const baseline = this.opts.baseline ? baselineView(this.opts.baseline, run, this.dir) : undefined;
    if (this.parts.html)
      await this.put(
        'report.html',
        htmlReport(run, { ...(runPcapng ? { runPcapng } : {}), ...(baseline ? { baseline } : {}) }),
      );
    let total = 0;
    for (const f of this.written) total += (await stat(f)).size;
    this.totalBytes = total;
    return this.written;
  }

  /** Bytes of every file written, once finish() returned. */
  totalBytes = 0;

  /** results.json: the run around its cases' entries, copied from the side file in load order. */
  private async writeResultsJson(run: RunResult): Promise<void> {
    const side = this.jsonSide;
    const file = path.join(this.dir, 'results.json');
    if (run.cases.length === 0 || !side) {
      await side?.close();
      await rm(this.sidePath, { force: true });
      await this.put('results.json', resultsJson(run));
      return;
    }
    const { head, tail } = resultsJsonFrame(run);
    const tmp = `${file}.part`;
    const out = await open(tmp, 'w');
    try {
      await out.write(head);
      const sep = Buffer.from(CASE_SEPARATOR);
      let buf = Buffer.allocUnsafe(1 << 16);
      // the cases added, in load order: every case, or those that ran before an abort (runner.ts
      // keeps only those in run.cases, so indexes of the plan are not indexes of run.cases)
      const entries = inIndexOrder(this.jsonAt);
      if (entries.length !== run.cases.length)
        throw new Error(`results.json: ${entries.length} case(s) added for ${run.cases.length}`);
      for (let i = 0; i < entries.length; i++) {
        const at = entries[i];
        if (i > 0) await out.write(sep);
        if (buf.byteLength < at.length) buf = Buffer.allocUnsafe(at.length);
        const { bytesRead } = await side.read(buf, 0, at.length, at.offset);
        if (bytesRead !== at.length) throw new Error('results.json: short read of a case entry');
        await out.write(buf, 0, at.length);
      }
      await out.write(tail);
    } finally {
      await out.close();
      await side.close();
    }
    await rename(tmp, file);
    await rm(this.sidePath, { force: true });
    this.written.push(file);
  }
}

/** A map's values by ascending key (case indexes of the plan). */
function inIndexOrder<T>(m: ReadonlyMap<number, T>): T[] {
  return [...m.keys()].sort((a, b) => a - b).map((k) => m.get(k) as T);
}

/**
 * Writes a finished run's reports (see ReportWriter). With `pre`, the cases are not rendered
 * again (their timelines are not read): the text is the same either way. `evidence` defaults to
 * `all` (every case's capture and timeline); `mmscert run` passes `failing` unless told.
 */
export async function writeReports(
  run: RunResult,
  dir: string,
  reporters: readonly ReporterName[] = REPORTERS,
  pre?: PreRendered,
  opts: { evidence?: Evidence; baseline?: Baseline } = {},
): Promise<string[]> {
  if (pre && pre.cases.length !== run.cases.length)
    throw new Error(`writeReports: ${pre.cases.length} rendered case(s) for ${run.cases.length}`);
  const w = new ReportWriter(dir, reporters, { ...opts, capturesWritten: pre?.capturesWritten ?? false });
  for (let i = 0; i < run.cases.length; i++) await w.add(i, run.cases[i], pre?.cases[i]);
  return w.finish(run);
}
