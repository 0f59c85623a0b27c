import { Command } from 'commander';
import { exitWithCliError } from './cli-error.ts';

/**
 * The mmscert command. Each subcommand lives in its own module under src/cli/commands/
 * and exports `register(program)`.
 */
const program = new Command();
program
  .name('mmscert')
  .description('MMSC conformance test harness and interop mock suite')
  .version('0.1.0')
  .showHelpAfterError();

const commands: Array<() => Promise<{ register: (p: Command) => void }>> = [
  // one line per subcommand module
  () => import('./commands/peers.ts'),
  () => import('./commands/run.ts'),
  () => import('./commands/list.ts'),
  () => import('./commands/validate.ts'),
  () => import('./commands/decode.ts'),
  () => import('./commands/encode.ts'),
  () => import('./commands/serve.ts'),
];

for (const load of commands) (await load()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  exitWithCliError(e);
}
