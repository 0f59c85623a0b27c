import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { casePageName } from '../../report/case-page.ts';
import { RunDocError, readRunDoc, runDirOf } from '../../report/run-diff.ts';
import { type MatrixColumn, matrixHtml } from '../../report/run-matrix.ts';
import { CliError } from '../cli-error.ts';

/**
 * `mmscert matrix RUN_A RUN_B ...`: one HTML page with the runs side by side (one column per
 * run, one row per requirement and per case, cells linking to each run's case pages). Exit 2
 * when a run cannot be read.
 */
export function register(program: Command): void {
  program
    .command('matrix')
    .description(
      'several runs (targets) side by side on one HTML page: one column per run, one row per requirement and per case, each cell coloured by verdict and linking to that run’s case page',
    )
    .argument('<runs...>', 'report directories (or their results.json), one column each, in this order')
    .option('-o, --output <file>', 'the page to write', 'matrix.html')
    .action((runs: string[], opts: { output: string }) => {
      if (runs.length < 2) throw new CliError('matrix: give at least two runs', 2);
      const out = path.resolve(opts.output);
      const cols: MatrixColumn[] = runs.map((where) => {
        let doc: ReturnType<typeof readRunDoc>;
        try {
          doc = readRunDoc(where);
        } catch (e) {
          if (e instanceof RunDocError) throw new CliError(`matrix: ${e.message}`, 2);
          throw e;
        }
        const dir = runDirOf(where);
        const pages = new Set(
          doc.cases.map((c) => c.id).filter((id) => existsSync(path.join(dir, casePageName(id)))),
        );
        return { doc, href: path.relative(path.dirname(out), path.resolve(dir)) || '.', pages };
      });
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, matrixHtml(cols));
      process.stdout.write(`matrix: ${path.relative(process.cwd(), out) || out}\n`);
    });
}
