/**
 * The fuzz loop for one target: inputs from fast-check (random octet strings) and from mutations
 * of a corpus (shared vectors + our encoders' outputs), each judged by the totality property;
 * optionally coverage-guided (V8 block coverage through the inspector: a mutant that runs a block
 * no earlier input ran joins the corpus). Synchronous and deterministic for a seed (the coverage
 * feedback aside, which depends on what V8 reports).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import fc from 'fast-check';
import { DecodeError } from '../../src/codec/codec-error.ts';
import { type MutationContext, mutateBytes, seededRng } from './mutate.ts';
import { type FuzzTarget, PropertyViolation } from './targets.ts';
import { vectorsRoot } from './vectors.ts';

export type CrashKind = 'untyped' | 'bad-offset' | 'property' | 'slow' | 'hang' | 'oom';

export interface Crash {
  target: string;
  kind: CrashKind;
  /** What deduplicates crashes: kind, error name, message with numbers blanked, first project frame. */
  signature: string;
  message: string;
  input: Uint8Array;
}

/** The verdict on one input: undefined when the property holds. */
export function judge(
  target: FuzzTarget,
  input: Uint8Array,
  slowMs = Number.POSITIVE_INFINITY,
): Crash | undefined {
  const t0 = performance.now();
  let thrown: unknown;
  let threw = false;
  try {
    target.run(input);
  } catch (e) {
    threw = true;
    thrown = e;
  }
  const ms = performance.now() - t0;
  if (threw) {
    if (thrown instanceof DecodeError && !(thrown instanceof PropertyViolation)) {
      const okOffset = Number.isInteger(thrown.offset) && thrown.offset >= 0 && thrown.offset <= input.length;
      if (!okOffset || typeof thrown.field !== 'string' || thrown.field.length === 0) {
        return crash(
          target,
          'bad-offset',
          thrown,
          input,
          `offset ${thrown.offset} of ${input.length}, field '${thrown.field}'`,
        );
      }
    } else {
      return crash(target, thrown instanceof PropertyViolation ? 'property' : 'untyped', thrown, input);
    }
  }
  if (ms > slowMs) {
    return {
      target: target.name,
      kind: 'slow',
      signature: `slow:${target.name}`,
      message: `one input took ${ms.toFixed(0)} ms (limit ${slowMs} ms)`,
      input,
    };
  }
  return undefined;
}

/** Was the outcome a (well-formed) typed error? For statistics only. */
export function outcome(target: FuzzTarget, input: Uint8Array): 'value' | 'error' {
  try {
    target.run(input);
    return 'value';
  } catch {
    return 'error';
  }
}

function firstProjectFrame(stack: string | undefined): string {
  const lines = (stack ?? '').split('\n').slice(1);
  const own = lines.find((l) => /\/(src|mocks)\//.test(l)) ?? lines[0] ?? '';
  return own
    .trim()
    .replace(/^at /, '')
    .replace(/\(?file:\/\/[^)]*\/(src|mocks)\//, '$1/')
    .replace(/:\d+\)?$/, '');
}

function crash(target: FuzzTarget, kind: CrashKind, e: unknown, input: Uint8Array, extra?: string): Crash {
  const err = e as Error | undefined;
  const name = err?.name ?? typeof e;
  const message = `${name}: ${err?.message ?? String(e)}${extra ? ` (${extra})` : ''}`;
  // numbers, quoted and non-ASCII parts blanked, cut short: one bug, one signature
  const shape = message
    .replace(/\d+/g, 'N')
    .replace(/'[^']*'/g, "'…'")
    .replace(/[^\x20-\x7e]+/g, '?')
    .slice(0, 100);
  return {
    target: target.name,
    kind,
    signature: `${kind}:${target.name}:${shape}@${firstProjectFrame(err?.stack)}`,
    message: `${message}\n${err?.stack ?? ''}`.slice(0, 4000),
    input,
  };
}

/**
 * Shrinks a crashing input while the same signature persists (delta debugging over chunks, then
 * single octets to simpler values). Bounded by `budget` re-runs.
 */
export function minimize(target: FuzzTarget, c: Crash, budget = 3000): Uint8Array {
  if (c.kind === 'hang' || c.kind === 'oom' || c.kind === 'slow') return c.input;
  let best = c.input;
  let tries = 0;
  const same = (b: Uint8Array) => {
    tries++;
    return judge(target, b)?.signature === c.signature;
  };
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1 && tries < budget; chunk >>= 1) {
    for (let at = 0; at < best.length && tries < budget; ) {
      const cand = new Uint8Array(best.length - Math.min(chunk, best.length - at));
      cand.set(best.subarray(0, at));
      cand.set(best.subarray(at + chunk), at);
      if (cand.length < best.length && same(cand)) best = cand;
      else at += chunk;
    }
  }
  return best;
}

