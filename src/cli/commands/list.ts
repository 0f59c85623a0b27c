import type { Command } from 'commander';
import { formatDiagnostic } from '../../harness/suite-diagnostics.ts';
import { loadSuites } from '../../harness/suite-loader.ts';
import { CliError } from '../cli-error.ts';

function regex(re: string | undefined): RegExp | undefined {
  if (re === undefined) return undefined;
  try {
    return new RegExp(re);
  } catch (e) {
    throw new CliError(`--grep: not a regular expression: ${(e as Error).message}`, 2);
  }
}

/** `--tag a,b` -> ['a', 'b'] (undefined when not given); an empty list is a usage error. */
export function tagList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const tags = v
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length === 0) throw new CliError('--tag: expected tag names, comma separated', 2);
  return tags;
}

/** `mmscert list`: one case per line, id first, then title and requirements. */
export function register(program: Command): void {
  program
    .command('list')
    .description(
      'list the cases (id, title, requirements), filtered by --suite glob, --grep and --tag; exit 1 when none matches',
    )
    .argument('[files...]', 'suite files (default: every suite under --suites-dir)')
    .option('--suite <glob>', 'case-id glob(s), comma separated: mm1.send.*')
    .option('--grep <re>', 'regular expression over "id title"')
    .option('--tag <tags>', 'only cases carrying one of these tags (comma separated)')
    .option('--suites-dir <dir>', 'the suites folder', 'suites')
    .action(
      async (files: string[], opts: { suite?: string; grep?: string; tag?: string; suitesDir: string }) => {
        const grep = regex(opts.grep);
        const tags = tagList(opts.tag);
        const r = await loadSuites({
          root: opts.suitesDir,
          files,
          ...(opts.suite ? { suite: opts.suite } : {}),
          ...(grep ? { grep } : {}),
          ...(tags ? { tags } : {}),
        });
        for (const c of r.cases) {
          const reqs = c.requirements.map((q) => `${q.level} ${q.spec} ${q.clause}`).join('; ');
          process.stdout.write(`${c.id}\t${c.title}${reqs ? `\t[${reqs}]` : ''}\n`);
        }
        for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        if (r.diagnostics.length > 0)
          throw new CliError(`${r.diagnostics.length} problem(s) in suite files (mmscert validate)`, 2);
        if (r.cases.length === 0) throw new CliError('no case matches the selection', 1);
      },
    );
}
