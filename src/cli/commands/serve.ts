import type { Command } from 'commander';
import { limitHeapGrowth, SERVER_HEAP_GROWING_PERCENT } from '../../mmsc/heap-growth.ts';
import { CliError } from '../cli-error.ts';
import { untilStopped } from '../until-stopped.ts';

interface ServeOptions {
  config?: string;
  store?: string;
  deviate?: string;
  parentWatch?: boolean;
  heapGrowth: string;
}

/**
 * `mmscert serve [--config F] [--deviate a,b]`: runs the reference MMSC until SIGINT/SIGTERM,
 * printing one line per endpoint (`MM1 http://127.0.0.1:8002/mms`). `--deviate` makes it commit
 * named non-conformances (src/mmsc/deviations.ts; `--deviate list` prints them). `--heap-growth`
 * (default 50%) keeps the heap, and so the RSS, from sawing far above what the MMSC keeps alive
 * (src/mmsc/heap-growth.ts).
 */
export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'run the reference MMSC (MM1 and every interface module) until SIGINT/SIGTERM/SIGHUP or its parent process (npx) exits',
    )
    .option('-c, --config <file>', 'MMSC config (YAML or JSON; see src/mmsc/README.md)')
    .option('--store <dir>', 'store directory (overrides the config; default: a temporary one)')
    .option(
      '--deviate <names>',
      'commit these named non-conformances, comma separated (overrides the config; `list` prints them)',
    )
    .option('--no-parent-watch', 'keep serving when the parent process exits (signals still stop it)')
    .option(
      '--heap-growth <percent>',
      "how far V8's heap may grow past what a full GC left alive before the next one (0: V8's own choice, which goes up to 300)",
      String(SERVER_HEAP_GROWING_PERCENT),
    )
    .action(async (opts: ServeOptions) => {
      if (opts.deviate === 'list') {
        const { formatDeviations } = await import('../../mmsc/deviations.ts');
        process.stdout.write(`${formatDeviations()}\n`);
        return;
      }
      const { loadMmscConfigFile, resolveMmscConfig, MmscConfigError, startReferenceMmsc } = await import(
        '../../mmsc/index.ts'
      );
      let config: import('../../mmsc/index.ts').MmscConfig;
      try {
        config = opts.config ? await loadMmscConfigFile(opts.config) : resolveMmscConfig({});
        if (opts.store) config = { ...config, storeDir: opts.store };
        if (opts.deviate !== undefined) {
          const deviate = opts.deviate
            .split(',')
            .map((d) => d.trim())
            .filter(Boolean);
          config = resolveMmscConfig({ ...config, deviate });
        }
      } catch (e) {
        if (e instanceof MmscConfigError) throw new CliError(e.message);
        throw e;
      }
      try {
        limitHeapGrowth(Number(opts.heapGrowth));
      } catch (e) {
        throw new CliError(`--heap-growth: ${(e as Error).message}`);
      }
      const { createInterfaceModules } = await import('../../mmsc/interface-modules.ts');
      const modules = createInterfaceModules();
      let running: Awaited<ReturnType<typeof startReferenceMmsc>>;
      try {
        running = await startReferenceMmsc(config, { modules });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'EADDRINUSE' || err.code === 'EACCES')
          throw new CliError(`cannot listen: ${err.message}`);
        if (err.code === 'ENOENT' || err.code === 'EROFS') throw new CliError(`store: ${err.message}`);
        throw e;
      }
      for (const e of running.endpoints) process.stdout.write(`${e.iface} ${e.url}\n`);
      process.stdout.write(`store ${running.storeDir}\n`);
      process.stdout.write(
        `index ${running.core.store.size} messages, store opened in ${Math.round(running.storeOpenMs)} ms\n`,
      );
      if (config.deviate.length > 0) process.stdout.write(`deviate ${config.deviate.join(',')}\n`);
      const why = await untilStopped({ watchParent: opts.parentWatch !== false });
      if (!why.startsWith('SIG')) process.stderr.write(`mmscert serve: stopping, ${why}\n`);
      await running.stop();
      process.exit(0);
    });
}
