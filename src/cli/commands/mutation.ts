import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { idGlob } from '../../harness/id-glob.ts';
import {
  SELF_CERTIFICATION_PORT_SPAN,
  writeSelfCertificationFiles,
} from '../../harness/targets/self-certification.ts';
import { DEVIATIONS, type Deviation, probeOf } from '../../mmsc/deviations.ts';
import { CliError } from '../cli-error.ts';

/**
 * `mmscert mutation` (`npm run mutation`): the mutation score of the suites. For each named
 * deviation of the reference MMSC (src/mmsc/deviations.ts) it starts `mmscert serve --deviate D`
 * as a separate process on fixed ports, runs the suites against it as an external target
 * (`mmscert run --config target.yaml`, another process) and records which cases fail. A baseline
 * run against the undeviated MMSC comes first: a case failing there says nothing about a
 * deviation (a harness problem), so it is reported and left out. One line per deviation,
 * `CAUGHT name by case, case` or `MISSED name`, then `mutation score: CAUGHT/TOTAL` last.
 *
 * Runs go side by side on `--jobs` slots, each with its own 20 ports of the `--ports` block.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(ROOT, 'bin', 'mmscert.js');
/** Ports of one slot: the self-certification layout (MMSC base..base+3, our peers base+10..base+15). */
export const SLOT_PORTS = SELF_CERTIFICATION_PORT_SPAN;

/** The baseline-passing cases a deviation is tried against (its probe, else every case). */
export function casesFor(d: Deviation, usable: readonly string[]): string[] {
  const match = idGlob(probeOf(d));
  return usable.filter(match);
}

export interface Outcome {
  name: string;
  ran: number;
  /** Cases that failed, and failed again when run on their own against a fresh MMSC (with --confirm). */
  failed: string[];
  /**
   * Cases that failed in the full run but passed on their own (another case's leftovers), or
   * failed on their own against the undeviated MMSC too (flaky): not counted.
   */
  unconfirmed?: string[];
  /** Cases that ended in error (a peer or the harness broke): not counted as caught. */
  errored: string[];
  /** The run itself could not be done (the MMSC did not start, `mmscert run` exited 2). */
  problem?: string;
}

export function outcomeLine(o: Outcome): string {
  if (o.failed.length > 0)
    return `CAUGHT ${o.name} by ${o.failed.join(', ')}${
      o.unconfirmed?.length ? `  (not confirmed alone: ${o.unconfirmed.join(', ')})` : ''
    }`;
  const why = o.problem
    ? `run failed: ${o.problem}`
    : o.ran === 0
      ? 'no probe case passes the baseline'
      : `${o.ran} case(s) ran, none failed${
          o.unconfirmed?.length ? ` reproducibly (not confirmed alone: ${o.unconfirmed.join(', ')})` : ''
        }${o.errored.length ? `; error in ${o.errored.join(', ')}` : ''}`;
  return `MISSED ${o.name}  (${why})`;
}

interface Unit {
  label: string;
  deviate?: string;
  /** The MMSC set-up of the deviation (deviations.ts `setup`); confirm and control runs keep it. */
  setup?: Deviation['setup'];
  cases: string[];
}

interface UnitResult {
  verdicts: Map<string, string>;
  problem?: string;
}

/** One slot: its folder, its config files and the units it runs one after another. */
class Slot {
  readonly dir: string;
  private readonly mmscFile: string;
  private readonly targetFile: string;
  private readonly storeDir: string;
  private readonly setups = new Map<NonNullable<Unit['setup']>, { mmsc: string; target: string }>();
  private runs = 0;

  constructor(
    root: string,
    readonly index: number,
    readonly base: number,
    private readonly opts: { seed: number; suitesDir: string; verbose: boolean },
  ) {
    this.dir = path.join(root, `slot${index}`);
    mkdirSync(this.dir, { recursive: true });
    this.storeDir = path.join(this.dir, 'store');
    // the same files as `mmscert certify-self`: MMSC config, target config and the ICS derived
    // from the MMSC config (src/harness/targets/self-certification.ts)
    const files = writeSelfCertificationFiles(this.dir, {
      portBase: base,
      storeDir: this.storeDir,
      fsync: false,
    });
    this.mmscFile = files.mmscConfig;
    this.targetFile = files.targetConfig;
  }

  /** The config and target files of a set-up (written once, beside the default ones). */
  private filesFor(setup: Unit['setup']): { mmsc: string; target: string } {
    if (!setup) return { mmsc: this.mmscFile, target: this.targetFile };
    const known = this.setups.get(setup);
    if (known) return known;
    const f = writeSelfCertificationFiles(path.join(this.dir, setup), {
      portBase: this.base,
      storeDir: this.storeDir,
      fsync: false,
      mtaFronted: setup === 'mta-fronted',
    });
    const files = { mmsc: f.mmscConfig, target: f.targetConfig };
    this.setups.set(setup, files);
    return files;
  }

