import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CPU of this process by who spent it: a sampling profile (V8's, through node:inspector) of
 * the load run, each sample given to the deepest frame on its stack that belongs to one of our
 * peers (mocks/<peer>/), the handsets (mocks/ue/), the embedded target (src/mmsc/) or the
 * generator (src/load/, src/harness/). Shared code (codecs, wire, libraries, node's own) counts for
 * whoever called it; what no such frame called (a socket's parser before it hands data to a peer,
 * the garbage collector) has rows of its own. Our peers share one process and one event loop, so
 * this, not a per-process figure, is each peer's own CPU.
 */

export interface CpuShare {
  /**
   * A peer's node (`smsc`, `wap-gateway` (the PPG too), `hlr`, `vasp`, `remote-mmsc`, `mail`),
   * `ue.*` (the handsets), `mmsc` (an embedded target), `generator`, `gc`, `other` (node's
   * internals and libraries before they call our code).
   */
  component: string;
  /** Sampled busy time (ms); in a LoadResult, the share of the process's measured CPU. */
  ms: number;
  /** Of the sampled busy time (idle excluded), 0..1. */
  share: number;
}

/** The repository (this file is src/load/cpu-share.ts; the bundle keeps its original URL). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A module's path inside the repository (`mocks/smsc/smsc-peer.ts`), `node:...` or a package. */
type ModuleOf = (url: string, line: number) => string | undefined;

/** Who a module's code counts for; undefined: shared code, counted for its caller. */
export function componentOf(module: string): string | undefined {
  const m = /^mocks\/([^/]+)\//.exec(module);
  if (m) return m[1] === 'ue' ? 'ue.*' : m[1];
  if (module.startsWith('src/mmsc/')) return 'mmsc';
  if (/^src\/(load|harness|cli|report)\//.test(module)) return 'generator';
  return undefined;
}

/** Lines where each bundled module starts, from esbuild's `// path` comments (bin/cli-bundle.mjs). */
function bundleIndex(file: string): { line: number; module: string }[] {
  const out: { line: number; module: string }[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ ((?:src|mocks|bench|test)\/\S+\.[cm]?[jt]s)$/.exec(lines[i]);
    if (m) out.push({ line: i, module: m[1] });
  }
  return out;
}

/** The repository path of code at `url` (0-based `line`), bundled or not. */
export function moduleResolver(): ModuleOf {
  const bundles = new Map<string, { line: number; module: string }[]>();
  return (url, line) => {
    if (!url) return undefined;
    if (url.startsWith('node:')) return url;
    let file: string;
    try {
      file = url.startsWith('file:') ? fileURLToPath(url) : url;
    } catch {
      return undefined;
    }
    const pkg = /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\.][^/\\]*)/.exec(file);
    if (/[/\\]node_modules[/\\]\.cache[/\\]mmscert[/\\]bundle-/.test(file)) {
      let index = bundles.get(file);
      if (!index) {
        index = bundleIndex(file);
        bundles.set(file, index);
      }
      // the last module that starts at or before the line
      let lo = 0;
      let hi = index.length - 1;
      let found: string | undefined;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (index[mid].line <= line) {
          found = index[mid].module;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    }
    if (pkg) return `node_modules/${pkg[1]}`;
    const rel = path.relative(ROOT, file);
    return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.replaceAll('\\', '/');
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfileLike {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The shares of a V8 CPU profile (exported for its unit test). */
export function sharesOf(profile: CpuProfileLike, moduleOf: ModuleOf = moduleResolver()): CpuShare[] {
  return profileFigures(profile, moduleOf).shares;
}

/** The shares, and the busy part of the sampled time (non-idle samples, 0..1). */
export function profileFigures(
  profile: CpuProfileLike,
  moduleOf: ModuleOf = moduleResolver(),
): { shares: CpuShare[]; busy: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string | null>();
  const own = (n: ProfileNode): string | null => {
    const f = n.callFrame;
    if (f.functionName === '(idle)') return '(idle)';
    if (f.functionName === '(garbage collector)') return 'gc';
    const mod = moduleOf(f.url, f.lineNumber);
    return (mod && componentOf(mod)) ?? null;
  };
  const who = (id: number): string => {
    const path: number[] = [];
    let cur: number | undefined = id;
    let found: string | null = null;
    while (cur !== undefined) {
      const m = memo.get(cur);
      if (m !== undefined) {
        found = m;
        break;
      }
      path.push(cur);
      const n = byId.get(cur);
      const c = n ? own(n) : null;
      if (c) {
        found = c;
        break;
      }
      cur = parent.get(cur);
    }
    for (const p of path) memo.set(p, found);
    return found ?? 'other';
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const totals = new Map<string, number>();
  let idle = 0;
  for (let i = 0; i < samples.length; i++) {
    // a sample stands for the time until the next one (µs)
    const us = Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0);
    const c = who(samples[i]);
    if (c === '(idle)') idle += us;
    else totals.set(c, (totals.get(c) ?? 0) + us);
  }
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  const shares = [...totals]
    .map(([component, us]) => ({ component, ms: us / 1000, share: busy > 0 ? us / busy : 0 }))
    .sort((a, b) => b.ms - a.ms);
  return { shares, busy: busy + idle > 0 ? busy / (busy + idle) : 0 };
}

/** Samples this process's CPU from `start()` to `stop()` (a 4 ms interval by default: ~1% overhead). */
export class CpuSampler {
  private constructor(private readonly session: Session) {}

  static async start(intervalUs = 4000): Promise<CpuSampler> {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    return new CpuSampler(session);
  }

  /**
   * The shares, and the busy part of the run by the profile (its non-idle samples). While the
   * profiler runs, `performance.eventLoopUtilization()` reads several times too high (its
   * sampling signals wake the loop's poll): this is the figure to use instead.
   */
  async stop(): Promise<{ shares: CpuShare[]; busy: number }> {
    try {
      const { profile } = await this.session.post('Profiler.stop');
      return profileFigures(profile as CpuProfileLike);
    } finally {
      await this.session.post('Profiler.disable').catch(() => undefined);
      this.session.disconnect();
    }
  }
}
