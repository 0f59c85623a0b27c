import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../harness/run-result.ts';
import { buildPcapng } from '../wire/build-pcapng.ts';
import type { Observation } from '../wire/timeline.ts';
import { htmlReport } from './html-report.ts';
import { junitXml } from './junit-xml.ts';
import { coverageMarkdown } from './requirement-coverage.ts';
import { resultsJson } from './results-json.ts';

export const REPORTERS = ['terminal', 'json', 'junit', 'html'] as const;
export type ReporterName = (typeof REPORTERS)[number];

/** `mm1.send.001` -> `mm1.send.001.pcapng` (anything but [A-Za-z0-9._-] becomes `_`). */
export function casePcapName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.pcapng`;
}

/**
 * Observations of every case on one clock (the run's start): each case has its own timeline,
 * whose t counts from its own origin. Connection ids are process-unique, so flows never merge.
 */
export function runObservations(run: RunResult): Observation[] {
  const origin = Date.parse(run.startedAt);
  const all: Observation[] = [];
  for (const c of run.cases) {
    const shift = (c.timeline.originEpochMs - origin) * 1e6;
    for (const o of c.timeline.observations) all.push({ ...o, t: o.t + shift });
  }
  return all.sort((a, b) => a.t - b.t);
}

/**
 * Writes reports/<run-id>/: results.json, junit.xml, report.html, coverage.md, one .pcapng per
 * case (those that recorded bytes) and run.pcapng. Sets each case's `pcapng` so reports link it.
 * Returns the files written.
 */
export async function writeReports(
  run: RunResult,
  dir: string,
  reporters: readonly ReporterName[] = REPORTERS,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, data: string | Uint8Array) => {
    const file = path.join(dir, name);
    await writeFile(file, data);
    written.push(file);
  };
  for (const c of run.cases) {
    const obs = c.timeline.observations;
    if (!obs.some((o) => o.kind === 'bytes')) continue;
    const name = casePcapName(c.id);
    await put(
      name,
      buildPcapng(obs, { originEpochMs: c.timeline.originEpochMs, title: `mmscert case ${c.id}` }),
    );
    c.pcapng = name;
  }
  let runPcapng: string | undefined;
  const all = runObservations(run);
  if (all.some((o) => o.kind === 'bytes')) {
    runPcapng = 'run.pcapng';
    await put(
      runPcapng,
      buildPcapng(all, { originEpochMs: Date.parse(run.startedAt), title: `mmscert run ${run.runId}` }),
    );
  }
  await put('coverage.md', coverageMarkdown(run));
  if (reporters.includes('json')) await put('results.json', resultsJson(run));
  if (reporters.includes('junit')) await put('junit.xml', junitXml(run));
  if (reporters.includes('html')) await put('report.html', htmlReport(run, runPcapng ? { runPcapng } : {}));
  return written;
}
