import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { RunResult } from '../../harness/run-result.ts';
import { mergeShardRuns, ShardError } from '../../harness/shard.ts';
import { REPORTERS, type ReporterName } from '../../report/reporters.ts';
import { writeReports } from '../../report/write-reports.ts';
import { bytesFromJson, isBytesJson } from '../../util/json.ts';
import { CliError } from '../cli-error.ts';

/** A shard's results.json as its run: each observation's `raw` octets back from { $base64 }. */
export function readShardRun(where: string): RunResult {
  const file = existsSync(where) && statSync(where).isDirectory() ? path.join(where, 'results.json') : where;
  let run: RunResult;
  try {
    run = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  } catch (e) {
    throw new CliError(`merge-reports: ${file}: ${(e as Error).message}`, 2);
  }
  if (!run || !Array.isArray(run.cases))
    throw new CliError(`merge-reports: ${file}: not an mmscert results.json`, 2);
  for (const c of run.cases)
    for (const o of c.timeline?.observations ?? []) {
      const x = o as { raw?: unknown };
      if (isBytesJson(x.raw)) x.raw = bytesFromJson(x.raw);
    }
  return run;
}

/**
 * `mmscert merge-reports DIR...`: the report directories of a sharded run (`mmscert run --shard
 * I/N`, one per shard, all of the same cases and seed) merged into one run's reports, as the
 * unsharded run would have written them: results.json, junit.xml, report.html, captures. Exit 0,
 * or 1 when the merged run has an unexpected fail, inconclusive or error verdict (as `run`); 2
 * when the shards do not make one run (a shard missing or twice, other seeds).
 */
export function register(program: Command): void {
  program
    .command('merge-reports')
    .description('merge the report directories of a sharded run (run --shard I/N) into one report')
    .argument('<dirs...>', 'report directories (or their results.json), one per shard')
    .option('--report-dir <dir>', 'where to write (default reports/<merged-run-id>)')
    .option(
      '--reporter <list>',
      `comma-separated: ${REPORTERS.filter((r) => r !== 'terminal').join(',')}`,
      'json,junit,html',
    )
    .action(async (dirs: string[], opts: { reportDir?: string; reporter: string }) => {
      const reporters = opts.reporter
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      for (const r of reporters)
        if (!(REPORTERS as readonly string[]).includes(r) || r === 'terminal')
          throw new CliError(`--reporter: unknown reporter "${r}" (known: json, junit, html)`, 2);
      let run: RunResult;
      try {
        run = mergeShardRuns(dirs.map(readShardRun));
      } catch (e) {
        if (e instanceof ShardError) throw new CliError(e.message, 2);
        throw e;
      }
      const dir = opts.reportDir ?? path.join('reports', run.runId);
      await writeReports(run, dir, reporters as ReporterName[], undefined, {
        evidence: run.evidence ?? 'all',
      });
      const s = run.summary;
      process.stdout.write(
        `merged ${dirs.length} shard(s): ${s.total} cases: ${s.pass} pass, ${s.fail} fail, ${s.inconclusive} inconclusive, ${s.notApplicable} not applicable, ${s.error} error; ${s.unexpected} unexpected\nreports: ${dir}\n`,
      );
      process.exitCode = run.aborted ? 2 : s.unexpected > 0 ? 1 : 0;
    });
}
