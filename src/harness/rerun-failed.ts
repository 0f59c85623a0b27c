import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `mmscert run --rerun-failed [--from DIR]`: the cases of the last run whose verdict was not
 * pass or not-applicable (fail, inconclusive, error), and those a stopped run never reached, read
 * from its results.json.
 */
export class RerunError extends Error {}

/** The newest `<root>/<run>/results.json` by modification time (undefined: none). */
export function newestRunDir(root: string): string | undefined {
  let best: { dir: string; mtime: number } | undefined;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const name of entries) {
    const file = path.join(root, name, 'results.json');
    let mtime: number;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      continue;
    }
    if (!best || mtime > best.mtime) best = { dir: path.join(root, name), mtime };
  }
  return best?.dir;
}

export interface PreviousRun {
  dir: string;
  runId: string;
  /** Ids of the cases to run again, in the previous run's order, with their verdict. */
  cases: { id: string; verdict: string }[];
  total: number;
}

const RERUN = new Set(['fail', 'inconclusive', 'error']);

/** Reads `<dir>/results.json` (a RunResult); throws RerunError when it is missing or not one. */
export function previousRun(dir: string): PreviousRun {
  const file = path.join(dir, 'results.json');
  if (!existsSync(file)) throw new RerunError(`--rerun-failed: no results.json in ${dir}`);
  let run: { runId?: unknown; cases?: unknown; aborted?: { notRun?: unknown } };
  try {
    run = JSON.parse(readFileSync(file, 'utf8')) as typeof run;
  } catch (e) {
    throw new RerunError(`--rerun-failed: ${file} is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(run.cases)) throw new RerunError(`--rerun-failed: ${file} has no cases`);
  const cases: PreviousRun['cases'] = [];
  for (const c of run.cases as { id?: unknown; verdict?: unknown }[]) {
    if (typeof c?.id === 'string' && typeof c.verdict === 'string' && RERUN.has(c.verdict))
      cases.push({ id: c.id, verdict: c.verdict });
  }
  // a run the target stopped (RunResult.aborted): the cases it never reached
  const notRun = run.aborted?.notRun;
  if (Array.isArray(notRun))
    for (const id of notRun) if (typeof id === 'string') cases.push({ id, verdict: 'not-run' });
  return {
    dir,
    runId: typeof run.runId === 'string' ? run.runId : path.basename(dir),
    cases,
    total: run.cases.length + (Array.isArray(notRun) ? notRun.length : 0),
  };
}

/** The previous run to take the failed cases from: `from`, else the newest under `root`. */
export function findPreviousRun(root: string, from?: string): PreviousRun {
  const dir = from ?? newestRunDir(root);
  if (!dir) throw new RerunError(`--rerun-failed: no previous run under ${root}/ (give --from DIR)`);
  return previousRun(dir);
}
