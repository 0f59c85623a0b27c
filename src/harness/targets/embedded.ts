import { accessSync, constants, mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveMmscConfig } from '../../mmsc/config.ts';
import { startReferenceMmsc } from '../../mmsc/index.ts';
import { createInterfaceModules } from '../../mmsc/interface-modules.ts';
import { type Clock, caseClock, type RandomSource, seededStream } from '../../util/case-clock.ts';
import type { JsonObject } from '../../util/json.ts';
import type { Timeline } from '../../wire/timeline.ts';
import type { Ics } from '../ics/ics-schema.ts';
import { REFERENCE_PROVISIONING, referenceIcs } from '../ics/reference-ics.ts';
import {
  type StartedPeer,
  type Target,
  type TargetCaseContext,
  TargetError,
  TargetRetryableError,
  type TargetSession,
} from '../target.ts';
import { reservePort } from './reserve-port.ts';

/** What the harness needs of the reference MMSC starter (src/mmsc/index.ts `startReferenceMmsc`). */
export interface RunningMmscLike {
  stop(): Promise<void>;
}
export type MmscStarter = (
  config: Record<string, unknown>,
  deps?: { timeline?: Timeline; clock?: Clock; random?: RandomSource },
) => Promise<RunningMmscLike>;

/** The reference MMSC's starter. */
export async function loadMmscStarter(): Promise<MmscStarter> {
  return (config, deps) => startReferenceMmsc(config, { ...(deps ?? {}), modules: createInterfaceModules() });
}

/**
 * Where the embedded MMSC keeps each case's store: a RAM file system (/dev/shm) when there is a
 * writable one, else the temporary directory. The store code and its fsyncs are the same either
 * way; on tmpfs its many small writes, renames and unlinks cost a fraction of the CPU they cost
 * on a disk file system (measured: store work ~7 s -> ~2.5 s of CPU over the full run). A case's
 * MMSC lives and dies inside this process, so durability across power loss is not what a case
 * checks. `MMSCERT_STORE_ROOT` names another folder.
 */
export function embeddedStoreRoot(): string {
  const env = process.env.MMSCERT_STORE_ROOT;
  if (env) return env;
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // no tmpfs here
  }
  return os.tmpdir();
}

/** statfs f_type of tmpfs (linux/magic.h TMPFS_MAGIC). */
const TMPFS_MAGIC = 0x01021994;

