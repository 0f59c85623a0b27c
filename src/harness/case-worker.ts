import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RenderedCase, renderCase } from '../report/render-case.ts';
import { setConnIdPrefix } from '../wire/timeline.ts';
import { knownFailures, loadKnownFailures } from './known-failures.ts';
import { IdentityRegistry } from './late-arrivals.ts';
import { loadPeerKinds, type PeerKinds } from './peer-kinds.ts';
import { runCase } from './runner.ts';
import type { Target } from './target.ts';
import { partitionReservedPorts } from './targets/reserve-port.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.ts';

/**
 * One lane of a worker pool (worker-pool.ts): its own target (the embedded reference MMSC by
 * default) and peers, running the cases it is sent, as many at once as the pool sends. Each
 * finished case is rendered here (capture, results.json entry, case page, as `render`
 * asks; the capture is written to `render.dir`) and reported without its timeline, which stays
 * here. A lane runs on a worker thread (case-worker-entry.ts) or on the pool's own thread.
 * Connection ids and reserved ports are kept apart per lane (one lane per thread).
 */
export async function startCaseLane(
  setup: WorkerSetup,
  send: (m: FromWorker, transfer?: ArrayBuffer[]) => void,
): Promise<(m: ToWorker) => void> {
  setConnIdPrefix(`w${setup.index}.`);
  partitionReservedPorts(setup.index - 1, setup.count);
  const [target, peerKinds] = await Promise.all([makeTarget(setup), makePeerKinds(setup)]);
  await target.open();
  const known = setup.knownFailuresFile
    ? loadKnownFailures(setup.knownFailuresFile)
    : setup.knownFailures
      ? knownFailures(setup.knownFailures)
      : undefined;
  const opts = {
    target,
    peerKinds,
    seed: setup.seed,
    ...(setup.failOn ? { failOn: setup.failOn } : {}),
    ...(setup.timeScale !== undefined ? { timeScale: setup.timeScale } : {}),
    // one lane's cases: MSISDNs and transaction ids fresh across them
    identities: new IdentityRegistry(),
    ...(known ? { knownFailures: known } : {}),
  };
  let dirReady = false;
  const runOne = async (index: number, m: Extract<ToWorker, { type: 'case' }>) => {
    const result = await runCase(m.case, opts);
    const rendered: RenderedCase = renderCase(result, setup.render);
    const bytes = rendered.pcapng;
    if (bytes && setup.render.dir && result.pcapng) {
      // synchronous: one small write into the page cache costs less than a file handle's promises
      if (!dirReady) mkdirSync(setup.render.dir, { recursive: true });
      dirReady = true;
      writeFileSync(path.join(setup.render.dir, result.pcapng), bytes);
    }
    const light = { ...result, timeline: { originEpochMs: result.timeline.originEpochMs, observations: [] } };
    // the capture and the rendered text move to the pool's thread (each on its own ArrayBuffer)
    const transfer: ArrayBuffer[] = [];
    for (const b of [bytes, rendered.json, rendered.page])
      if (b && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
        transfer.push(b.buffer as ArrayBuffer);
    send({ type: 'done', index, result: light, rendered }, transfer);
  };
  send({ type: 'ready', kind: target.kind, description: target.description });
  return (m) => {
    if (m.type === 'close') {
      target
        .close()
        .catch(() => undefined)
        .then(() => send({ type: 'closed' }));
      return;
    }
    runOne(m.index, m).catch((e) =>
      send({ type: 'fatal', message: `case ${m.case.id}: ${(e as Error).message}` }),
    );
  };
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
