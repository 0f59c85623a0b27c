import http from 'node:http';
import type { JsonObject } from '../../util/json.ts';
import type { Observation, Timeline } from '../../wire/timeline.ts';
import { type TargetEndpoints, TargetError } from '../target.ts';
import { canConnect } from './reserve-port.ts';

/**
 * The health of an external or container target before each case: every configured endpoint
 * accepts a TCP connection, and MM1 (HTTP) also answers an HTTP request (any status: an MMSC
 * may refuse a GET, what matters is that its HTTP server speaks). A target that is down is the
 * harness's problem, not the target's conformance: the case gets `error` with the reason, never
 * `fail`; a target down for several cases in a row ends the run (exit 2).
 */
export interface HealthOptions {
  /** How long to wait for a down target to come back before giving up on a case (default 10 s). */
  waitMs?: number;
  /** Polling interval while waiting (default 250 ms). */
  pollMs?: number;
  /** Consecutive cases the target may be down before the run is aborted (default 3). */
  maxDownCases?: number;
  /** One probe's own timeout (default 2 s). */
  probeTimeoutMs?: number;
}

export const DEFAULT_HEALTH: Required<HealthOptions> = {
  waitMs: 10_000,
  pollMs: 250,
  maxDownCases: 3,
  probeTimeoutMs: 2000,
};

/** The target stayed down for `maxDownCases` cases in a row: the run cannot go on. */
export class TargetDownError extends TargetError {
  constructor(message: string) {
    super(message);
    this.name = 'TargetDownError';
  }
}

function defaultPort(u: URL): number {
  if (u.port) return Number(u.port);
  return u.protocol === 'http:' ? 80 : u.protocol === 'https:' ? 443 : u.protocol === 'smtp:' ? 25 : 0;
}

/** Whether an HTTP server answers at `url` (any status line) within `timeoutMs`. */
export function answersHttp(url: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (problem: string | undefined) => {
      if (settled) return;
      settled = true;
      resolve(problem);
    };
    // HEAD: no body either way; an MMSC's MM1 endpoint may answer 405, which is an answer
    const req = http.request(url, { method: 'HEAD', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      req.destroy();
      done(undefined);
    });
    req.on('timeout', () => {
      req.destroy();
      done(`no HTTP answer within ${timeoutMs} ms`);
    });
    req.on('error', (e) => done(`HTTP: ${e.message}`));
    req.end();
  });
}

/** What is wrong with one endpoint (undefined: healthy). */
export async function probeEndpoint(
  iface: string,
  url: string,
  timeoutMs = DEFAULT_HEALTH.probeTimeoutMs,
): Promise<string | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${iface.toUpperCase()} ${url}: not a URL`;
  }
  const port = defaultPort(u);
  if (!(await canConnect(u.hostname, port, timeoutMs)))
    return `${iface.toUpperCase()} ${url}: no TCP connection to ${u.hostname}:${port}`;
  if (iface === 'mm1' && u.protocol === 'http:') {
    const p = await answersHttp(url, timeoutMs);
    if (p) return `${iface.toUpperCase()} ${url}: accepts TCP but ${p}`;
  }
  return undefined;
}

/** Every problem of the target's configured endpoints (empty: healthy). */
export async function checkEndpoints(endpoints: TargetEndpoints, timeoutMs?: number): Promise<string[]> {
  const checks = Object.entries(endpoints)
    .filter((e): e is [string, string] => e[0] !== 'domain' && typeof e[1] === 'string')
    .map(([iface, url]) => probeEndpoint(iface, url, timeoutMs));
  return (await Promise.all(checks)).filter((p): p is string => p !== undefined);
}

export interface HealthEvent {
  name: string;
  detail: JsonObject;
}

export type HealthOutcome =
  | { ok: true; events: HealthEvent[] }
  | { ok: false; reason: string; events: HealthEvent[] };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Checks the target before each case. Down: polls (reconnects) for up to `waitMs`; back in
 * time: the case runs, the wait noted on its timeline; still down: the case's verdict is `error`
 * with the reason. `maxDownCases` cases in a row given up on: TargetDownError (abort the run).
 */
export class HealthGate {
  private readonly o: Required<HealthOptions>;
  private down = 0;

  constructor(
    private readonly endpoints: () => TargetEndpoints,
    opts: HealthOptions = {},
  ) {
    this.o = { ...DEFAULT_HEALTH, ...opts };
  }

  /** Cases given up on in a row so far. */
  get consecutiveDown(): number {
    return this.down;
  }

  async beforeCase(caseId: string): Promise<HealthOutcome> {
    const t0 = Date.now();
    // every probe gets its own timeout: `waitMs` bounds how long a down target is waited for, not
    // how long a healthy one has to answer (a loaded host can take longer than a short wait; a
    // wait of 0 would otherwise give the probe 1 ms)
    let problems = await checkEndpoints(this.endpoints(), this.o.probeTimeoutMs);
    if (problems.length === 0) {
      this.down = 0;
      return { ok: true, events: [] };
    }
    const first = problems;
    let polls = 0;
    while (problems.length > 0 && Date.now() - t0 < this.o.waitMs) {
      await sleep(Math.min(this.o.pollMs, Math.max(0, this.o.waitMs - (Date.now() - t0))));
      polls++;
      problems = await checkEndpoints(this.endpoints(), this.o.probeTimeoutMs);
    }
    const waitedMs = Date.now() - t0;
    const events: HealthEvent[] = [{ name: 'target-unhealthy', detail: { problems: first, caseId } }];
    if (problems.length === 0) {
      this.down = 0;
      events.push({ name: 'target-recovered', detail: { waitedMs, polls } });
      return { ok: true, events };
    }
    this.down++;
    const reason = `target unhealthy (waited ${waitedMs} ms, ${polls} polls): ${problems.join('; ')}`;
    if (this.down >= this.o.maxDownCases)
      throw new TargetDownError(
        `the target stayed down for ${this.down} consecutive cases (last: ${caseId}); run aborted: ${problems.join('; ')}`,
      );
    return { ok: false, reason, events };
  }
}

/**
 * A real MMSC keeps one SMPP bind to its SMSC and reconnects with its own back-off, while our
 * SMSC peer listens only during a case: before the steps, wait (bounded) for the target's first
 * bind attempt on this case's SMSC (`bind_*` received, whatever the answer: a case may refuse
 * binds on purpose). Resolves how long it took, or undefined when none came within `waitMs`.
 */
export function awaitTargetBind(
  timeline: Timeline,
  smscNode: string,
  waitMs: number,
): Promise<number | undefined> {
  const isBind = (o: Observation) =>
    o.kind === 'message' && o.node === smscNode && o.direction === 'in' && o.type.startsWith('bind_');
  const t0 = Date.now();
  if (timeline.all().some(isBind)) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(undefined);
    }, waitMs);
    const unsubscribe = timeline.subscribe((o) => {
      if (!isBind(o)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(Date.now() - t0);
    });
  });
}
