import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

/**
 * `mmscert ics init [FILE]`: writes a documented ICS template (the reference MMSC's values as the
 * example) to FILE or stdout. `mmscert ics check FILE`: validates one (`file:line:col: message`,
 * exit 2). `mmscert ics show [--config F]`: the ICS a target config resolves to, as YAML.
 */
export function register(program: Command): void {
  const ics = program.command('ics').description("the target's implementation conformance statement (ICS)");
  ics
    .command('init')
    .description('write a documented ICS template to FILE (or stdout)')
    .argument('[file]', 'where to write (refuses to overwrite)')
    .action(async (file: string | undefined) => {
      const [{ icsTemplate }, { embeddedIcs }] = await Promise.all([
        import('../../harness/ics/ics-template.ts'),
        import('../../harness/targets/embedded.ts'),
      ]);
      const text = icsTemplate(embeddedIcs());
      if (!file) {
        process.stdout.write(text);
        return;
      }
      if (existsSync(file)) throw new CliError(`${file} exists: not overwritten`, 2);
      writeFileSync(file, text);
      process.stdout.write(
        `wrote ${file}: edit it to describe your MMSC, then name it in the target config (ics: ${file})\n`,
      );
    });
  ics
    .command('check')
    .description('validate an ICS file')
    .argument('<file>')
    .action(async (file: string) => {
      const { loadIcsFile } = await import('../../harness/ics/ics-file.ts');
      try {
        const r = loadIcsFile(file);
        process.stdout.write(`${file}: ok (${r.implementation.name})\n`);
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
    });
  ics
    .command('show')
    .description('print the ICS a target config resolves to (default: the embedded reference MMSC)')
    .option('--config <file>', 'target config')
    .action(async (o: { config?: string }) => {
      const [{ icsOfConfig }, { loadTargetConfig }, { stringify }, path] = await Promise.all([
        import('../../harness/targets/create-target.ts'),
        import('../../harness/targets/target-config.ts'),
        import('yaml'),
        import('node:path'),
      ]);
      try {
        const config = o.config ? loadTargetConfig(o.config) : undefined;
        process.stdout.write(stringify(icsOfConfig(config, o.config ? path.dirname(o.config) : '.')));
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
    });
}
