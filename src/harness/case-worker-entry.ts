import { parentPort, workerData } from 'node:worker_threads';
import { startCaseLane } from './case-worker.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.ts';

/** A worker thread of worker-pool.ts: one case lane, spoken to over the thread's port. */
const port = parentPort;
if (!port) throw new Error('case-worker-entry.ts runs as a worker thread');
const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const queued: ToWorker[] = [];
let handle: ((m: ToWorker) => void) | undefined;
port.on('message', (m: ToWorker) => (handle ? handle(m) : queued.push(m)));
startCaseLane((workerData as { setup: WorkerSetup }).setup, send).then(
  (h) => {
    handle = h;
    for (const m of queued.splice(0)) h(m);
  },
  (e) => send({ type: 'fatal', message: (e as Error).message }),
);
