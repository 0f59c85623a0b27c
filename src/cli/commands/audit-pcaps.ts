import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { auditPcaps, failureLine, haveTshark } from '../../report/audit-pcaps.ts';
import { CliError } from '../cli-error.ts';

/** The newest run under reports/ (run ids start with a UTC timestamp, so names sort by age). */
function latestRun(root: string): string {
  const dirs = existsSync(root)
    ? readdirSync(root)
        .filter((n) => existsSync(path.join(root, n, 'results.json')))
        .sort()
    : [];
  const last = dirs.at(-1);
  if (last === undefined) throw new CliError(`no run found under ${root} (give REPORT_DIR)`, 2);
  return path.join(root, last);
}

/** `evidence` of a run's results.json (a top-level key: two spaces in). */
function evidenceOf(dir: string): string | undefined {
  try {
    const text = readFileSync(path.join(dir, 'results.json'), 'utf8');
    return /^ {2}"evidence": "(\w+)"/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * `mmscert audit-pcaps [REPORT_DIR]`: tshark over every .pcapng of a run; one line per file that
 * fails, a summary, exit 1 on any failure (0 clean, 2 the audit cannot be done: no tshark, no run).
 */
export function register(program: Command): void {
  program
    .command('audit-pcaps')
    .description(
      "check every PCAPNG of a run in Wireshark (tshark): no malformed frame, no expert error/warning, except a malformed-stimulus case's own stimulus and tshark's known MMSE gaps (the 0x84 false positive, the indexed fields of delete confs)",
    )
    .argument('[report-dir]', 'a run directory (default: the newest under reports/)')
    .option('--jobs <n>', 'tshark processes at once', '2')
    .action(async (dir: string | undefined, opts: { jobs: string }) => {
      if (!/^\d+$/.test(opts.jobs) || Number(opts.jobs) < 1 || Number(opts.jobs) > 16)
        throw new CliError(`--jobs: expected an integer 1..16, got "${opts.jobs}"`, 2);
      const target = dir ?? latestRun('reports');
      if (!existsSync(target) || !statSync(target).isDirectory())
        throw new CliError(`${target}: not a directory`, 2);
      // no audit is no pass: a CI gate must not go green because the tool is missing
      if (!haveTshark())
        throw new CliError(
          'audit-pcaps: tshark is not installed (apt-get install tshark): nothing audited',
          2,
        );
      const s = await auditPcaps(target, { jobs: Number(opts.jobs) });
      if (s.files.length === 0)
        throw new CliError(
          `${target}: no .pcapng file${evidenceOf(target) === 'failing' ? ' (that run kept the captures of failing cases only: run with --evidence all to audit every capture)' : ''}`,
          2,
        );
      if (evidenceOf(target) === 'failing')
        process.stdout.write(
          `${target}: the run kept the captures of failing, erring and inconclusive cases only (--evidence failing); --evidence all keeps every case's\n`,
        );
      for (const f of s.files) if (!f.ok) process.stdout.write(`FAIL ${failureLine(f)}\n`);
      const flagged = s.files.reduce((n, f) => n + f.flagged.length, 0);
      process.stdout.write(
        `${s.dir}: ${s.files.length} file(s), ${s.frames} frame(s), ${flagged} flagged by tshark ` +
          `(${s.excused.stimulus} malformed-stimulus, ${s.excused['tshark-0x84']} tshark 0x84 false positive, ` +
          `${s.excused['tshark-indexed']} tshark indexed delete-conf), ` +
          `${s.failedFiles} file(s) failing, ${(s.durationMs / 1000).toFixed(1)} s\n`,
      );
      if (s.failedFiles > 0) throw new CliError(`audit-pcaps: ${s.failedFiles} capture(s) fail`, 1);
    });
}
