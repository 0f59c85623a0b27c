import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

interface Options {
  config?: string;
  rate: string;
  duration: string;
  ramp: string;
  mix: string;
  slo?: string;
  maxInFlight: string;
  stepTimeout: string;
  senders?: string;
  seed?: string;
  reportDir?: string;
  progress?: boolean;
  cpuProfile?: boolean;
  handsetsOverTcp?: boolean;
}

/**
 * `mmscert load`: capacity of a target MMSC under an open-loop mix of MMS flows (src/load). Writes
 * reports/<run>/load.json and load.html and prints a summary. Exit 0 when the SLO holds (or none
 * is given), 1 when a gate of --slo is breached, 2 when the run cannot be made (bad options,
 * config or SLO; the target unreachable; a flow the target does not support).
 */
export function register(program: Command): void {
  program
    .command('load')
    .description(
      'open-loop load against a target MMSC: a mix of MMS flows (the suites’ own exchanges) at a fixed arrival rate, HDR latency per flow and step, SLO gates',
    )
    .option('--config <file>', 'target config (as for run): embedded (default), external or container')
    .option('--rate <n/s>', 'offered flows per second once ramped up', '50/s')
    .option('--duration <time>', 'whole run, ramp included (60s, 1500ms)', '10s')
    .option('--ramp <time>', 'linear ramp from 0 to the rate at the start', '0s')
    .option(
      '--mix <list>',
      'flow kinds and weights: mm1-mt (submit, WAP push, retrieve, notifyresp), mm1-mo (to an e-mail address, MM3), mm7-submit (with delivery report), mm4-in, mm4-out',
      'mm1-mt',
    )
    .option(
      '--slo <gates>',
      'gates, comma separated: flow.p99<500ms, <kind>.p50<50ms, step.push.p99<100ms, errors<0.1%, timeouts<=3, throughput>=400/s (exit 1 when one is breached)',
    )
    .option(
      '--max-in-flight <n>',
      'most flows in flight (recipient handsets); arrivals beyond are overflow errors',
      '256',
    )
    .option('--step-timeout <time>', 'how long a step waits for what it expects on the wire', '10s')
    .option('--senders <n>', 'handsets that submit', '8')
    .option('--seed <n>', 'seed (default: random, printed)')
    .option('--report-dir <dir>', 'where to write load.json and load.html (default reports/<run-id>-load)')
    .option('--no-progress', 'no live progress line (there is none when stderr is not a terminal)')
    .option(
      '--handsets-over-tcp',
      'handsets reach our WAP gateway over TCP as in a suite run (default: in-process; the target sees the same requests)',
    )
    .option('--no-cpu-profile', "no sampling profile for each peer's own CPU (it costs a few % of CPU)")
    .addHelpText(
      'after',
      `
Arrivals are open loop: flow i starts at its scheduled time whatever earlier flows are doing, and
its latency counts from that time (no coordinated omission). Each flow is the suites' exchanges,
judged on the wire: mm1-mt = m-send-req -> m-send-conf Ok, WAP push at our SMSC, GET ->
m-retrieve-conf, m-notifyresp-ind -> 2xx; mm1-mo = m-send-req to an e-mail address -> m-send-conf
Ok, the mail at our MTA; mm7-submit = SubmitReq -> SubmitRsp, push, retrieval,
DeliveryReportReq Retrieved at our VASP; mm4-in = MM4_forward.REQ -> MM4_forward.RES Ok, push,
retrieval; mm4-out = m-send-req to a foreign number -> MM4_forward.REQ at our remote MMSC.

Example: mmscert load --rate 500/s --duration 60s --ramp 10s --mix mm1-mt=70,mm7-submit=30 \\
           --slo 'flow.p99<500ms,errors<0.1%'`,
    )
    .action(async (opts: Options) => {
      const { parseDuration, parseMix, parseRate, runLoad, LoadOptionError } = await import(
        '../../load/run-load.ts'
      );
      const { parseSlo, SloSyntaxError } = await import('../../load/slo.ts');
      const { TargetError } = await import('../../harness/target.ts');
      const { makeRunId } = await import('../../harness/run-id.ts');
      const { loadSummaryText, progressLine, writeLoadReports } = await import('../../report/load-report.ts');
      let options: Parameters<typeof runLoad>[0];
      try {
        const seed = opts.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(opts.seed);
        if (!Number.isInteger(seed)) throw new LoadOptionError(`bad seed '${opts.seed}'`);
        const maxInFlight = Number(opts.maxInFlight);
        if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 9000)
          throw new LoadOptionError('--max-in-flight is 1..9000');
        const senders = Number(opts.senders ?? 8);
        if (!Number.isInteger(senders) || senders < 1 || senders > 500)
          throw new LoadOptionError('--senders is 1..500');
        let target: import('../../harness/target.ts').Target;
        if (opts.config) {
          const { targetFromConfigFile } = await import('../../harness/targets/create-target.ts');
          target = targetFromConfigFile(opts.config).target;
        } else {
          const { createTarget } = await import('../../harness/targets/create-target.ts');
          target = createTarget();
        }
        options = {
          target,
          seed,
          plan: {
            rate: parseRate(opts.rate),
            durationMs: parseDuration(opts.duration, '--duration'),
            rampMs: parseDuration(opts.ramp, '--ramp'),
          },
          mix: parseMix(opts.mix),
          maxInFlight,
          senders,
          stepTimeoutMs: parseDuration(opts.stepTimeout, '--step-timeout'),
          cpuProfile: opts.cpuProfile !== false,
          ...(opts.handsetsOverTcp ? { handsetsOverTcp: true } : {}),
          ...(opts.slo ? { slo: parseSlo(opts.slo) } : {}),
        };
        if (options.plan.durationMs <= 0) throw new LoadOptionError('--duration must be more than 0');
      } catch (e) {
        if (e instanceof LoadOptionError || e instanceof SloSyntaxError || e instanceof TargetError)
          throw new CliError(e.message, 2);
        throw new CliError(e instanceof Error ? e.message : String(e), 2);
      }
      const tty = Boolean(process.stderr.isTTY) && opts.progress !== false;
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      let result: Awaited<ReturnType<typeof runLoad>>;
      try {
        result = await runLoad({
          ...options,
          signal: abort.signal,
          ...(tty ? { progress: (p) => process.stderr.write(`\r${progressLine(p)}\x1b[K`) } : {}),
        });
      } catch (e) {
        throw new CliError(`load: ${e instanceof Error ? e.message : String(e)}`, 2);
      } finally {
        process.off('SIGINT', onSignal);
        if (tty) process.stderr.write('\r\x1b[K');
      }
      const dir = opts.reportDir ?? path.join('reports', `${makeRunId(options.seed)}-load`);
      const files = writeLoadReports(dir, result);
      process.stdout.write(loadSummaryText(result));
      process.stdout.write(`  reports: ${files.json}, ${files.html}\n`);
      process.exitCode = result.sloOk ? 0 : 1;
    });
}
