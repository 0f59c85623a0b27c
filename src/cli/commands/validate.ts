import type { Command } from 'commander';
import { formatDiagnostic } from '../../harness/suite-diagnostics.ts';
import { loadSuites } from '../../harness/suite-loader.ts';
import { CliError } from '../cli-error.ts';

/** `mmscert validate [FILES...]`: every problem in the suite files as file:line:col: message. */
export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'check suite files (YAML and .case.ts) against the suite schema; every error as file:line:col',
    )
    .argument('[files...]', 'suite files (default: every suite under --suites-dir)')
    .option('--suites-dir <dir>', 'the suites folder', 'suites')
    .action(async (files: string[], opts: { suitesDir: string }) => {
      const r = await loadSuites({ root: opts.suitesDir, files });
      for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      if (r.files.length === 0)
        throw new CliError(`no suite file found${files.length === 0 ? ` under ${opts.suitesDir}` : ''}`, 2);
      if (r.diagnostics.length > 0) {
        throw new CliError(`${r.diagnostics.length} problem(s) in ${r.files.length} suite file(s)`, 2);
      }
      process.stdout.write(`${r.files.length} suite file(s), ${r.cases.length} case(s): valid\n`);
    });
}