export function inputId(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex').slice(0, 16);
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Coverage guidance (V8 block coverage); off in the CI slice. */
  coverage: boolean;
  /** Inputs per coverage sample. */
  coverageBatch?: number;
  /** Most of the run's time coverage sampling may take (0.25). */
  coverageShare?: number;
  /**
   * The guided phase: coverage is on for this share of `runs` (and of `maxMs`, whichever ends
   * first), then off (V8 runs instrumented code several times slower), the rest mutating the
   * corpus the phase grew (default 0.1).
   */
  coveragePhase?: number;
  slowMs?: number;
  /** Called before each input (the worker records it for the hang / OOM watchdog). */
  onInput?: (input: Uint8Array, index: number) => void;
  onCrash?: (c: Crash) => void;
  onProgress?: (s: FuzzStats) => void;
  /** Stop after this many distinct crashes. */
  maxCrashes?: number;
  /** Stop after this long (ms), whatever `runs` says. */
  maxMs?: number;
}

export interface FuzzStats {
  target: string;
  runs: number;
  values: number;
  typedErrors: number;
  crashes: number;
  corpus: number;
  seeds: number;
  vectors: number;
  /** Blocks (V8 coverage ranges) seen executed, when coverage is on. */
  features: number;
  roundTrips: number;
  roundTripFailure?: string;
  /** Time of the input loop (what `perSecond` divides by). */
  ms: number;
  /** Corpus set-up and the round-trip property, before the loop. */
  setupMs: number;
  /** Inputs run with coverage guidance on (the guided phase). */
  guidedRuns: number;
  perSecond: number;
  /** CPU time this thread spent in the loop (Linux: /proc/thread-self/stat), when readable. */
  cpuMs?: number;
  vectorsNote: string;
}

/**
 * CPU time of the calling thread in ms (utime + stime of /proc/thread-self/stat, in clock ticks of
 * 10 ms), or undefined where that file is absent. Inputs per CPU-second do not depend on what else
 * the machine runs, inputs per second do.
 */
export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of proc(5), counted from the state field (3) after the command name
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The starting corpus: shared vectors (when present) + our encoders' outputs. */
export function startingCorpus(target: FuzzTarget): {
  corpus: Uint8Array[];
  seeds: number;
  vectors: number;
  note: string;
} {
  target.setup?.();
  const seeds = target.seeds();
  let vectors: Uint8Array[] = [];
  let note = '';
  if (target.vectors) {
    const root = vectorsRoot();
    if (root) vectors = target.vectors(root);
    else
      note = 'shared vectors absent (set MMSCERT_VECTORS to a shared/vectors folder): encoder outputs only';
  }
  return { corpus: [...vectors, ...seeds], seeds: seeds.length, vectors: vectors.length, note };
}

/** Coverage through the inspector: the set of executed blocks of the scripts `filter` matches. */
class Coverage {
  private session = new Session();
  private seen = new Set<string>();
  /** Every block range V8 has listed, per function (`scriptId:start`). */
  private blocks = new Map<string, Map<string, [number, number]>>();

  constructor(private readonly filter: RegExp) {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    this.take(); // what start-up ran is not news
  }

  private post(method: string, params?: object): unknown {
    let out: unknown;
    let err: Error | null = null;
    // an in-thread session answers synchronously
    this.session.post(method, params ?? {}, (e, r) => {
      err = e;
      out = r;
    });
    if (err) throw err;
    return out;
  }

