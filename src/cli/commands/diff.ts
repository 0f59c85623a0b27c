import type { Command } from 'commander';
import { diffRuns, diffText, RunDocError, readRunDoc } from '../../report/run-diff.ts';
import { CliError } from '../cli-error.ts';

/**
 * `mmscert diff RUN_A RUN_B`: what changed between two runs (or two targets). Exit 1 when B has
 * new failures, 0 otherwise, 2 when a run cannot be read.
 */
export function register(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two runs (report directories or their results.json): new failures, fixed, verdict changes, failures with other evidence, and how the runs were made (tool, target, ICS, seed, machine); exit 1 on any new failure',
    )
    .argument('<run-a>', 'the earlier run (or the baseline target)')
    .argument('<run-b>', 'the later run (or the other target)')
    .option('--json', 'the comparison as JSON')
    .action((a: string, b: string, opts: { json?: boolean }) => {
      let d: ReturnType<typeof diffRuns>;
      try {
        d = diffRuns(readRunDoc(a), readRunDoc(b));
      } catch (e) {
        if (e instanceof RunDocError) throw new CliError(`diff: ${e.message}`, 2);
        throw e;
      }
      if (opts.json) {
        const { a: ra, b: rb, ...rest } = d;
        process.stdout.write(`${JSON.stringify({ a: ra.runId, b: rb.runId, ...rest }, null, 2)}\n`);
      } else process.stdout.write(diffText(d));
      if (d.newFailures.length > 0) process.exitCode = 1;
    });
}
