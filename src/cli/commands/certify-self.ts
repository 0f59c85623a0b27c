import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

interface Options {
  portBase: string;
  keep?: boolean;
  deviate?: string;
  mtaFronted?: boolean;
}

/** The command line that runs this CLI again (the same bin, the same node). */
export function self(args: string[]): { cmd: string; args: string[] } {
  return { cmd: process.execPath, args: [...process.execArgv, process.argv[1], ...args] };
}

/** Waits until `serve` prints its store line (every endpoint is listening), or fails with what it said. */
export function serverReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`mmscert serve not ready within ${timeoutMs} ms:\n${out}${err}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^store /m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mmscert serve exited (${code}) before it was ready:\n${out}${err}`));
    });
  });
}

/**
 * `mmscert certify-self [RUN ARGS...]`: certifies the reference MMSC the way a vendor certifies
 * theirs: `mmscert serve` as a separate OS process, `mmscert run --config target.yaml` against it as
 * an external target with its ICS, no in-process access. Ends with the run's verdict line; exits
 * with the run's code.
 */
export function register(program: Command): void {
  program
    .command('certify-self')
    .description('run the suites against the reference MMSC started as a separate process (external target)')
    .option('--port-base <n>', 'first of the ports used (MMSC base..base+3, peers base+10..base+15)', '18400')
    .option('--deviate <list>', 'start the MMSC with these named deviations (mmscert serve --deviate)')
    .option('--keep', 'keep the generated config, ICS and store folder')
    .option(
      '--mta-fronted',
      'MM3 and MM4 behind the MTA front end (mmsc config mtaFront; ICS mtaFronted: true)',
    )
    .allowUnknownOption(true)
    .argument('[run-args...]', 'passed to mmscert run (--suite, --jobs, --report-dir ...)')
    .action(async (runArgs: string[], o: Options) => {
      const base = Number(o.portBase);
      if (!Number.isInteger(base) || base < 1024 || base > 65_000)
        throw new CliError('--port-base: 1024..65000', 2);
      const { writeSelfCertificationFiles } = await import('../../harness/targets/self-certification.ts');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-self-'));
      const files = writeSelfCertificationFiles(dir, {
        portBase: base,
        ...(o.mtaFronted ? { mtaFronted: true } : {}),
        ...(o.deviate
          ? {
              deviate: o.deviate
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
      });
      process.stdout.write(
        `certify-self: mmscert serve --config ${files.mmscConfig}; target ${files.targetConfig}\n`,
      );
      const s = self(['serve', '--config', files.mmscConfig]);
      const server = spawn(s.cmd, s.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let code = 2;
      try {
        try {
          await serverReady(server, 30_000);
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
        const r = self(['run', '--config', files.targetConfig, ...runArgs]);
        const run = spawn(r.cmd, r.args, { stdio: 'inherit' });
        code = await new Promise<number>((resolve) => run.once('exit', (c) => resolve(c ?? 2)));
      } finally {
        server.kill('SIGTERM');
        await new Promise<void>((resolve) => {
          if (server.exitCode !== null) return resolve();
          const t = setTimeout(() => {
            server.kill('SIGKILL');
            resolve();
          }, 5000);
          server.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
        });
        if (!o.keep) rmSync(dir, { recursive: true, force: true });
        else process.stdout.write(`certify-self: kept ${dir}\n`);
      }
      process.exit(code);
    });
}
