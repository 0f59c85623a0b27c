import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedCase } from './case-model.ts';
import { durationMs } from './duration.ts';
import { DEFAULT_EXPECT_WITHIN_MS } from './expectation-eval.ts';
import type { RunResult } from './run-result.ts';
import { suiteCacheDir } from './suite-cache.ts';

/**
 * The order a run starts its cases in: longest expected first, so the cases that mostly wait
 * (retries, time-outs, expect-none windows) overlap the rest instead of running alone at the end.
 * Only the start order changes: results stay in load order and each case's seed comes from its
 * id, so reports are the same whatever the order. Expected duration: the case's duration in the
 * last run on this machine when known (node_modules/.cache/mmscert/durations.json), else the time
 * its steps are bound to take (wait steps and expect-none windows).
 */
export function scheduleOrder(
  cases: readonly LoadedCase[],
  last: Readonly<Record<string, number>> = {},
): number[] {
  const expected = cases.map((c) => last[c.id] ?? boundTime(c));
  return cases.map((_, i) => i).sort((a, b) => expected[b] - expected[a] || a - b);
}

/** What a case's steps must wait at least: `wait` steps and the whole window of each `expect-none`. */
export function boundTime(c: LoadedCase): number {
  let ms = 0;
  for (const s of c.steps) {
    const spec = s.spec as Record<string, unknown>;
    try {
      if (s.kind === 'wait') ms += durationMs(spec.wait as string | number, 0);
      else if (s.kind === 'expect-none') {
        const e = spec['expect-none'] as { within?: string | number } | undefined;
        ms += durationMs(e?.within, DEFAULT_EXPECT_WITHIN_MS);
      }
    } catch {
      // a templated duration: unknown until the case runs
    }
  }
  return ms;
}

const hintsFile = () => {
  const dir = suiteCacheDir();
  return dir ? path.join(dir, 'durations.json') : undefined;
};

/** The last run's case durations (id -> ms), if any. */
export function readDurationHints(): Record<string, number> {
  const file = hintsFile();
  if (!file) return {};
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, number> = {};
      for (const [k, x] of Object.entries(v)) if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
      return out;
    }
  } catch {
    // none yet
  }
  return {};
}

/** Keeps this run's case durations for the next run's order (merged over the older ones). */
export function writeDurationHints(run: RunResult): void {
  const file = hintsFile();
  if (!file) return;
  try {
    const all = { ...readDurationHints() };
    for (const c of run.cases) all[c.id] = c.durationMs;
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all));
    renameSync(tmp, file);
  } catch {
    // a read-only tree: no hints
  }
}
