/**
 * `npm run fuzz [-- --runs N --seed N --only a,b --jobs N --no-coverage --no-servers]`: every
 * decoder fuzzed in its own worker thread (default 10^6 inputs each, fixed seed), a hang or an
 * out-of-memory watched from here, crashes saved under test/fuzz-regressions/, then the servers'
 * input paths (server-fuzz.ts). Exit code 1 when anything crashed.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Crash, FuzzStats } from './engine.ts';
import type { FuzzWorkerData } from './fuzz-worker.ts';
import { saveRegression } from './regressions.ts';
import { allTargets } from './targets.ts';

/**
 * The time bound per decoder unless `--seconds` says otherwise (0 = none): a slow decoder stops
 * short of --runs. 45 min: the slowest decoder, the suite YAML loader (~510 inputs per CPU-second,
 * mostly the yaml package's parser), reached 10^6 in 38 min on 2 shared cores (docs/fuzzing.md).
 */
const DEFAULT_SECONDS = 2700;
/** The goal of a run: this many inputs per decoder. */
const GOAL = 1_000_000;

interface Options {
  runs: number;
  seed: number;
  only?: string[];
  jobs: number;
  coverage: boolean;
  servers: boolean;
  serverInputs: number;
  hangMs: number;
  memMb: number;
  slowMs: number;
  /** Per-decoder time bound (s); 0 = none. */
  seconds: number;
  save: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    runs: 1_000_000,
    seed: 20261207,
    jobs: Math.max(1, cpus().length),
    coverage: true,
    servers: true,
    serverInputs: 2000,
    hangMs: 30_000,
    memMb: 1024,
    slowMs: 2000,
    seconds: DEFAULT_SECONDS,
    save: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(val().replace(/_/g, ''));
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`);
      return Math.floor(v);
    };
    if (a === '--runs') o.runs = num();
    else if (a === '--seed') o.seed = num();
    else if (a === '--only')
      o.only = val()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--jobs') o.jobs = Math.max(1, num());
    else if (a === '--no-coverage') o.coverage = false;
    else if (a === '--no-servers') o.servers = false;
    else if (a === '--server-inputs') o.serverInputs = num();
    else if (a === '--hang-ms') o.hangMs = num();
    else if (a === '--mem-mb') o.memMb = num();
    else if (a === '--slow-ms') o.slowMs = num();
    else if (a === '--no-save') o.save = false;
    else if (a === '--seconds') o.seconds = num();
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        `npm run fuzz -- [--runs N (1e6)] [--seed N] [--only mms,dns,servers,...] [--jobs N (${cpus().length}, one worker each)] [--no-coverage]\n` +
          `                [--no-servers] [--server-inputs N (2000)] [--hang-ms N] [--mem-mb N] [--slow-ms N] [--seconds N per decoder (${DEFAULT_SECONDS}; 0 = none)] [--no-save]\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a} (--help lists them)`);
  }
  return o;
}

/** tsx's ESM registration for the worker (workers do not inherit loader hooks). */
function tsxApiUrl(): string {
  const req = createRequire(import.meta.url);
  const pkg = req.resolve('tsx/package.json');
  const exp = (
    JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }
  ).exports['./esm/api'].import.default;
  return pathToFileURL(path.join(path.dirname(pkg), exp)).href;
}
const BOOT = `const { workerData, parentPort } = require('node:worker_threads');
import(workerData.tsx).then((m) => m.register()).then(() => import(workerData.entry)).catch((e) => {
  parentPort.postMessage({ type: 'fatal', message: String(e && e.stack || e) });
});`;

interface TargetResult {
  stats?: FuzzStats;
  crashes: Crash[];
  restarts: number;
  error?: string;
}

const SHARED_INPUT_BYTES = 1 << 20;
/** Before its first input a worker builds its corpus and checks the round trips: this long is no hang. */
const SETUP_MS = 180_000;

/** The shards of one decoder as one result: inputs added, time the longest shard's (they ran at once). */
function mergeShards(shards: TargetResult[]): TargetResult {
  const done = shards.map((r) => r.stats).filter((x): x is FuzzStats => x !== undefined);
  const out: TargetResult = {
    crashes: shards.flatMap((r) => r.crashes),
    restarts: shards.reduce((a, r) => a + r.restarts, 0),
  };
  const error = shards.find((r) => r.error)?.error;
  if (error) out.error = error;
  if (done.length === 0) return out;
  const ms = Math.max(...done.map((x) => x.ms));
  const runs = done.reduce((a, x) => a + x.runs, 0);
  const withRoundTrips = done.find((x) => x.roundTrips > 0) ?? done[0];
  out.stats = {
    ...withRoundTrips,
    runs,
    ms,
    setupMs: Math.max(...done.map((x) => x.setupMs)),
    values: done.reduce((a, x) => a + x.values, 0),
    typedErrors: done.reduce((a, x) => a + x.typedErrors, 0),
    crashes: done.reduce((a, x) => a + x.crashes, 0),
    corpus: Math.max(...done.map((x) => x.corpus)),
    features: Math.max(...done.map((x) => x.features)),
    guidedRuns: done.reduce((a, x) => a + x.guidedRuns, 0),
    perSecond: Math.round((runs / ms) * 1000),
    ...cpuOf(done),
  };
  return out;
}

/** Runs one target, restarting its worker after a hang or an OOM (with the next seed) until the runs are done. */
async function runTarget(
  name: string,
  o: Options,
  log: (s: string) => void,
  roundTrips = true,
): Promise<TargetResult> {
  const res: TargetResult = { crashes: [], restarts: 0 };
  let remaining = o.runs;
  let seed = o.seed;
  let total: FuzzStats | undefined;
  while (remaining > 0) {
    const shared = new SharedArrayBuffer(8 + SHARED_INPUT_BYTES);
    const head = new Int32Array(shared, 0, 2);
    const setup: FuzzWorkerData = {
      target: name,
      runs: remaining,
      seed,
      coverage: o.coverage,
      roundTrips,
      slowMs: o.slowMs,
      ...(o.seconds > 0 ? { maxMs: o.seconds * 1000 } : {}),
      shared,
    };
    const w = new Worker(BOOT, {
      eval: true,
      workerData: {
        tsx: tsxApiUrl(),
        entry: pathToFileURL(path.join(import.meta.dirname, 'fuzz-worker.ts')).href,
        setup,
      },
      resourceLimits: { maxOldGenerationSizeMb: o.memMb },
    });
    const outcome = await new Promise<
      { kind: 'done'; stats: FuzzStats } | { kind: 'hang' | 'oom' | 'fatal'; message: string }
    >((resolve) => {
      let last = -1;
      let since = Date.now();
      const watch = setInterval(() => {
        const n = Atomics.load(head, 0);
        if (n !== last) {
          last = n;
          since = Date.now();
        } else if (Date.now() - since > (n === 0 ? Math.max(o.hangMs, SETUP_MS) : o.hangMs)) {
          clearInterval(watch);
          void w.terminate();
          resolve({ kind: 'hang', message: `no progress for ${o.hangMs} ms on input ${n}` });
        }
      }, 250);
      w.on('message', (m: { type: string; crash?: Crash; stats?: FuzzStats; message?: string }) => {
        if (m.type === 'crash' && m.crash) {
          const c = { ...m.crash, input: new Uint8Array(m.crash.input) };
          res.crashes.push(c);
          const where = o.save ? ` -> ${saveRegression(c)}` : '';
          log(`  CRASH ${name} ${c.kind}: ${c.message.split('\n')[0].slice(0, 200)}${where}`);
        } else if (m.type === 'progress' && m.stats) {
          log(
            `  ${name}: ${m.stats.runs} inputs, ${m.stats.perSecond}/s, corpus ${m.stats.corpus}, blocks ${m.stats.features}`,
          );
        } else if (m.type === 'done' && m.stats) {
          clearInterval(watch);
          resolve({ kind: 'done', stats: m.stats });
        } else if (m.type === 'fatal') {
          clearInterval(watch);
          resolve({ kind: 'fatal', message: m.message ?? '' });
        }
      });
      w.on('error', (e: Error & { code?: string }) => {
        clearInterval(watch);
        resolve({
          kind: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'fatal',
          message: `${e.name}: ${e.message}\n${e.stack ?? ''}`,
        });
      });
      w.on('exit', (code) => {
        clearInterval(watch);
        resolve({ kind: 'fatal', message: `worker exited with code ${code}` });
      });
    });
    await w.terminate();
    if (outcome.kind === 'done') {
      total = merge(total, outcome.stats);
      remaining = 0;
      break;
    }
    const started = Atomics.load(head, 0);
    if (outcome.kind === 'fatal') {
      res.error = outcome.message;
      log(`  ${name}: worker failed: ${outcome.message.split('\n')[0]}`);
      break;
    }
    const len = Atomics.load(head, 1);
    const input = new Uint8Array(shared, 8, len).slice();
    const c: Crash = {
      target: name,
      kind: outcome.kind,
      signature: `${outcome.kind}:${name}`,
      message: outcome.message,
      input,
    };
    res.crashes.push(c);
    log(`  CRASH ${name} ${c.kind}: ${c.message}${o.save ? ` -> ${saveRegression(c)}` : ''}`);
    res.restarts++;
    remaining -= Math.max(1, started);
    seed++;
    if (res.restarts >= 5) {
      res.error = 'gave up after 5 hangs / out-of-memory restarts';
      break;
    }
  }
  res.stats = total;
  return res;
}

/** The shards' CPU time added up, when every shard could read its own. */
function cpuOf(parts: FuzzStats[]): { cpuMs?: number } {
  return parts.every((x) => x.cpuMs !== undefined)
    ? { cpuMs: parts.reduce((a, x) => a + (x.cpuMs ?? 0), 0) }
    : {};
}

/** Inputs per CPU-second (what the decoder costs, whatever else runs on the machine). */
function perCpuSecond(s: FuzzStats): string {
  return s.cpuMs ? `${fmt(Math.round((s.runs / s.cpuMs) * 1000))} per CPU-s` : '-';
}

function merge(a: FuzzStats | undefined, b: FuzzStats): FuzzStats {
  if (!a) return b;
  const runs = a.runs + b.runs;
  const ms = a.ms + b.ms;
  return {
    ...b,
    runs,
    ms,
    setupMs: a.setupMs + b.setupMs,
    guidedRuns: a.guidedRuns + b.guidedRuns,
    crashes: a.crashes + b.crashes,
    perSecond: Math.round((runs / ms) * 1000),
    ...cpuOf([a, b]),
  };
}

/**
 * The decoders slowest per input first (measured, docs/fuzzing.md), so that with several jobs the
 * long ones start at once and the quick ones fill the gaps.
 */
const SLOWEST_FIRST = [
  'suite-yaml',
  'mm7',
  'mms',
  'xml',
  'mime',
  'mm4',
  'wsp',
  'mms-lenient',
  'wsp-push',
  'dns',
];
function bySlowness(a: string, b: string): number {
  const rank = (n: string) => {
    const i = SLOWEST_FIRST.indexOf(n);
    return i < 0 ? SLOWEST_FIRST.length : i;
  };
  return rank(a) - rank(b);
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const targets = (await allTargets()).map((t) => t.name);
  const known = [...targets, 'servers'];
  for (const n of o.only ?? [])
    if (!known.includes(n)) throw new Error(`--only: unknown '${n}' (known: ${known.join(', ')})`);
  const chosen = targets.filter((t) => !o.only || o.only.includes(t));
  const t0 = Date.now();
  log(
    `fuzz: ${chosen.length} decoders x ${fmt(o.runs)} inputs, seed ${o.seed}, coverage ${o.coverage ? 'V8 block coverage (guided phase: the first 10%)' : 'off'}, ` +
      `${o.jobs} job(s), ${o.seconds > 0 ? `at most ${o.seconds} s per decoder` : 'no time bound'}; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} on ${cpus().length} CPUs`,
  );
  const results = new Map<string, TargetResult>();
  const queue = [...chosen].sort(bySlowness);
  // One decoder at a time, split over `jobs` worker threads (shard k: seed + k, its share of the
  // runs; shard 0 also checks the round trips), so the time bound is per decoder, wall clock.
  for (const n of queue) {
    log(`${n}: start (${o.jobs} worker(s))`);
    const shards = await Promise.all(
      Array.from({ length: o.jobs }, (_, k) =>
        runTarget(
          n,
          {
            ...o,
            seed: o.seed + k,
            runs: Math.floor(o.runs / o.jobs) + (k < o.runs % o.jobs ? 1 : 0),
          },
          log,
          k === 0,
        ),
      ),
    );
    const r = mergeShards(shards);
    results.set(n, r);
    const s = r.stats;
    if (s) {
      log(
        `${n}: ${fmt(s.runs)} inputs in ${(s.ms / 1000).toFixed(1)} s = ${fmt(s.perSecond)}/s, ${perCpuSecond(s)} (set-up and round trips ${(s.setupMs / 1000).toFixed(1)} s); corpus ${s.seeds} seeds + ${s.vectors} vectors -> ${s.corpus}` +
          `${o.coverage ? `, ${s.features} blocks in ${fmt(s.guidedRuns)} guided inputs` : ''}; round trips ${s.roundTrips}${s.roundTripFailure ? ' FAILED' : ' ok'}; ` +
          `crashes ${r.crashes.length}${s.vectorsNote ? `; ${s.vectorsNote}` : ''}`,
      );
    }
  }
  let crashes = 0;
  let failed = false;
  const row = (cells: string[]) =>
    `${cells[0].padEnd(12)} ${cells
      .slice(1, 6)
      .map((c) => c.padStart(10))
      .join(' ')}  ${cells[6]}`;
  log(`\n${row(['decoder', 'inputs', 'seconds', 'inputs/s', '/CPU-s', 'crashes', `goal ${fmt(GOAL)}`])}`);
  let short = 0;
  for (const n of chosen) {
    const r = results.get(n);
    const st = r?.stats;
    crashes += r?.crashes.length ?? 0;
    if (r?.error) failed = true;
    const runs = st?.runs ?? 0;
    const goal = Math.min(GOAL, o.runs);
    if (runs < goal) short++;
    const verdict =
      runs >= goal
        ? 'reached'
        : `SHORT by ${fmt(goal - runs)}${st ? ` (time bound; ~${Math.ceil((goal - runs) / Math.max(1, st.perSecond) / 60)} min more at this rate)` : ''}`;
    log(
      row([
        n,
        fmt(runs),
        st ? (st.ms / 1000).toFixed(0) : '-',
        fmt(st?.perSecond ?? 0),
        st?.cpuMs ? fmt(Math.round((st.runs / st.cpuMs) * 1000)) : '-',
        String(r?.crashes.length ?? 0),
        `${verdict}${r?.error ? `  (${r.error.split('\n')[0]})` : ''}`,
      ]),
    );
  }
  log(
    `${chosen.length - short}/${chosen.length} decoders reached ${fmt(Math.min(GOAL, o.runs))} inputs; decoders took ${((Date.now() - t0) / 1000).toFixed(0)} s wall with ${o.jobs} job(s)`,
  );
  if (o.servers && (!o.only || o.only.includes('servers'))) {
    const { fuzzServers } = await import('./server-fuzz.ts');
    const s = await fuzzServers({ inputs: o.serverInputs, seed: o.seed, log });
    crashes += s.failures.length;
  }
  log(
    `\nload average now ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${crashes} crash(es)`,
  );
  process.exit(crashes > 0 || failed ? 1 : 0);
}

await main();
