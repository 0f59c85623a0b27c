import { readFileSync } from 'node:fs';
import type { LoadedCase } from './case-model.ts';
import { makeRunId } from './run-id.ts';
import type { CaseResult, RunResult } from './run-result.ts';
import { summarise } from './run-result.ts';
import { topCauses } from './top-causes.ts';

/**
 * Sharded runs (`mmscert run --shard 2/5`, as Playwright and vitest shard across CI machines):
 * every machine loads the same cases and runs its own part; `mmscert merge-reports` puts the
 * parts back into one run. The partition depends only on the case ids (and the durations, if
 * given), never on the machine or the time: with a previous run's durations, the cases go longest
 * first to the least loaded shard (greedy, ties to the lower shard and the lower id), so the
 * shards take about the same time; without, each case goes to the shard of its id's hash.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export class ShardError extends Error {}

/** `2/5` -> { index: 2, total: 5 }. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const total = m ? Number(m[2]) : Number.NaN;
  if (!m || total < 1 || total > 1000 || index < 1 || index > total)
    throw new ShardError(`--shard: expected INDEX/TOTAL with 1 <= INDEX <= TOTAL <= 1000, got "${text}"`);
  return { index, total };
}

/** FNV-1a, 32 bits: a case id's stable hash (the same on every machine and Node version). */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(id, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The shard (0-based) of each case. `durations` (case id -> ms, a previous run's): longest
 * expected first onto the shard with the least expected time so far; a case the durations do not
 * know is expected to take their mean. Without durations: the id's hash modulo `total`.
 */
export function shardOf(
  ids: readonly string[],
  total: number,
  durations?: Readonly<Record<string, number>>,
): number[] {
  const known = durations ? Object.values(durations).filter((x) => Number.isFinite(x) && x >= 0) : [];
  if (!durations || known.length === 0) return ids.map((id) => idHash(id) % total);
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const expected = ids.map((id) => durations[id] ?? mean);
  const byLength = ids
    .map((_, i) => i)
    .sort((a, b) => expected[b] - expected[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : a - b));
  const load = new Array<number>(total).fill(0);
  const out = new Array<number>(ids.length);
  for (const i of byLength) {
    let s = 0;
    for (let k = 1; k < total; k++) if (load[k] < load[s]) s = k;
    out[i] = s;
    load[s] += expected[i];
  }
  return out;
}

/** The cases of one shard (in load order). */
export function selectShard(
  cases: readonly LoadedCase[],
  shard: Shard,
  durations?: Readonly<Record<string, number>>,
): LoadedCase[] {
  const of = shardOf(
    cases.map((c) => c.id),
    shard.total,
    durations,
  );
  return cases.filter((_, i) => of[i] === shard.index - 1);
}

/** A shard run's record: where each of its results sits among all the cases (`all`, load order). */
export function shardRecord(
  shard: Shard,
  all: readonly LoadedCase[],
  results: readonly CaseResult[],
): NonNullable<RunResult['shard']> {
  const at = new Map(all.map((c, i) => [c.id, i]));
  return { ...shard, of: all.length, positions: results.map((c) => at.get(c.id) ?? -1) };
}

/** Case durations (id -> ms) of a previous run's results.json. */
export function durationsOfResults(file: string): Record<string, number> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ShardError(`--shard-durations: ${file}: ${(e as Error).message}`);
  }
  const cases = (doc as { cases?: unknown } | null)?.cases;
  if (!Array.isArray(cases)) throw new ShardError(`--shard-durations: ${file}: not an mmscert results.json`);
  const out: Record<string, number> = {};
  for (const c of cases as { id?: unknown; durationMs?: unknown }[])
    if (typeof c.id === 'string' && typeof c.durationMs === 'number') out[c.id] = c.durationMs;
  return out;
}

/**
 * One run made of its shards' runs (each with its `shard` record, all of one sharding): the cases
 * back in load order, summary and top causes of the whole; the rest from the first shard. Refuses
 * shards of different seeds or shardings, a shard twice, a missing one or a case twice.
 */
export function mergeShardRuns(runs: readonly RunResult[], runId?: string): RunResult {
  if (runs.length === 0) throw new ShardError('merge-reports: no run to merge');
  const first = runs[0];
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const r of runs) {
    if (!r.shard) {
      problems.push(`run ${r.runId} is not a shard (run with --shard I/N)`);
      continue;
    }
    if (r.seed !== first.seed) problems.push(`run ${r.runId}: seed ${r.seed}, not ${first.seed}`);
    if (first.shard && (r.shard.total !== first.shard.total || r.shard.of !== first.shard.of))
      problems.push(
        `run ${r.runId}: shard of ${r.shard.total} over ${r.shard.of} case(s), not as the first run`,
      );
    if (seen.has(r.shard.index)) problems.push(`shard ${r.shard.index} given twice`);
    seen.add(r.shard.index);
    if (r.shard.positions.length !== r.cases.length)
      problems.push(`run ${r.runId}: ${r.cases.length} case(s) for ${r.shard.positions.length} position(s)`);
  }
  if (problems.length > 0) throw new ShardError(`merge-reports: ${problems.join('; ')}`);
  const total = first.shard?.total ?? 0;
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw new ShardError(`merge-reports: shard(s) ${missing.join(', ')} of ${total} missing`);
  const of = first.shard?.of ?? 0;
  const placed = new Array<CaseResult | undefined>(of);
  const notRun: string[] = [];
  const reasons: string[] = [];
  for (const r of runs) {
    r.shard?.positions.forEach((p, k) => {
      if (p < 0 || p >= of || placed[p])
        throw new ShardError(`merge-reports: case position ${p} twice or out of range`);
      placed[p] = r.cases[k];
    });
    if (r.aborted) {
      reasons.push(`shard ${r.shard?.index}: ${r.aborted.reason}`);
      notRun.push(...r.aborted.notRun);
    }
  }
  const ran = placed.filter((c) => c !== undefined).length;
  if (ran + notRun.length !== of)
    throw new ShardError(`merge-reports: ${ran} case(s) ran and ${notRun.length} did not, of ${of}`);
  const cases = placed.filter((c): c is CaseResult => c !== undefined);
  const startedAt = runs.map((r) => r.startedAt).sort()[0];
  const finishedAt = runs
    .map((r) => r.finishedAt)
    .sort()
    .at(-1) as string;
  const exclusive = runs.flatMap((r) => r.shared?.exclusive ?? []);
  const lateArrivals = runs.flatMap((r) => r.shared?.lateArrivals ?? []);
  const sharedPeers = [...new Set(runs.flatMap((r) => r.shared?.peers ?? []))];
  const { shard: _shard, shared: _shared, aborted: _aborted, ...rest } = first;
  return {
    ...rest,
    runId: runId ?? makeRunId(first.seed, new Date(startedAt)),
    startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    cases,
    summary: summarise(cases),
    ...(notRun.length > 0 ? { aborted: { reason: reasons.join('; '), notRun } } : {}),
    topCauses: topCauses(cases),
    ...(sharedPeers.length > 0
      ? {
          shared: {
            peers: sharedPeers,
            exclusive,
            lateArrivals,
            // each shard's shared peers had their own clock: their captures stay in the shards
            timeline: { originEpochMs: first.shared?.timeline.originEpochMs ?? 0, observations: [] },
          },
        }
      : {}),
  };
}