  /**
   * Number of blocks never seen before that ran since the last call; `record` adds them to the
   * seen set (a batch is only probed, so its inputs can then be credited one by one).
   */
  take(record = true): number {
    const r = this.post('Profiler.takePreciseCoverage') as {
      result: Array<{
        scriptId: string;
        url: string;
        functions: Array<{ ranges: Array<{ startOffset: number; endOffset: number; count: number }> }>;
      }>;
    };
    let fresh = 0;
    for (const s of r.result) {
      if (!this.filter.test(s.url)) continue;
      for (const f of s.functions) {
        const ranges = f.ranges;
        if (ranges.length === 0) continue;
        // V8 lists a block only where its count differs from the range around it: a block once
        // listed (count 0) and now run as often as its function is left out. So every block ever
        // listed is remembered per function, and counts as run when the innermost range listed
        // now that holds it ran.
        const fnKey = `${s.scriptId}:${ranges[0].startOffset}`;
        let known = this.blocks.get(fnKey);
        if (!known) {
          known = new Map();
          this.blocks.set(fnKey, known);
        }
        for (const g of ranges) known.set(`${g.startOffset}:${g.endOffset}`, [g.startOffset, g.endOffset]);
        if (ranges[0].count === 0) continue;
        for (const [k, [a, b]] of known) {
          let count = ranges[0].count;
          let width = Number.POSITIVE_INFINITY;
          for (const g of ranges)
            if (g.startOffset <= a && g.endOffset >= b && g.endOffset - g.startOffset < width) {
              width = g.endOffset - g.startOffset;
              count = g.count;
            }
          if (count === 0) continue;
          const key = `${fnKey}:${k}`;
          if (!this.seen.has(key)) {
            if (record) this.seen.add(key);
            fresh++;
          }
        }
      }
    }
    return fresh;
  }

  get size(): number {
    return this.seen.size;
  }

  stop(): void {
    this.post('Profiler.stopPreciseCoverage');
    this.session.disconnect();
  }
}