  async run(unit: Unit): Promise<UnitResult> {
    this.runs += 1;
    rmSync(this.storeDir, { recursive: true, force: true });
    const reportDir = path.join(this.dir, `run${this.runs}-${unit.label}`);
    const files = this.filesFor(unit.setup);
    const serveArgs = ['serve', '--config', files.mmsc, ...(unit.deviate ? ['--deviate', unit.deviate] : [])];
    const serve = spawn(process.execPath, [BIN, ...serveArgs], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const ready = await whenReady(serve);
      if (ready !== true) return { verdicts: new Map(), problem: `mmscert serve: ${ready}` };
      const args = [
        BIN,
        'run',
        '--config',
        files.target,
        '--suites-dir',
        this.opts.suitesDir,
        '--suite',
        unit.cases.join(','),
        '--seed',
        String(this.opts.seed),
        '--reporter',
        'json',
        '--report-dir',
        reportDir,
      ];
      const run = await runChild(process.execPath, args, this.opts.verbose);
      let verdicts: Map<string, string>;
      try {
        const results = JSON.parse(readFileSync(path.join(reportDir, 'results.json'), 'utf8')) as {
          cases: Array<{ id: string; verdict: string }>;
        };
        verdicts = new Map(results.cases.map((c) => [c.id, c.verdict]));
      } catch {
        return {
          verdicts: new Map(),
          problem: `mmscert run exited ${run.code}: ${run.stderr.trim().split('\n').pop() ?? ''}`,
        };
      }
      return { verdicts };
    } finally {
      await stop(serve);
    }
  }
}

