import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import type { CaseFinisher } from '../../harness/case-sink.ts';
import type { KnownFailures } from '../../harness/known-failures.ts';
import { LEVELS, type Level } from '../../harness/levels.ts';
import type { LocalLanes } from '../../harness/local-lanes.ts';
import { makeRunId } from '../../harness/run-id.ts';
import type { RunResult } from '../../harness/run-result.ts';
import { TargetError } from '../../harness/target.ts';
import type { TargetConfig } from '../../harness/targets/target-config.ts';
import { defaultWorkers, WorkerPool, WorkerPoolError } from '../../harness/worker-pool.ts';
import type { Evidence } from '../../report/evidence.ts';
import type { RenderedCase } from '../../report/render-case.ts';
import { caseParts, REPORTERS, type ReporterName } from '../../report/reporters.ts';
import { cliBundle } from '../../util/typescript-imports.ts';
import type { CaseRenderOptions } from '../case-rendering.ts';
import { CliError } from '../cli-error.ts';
import { resolveTimeScale } from '../time-scale-option.ts';

// Only what `register` and the worker pool need is imported up front: the pool's threads start
// before this thread loads the suite loader, the reports and (for its own lane) the MMSC.
interface RunCliOptions {
  config?: string;
  suite?: string;
  grep?: string;
  tag?: string;
  seed?: string;
  jobs: string;
  workers?: string;
  reportDir?: string;
  reporter: string;
  expectations?: string;
  failOn: string;
  suitesDir: string;
  timeScale: string;
  rerunFailed?: boolean;
  from?: string;
  evidence: string;
  maxOutput?: string;
  keep: string;
  baseline?: string;
  shard?: string;
  shardDurations?: string;
}

/** `--time-scale F`: a positive factor (0.1..100). */
function int(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new CliError(`${name}: expected an integer ${min}..${max}, got "${v}"`, 2);
  return Number(v);
}

/**
 * `mmscert run`: loads the suites, runs them against the target (embedded by default) and
 * writes reports/<run-id>/. Exit 0 when every case passes, is not applicable or fails as a known
 * failure; 1 on any unexpected fail (at or above --fail-on, default any level), inconclusive or
 * error verdict; 2 when the run itself cannot be done (bad suites, options, config or ICS, a
 * target that does not answer, a port our peers need taken).
 */
