import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../harness/run-result.ts';
import { buildPcapng } from '../wire/build-pcapng.ts';
import { mergePcapngs } from '../wire/merge-pcapng.ts';
import { htmlCaseOrder, htmlReportFrame } from './html-report.ts';
import { junitXml } from './junit-xml.ts';
import { casePcapName, type RenderedCase, renderCase } from './render-case.ts';
import { caseParts, REPORTERS, type ReporterName } from './reporters.ts';
import { coverageMarkdown } from './requirement-coverage.ts';
import { CASE_SEPARATOR, resultsJson, resultsJsonFrame } from './results-json.ts';

export { caseParts, casePcapName, REPORTERS, type ReporterName };

/** What writeReports is given when the cases were rendered where they ran (worker threads). */
export interface PreRendered {
  /** By index in run.cases, rendered with caseParts(reporters). */
  cases: readonly RenderedCase[];
  /** The case captures are already in the report directory (written by whoever rendered them). */
  capturesWritten: boolean;
}

/**
 * Writes reports/<run-id>/: results.json, junit.xml, report.html, coverage.md, one .pcapng per
 * case (those that recorded bytes) and run.pcapng (every case's packets merged on one clock).
 * Sets each case's `pcapng` so reports link it. Returns the files written. With `pre`, the cases
 * are not rendered again (their timelines are not read): the text is the same either way.
 */
export async function writeReports(
  run: RunResult,
  dir: string,
  reporters: readonly ReporterName[] = REPORTERS,
  pre?: PreRendered,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, data: string | Uint8Array) => {
    const file = path.join(dir, name);
    await writeFile(file, data);
    written.push(file);
  };
  /** A file made of pieces (the cases' rendered octets between the run's own text), never joined. */
  const putParts = async (name: string, parts: readonly (string | Uint8Array)[]) => {
    const file = path.join(dir, name);
    const bufs = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
    const fh = await open(file, 'w');
    try {
      for (let i = 0; i < bufs.length; i += 512) {
        const batch = bufs.slice(i, i + 512);
        const want = batch.reduce((n, b) => n + b.byteLength, 0);
        const { bytesWritten } = await fh.writev(batch);
        // a short write (rare): the rest of the batch piece by piece
        if (bytesWritten < want) await fh.write(Buffer.concat(batch).subarray(bytesWritten));
      }
    } finally {
      await fh.close();
    }
    written.push(file);
  };
  /** The pieces `rendered` joined with `sep`, between `head` and `tail`. */
  const framed = (head: string, pieces: readonly Uint8Array[], sep: string, tail: string) => {
    const sepBytes = Buffer.from(sep);
    const out: (string | Uint8Array)[] = [head];
    pieces.forEach((p, i) => {
      if (i > 0) out.push(sepBytes);
      out.push(p);
    });
    out.push(tail);
    return out;
  };
  const parts = caseParts(reporters);
  const rendered = pre?.cases ?? run.cases.map((c) => renderCase(c, parts));
  if (rendered.length !== run.cases.length)
    throw new Error(`writeReports: ${rendered.length} rendered case(s) for ${run.cases.length}`);
  const captures: Uint8Array[] = [];
  for (let i = 0; i < run.cases.length; i++) {
    const c = run.cases[i];
    const bytes = rendered[i].pcapng;
    if (!bytes) continue;
    captures.push(bytes);
    const name = casePcapName(c.id);
    c.pcapng = name;
    if (pre?.capturesWritten) written.push(path.join(dir, name));
    else await put(name, bytes);
  }
  // the shared peers' connections (external target, concurrent cases) go into run.pcapng whole
  const sharedObs = run.shared?.timeline.observations ?? [];
  if (sharedObs.some((o) => o.kind === 'bytes'))
    captures.push(
      buildPcapng(sharedObs, {
        originEpochMs: run.shared?.timeline.originEpochMs ?? 0,
        title: `mmscert run ${run.runId}: shared peers ${run.shared?.peers.join(', ')}`,
      }),
    );
  let runPcapng: string | undefined;
  if (captures.length > 0) {
    runPcapng = 'run.pcapng';
    await put(runPcapng, mergePcapngs(captures, { title: `mmscert run ${run.runId}` }));
  }
  await put('coverage.md', coverageMarkdown(run));
  const empty = new Uint8Array(0);
  if (parts.json) {
    if (run.cases.length === 0) await put('results.json', resultsJson(run));
    else {
      const { head, tail } = resultsJsonFrame(run);
      await putParts(
        'results.json',
        framed(
          head,
          rendered.map((r) => r.json ?? empty),
          CASE_SEPARATOR,
          tail,
        ),
      );
    }
  }
  if (reporters.includes('junit')) await put('junit.xml', junitXml(run));
  if (parts.html) {
    const { head, tail } = htmlReportFrame(run, runPcapng ? { runPcapng } : {});
    await putParts(
      'report.html',
      framed(
        head,
        htmlCaseOrder(run).map((i) => rendered[i].html ?? empty),
        '\n',
        tail,
      ),
    );
  }
  return written;
}
