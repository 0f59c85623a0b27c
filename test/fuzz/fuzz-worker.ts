/**
 * One fuzz target in a worker thread (started by run-fuzz.ts). Before each input it copies the
 * octets into shared memory, so when the thread hangs or runs out of memory the main thread can
 * still save the input that did it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzzTarget } from './engine.ts';
import { allTargets, cleanupTargets } from './targets.ts';

export interface FuzzWorkerData {
  target: string;
  runs: number;
  seed: number;
  coverage: boolean;
  /** Also check the round-trip property (one shard of a decoder does). */
  roundTrips: boolean;
  slowMs: number;
  maxMs?: number;
  /** [0] = inputs started, [1] = length of the current input; then the input octets. */
  shared: SharedArrayBuffer;
}

const data = (workerData as { setup: FuzzWorkerData }).setup;
const head = new Int32Array(data.shared, 0, 2);
const body = new Uint8Array(data.shared, 8);
const target = (await allTargets()).find((t) => t.name === data.target);
if (!target) throw new Error(`no fuzz target ${data.target}`);
const stats = fuzzTarget(data.roundTrips ? target : { ...target, roundTrip: undefined }, {
  runs: data.runs,
  seed: data.seed,
  coverage: data.coverage,
  slowMs: data.slowMs,
  maxMs: data.maxMs,
  onInput: (input) => {
    const n = Math.min(input.length, body.length);
    body.set(input.subarray(0, n));
    Atomics.store(head, 1, n);
    Atomics.add(head, 0, 1);
  },
  onCrash: (c) => parentPort?.postMessage({ type: 'crash', crash: c }),
  onProgress: (s) => parentPort?.postMessage({ type: 'progress', stats: s }),
});
// the main thread terminates this thread, and a worker's process 'exit' handler never runs: the
// suite-yaml target's temporary folder (/dev/shm/mmscert-fuzz-suite-*) is removed here
cleanupTargets();
parentPort?.postMessage({ type: 'done', stats });