/** Whether `dir` is on a RAM file system, where an fsync has nothing to wait for. */
export function onTmpfs(dir: string): boolean {
  try {
    return statfsSync(dir).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

export const EMBEDDED_DOMAIN = REFERENCE_PROVISIONING.domain;

/**
 * How long the reference MMSC on a test bed waits for an MM4_forward.RES before it sends the
 * forward again. Not 30 s (the production default: cases would wait that long for a retry), not
 * so short that a RES from a peer starved by a loaded host (two CPU hogs per core) comes after
 * it: then the forward is rightly sent again and a case that expects one forward fails.
 */
export const TEST_BED_MM4_RESPONSE_TIMEOUT_MS = 8000;
/** Credentials the embedded MMSC binds to the case's SMSC with (unless the suite gives the SMSC its own). */
export const EMBEDDED_SMPP = { systemId: 'mmsc', password: 'secret' };
/**
 * The test bed's SMPP link: an idle bind probed with enquire_link after 1 s, a probe unanswered
 * for 2 s drops the link (SMPP 3.4 §4.11), pushes ask for delivery receipts (§5.2.17) and are
 * valid a day (§5.2.16), an unreachable SMSC tried again at least every second, so the suites can see each on the wire
 * within a second or two.
 */
export const TEST_BED_SMPP_LINK = {
  enquireLinkMs: 1000,
  enquireLinkTimeoutMs: 2000,
  registeredDelivery: 1,
  reconnectMaxMs: 1000,
  validityPeriodS: 86_400,
};

function first(peers: readonly StartedPeer[], kind: string): StartedPeer | undefined {
  return peers.find((p) => p.kind === kind);
}

function urlFor(p: StartedPeer | undefined, ...protocols: string[]): URL | undefined {
  if (!p) return undefined;
  const e = p.endpoints.find((x) => protocols.includes(x.protocol));
  return e ? new URL(e.url) : undefined;
}

/**
 * The MMSC config that points the reference MMSC at a case's peers: notifications through the
 * SMSC (or the PPG), MM5 through the HLR's ENUM DNS and HTTP, MM4 to each remote MMSC, MM7
 * callbacks to the VASP. Exported for tests and for `mmscert serve` users who want the same wiring.
 */
export function mmscConfigForPeers(
  ports: { mm1: number; mm3: number; mm4: number; mm7: number },
  peers: readonly StartedPeer[],
  overrides: Record<string, unknown> = {},
  provisioning: Ics['provisioning'] = REFERENCE_PROVISIONING,
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    ports,
    mm1Path: '/mms',
    domains: [provisioning.domain],
    // A fast queue for tests: a retry in 200 ms, not 500 ms doubling to a minute.
    retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 2000 },
  };
  const smsc = first(peers, 'smsc');
  const ppg = first(peers, 'ppg');
  const smscUrl = urlFor(smsc, 'smpp');
  const ppgUrl = urlFor(ppg, 'http', 'pap');
  if (ppg && ppgUrl) {
    config.notification = { route: 'pap', url: ppgUrl.href };
  } else if (smsc && smscUrl) {
    config.notification = {
      route: 'smpp',
      host: '127.0.0.1',
      port: Number(smscUrl.port),
      systemId: typeof smsc.config.systemId === 'string' ? smsc.config.systemId : EMBEDDED_SMPP.systemId,
      password: typeof smsc.config.password === 'string' ? smsc.config.password : EMBEDDED_SMPP.password,
      reconnectMs: 100,
      ...TEST_BED_SMPP_LINK,
    };
  }
  const hlr = first(peers, 'hlr');
  if (hlr) {
    const dns = urlFor(hlr, 'dns', 'dns+udp', 'udp');
    const http = urlFor(hlr, 'http');
    config.mm5 = {
      ...(dns ? { enumServer: `127.0.0.1:${dns.port}` } : {}),
      ...(http ? { hlrUrl: http.origin } : {}),
    };
  }
  const mm4Peers = peers
    .filter((p) => p.kind === 'remote-mmsc')
    .map((p) => {
      const u = urlFor(p, 'smtp');
      // The remote MMSC mock's own default domain when the suite gives none (mocks/remote-mmsc).
      const domain = typeof p.config.domain === 'string' ? p.config.domain : provisioning.foreign.domain;
      return u ? { domain, host: '127.0.0.1', port: Number(u.port) } : undefined;
    })
    .filter((x) => x !== undefined);
  if (mm4Peers.length > 0)
    config.mm4 = { peers: mm4Peers, responseTimeoutMs: TEST_BED_MM4_RESPONSE_TIMEOUT_MS };
  // MM3: e-mail recipients go to the case's mail MTA.
  const mailUrl = urlFor(first(peers, 'mail'), 'smtp');
  if (mailUrl) config.mm3 = { relay: { host: '127.0.0.1', port: Number(mailUrl.port) } };
  const vasps = peers
    .filter((p) => p.kind === 'vasp')
    .map((p) => {
      const u = urlFor(p, 'http');
      return {
        vaspId: typeof p.config.vaspId === 'string' ? p.config.vaspId : 'VASP1',
        ...(typeof p.config.vasId === 'string' ? { vasId: p.config.vasId } : {}),
        // The VASP peer's config names its Basic-auth credentials `user` / `pass` (mocks/vasp).
        ...(typeof p.config.user === 'string' ? { username: p.config.user } : {}),
        ...(typeof p.config.pass === 'string' ? { password: p.config.pass } : {}),
        ...(Array.isArray(p.config.shortCodes) ? { shortCodes: p.config.shortCodes } : {}),
        ...(u ? { callbackUrl: u.href } : {}),
      };
    });
  // Every VASP account of the provisioning is known to the MMSC, its callbacks going to the
  // case's VASP peer; a VASP peer with an identity of its own (a suite's) comes first.
  const callback = vasps[0]?.callbackUrl;
  if (vasps.length > 0) {
    const known = new Set(vasps.map((v) => v.vaspId));
    for (const a of Object.values(provisioning.vasps)) {
      if (known.has(a.vaspId)) continue;
      vasps.push({
        vaspId: a.vaspId,
        ...(a.vasId ? { vasId: a.vasId } : {}),
        ...(a.username !== undefined ? { username: a.username } : {}),
        ...(a.password !== undefined ? { password: a.password } : {}),
        shortCodes: [a.shortCode],
        ...(callback ? { callbackUrl: callback } : {}),
      });
    }
    config.vasps = vasps;
  }
  return { ...config, ...overrides, ...smppRouteOverride(config.notification, overrides.notification) };
}

/**
 * An override of the SMPP route's own settings (`notification: { concatenation: sar }`, no
 * `route`) refines the route made for the case's SMSC; a whole route (`route: ...`) replaces it.
 */
function smppRouteOverride(made: unknown, override: unknown): { notification?: Record<string, unknown> } {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(made) || !isObject(override) || 'route' in override) return {};
  return { notification: { ...made, ...override } };
}

/**
 * The ICS of the embedded reference MMSC: derived from the config each case's MMSC gets
 * (mmscConfigForPeers, with every peer present and the config file's overrides).
 */
