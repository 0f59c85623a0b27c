import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { type KnownFailures, loadKnownFailures } from '../../harness/known-failures.ts';
import { loadPeerKinds } from '../../harness/peer-kinds.ts';
import { makeRunId, runSuites } from '../../harness/runner.ts';
import { formatDiagnostic } from '../../harness/suite-diagnostics.ts';
import { loadSuites } from '../../harness/suite-loader.ts';
import { LEVELS, type Level } from '../../harness/suite-schema.ts';
import { type Target, TargetError } from '../../harness/target.ts';
import { createTarget, targetFromConfigFile } from '../../harness/targets/create-target.ts';
import { TerminalReporter } from '../../report/terminal-reporter.ts';
import { REPORTERS, type ReporterName, writeReports } from '../../report/write-reports.ts';
import { CliError } from '../cli-error.ts';

interface RunCliOptions {
  config?: string;
  suite?: string;
  grep?: string;
  seed?: string;
  jobs: string;
  reportDir?: string;
  reporter: string;
  expectations?: string;
  failOn: string;
  suitesDir: string;
}

function int(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new CliError(`${name}: expected an integer ${min}..${max}, got "${v}"`, 2);
  return Number(v);
}

/**
 * `mmscert run`: loads the suites, runs them against the target (embedded by default) and
 * writes reports/<run-id>/. Exit 0 when every case passes (or fails as a known failure),
 * 1 on any unexpected failure or case error, 2 when the run itself cannot be done.
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
    .option('--seed <n>', 'seed for every generated value (default: random, printed)')
    .option('--jobs <n>', 'cases run at once (at most 1 on external and container targets)', '16')
    .option('--report-dir <dir>', 'where to write (default reports/<run-id>)')
    .option('--reporter <list>', `comma-separated: ${REPORTERS.join(',')}`, REPORTERS.join(','))
    .option('--expectations <file>', "the target's known failures (YAML: known-failures: [{id, reason}])")
    .option(
      '--fail-on <level>',
      'lowest requirement level whose failure fails the run: SHALL, SHOULD or MAY',
      'SHALL',
    )
    .option('--suites-dir <dir>', 'the suites folder', 'suites')
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
      const seed = opts.seed !== undefined ? int('--seed', opts.seed, 0, 2 ** 32 - 1) : randomInt(0, 2 ** 31);
      const jobs = int('--jobs', opts.jobs, 1, 64);
      let grep: RegExp | undefined;
      try {
        grep = opts.grep !== undefined ? new RegExp(opts.grep) : undefined;
      } catch (e) {
        throw new CliError(`--grep: not a regular expression: ${(e as Error).message}`, 2);
      }

      let target: Target;
      let expectationsFile = opts.expectations;
      if (opts.config) {
        try {
          const t = targetFromConfigFile(opts.config);
          target = t.target;
          expectationsFile ??= t.expectations;
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
      } else target = createTarget();
      let known: KnownFailures | undefined;
      if (expectationsFile) {
        try {
          known = loadKnownFailures(expectationsFile);
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
      }

      const loaded = await loadSuites({
        root: opts.suitesDir,
        files,
        ...(opts.suite ? { suite: opts.suite } : {}),
        ...(grep ? { grep } : {}),
      });
      for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      if (loaded.diagnostics.length > 0)
        throw new CliError(`${loaded.diagnostics.length} problem(s) in suite files: nothing run`, 2);
      if (loaded.cases.length === 0) throw new CliError('no case matches (mmscert list shows the cases)', 2);

      let peerKinds: Awaited<ReturnType<typeof loadPeerKinds>>;
      try {
        peerKinds = await loadPeerKinds();
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }

      const runId = makeRunId(seed);
      const reportDir = opts.reportDir ?? path.join('reports', runId);
      const terminal = reporters.includes('terminal')
        ? new TerminalReporter(process.stdout, loaded.cases.length)
        : undefined;
      if (terminal)
        process.stdout.write(
          `mmscert run ${runId}: ${loaded.cases.length} case(s), ${target.description}, seed ${seed}\n`,
        );
      let run: Awaited<ReturnType<typeof runSuites>>;
      try {
        run = await runSuites({
          cases: loaded.cases,
          target,
          peerKinds,
          seed,
          jobs,
          failOn: failOn as Level,
          runId,
          ...(known ? { knownFailures: known } : {}),
          ...(terminal ? { onCaseStart: terminal.caseStart, onCaseEnd: terminal.caseEnd } : {}),
        });
      } catch (e) {
        if (e instanceof TargetError) throw new CliError(e.message, 2);
        throw e;
      }
      run.catalogue = loaded.catalogue;
      const fileReporters = reporters.filter((r): r is ReporterName => r !== 'terminal');
      if (fileReporters.length > 0) await writeReports(run, reportDir, fileReporters);
      if (terminal)
        process.stdout.write(terminal.summary(run, fileReporters.length > 0 ? reportDir : undefined));
      // Peers and targets are stopped; exit now rather than wait on any handle a peer left open.
      process.exit(run.summary.unexpected > 0 ? 1 : 0);
    });
}
