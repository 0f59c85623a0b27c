import { parentPort, workerData } from 'node:worker_threads';
import { setConnIdPrefix } from '../wire/timeline.ts';
import type { LoadedCase } from './case-model.ts';
import type { CaseOptions } from './case-run.ts';
import type { CaseFinisher, CaseOutcome } from './case-sink.ts';
import { knownFailures, loadKnownFailures } from './known-failures.ts';
import type { TargetInfo } from './lanes.ts';
import { IdentityRegistry } from './late-arrivals.ts';
import { loadPeerKinds, type PeerKinds } from './peer-kinds.ts';
import { runCase } from './run-case.ts';
import type { SharedPeers } from './shared/shared-peers.ts';
import { type Target, TargetError } from './target.ts';
import { partitionReservedPorts } from './targets/reserve-port.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.ts';

/**
 * A case lane: one target and its options, every case of the lane run by the same code whatever
 * thread it is on: runCase, then the sink's finisher (if any) while the case's timeline is here.
 * In this thread (lanes.ts LocalLanes, the pool's own lane) or on a worker thread (below).
 */
export class CaseLane {
  private readonly opts: CaseOptions;

  constructor(
    opts: CaseOptions,
    private readonly finisher?: CaseFinisher,
  ) {
    // one lane's cases: MSISDNs and transaction ids fresh across them
    this.opts = { ...opts, identities: opts.identities ?? new IdentityRegistry() };
  }

  get target(): Target {
    return this.opts.target;
  }

  async open(): Promise<TargetInfo> {
    await this.opts.target.open();
    const { kind, description, maxJobs } = this.opts.target;
    return { kind, description, maxJobs };
  }

  async run(c: LoadedCase, shared?: SharedPeers): Promise<CaseOutcome> {
    const result = await runCase(c, this.opts, shared);
    return this.finisher ? this.finisher.finish(result) : { result };
  }

  close(): Promise<void> {
    return this.opts.target.close();
  }
}

/**
 * A lane spoken to by messages (worker-pool.ts): its target (the embedded reference MMSC by
 * default) and peers made from `setup`, its finisher by the entry module from `setup.sink`.
 * Connection ids and reserved ports are kept apart per lane (one lane per thread).
 */
export async function startCaseLane(
  setup: WorkerSetup,
  send: (m: FromWorker, transfer?: ArrayBuffer[]) => void,
  finisher?: CaseFinisher,
): Promise<(m: ToWorker) => void> {
  setConnIdPrefix(`w${setup.index}.`);
  partitionReservedPorts(setup.index - 1, setup.count);
  const [target, peerKinds] = await Promise.all([makeTarget(setup), makePeerKinds(setup)]);
  const known = setup.knownFailuresFile
    ? loadKnownFailures(setup.knownFailuresFile)
    : setup.knownFailures
      ? knownFailures(setup.knownFailures)
      : undefined;
  const lane = new CaseLane(
    {
      target,
      peerKinds,
      seed: setup.seed,
      ...(setup.failOn ? { failOn: setup.failOn } : {}),
      ...(setup.timeScale !== undefined ? { timeScale: setup.timeScale } : {}),
      ...(known ? { knownFailures: known } : {}),
    },
    finisher,
  );
  const info = await lane.open();
  send({ type: 'ready', ...info });
  return (m) => {
    if (m.type === 'close') {
      lane
        .close()
        .catch(() => undefined)
        .then(() => send({ type: 'closed' }));
      return;
    }
    lane.run(m.case).then(
      (o) => send({ type: 'done', index: m.index, result: o.result, payload: o.payload }, o.transfer),
      (e) =>
        send(
          e instanceof TargetError
            ? { type: 'target-error', index: m.index, message: e.message }
            : { type: 'fatal', message: `case ${m.case.id}: ${(e as Error).message}` },
        ),
    );
  };
}

/**
 * A worker thread's lane, spoken to over the thread's port (the body of an entry module:
 * case-worker-entry.ts; the CLI's own, with its reporters' finisher: src/cli/run-lane-entry.ts).
 */
export function serveOnParentPort(makeFinisher?: (setup: WorkerSetup) => CaseFinisher): void {
  const port = parentPort;
  if (!port) throw new Error('a case lane entry runs as a worker thread');
  const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const queued: ToWorker[] = [];
  let handle: ((m: ToWorker) => void) | undefined;
  port.on('message', (m: ToWorker) => (handle ? handle(m) : queued.push(m)));
  const setup = (workerData as { setup: WorkerSetup }).setup;
  Promise.resolve()
    .then(() => startCaseLane(setup, send, makeFinisher?.(setup)))
    .then(
      (h) => {
        handle = h;
        for (const m of queued.splice(0)) h(m);
      },
      (e) => send({ type: 'fatal', message: (e as Error).message }),
    );
}

async function makeTarget(setup: WorkerSetup): Promise<Target> {
  if (setup.peersOnly) {
    const { PeersOnlyTarget } = await import('./targets/peers-only.ts');
    return new PeersOnlyTarget();
  }
  const { createTarget, targetFromConfigFile } = await import('./targets/create-target.ts');
  return setup.configFile ? targetFromConfigFile(setup.configFile).target : createTarget();
}

async function makePeerKinds(setup: WorkerSetup): Promise<PeerKinds> {
  if (!setup.peerKinds) return loadPeerKinds();
  const mod = (await import(setup.peerKinds.module)) as Record<string, PeerKinds>;
  const kinds = mod[setup.peerKinds.export];
  if (!kinds) throw new Error(`${setup.peerKinds.module} exports no ${setup.peerKinds.export}`);
  return kinds;
}
