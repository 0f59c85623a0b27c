import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Clock, type RandomSource, SYSTEM_CLOCK } from '../util/case-clock.ts';
import type { Timeline } from '../wire/timeline.ts';
import { type MmscConfig, type MmscConfigInput, resolveMmscConfig } from './config.ts';
import { deviates } from './deviations.ts';
import { type IdSource, SYSTEM_IDS, seededIds } from './ids.ts';
import { Mm1Module } from './mm1/mm1-module.ts';
import { Mm5Resolver } from './mm5/mm5-resolver.ts';
import { MmscCore } from './mmsc-core.ts';
import type { MmscEndpoint, MmscModule } from './module.ts';
import { PapPushSender } from './notify/pap-push-sender.ts';
import { NoPushSender, type PushSender } from './notify/push-sender.ts';
import { SmppPushSender } from './notify/smpp-push-sender.ts';
import { MmscObserver } from './observer.ts';
import { JournalBackend } from './store/journal-backend.ts';
import { MessageStore } from './store/message-store.ts';
import { Outbox } from './store/outbox.ts';
import { openStoreBackend } from './store/store-backend.ts';

/**
 * The reference MMSC: `startReferenceMmsc(config)` starts MM1 (and every interface module
 * registered through `deps.modules`) over a durable store, and returns its endpoints, the
 * core (router) for other modules, and `stop()`.
 */

export type { MmscConfig, MmscConfigInput } from './config.ts';
export { DEFAULT_MMSC_CONFIG, loadMmscConfigFile, MmscConfigError, resolveMmscConfig } from './config.ts';
export { Mm1Module } from './mm1/mm1-module.ts';
export { PRODUCED_RESPONSE_STATUSES } from './mm1/response-status.ts';
export { type AcceptResult, MmscCore, type Submission } from './mmsc-core.ts';
export type { DeliveryOutcome, MmscEndpoint, MmscModule, OriginReport, OutboundDelivery } from './module.ts';
export { GiveUp, RetryLater } from './store/outbox.ts';

export interface MmscDeps {
  timeline?: Timeline;
  /** The clock of timestamps and due times (default the system clock; a seeded case's clock). */
  clock?: Clock;
  /** The random source of ids (default the CSPRNG; a seeded stream in a seeded run). */
  random?: RandomSource;
  /** Extra interface modules (MM4, MM3, MM7) plugged into the router before start. */
  modules?: MmscModule[];
  /** Replaces the notification sender chosen from the config (tests). */
  pushSender?: PushSender;
}

export interface RunningMmsc {
  config: MmscConfig;
  endpoints: MmscEndpoint[];
  /** The router/core: accept(), setRecipientStatus(), readReport(), cancel(), store, outbox. */
  core: MmscCore;
  mm1: Mm1Module;
  /** The store directory in use (a temporary one when config.storeDir is null). */
  storeDir: string;
  /** How long opening the store took (journal replay and index rebuild), ms. */
  storeOpenMs: number;
  stop(): Promise<void>;
}

export async function startReferenceMmsc(
  input: MmscConfigInput | Partial<MmscConfig> = {},
  deps: MmscDeps = {},
): Promise<RunningMmsc> {
  const config = resolveMmscConfig(input);
  const tempStore = config.storeDir === null;
  const storeDir = config.storeDir ?? (await mkdtemp(path.join(os.tmpdir(), 'mmscert-store-')));
  const observer = new MmscObserver(config.node, deps.timeline);
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const ids = deps.random ? seededIds(deps.random, clock) : SYSTEM_IDS;
  const opening = performance.now();
  const backend = await openStoreBackend(storeDir, { layout: config.storeLayout, fsync: config.fsync });
  const store = await MessageStore.open(backend);
  const storeOpenMs = performance.now() - opening;
  let core: MmscCore | undefined;
  const outbox = await Outbox.open(backend, {
    ...config.retry,
    now: () => clock.now(),
    // round-robin across messages: one large fan-out cannot starve an ordinary message
    fair: !deviates(config, 'unfair-dispatch'),
    onEvent: (name, job, detail) => {
      if (name === 'done') return;
      observer.event('MM1', name === 'queued' ? 'queued' : name === 'retry' ? 'retry' : 'job-dead', {
        job: job.id,
        kind: job.kind,
        attempts: job.attempts,
        ...(detail ? { error: detail } : {}),
      });
    },
    onDead: (job) => core?.deliveryGivenUp(job),
  });
  const resolver = new Mm5Resolver(config, observer);
  core = new MmscCore({
    config,
    store,
    outbox,
    resolver,
    observer,
    clock,
    ids,
    ...(deps.timeline ? { timeline: deps.timeline } : {}),
  });
  const pushSender = deps.pushSender ?? pushSenderFor(config, observer, deps.timeline, deps.random, ids);
  const mm1 = new Mm1Module(pushSender);
  const modules: MmscModule[] = [mm1, ...(deps.modules ?? [])];
  for (const m of modules) core.register(m);

  const endpoints: MmscEndpoint[] = [];
  const started: MmscModule[] = [];
  try {
    for (const m of modules) {
      endpoints.push(...(await m.start(core)));
      started.push(m);
    }
  } catch (e) {
    for (const m of started.reverse()) await m.stop().catch(() => undefined);
    await backend.close();
    // A failed start (e.g. a port taken: the harness then retries on fresh ports) leaves nothing behind.
    if (tempStore) await rm(storeDir, { recursive: true, force: true });
    throw e;
  }
  await core.reconcile();
  outbox.start();
  core.startRetention();
  observer.event('MM1', 'mmsc-started', {
    endpoints: endpoints.map((e) => `${e.iface} ${e.url}`),
    storeDir,
    storeLayout: backend.layout,
    messages: store.size,
    replayed: outbox.pending,
    // a write a crash interrupted (never acknowledged), cut off the journal at open
    ...(backend instanceof JournalBackend && backend.stats().recovered
      ? { journalRecovered: { ...backend.stats().recovered! } }
      : {}),
  });

  let stopped = false;
  return {
    config,
    endpoints,
    core,
    mm1,
    storeDir,
    storeOpenMs,
    async stop() {
      if (stopped) return;
      stopped = true;
      core.stop();
      // the outbox takes no new job from here; its jobs in flight may wait on a module (an MM4
      // forward waits for its MM4_forward.RES until the module stops), so modules stop first
      const outboxStopped = outbox.stop();
      for (const m of [...started].reverse()) await m.stop().catch(() => undefined);
      await outboxStopped;
      await backend.close();
      if (tempStore) await rm(storeDir, { recursive: true, force: true });
    },
  };
}

function pushSenderFor(
  config: MmscConfig,
  observer: MmscObserver,
  timeline: Timeline | undefined,
  random: RandomSource | undefined,
  ids: IdSource,
): PushSender {
  const n = config.notification;
  if (n.route === 'smpp') return new SmppPushSender(n, observer, timeline, config.deviate, random);
  if (n.route === 'pap') return new PapPushSender(n, observer, timeline, ids);
  return new NoPushSender();
}
