import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

/**
 * `mmscert provisioning --config F [--json]`: every identity and endpoint the target MMSC must be
 * provisioned with for a run (subscriber range, foreign domain and MM4 route, ENUM/HLR server,
 * SMSC bind, VASP accounts and callback URL, mail relay), from the config and its ICS.
 * Exit 2 when the config cannot be read, 1 when something cannot be provisioned as configured.
 */
export function register(program: Command): void {
  program
    .command('provisioning')
    .description(
      'print what the target MMSC must be provisioned with (identities, our endpoints) for a config',
    )
    .requiredOption('--config <file>', 'target config (with its ICS)')
    .option('--json', 'machine-readable output')
    .action(async (o: { config: string; json?: boolean }) => {
      const [{ loadTargetConfig }, { icsOfConfig }, { provisioningSheet, formatProvisioning }] =
        await Promise.all([
          import('../../harness/targets/target-config.ts'),
          import('../../harness/targets/create-target.ts'),
          import('../../harness/targets/provisioning.ts'),
        ]);
      let sheet: ReturnType<typeof provisioningSheet>;
      try {
        const config = loadTargetConfig(o.config);
        sheet = provisioningSheet(config, icsOfConfig(config, path.dirname(o.config)));
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
      process.stdout.write(o.json ? `${JSON.stringify(sheet, null, 2)}\n` : formatProvisioning(sheet));
      if (sheet.warnings.length > 0) process.exitCode = 1;
    });
}
