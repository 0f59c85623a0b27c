import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { toolFacts } from '../run-facts.ts';
import { resolveTimeScale } from '../time-scale-option.ts';
import { self, serverReady } from './certify-self.ts';

interface Options {
  a?: string;
  b?: string;
  config?: string;
  self?: boolean;
  portBase?: string;
  reportDir?: string;
  purpose?: string;
  timeScale?: string;
  keep?: boolean;
  deviate?: string[];
  matrix?: string;
  concurrency?: string;
  listen?: string;
}

function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  c.kill('SIGTERM');
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      c.kill('SIGKILL');
      resolve();
    }, 5000);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * `mmscert interop --a A.yaml --b B.yaml` (or `--config pair.yaml`, `targets: {a, b}`): the test
 * purposes of the MM4 matrix (suites/mm4/ir53-matrix.yaml) between two real MMSCs, each in both
 * directions, through our recording MM4 relay;
 * writes the evidence bundle and report.html (src/report/interop-report.ts). `--self`: two
 * reference MMSCs (`mmscert serve`) on two domains as carriers A and B, on free loopback ports
 * (or `--port-base N`: ports N..N+19).
 * Exit 0 every purpose passed (or was not applicable) both ways, 1 otherwise, 2 a config or set-up problem.
 */
export function register(program: Command): void {
  program
    .command('interop')
    .description(
      'interop test purposes between two MMSCs (carrier A and B) over MM4 through a recording relay; IR.53-style report',
    )
    .option('--a <file>', "carrier A's target config (external target, its ICS, our peers' ports)")
    .option('--b <file>', "carrier B's target config")
    .option('--config <file>', 'a pair file: targets: { a: A.yaml, b: B.yaml }')
    .option('--self', 'two reference MMSCs (mmscert serve) as carriers A and B')
    .option('--port-base <n>', 'with --self: first of 20 fixed ports (default: free loopback ports)')
    .option(
      '--report-dir <dir>',
      'where the evidence bundle and report.html go (default reports/interop-<time>)',
    )
    .option('--purpose <re>', 'only the test purposes whose id matches')
    .option('--matrix <file>', 'the MM4 matrix whose test purposes run', 'suites/mm4/ir53-matrix.yaml')
    .option('--concurrency <n>', 'purpose directions run side by side (default 12)')
    .option(
      '--listen <addr>',
      'the address our relay, SMSC and ENUM / HLR listen on (default 127.0.0.1; another when the MMSCs run on other hosts and must reach them)',
    )
    .option(
      '--time-scale <f>',
      'multiplies every ICS timer waited on: auto (by the CPU share this process gets at start) or a factor',
      'auto',
    )
    .option('--keep', 'with --self: keep the generated configs and stores')
    .option(
      '--deviate <side:name...>',
      'with --self: start a carrier with a deviation (src/mmsc/deviations.ts), e.g. b:mm4-res-wrong-tid, to see what fails',
    )
    .action(async (o: Options) => {
      const { loadInteropConfig, loadInteropPair, InteropConfigError } = await import(
        '../../harness/interop/interop-config.ts'
      );
      const { runInterop } = await import('../../harness/interop/interop-run.ts');
      const { loadInteropPurposes } = await import('../../harness/interop/interop-purposes.ts');
      const { writeInteropReport } = await import('../../report/interop-report.ts');
      const named = [o.a || o.b ? 'a/b' : '', o.config ? 'config' : '', o.self ? 'self' : ''].filter(Boolean);
      if (named.length !== 1)
        throw new CliError('interop: name the two MMSCs with --a and --b, or --config, or --self', 2);
      if ((o.a || o.b) && !(o.a && o.b)) throw new CliError('interop: --a and --b go together', 2);
      if (o.deviate && !o.self) throw new CliError('interop: --deviate goes with --self', 2);
      const { scale, note: scaleNote } = await resolveTimeScale(o.timeScale ?? 'auto');
      if (scale !== 1) process.stdout.write(`interop: time scale ${scale}${scaleNote}\n`);
      const concurrency = o.concurrency === undefined ? undefined : Number(o.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1))
        throw new CliError('--concurrency: 1 or more', 2);
      let loaded: ReturnType<typeof loadInteropPurposes>;
      try {
        loaded = loadInteropPurposes(o.matrix);
      } catch (e) {
        throw new CliError(`--matrix ${o.matrix}: ${(e as Error).message.split('\n')[0]}`, 2);
      }
      let purposes = loaded.purposes;
      if (o.purpose) {
        const re = new RegExp(o.purpose);
        purposes = purposes.filter((p) => re.test(p.id));
        if (purposes.length === 0) throw new CliError(`--purpose ${o.purpose}: no test purpose matches`, 2);
      }
      const children: ChildProcess[] = [];
      let tmp: string | undefined;
      let code = 2;
      try {
        let files: { a: string; b: string };
        if (o.self) {
          const { writeInteropPairFiles, reserveInteropPairPorts } = await import(
            '../../harness/interop/interop-pair-files.ts'
          );
          let ports: { portBase: number } | { ports: number[] };
          if (o.portBase !== undefined) {
            const base = Number(o.portBase);
            if (!Number.isInteger(base) || base < 1024 || base > 65_000)
              throw new CliError('--port-base: 1024..65000', 2);
            ports = { portBase: base };
          } else ports = { ports: await reserveInteropPairPorts() };
          tmp = mkdtempSync(path.join(os.tmpdir(), 'mmscert-interop-'));
          const deviate: { a?: string[]; b?: string[] } = {};
          for (const d of o.deviate ?? []) {
            const m = /^([ab]):([a-z0-9-]+)$/.exec(d);
            if (!m) throw new CliError(`--deviate ${d}: SIDE:NAME, SIDE a or b`, 2);
            const side = m[1] as 'a' | 'b';
            deviate[side] = [...(deviate[side] ?? []), m[2]];
          }
          const pair = writeInteropPairFiles(tmp, { ...ports, deviate });
          for (const side of ['a', 'b'] as const) {
            const s = self(['serve', '--config', pair[side].mmscConfig]);
            children.push(spawn(s.cmd, s.args, { stdio: ['ignore', 'pipe', 'pipe'] }));
          }
          try {
            await Promise.all(children.map((c) => serverReady(c, 30_000)));
          } catch (e) {
            throw new CliError((e as Error).message, 2);
          }
          files = { a: pair.a.targetConfig, b: pair.b.targetConfig };
        } else if (o.config) files = loadInteropPair(o.config);
        else files = { a: o.a as string, b: o.b as string };
        let cfg: ReturnType<typeof loadInteropConfig>;
        try {
          cfg = loadInteropConfig(files);
        } catch (e) {
          if (e instanceof InteropConfigError) throw new CliError(e.message, 2);
          throw e;
        }
        process.stdout.write(
          `interop: A ${cfg.a.name} (${cfg.a.ics.provisioning.domain}) <-> B ${cfg.b.name} (${cfg.b.ics.provisioning.domain}), ${purposes.length} test purposes x 2 directions\n`,
        );
        const run = await runInterop(cfg, {
          purposes,
          tables: loaded.tables,
          ...(concurrency ? { concurrency } : {}),
          ...(o.listen ? { listen: o.listen } : {}),
          timeScale: scale,
          tool: toolFacts(),
          onOutcome: (x) =>
            process.stdout.write(
              `${x.verdict.toUpperCase().padEnd(14)} ${x.purpose} ${x.direction === 'a->b' ? 'A -> B' : 'B -> A'} (${x.durationMs} ms)${x.error ? `: ${x.error}` : ''}${x.reason ? `: ${x.reason}` : ''}\n`,
            ),
        });
        const dir =
          o.reportDir ?? path.join('reports', `interop-${run.result.startedAt.replace(/[:.]/g, '-')}`);
        const rep = writeInteropReport(run, dir);
        const r = run.result;
        const per = r.outcomes.length / 2;
        const tally = (d: string) => {
          const n = (v: string) => r.outcomes.filter((x) => x.direction === d && x.verdict === v).length;
          const rest = (['fail', 'inconclusive', 'error'] as const)
            .filter((v) => n(v) > 0)
            .map((v) => `, ${n(v)} ${v}`)
            .join('');
          return `${n('pass')}/${per} pass, ${n('not-applicable')} not applicable${rest}`;
        };
        process.stdout.write(
          `A -> B ${tally('a->b')}; B -> A ${tally('b->a')}; ${(r.wallMs / 1000).toFixed(1)} s\n` +
            `evidence bundle SHA-256 ${rep.seal.hash} (${rep.seal.files} files, ${rep.seal.bytes} octets)\n` +
            `report ${rep.html}\n`,
        );
        if (r.setupError) throw new CliError(`interop: ${r.setupError}`, 2);
        code = r.outcomes.every((x) => x.verdict === 'pass' || x.verdict === 'not-applicable') ? 0 : 1;
      } finally {
        await Promise.all(children.map(stopChild));
        if (tmp && !o.keep) rmSync(tmp, { recursive: true, force: true });
        else if (tmp) process.stdout.write(`interop: kept ${tmp}\n`);
      }
      process.exit(code);
    });
}