/** Fuzzes one target; returns its statistics. Crashes go to `onCrash` once per signature. */
export function fuzzTarget(target: FuzzTarget, opts: FuzzOptions): FuzzStats {
  const t0 = performance.now();
  const start = startingCorpus(target);
  const corpus = start.corpus.length > 0 ? start.corpus : [new Uint8Array(0)];
  const r = seededRng(opts.seed);
  const ctx: MutationContext = {
    corpus,
    dictionary: target.dictionary.map((t) => new Uint8Array(Buffer.from(t, 'latin1'))),
    maxLen: target.maxLen,
  };
  const seen = new Set<string>();
  let crashes = 0;
  const slowMs = opts.slowMs ?? 2000;
  // Stack traces are the main cost of a thrown DecodeError (most mutants throw one): the loop runs
  // without them, and a crash is judged again with them (its signature names the first own frame).
  const stackLimit = Error.stackTraceLimit;
  const report = (c: Crash) => {
    Error.stackTraceLimit = stackLimit;
    try {
      const full = c.kind === 'slow' ? c : (judge(target, c.input, slowMs) ?? c);
      if (seen.has(full.signature)) return;
      seen.add(full.signature);
      crashes++;
      opts.onCrash?.({ ...full, input: minimize(target, full) });
    } finally {
      Error.stackTraceLimit = 0;
    }
  };

  // 1. the round-trip property over generated values (fast-check, same seed)
  let roundTrips = 0;
  let roundTripFailure: string | undefined;
  if (target.roundTrip) {
    roundTrips = Math.min(2000, Math.max(100, Math.floor(opts.runs / 500)));
    const res = fc.check(target.roundTrip, { seed: opts.seed, numRuns: roundTrips });
    if (res.failed) {
      roundTripFailure = `round trip: counterexample ${fc.stringify(res.counterexample)} (seed ${opts.seed}, path ${res.counterexamplePath}): ${String((res.errorInstance as Error | undefined)?.message ?? res.errorInstance)}`;
      opts.onCrash?.({
        target: target.name,
        kind: 'property',
        signature: `roundtrip:${target.name}`,
        message: roundTripFailure,
        input: new Uint8Array(Buffer.from(fc.stringify(res.counterexample))),
      });
      crashes++;
    }
  }

  // 2. totality over generated and mutated inputs (guided by coverage for the first phase)
  const setupMs = performance.now() - t0;
  const tLoop = performance.now();
  const cpu0 = threadCpuMs();
  let cov = opts.coverage ? new Coverage(target.coverage) : undefined;
  let features = 0;
  let guidedRuns = 0;
  const phase = opts.coveragePhase ?? 0.1;
  const guidedUntilRun = Math.ceil(opts.runs * phase);
  const guidedUntilMs = opts.maxMs !== undefined ? opts.maxMs * phase : Number.POSITIVE_INFINITY;
  const batchSize = opts.coverageBatch ?? 64;
  const coverageShare = opts.coverageShare ?? 0.25;
  let covMs = 0;
  const batch: Uint8Array[] = [];
  const randomBatch: Uint8Array[] = [];
  let randomSeed = opts.seed;
  const fromFastCheck = (): Uint8Array => {
    if (randomBatch.length === 0) {
      randomBatch.push(
        ...fc.sample(fc.uint8Array({ maxLength: Math.min(256, target.maxLen) }), {
          seed: randomSeed++,
          numRuns: 512,
        }),
      );
    }
    return randomBatch.pop()!;
  };
  // the share of inputs that decode, sampled (1 in 1024, re-run) so the loop stays lean
  let values = 0;
  let typed = 0;
  let done = 0;
  let lastProgress = performance.now();
  Error.stackTraceLimit = 0;
  try {
    for (let i = 0; i < opts.runs; i++) {
      const input =
        r() < 0.1 ? fromFastCheck() : mutateBytes(corpus[Math.floor(r() * corpus.length)], r, ctx);
      opts.onInput?.(input, i);
      const c = judge(target, input, slowMs);
      if (c) report(c);
      done = i + 1;
      if (cov) {
        batch.push(input);
        const now = performance.now();
        const phaseOver = i + 1 >= guidedUntilRun || now - tLoop >= guidedUntilMs;
        if (batch.length >= batchSize || phaseOver) {
          // A coverage sample serialises every function of every script (ms each): it is taken only
          // while it has cost at most `coverageShare` of the time so far, so guidance never slows the
          // plain loop by more than that share (the phase's last batch is always probed).
          if (phaseOver || covMs <= coverageShare * (now - tLoop)) {
            if (cov.take(false) > 0) {
              // which of the batch brought the new blocks: re-run each alone
              for (const b of batch) {
                judge(target, b);
                if (cov.take() > 0) corpus.push(b);
              }
            }
            covMs += performance.now() - now;
          }
          // (an unsampled batch's counts carry into the next probe, which resets them; the inputs
          // re-run after a probe are credited with their own blocks only)
          batch.length = 0;
          // the guided phase ends: coverage off, V8 back to optimised code for the rest
          if (phaseOver) {
            features = cov.size;
            guidedRuns = i + 1;
            cov.stop();
            cov = undefined;
          }
        }
      }
      if ((i & 1023) === 0) {
        if (outcome(target, input) === 'value') values++;
        else typed++;
        if (opts.maxCrashes !== undefined && crashes >= opts.maxCrashes) break;
      }
      if ((i & 63) === 0) {
        const now = performance.now();
        if (opts.maxMs !== undefined && now - t0 > opts.maxMs) break;
        if (opts.onProgress && now - lastProgress > 2000) {
          lastProgress = now;
          opts.onProgress(stats(i + 1));
        }
      }
    }
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
  if (cov) {
    features = cov.size;
    guidedRuns = done;
    cov.stop();
  }
  function stats(runs: number): FuzzStats {
    const ms = performance.now() - tLoop;
    return {
      target: target.name,
      runs,
      values,
      typedErrors: typed,
      crashes,
      corpus: corpus.length,
      seeds: start.seeds,
      vectors: start.vectors,
      features: cov?.size ?? features,
      roundTrips,
      roundTripFailure,
      ms,
      setupMs,
      guidedRuns: cov ? runs : guidedRuns,
      perSecond: Math.round((runs / ms) * 1000),
      ...(cpu0 !== undefined ? { cpuMs: (threadCpuMs() ?? cpu0) - cpu0 } : {}),
      vectorsNote: start.note,
    };
  }
  return stats(done);
}
