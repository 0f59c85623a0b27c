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

/** One subcommand module a command name (commands/<name>.ts registers the command <name>). */
const commands: Record<string, () => Promise<{ register: (p: Command) => void }>> = {
  peers: () => import('./commands/peers.ts'),
  run: () => import('./commands/run.ts'),
  list: () => import('./commands/list.ts'),
  validate: () => import('./commands/validate.ts'),
  decode: () => import('./commands/decode.ts'),
  encode: () => import('./commands/encode.ts'),
  serve: () => import('./commands/serve.ts'),
  'audit-pcaps': () => import('./commands/audit-pcaps.ts'),
  ics: () => import('./commands/ics.ts'),
  'certify-self': () => import('./commands/certify-self.ts'),
  provisioning: () => import('./commands/provisioning.ts'),
  mutation: () => import('./commands/mutation.ts'),
  diff: () => import('./commands/diff.ts'),
  matrix: () => import('./commands/matrix.ts'),
  'merge-reports': () => import('./commands/merge-reports.ts'),
  load: () => import('./commands/load.ts'),
  interop: () => import('./commands/interop.ts'),
  'verify-bundle': () => import('./commands/verify-bundle.ts'),
};

/**
 * Start-up cost is mostly importing: a command module pulls in its codecs, mocks or the harness.
 * When argv names a command only its module is imported; help, a bare call or an unknown name
 * import them all. (Keyed by name, not read off the loader's source text, which a bundle changes.)
 */
const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
const only =
  named !== undefined && Object.hasOwn(commands, named) ? [commands[named]] : Object.values(commands);
for (const load of only) (await load()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  exitWithCliError(e);
}
