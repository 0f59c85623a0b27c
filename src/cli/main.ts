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
  () => import('./commands/audit-pcaps.ts'),
];

/**
 * Start-up cost is mostly importing: a command module pulls in its codecs, mocks or the harness.
 * Each module is named after the one command it registers (commands/<name>.ts), so when argv names
 * a command only that module is imported; help, a bare call or an unknown name import them all.
 */
const moduleCommand = (load: () => unknown): string | undefined =>
  /commands\/([\w-]+)\.ts/.exec(String(load))?.[1];
const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
const only = commands.filter((load) => moduleCommand(load) === named);
for (const load of only.length === 1 ? only : commands) (await load()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  exitWithCliError(e);
}
