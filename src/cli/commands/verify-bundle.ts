import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

/**
 * `mmscert verify-bundle DIR`: recomputes an interop evidence bundle's manifest and hash
 * (src/report/evidence-bundle.ts) and compares them with what the bundle and its report.html
 * record. Exit 0 intact (prints the hash both carriers sign), 1 anything differs, 2 no bundle.
 */
export function register(program: Command): void {
  program
    .command('verify-bundle')
    .description(
      'recompute the SHA-256 manifest and bundle hash of an interop evidence bundle and check them',
    )
    .argument('<dir>', 'the bundle (the report directory of mmscert interop)')
    .action(async (dir: string) => {
      const { existsSync, statSync } = await import('node:fs');
      const { verifyBundle } = await import('../../report/evidence-bundle.ts');
      if (!existsSync(dir) || !statSync(dir).isDirectory())
        throw new CliError(`verify-bundle: ${dir}: not a directory`, 2);
      const r = verifyBundle(dir);
      if (r.ok) {
        process.stdout.write(`OK ${r.hash} (${r.files} files)\n`);
        process.exit(0);
      }
      for (const p of r.problems) process.stdout.write(`MISMATCH ${p}\n`);
      process.stdout.write(`bundle SHA-256 now ${r.hash}, recorded ${r.recorded ?? 'none'}\n`);
      process.exit(1);
    });
}