export function embeddedIcs(overrides: Record<string, unknown> = {}): Ics {
  const p = REFERENCE_PROVISIONING;
  const notification = {
    route: 'smpp',
    host: '127.0.0.1',
    port: 0,
    ...EMBEDDED_SMPP,
    reconnectMs: 100,
    ...TEST_BED_SMPP_LINK,
  };
  const config = resolveMmscConfig({
    ...mmscConfigForPeers({ mm1: 0, mm3: 0, mm4: 0, mm7: 0 }, [], {}, p),
    notification,
    mm4: {
      peers: [{ domain: p.foreign.domain, port: 0 }],
      responseTimeoutMs: TEST_BED_MM4_RESPONSE_TIMEOUT_MS,
    },
    mm3: { relay: { port: 0 } },
    mm5: { enumServer: '127.0.0.1:0', hlrUrl: 'http://127.0.0.1:0' },
    vasps: Object.values(p.vasps).map((a) => ({
      vaspId: a.vaspId,
      ...(a.vasId ? { vasId: a.vasId } : {}),
      ...(a.username !== undefined ? { username: a.username } : {}),
      ...(a.password !== undefined ? { password: a.password } : {}),
      shortCodes: [a.shortCode],
    })),
    ...overrides,
    ...smppRouteOverride(notification, overrides.notification),
  });
  return referenceIcs(config, p);
}

/**
 * The reference MMSC in-process, one instance per case (own store, own ports), wired to that
 * case's peers. Its four ports are reserved before the peers start, so peers that call it get
 * its URLs in their config; it starts once the peers it calls are listening. A reserved port
 * taken in between fails the start with TargetRetryableError, and the runner sets the case up
 * again (fresh ports, fresh peers pointed at them).
 */
export class EmbeddedTarget implements Target {
  readonly kind = 'embedded' as const;
  readonly description = 'embedded reference MMSC';
  readonly maxJobs = 64;
  readonly ics: Ics;
  private starter?: MmscStarter;
  private readonly storeRoot = embeddedStoreRoot();
  private readonly storeOnTmpfs = onTmpfs(this.storeRoot);

  constructor(
    private readonly opts: {
      starter?: MmscStarter;
      /** Overrides of the MMSC config (from the config file's target.mmsc). */
      mmsc?: Record<string, unknown>;
      peers?: Readonly<Record<string, JsonObject>>;
      /** Where the MMSC's four ports come from (tests force a collision through it). */
      reservePort?: () => Promise<number>;
    } = {},
  ) {
    this.starter = opts.starter;
    this.ics = embeddedIcs(opts.mmsc);
  }

  async open(): Promise<void> {
    this.starter ??= await loadMmscStarter();
  }

  async startCase(ctx: TargetCaseContext): Promise<TargetSession> {
    const starter = this.starter ?? (await loadMmscStarter());
    const reserve = this.opts.reservePort ?? reservePort;
    const ports = {
      mm1: await reserve(),
      mm3: await reserve(),
      mm4: await reserve(),
      mm7: await reserve(),
    };
    const endpoints = {
      mm1: `http://127.0.0.1:${ports.mm1}/mms`,
      mm3: `smtp://127.0.0.1:${ports.mm3}`,
      mm4: `smtp://127.0.0.1:${ports.mm4}`,
      mm7: `http://127.0.0.1:${ports.mm7}/mm7`,
      domain: EMBEDDED_DOMAIN,
    };
    let running: RunningMmscLike | undefined;
    // The case's own store folder (unless the config names one), removed when the case stops.
    const ownStore = this.opts.mmsc?.storeDir === undefined;
    let storeDir: string | undefined;
    const peerDefaults = this.opts.peers ?? {};
    // A seeded run: the case's clock (shared with its peers) and the MMSC's own random stream.
    const clock = caseClock(ctx.seed);
    const random = seededStream(ctx.seed, 'mmsc');
    return {
      endpoints,
      clock,
      peerConfig: (kind) => {
        const base: JsonObject = { ...(peerDefaults[kind] ?? {}) };
        // The HLR answers for the case's handsets, at the embedded MMSC's domain.
        if (kind === 'hlr' && ctx.msisdns.size > 0 && base.subscribers === undefined) {
          base.subscribers = [...ctx.msisdns.values()].map((msisdn) => ({ msisdn, mcc: '310', mnc: '001' }));
        }
        return base;
      },
      attach: async (peers) => {
        try {
          if (ownStore) storeDir ??= mkdtempSync(path.join(this.storeRoot, 'mmscert-store-'));
          // On tmpfs the store's fsyncs cannot make anything more durable (it is RAM): they are
          // skipped, unless the config says otherwise.
          const store = storeDir ? { storeDir, ...(this.storeOnTmpfs ? { fsync: false } : {}) } : {};
          running = await starter(mmscConfigForPeers(ports, peers, { ...store, ...this.opts.mmsc }), {
            timeline: ctx.timeline,
            clock,
            random,
          });
        } catch (e) {
          const line = (e as Error).message.split('\n')[0];
          // Another process bound a reserved port between reservation and the MMSC's bind
          // (reserve-port.ts): the runner starts the case again on fresh ports.
          if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
            throw new TargetRetryableError(`the reference MMSC could not bind a reserved port: ${line}`);
          throw new TargetError(`the reference MMSC did not start: ${line}`);
        }
      },
      stop: async () => {
        try {
          await running?.stop();
        } finally {
          running = undefined;
          const dir = storeDir;
          storeDir = undefined;
          // synchronous: a few files on tmpfs, cheaper than a promise per file system call
          if (dir) rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  }

  async close(): Promise<void> {}
}