/** Resolves true once `mmscert serve` printed its store line, or the reason it did not. */
function whenReady(child: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => resolve('not ready within 60 s'), 60_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (/^store /m.test(out)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited ${code}: ${err.trim().split('\n').pop() ?? ''}`);
    });
  });
}

function runChild(
  cmd: string,
  args: string[],
  verbose: boolean,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (verbose) process.stderr.write(b);
    });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

/** SIGTERM (serve stops cleanly on it), SIGKILL after 10 s. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs every unit on the free slots; `done` is called as each finishes (on the slot, which it may use). */
async function runOnSlots(
  slots: Slot[],
  units: Unit[],
  done: (u: Unit, r: UnitResult, slot: Slot) => void | Promise<void>,
): Promise<void> {
  const queue = [...units];
  await Promise.all(
    slots.map(async (slot) => {
      for (let u = queue.shift(); u; u = queue.shift()) await done(u, await slot.run(u), slot);
    }),
  );
}

function parsePorts(v: string): { first: number; last: number } {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(v);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1024 || last > 65535 || last - first + 1 < SLOT_PORTS)
    throw new CliError(`--ports: expected FIRST-LAST with at least ${SLOT_PORTS} ports, got "${v}"`, 2);
  return { first, last };
}

interface MutationOptions {
  only?: string;
  jobs: string;
  ports: string;
  seed: string;
  suitesDir: string;
  keep?: boolean;
  verbose?: boolean;
  confirm: boolean;
}

export function register(program: Command): void {
  program
    .command('mutation')
    .description(
      'mutation score: run the suites against the reference MMSC once per named deviation (separate processes)',
    )
    .option('--only <names>', 'only these deviations, comma separated (mmscert serve --deviate list)')
    .option(
      '--jobs <n>',
      'runs side by side, each on its own 20 ports of --ports (default: as many as the block holds; the runs mostly wait)',
      '5',
    )
    .option('--ports <first-last>', 'the fixed-port block the MMSCs and peers use', '21000-21099')
    .option('--seed <n>', 'seed of every run', '1')
    .option('--suites-dir <dir>', 'the suites folder', 'suites')
    .option('--keep', 'keep the configs and reports (printed) instead of removing them')
    .option(
      '--no-confirm',
      'count a failure at once, without running the failed cases again alone, with and without the deviation',
    )
    .option('--verbose', "pass the runs' output through")
    .action(async (opts: MutationOptions) => {
      const started = performance.now();
      let chosen: Deviation[] = [...DEVIATIONS];
      if (opts.only) {
        const names = opts.only
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
        const unknown = names.filter((n) => !DEVIATIONS.some((d) => d.name === n));
        if (unknown.length)
          throw new CliError(
            `--only: unknown deviation(s) ${unknown.join(', ')} (mmscert serve --deviate list)`,
            2,
          );
        chosen = DEVIATIONS.filter((d) => names.includes(d.name));
      }
      const { first, last } = parsePorts(opts.ports);
      if (!/^\d+$/.test(opts.jobs) || Number(opts.jobs) < 1)
        throw new CliError('--jobs: expected a positive integer', 2);
      const jobs = Math.min(Number(opts.jobs), Math.floor((last - first + 1) / SLOT_PORTS));
      const suitesDir = path.resolve(opts.suitesDir);

      const { loadSuites } = await import('../../harness/suite-loader.ts');
      const loaded = await loadSuites({ root: suitesDir });
      if (loaded.diagnostics.length > 0)
        throw new CliError(`${loaded.diagnostics.length} problem(s) in suite files (mmscert validate)`, 2);
      const probes = chosen.map((d) => idGlob(probeOf(d)));
      const all = loaded.cases.map((c) => c.id).filter((id) => probes.some((p) => p(id)));

      const root = mkdtempSync(path.join(os.tmpdir(), 'mmscert-mutation-'));
      const slots = Array.from(
        { length: jobs },
        (_, i) =>
          new Slot(root, i, first + i * SLOT_PORTS, {
            seed: Number(opts.seed),
            suitesDir,
            verbose: opts.verbose === true,
          }),
      );
      const log = (line: string) =>
        process.stderr.write(`[mutation ${Math.round((performance.now() - started) / 1000)} s] ${line}\n`);
      try {
        // Baseline: every case any chosen probe names, split over the slots.
        log(
          `baseline: ${all.length} case(s) on ${jobs} slot(s), ports ${first}-${first + jobs * SLOT_PORTS - 1}`,
        );
        const chunks = Array.from({ length: jobs }, (_, i) => all.filter((_, j) => j % jobs === i));
        const baseline = new Map<string, string>();
        const problems: string[] = [];
        await runOnSlots(
          slots,
          chunks.filter((c) => c.length > 0).map((cases, i) => ({ label: `baseline${i}`, cases })),
          (_u, r) => {
            if (r.problem) problems.push(r.problem);
            for (const [id, v] of r.verdicts) baseline.set(id, v);
          },
        );
        if (problems.length > 0) throw new CliError(`baseline run failed: ${problems.join('; ')}`, 2);
        const usable = all.filter((id) => baseline.get(id) === 'pass');
        const excluded = all.filter((id) => baseline.get(id) !== 'pass');
        process.stdout.write(
          `baseline: ${usable.length}/${all.length} case(s) pass against the undeviated MMSC` +
            (excluded.length
              ? `; ${excluded.length} excluded (harness problem: they fail against a conforming MMSC): ${excluded
                  .map((id) => `${id} (${baseline.get(id) ?? 'not run'})`)
                  .join(', ')}`
              : '') +
            '\n',
        );

        const outcomes = new Map<string, Outcome>();
        const units: Unit[] = [];
        for (const d of chosen) {
          const cases = casesFor(d, usable);
          if (cases.length === 0) {
            const o = { name: d.name, ran: 0, failed: [], errored: [] };
            outcomes.set(d.name, o);
            process.stdout.write(`${outcomeLine(o)}\n`);
          } else
            units.push({ label: d.name, deviate: d.name, ...(d.setup ? { setup: d.setup } : {}), cases });
        }
        await runOnSlots(slots, units, async (u, r, slot) => {
          const verdict = (id: string) => r.verdicts.get(id);
          let failed = u.cases.filter((id) => verdict(id) === 'fail');
          let unconfirmed: string[] = [];
          // The external MMSC is one process for the whole run: a case can fail on what an earlier
          // one left behind (a late push, a retried forward), or fail now and then on its own
          // (timing). A failure counts when it comes back with the failed cases alone against a
          // fresh MMSC with the same deviation, and they pass alone against a fresh undeviated one.
          if (opts.confirm && failed.length > 0) {
            const again = await slot.run({
              label: `${u.label}-confirm`,
              deviate: u.label,
              setup: u.setup,
              cases: failed,
            });
            const still = failed.filter((id) => again.verdicts.get(id) === 'fail');
            const control =
              still.length > 0
                ? await slot.run({ label: `${u.label}-control`, setup: u.setup, cases: still })
                : undefined;
            unconfirmed = failed.filter((id) => !still.includes(id) || control?.verdicts.get(id) !== 'pass');
            failed = still.filter((id) => control?.verdicts.get(id) === 'pass');
          }
          const o: Outcome = {
            name: u.label,
            ran: u.cases.length,
            failed,
            ...(unconfirmed.length ? { unconfirmed } : {}),
            errored: u.cases.filter((id) => verdict(id) === 'error'),
            ...(r.problem ? { problem: r.problem } : {}),
          };
          outcomes.set(u.label, o);
          log(`${u.label}: ${u.cases.length} case(s) done`);
          process.stdout.write(`${outcomeLine(o)}\n`);
        });
        const caught = [...outcomes.values()].filter((o) => o.failed.length > 0).length;
        log(
          `done in ${Math.round((performance.now() - started) / 1000)} s${opts.keep ? `; configs and reports in ${root}` : ''}`,
        );
        process.stdout.write(`mutation score: ${caught}/${chosen.length}\n`);
      } finally {
        if (!opts.keep) rmSync(root, { recursive: true, force: true });
      }
    });
}
