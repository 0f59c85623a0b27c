import { spawn } from 'node:child_process';
import { TargetError } from '../target.ts';

/**
 * The target config's `reset:`: how the target is brought back to a known state between cases
 * (empty its queues and stores, restart it), run by the harness before each case, each suite or
 * once per run. A command runs under `/bin/sh -c` with MMSCERT_CASE_ID (and MMSCERT_SUITE) in
 * its environment; a URL is POSTed to (2xx: done). A reset that fails or times out is a harness
 * error: the run stops (exit 2) with what it printed.
 */
export interface ResetSpec {
  command?: string;
  /** Where the command runs (the target config's folder, so `./reset.sh` is found next to it). */
  cwd?: string;
  url?: string;
  timeoutMs: number;
  every: 'case' | 'suite' | 'run';
}

export class ResetError extends TargetError {
  constructor(message: string) {
    super(message);
    this.name = 'ResetError';
  }
}

/** The last `max` characters of some output, whole lines where possible. */
export function tail(text: string, max = 2000): string {
  const t = text.trimEnd();
  if (t.length <= max) return t;
  const cut = t.slice(t.length - max);
  const nl = cut.indexOf('\n');
  return `…${nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut}`;
}

function indent(label: string, text: string): string {
  const t = tail(text);
  return t ? `\n  ${label}:\n${t.replace(/^/gm, '    ')}` : '';
}

export interface ResetContext {
  caseId?: string;
  suite?: string;
}

async function runCommand(
  command: string,
  timeoutMs: number,
  ctx: ResetContext,
  cwd: string | undefined,
): Promise<string> {
  const child = spawn('/bin/sh', ['-c', command], {
    ...(cwd ? { cwd } : {}),
    env: { ...process.env, MMSCERT_CASE_ID: ctx.caseId ?? '', MMSCERT_SUITE: ctx.suite ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group: a timeout kills the command and whatever it started
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out = tail(out + d.toString(), 8000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    err = tail(err + d.toString(), 8000);
  });
  const result = await new Promise<{
    code: number | null;
    signal: string | null;
    timedOut: boolean;
    error?: Error;
  }>((resolve) => {
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      resolve({ code: null, signal: 'SIGKILL', timedOut: true });
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut: false, error });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut: false });
    });
  });
  const where = ctx.caseId ? ` before ${ctx.caseId}` : '';
  if (result.timedOut)
    throw new ResetError(
      `reset command timed out after ${timeoutMs} ms${where}: ${command}${indent('stdout', out)}${indent('stderr', err)}`,
    );
  if (result.error)
    throw new ResetError(`reset command could not start${where}: ${command}: ${result.error.message}`);
  if (result.code !== 0)
    throw new ResetError(
      `reset command failed (${result.code !== null ? `exit ${result.code}` : `signal ${result.signal}`})${where}: ${command}${indent('stdout', out)}${indent('stderr', err)}`,
    );
  return out;
}

async function postUrl(url: string, timeoutMs: number, ctx: ResetContext): Promise<string> {
  const where = ctx.caseId ? ` before ${ctx.caseId}` : '';
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ case: ctx.caseId ?? null, suite: ctx.suite ?? null }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error;
    const why =
      err.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : ((err.cause as Error | undefined)?.message ?? err.message);
    throw new ResetError(`reset POST ${url}${where}: ${why}`);
  }
  const body = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299)
    throw new ResetError(
      `reset POST ${url}${where}: HTTP ${res.status} ${res.statusText}${indent('body', body)}`,
    );
  return body;
}

/** Runs the reset once (command, then URL if both are given); throws ResetError. */
export async function runReset(
  spec: ResetSpec,
  ctx: ResetContext = {},
): Promise<{ ms: number; output: string }> {
  const t0 = Date.now();
  let output = '';
  if (spec.command) output += await runCommand(spec.command, spec.timeoutMs, ctx, spec.cwd);
  if (spec.url) output += await postUrl(spec.url, spec.timeoutMs, ctx);
  return { ms: Date.now() - t0, output: tail(output, 500) };
}

/**
 * When to reset: `run` once when the run opens; `suite` before the first case of each suite
 * (a suite change in the run order); `case` before every case.
 */
export class ResetSchedule {
  private lastSuite: string | undefined;

  constructor(readonly spec: ResetSpec) {}

  atOpen(): boolean {
    return this.spec.every === 'run';
  }

  beforeCase(suite: string): boolean {
    const changed = suite !== this.lastSuite;
    this.lastSuite = suite;
    return this.spec.every === 'case' || (this.spec.every === 'suite' && changed);
  }
}