export function register(program: Command): void {
  program
    .command('run')
    .description('run suites against a target MMSC (default: the embedded reference MMSC) and write reports')
    .argument('[files...]', 'suite files (default: every suite under --suites-dir)')
    .option(
      '--config <file>',
      'target config (YAML/JSON): embedded, external or container, and our peers for it',
    )
    .option('--suite <glob>', 'case-id glob(s), comma separated: mm1.send.*')
    .option('--grep <re>', 'regular expression over "id title"')
    .option('--tag <tags>', 'only cases carrying one of these tags (comma separated)')
    .option('--seed <n>', 'seed for every generated value (default: random, printed)')
    .option(
      '--jobs <n>',
      'cases run at once (external and container targets: the peers the target calls are shared by the cases; 1: each case alone with its own)',
      '64',
    )
    .option(
      '--workers <n>',
      'worker threads sharing the cases, each with its own embedded MMSC and peers (default: one per core; 1: all in this thread)',
    )
    .option('--report-dir <dir>', 'where to write (default reports/<run-id>)')
    .option('--reporter <list>', `comma-separated: ${REPORTERS.join(',')}`, REPORTERS.join(','))
    .option('--expectations <file>', "the target's known failures (YAML: known-failures: [{id, reason}])")
    .option(
      '--fail-on <level>',
      'lowest requirement level whose unexpected failure makes the exit code 1: SHALL (SHALL and ROBUSTNESS), SHOULD, or MAY (the default: a failure at any level)',
      'MAY',
    )
    .option('--suites-dir <dir>', 'the suites folder', 'suites')
    .option(
      '--time-scale <factor>',
      'multiply every deadline (expectation within, step and case timeouts, waits): a slow target or a loaded host; auto: by the CPU share this process gets at start (1 on an idle host)',
      'auto',
    )
    .option(
      '--rerun-failed',
      'run only the cases whose verdict was fail, inconclusive or error in the last run (newest reports/*/results.json)',
    )
    .option('--from <dir>', 'with --rerun-failed: the report directory of the run to take them from')
    .option(
      '--evidence <which>',
      'whose captures, timelines and sequence diagrams the reports keep: failing (failed, error and inconclusive cases; a full run writes a few MB) or all',
      'failing',
    )
    .option(
      '--max-output <size>',
      "bound of the run's report directory (e.g. 10MB, 500kB; 0: none): past it, later failing cases keep their verdict and findings but not their capture and diagram (default: 10MB under --evidence failing, none under --evidence all)",
    )
    .option(
      '--keep <n>',
      'runs kept under reports/: older run directories are removed after this one is written (0: none removed; not with --report-dir)',
      '10',
    )
    .option(
      '--baseline <run-dir>',
      'an earlier run (its report directory or results.json) to compare with: report.html gets a section with new failures, fixed cases, verdict and evidence changes (as mmscert diff)',
    )
    .option(
      '--shard <i/n>',
      'run only part I of N of the selected cases (a stable partition by case id; merge the parts with mmscert merge-reports)',
    )
    .option(
      '--shard-durations <results.json>',
      "with --shard: a previous run's results.json, whose case durations balance the parts (default: by case-id hash)",
    )
    .action(async (files: string[], opts: RunCliOptions) => {
      const reporters = opts.reporter
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      for (const r of reporters) {
        if (!(REPORTERS as readonly string[]).includes(r))
          throw new CliError(`--reporter: unknown reporter "${r}" (known: ${REPORTERS.join(', ')})`, 2);
      }
      const failOn = opts.failOn.toUpperCase();
      if (!(LEVELS as readonly string[]).includes(failOn))
        throw new CliError(`--fail-on: expected SHALL, SHOULD or MAY`, 2);
      const { tagList } = await import('./list.ts');
      const tags = tagList(opts.tag);
      const seed = opts.seed !== undefined ? int('--seed', opts.seed, 0, 2 ** 32 - 1) : randomInt(0, 2 ** 31);
      const jobs = int('--jobs', opts.jobs, 1, 256);
      const { scale, note: scaleNote } = await resolveTimeScale(opts.timeScale);
      if (opts.from && !opts.rerunFailed) throw new CliError('--from: only with --rerun-failed', 2);
      if (opts.evidence !== 'failing' && opts.evidence !== 'all')
        throw new CliError(`--evidence: expected failing or all, got "${opts.evidence}"`, 2);
      const evidence: Evidence = opts.evidence;
      const { DEFAULT_MAX_OUTPUT } = await import('../../report/output-bound.ts');
      const { formatBytes, parseByteSize } = await import('../../report/byte-size.ts');
      let maxOutput: number | undefined = evidence === 'failing' ? DEFAULT_MAX_OUTPUT : undefined;
      if (opts.maxOutput !== undefined) {
        const n = parseByteSize(opts.maxOutput);
        if (n === undefined)
          throw new CliError(
            `--max-output: expected a size such as 10MB, 500kB or 0, got "${opts.maxOutput}"`,
            2,
          );
        maxOutput = n === 0 ? undefined : n;
      }
      const keep = int('--keep', opts.keep, 0, 100000);
      let baseline: import('../../report/write-reports.ts').Baseline | undefined;
      if (opts.baseline !== undefined) {
        const { readRunDoc, runDirOf } = await import('../../report/run-diff.ts');
        try {
          baseline = { doc: readRunDoc(opts.baseline), dir: runDirOf(opts.baseline) };
        } catch (e) {
          throw new CliError(`--baseline: ${(e as Error).message}`, 2);
        }
      }
      let grep: RegExp | undefined;
      try {
        grep = opts.grep !== undefined ? new RegExp(opts.grep) : undefined;
      } catch (e) {
        throw new CliError(`--grep: not a regular expression: ${(e as Error).message}`, 2);
      }

      let shard: import('../../harness/shard.ts').Shard | undefined;
      if (opts.shard !== undefined) {
        const { parseShard, ShardError } = await import('../../harness/shard.ts');
        try {
          shard = parseShard(opts.shard);
        } catch (e) {
          if (e instanceof ShardError) throw new CliError(e.message, 2);
          throw e;
        }
      } else if (opts.shardDurations) throw new CliError('--shard-durations: only with --shard', 2);

      const phase = phaseTimer();
      const workers =
        opts.workers !== undefined ? int('--workers', opts.workers, 1, 64) : Math.min(defaultWorkers(), 8);

      let config: TargetConfig | undefined;
      let expectationsFile = opts.expectations;
      if (opts.config) {
        const { loadTargetConfig } = await import('../../harness/targets/target-config.ts');
        try {
          config = loadTargetConfig(opts.config);
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
        if (config.expectations)
          expectationsFile ??= path.resolve(path.dirname(opts.config), config.expectations);
        // fixed ports our peers need (any target kind): one harness error before any case, not
        // one error per case (external targets check again when they open)
        if (config.peers) {
          const { assertPeerPortsFree } = await import('../../harness/targets/peer-ports.ts');
          try {
            await assertPeerPortsFree(
              config.peers as Record<string, import('../../util/json.ts').JsonObject>,
            );
          } catch (e) {
            throw new CliError((e as Error).message, 2);
          }
        }
      }
      const runId = makeRunId(seed);
      const reportDir = opts.reportDir ?? path.join('reports', runId);
      const fileReporters = reporters.filter((r): r is ReporterName => r !== 'terminal');
      // The embedded MMSC (and a peers-only run) runs cases side by side: on lanes, this thread and
      // worker threads, each with its own MMSC and peers, started now so their start-up overlaps
      // everything else.
      const kind = config?.target?.kind ?? 'embedded';
      const render: CaseRenderOptions = {
        ...caseParts(fileReporters),
        ...(fileReporters.length > 0 ? { dir: path.resolve(reportDir) } : {}),
        evidence,
      };
      const pool =
        workers > 1 && (kind === 'embedded' || kind === 'none')
          ? new WorkerPool({
              workers,
              ...(opts.config ? { configFile: path.resolve(opts.config) } : {}),
              seed,
              failOn: failOn as Level,
              ...(scale !== 1 ? { timeScale: scale } : {}),
              ...(expectationsFile ? { knownFailuresFile: path.resolve(expectationsFile) } : {}),
              // the threads render their cases into the reports (run-lane-entry.ts), as this one does
              entry: cliBundle()?.worker ?? new URL('../run-lane-entry.ts', import.meta.url).href,
              sink: render,
              finisher: import('../case-rendering.ts').then((m) => m.caseRendering(render)),
            })
          : undefined;
      phase(pool ? 'workers started' : 'options read');
      const [
        { loadKnownFailures },
        { loadSuites },
        { formatDiagnostic },
        { readDurationHints, scheduleOrder, writeDurationHints },
        { TerminalReporter },
        { ReportWriter },
        { runSuites },
        { caseRendering },
      ] = await Promise.all([
        import('../../harness/known-failures.ts'),
        import('../../harness/suite-loader.ts'),
        import('../../harness/suite-diagnostics.ts'),
        import('../../harness/schedule.ts'),
        import('../../report/terminal-reporter.ts'),
        import('../../report/write-reports.ts'),
        import('../../harness/runner.ts'),
        import('../case-rendering.ts'),
      ]);
      let known: KnownFailures | undefined;
      if (expectationsFile) {
        try {
          known = loadKnownFailures(expectationsFile);
        } catch (e) {
          await pool?.close();
          throw new CliError((e as Error).message, 2);
        }
      }
      const [{ icsOfConfig }, { applicabilitySummary }] = await Promise.all([
        import('../../harness/targets/create-target.ts'),
        import('../../harness/ics/applicability-summary.ts'),
      ]);
      let ics: import('../../harness/ics/ics-schema.ts').Ics;
      try {
        ics = icsOfConfig(config, opts.config ? path.dirname(opts.config) : '.');
      } catch (e) {
        await pool?.close();
        throw new CliError((e as Error).message, 2);
      }
      try {
        const loaded = await loadSuites({
          root: opts.suitesDir,
          files,
          ...(opts.suite ? { suite: opts.suite } : {}),
          ...(grep ? { grep } : {}),
          ...(tags ? { tags } : {}),
        });
        phase('suites loaded');
        for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        if (loaded.diagnostics.length > 0)
          throw new CliError(`${loaded.diagnostics.length} problem(s) in suite files: nothing run`, 2);
        if (opts.rerunFailed) {
          const { findPreviousRun } = await import('../../harness/rerun-failed.ts');
          let prev: import('../../harness/rerun-failed.ts').PreviousRun;
          try {
            prev = findPreviousRun('reports', opts.from);
          } catch (e) {
            throw new CliError((e as Error).message, 2);
          }
          const want = new Set(prev.cases.map((c) => c.id));
          const kept = loaded.cases.filter((c) => want.has(c.id));
          const missing = prev.cases.filter((c) => !kept.some((k) => k.id === c.id));
          process.stdout.write(
            `--rerun-failed: ${prev.cases.length} of ${prev.total} case(s) of run ${prev.runId} (${prev.dir}) were not pass/not-applicable:\n` +
              prev.cases.map((c) => `  ${c.verdict.toUpperCase().padEnd(12)} ${c.id}\n`).join('') +
              (missing.length > 0
                ? `  not among the suites loaded now (not run): ${missing.map((c) => c.id).join(', ')}\n`
                : ''),
          );
          if (prev.cases.length === 0) {
            process.stdout.write('--rerun-failed: nothing to run again\n');
            await pool?.close();
            process.exit(0);
          }
          loaded.cases = kept;
        }
        // --shard: this machine's part of the selection (the whole selection, for the record)
        const selected = loaded.cases;
        if (shard) {
          if (selected.length === 0) throw new CliError('no case matches (mmscert list shows the cases)', 2);
          const { selectShard, durationsOfResults, ShardError } = await import('../../harness/shard.ts');
          try {
            loaded.cases = selectShard(
              selected,
              shard,
              opts.shardDurations ? durationsOfResults(opts.shardDurations) : undefined,
            );
          } catch (e) {
            if (e instanceof ShardError) throw new CliError(e.message, 2);
            throw e;
          }
        }
        if (loaded.cases.length === 0 && !shard)
          throw new CliError('no case matches (mmscert list shows the cases)', 2);
        if (reporters.includes('terminal'))
          process.stdout.write(applicabilitySummary(loaded.cases, ics, config?.target?.kind ?? 'embedded'));

        const terminal = reporters.includes('terminal')
          ? new TerminalReporter(process.stdout, loaded.cases.length)
          : undefined;
        // every case is rendered where it ran and written as it finishes (caseRendering)
        const writer =
          fileReporters.length > 0
            ? new ReportWriter(reportDir, fileReporters, {
                evidence,
                capturesWritten: true,
                ...(maxOutput !== undefined
                  ? { maxBytes: maxOutput, expectedCases: loaded.cases.length }
                  : {}),
                ...(baseline ? { baseline } : {}),
              })
            : undefined;
        const lanes =
          pool ??
          (await localLanes({
            config,
            configFile: opts.config,
            seed,
            failOn: failOn as Level,
            timeScale: scale,
            known,
            finisher: caseRendering(render),
          }));
        let target: { description: string };
        try {
          target = await lanes.open();
          phase(pool ? 'first lane ready' : 'target open');
        } catch (e) {
          await lanes.close();
          throw new CliError((e as Error).message, 2);
        }
        if (terminal)
          process.stdout.write(
            `mmscert run ${runId}: ${loaded.cases.length} case(s), ${target.description}, seed ${seed}${pool ? `, ${pool.size} workers` : ''}${scale !== 1 ? `, time scale ${scale}${scaleNote}` : ''}\n`,
          );
        let run: RunResult;
        try {
          run = await runSuites(
            {
              cases: loaded.cases,
              seed,
              jobs,
              runId,
              // worker lanes start the longest expected cases first; one lane on this thread
              // (external targets, shared peers) keeps the load order, as it always did
              ...(pool ? { order: scheduleOrder(loaded.cases, readDurationHints()) } : {}),
              failOn: failOn as Level,
              ...(scale !== 1 ? { timeScale: scale } : {}),
            },
            lanes,
            {
              ...(terminal ? { caseStart: (c) => terminal.caseStart(c) } : {}),
              caseEnd: (i, c, rendered) => {
                if (writer) void writer.add(i, c, rendered as RenderedCase);
                terminal?.caseEnd(c);
              },
            },
          );
        } catch (e) {
          if (e instanceof WorkerPoolError || e instanceof TargetError) throw new CliError(e.message, 2);
          throw e;
        }
        phase('cases run');
        writeDurationHints(run);
        run.catalogue = loaded.catalogue;
        if (shard) {
          const { shardRecord } = await import('../../harness/shard.ts');
          run.shard = shardRecord(shard, selected, run.cases);
        }
        const { toolFacts, machineFacts } = await import('../run-facts.ts');
        run.tool = toolFacts();
        run.ics = ics;
        run.machine = machineFacts();
        if (writer) {
          const files = await writer.finish(run);
          const dropped = run.outputBound?.evidenceDropped.length ?? 0;
          (terminal ? process.stdout : process.stderr).write(
            `reports: ${formatBytes(writer.totalBytes)} in ${files.length} files${maxOutput !== undefined ? ` (bound ${formatBytes(maxOutput)})` : ''}${dropped > 0 ? `; evidence of ${dropped} failing case(s) not kept to stay under it (their pages say so; rerun them with --suite)` : ''}\n`,
          );
          if (maxOutput !== undefined && writer.totalBytes > maxOutput)
            process.stderr.write(
              `mmscert: the reports take ${formatBytes(writer.totalBytes)}, over the ${formatBytes(maxOutput)} bound: the verdicts, steps and findings of ${run.cases.length} cases alone need more (select fewer cases, or raise --max-output)\n`,
            );
        }
        phase('reports written');
        if (fileReporters.length > 0 && opts.reportDir === undefined && keep > 0) {
          const { pruneRuns } = await import('../../report/retention.ts');
          const removed = pruneRuns('reports', keep, [reportDir, ...(baseline ? [baseline.dir] : [])]);
          if (removed.length > 0)
            (terminal ? process.stdout : process.stderr).write(
              `reports: removed ${removed.length} older run(s) under reports/ (--keep ${keep}): ${removed.map((d) => path.basename(d)).join(', ')}\n`,
            );
        }
        if (terminal)
          process.stdout.write(terminal.summary(run, fileReporters.length > 0 ? reportDir : undefined));
        if (baseline) {
          const { diffRuns } = await import('../../report/run-diff.ts');
          const d = diffRuns(baseline.doc, run);
          process.stdout.write(
            `baseline ${baseline.doc.runId}: ${d.newFailures.length} new failure(s), ${d.fixed.length} fixed, ${d.changed.length} other verdict change(s), ${d.evidenceChanged.length} failing with other evidence${fileReporters.includes('html') ? ' (report.html#baseline)' : ''}\n`,
          );
        }
        if (fileReporters.includes('html'))
          process.stdout.write(`report: ${path.join(reportDir, 'report.html')}\n`);
        phase('done');
        if (run.aborted) {
          process.stderr.write(
            `mmscert: run stopped, ${run.aborted.notRun.length} case(s) not run: ${run.aborted.reason}\n`,
          );
          process.exit(2);
        }
        // Every case stopped its peers and its target (and removed its store); exit now rather
        // than wait on a handle a peer left open, or on the worker threads to wind down.
        process.exit(run.summary.unexpected > 0 ? 1 : 0);
      } finally {
        await pool?.close();
      }
    });
}

/**
 * With MMSCERT_TIMING=1, one stderr line per phase of the run: the time since the process
 * started (start-up included) and the process's CPU time so far (every thread).
 */
function phaseTimer(): (name: string) => void {
  if (!process.env.MMSCERT_TIMING) return () => undefined;
  return (name) => {
    const cpu = process.cpuUsage();
    process.stderr.write(
      `[timing] ${name}: ${Math.round(performance.now())} ms wall, ${Math.round((cpu.user + cpu.system) / 1000)} ms cpu\n`,
    );
  };
}

/** One lane on this thread (external and container targets, `--workers 1`). */
async function localLanes(o: {
  config?: TargetConfig;
  configFile?: string;
  seed: number;
  failOn: Level;
  timeScale: number;
  known?: KnownFailures;
  finisher: CaseFinisher;
}): Promise<LocalLanes> {
  const [{ createTarget }, { loadPeerKinds }, { LocalLanes }] = await Promise.all([
    import('../../harness/targets/create-target.ts'),
    import('../../harness/peer-kinds.ts'),
    import('../../harness/local-lanes.ts'),
  ]);
  let target: ReturnType<typeof createTarget>;
  try {
    target = createTarget(o.config, o.configFile ? { baseDir: path.dirname(o.configFile) } : {});
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  let peerKinds: Awaited<ReturnType<typeof loadPeerKinds>>;
  try {
    peerKinds = await loadPeerKinds();
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  return new LocalLanes(
    {
      target,
      peerKinds,
      seed: o.seed,
      failOn: o.failOn,
      ...(o.timeScale !== 1 ? { timeScale: o.timeScale } : {}),
      ...(o.known ? { knownFailures: o.known } : {}),
    },
    o.finisher,
  );
}
