/**
 * The reference MMSC in a child process for bench/mmsc-memory.bench.ts:
 * `node --expose-gc --import tsx bench/support/mmsc-memory-child.ts '<config JSON>'`, with an IPC
 * channel. Sends `{ ready, startMs, messages }` once listening; answers `{ cmd: 'mem', gc }` with
 * process.memoryUsage() (after two full collections when `gc` and --expose-gc), `{ cmd: 'snapshot',
 * file }` by writing a heap snapshot, `{ cmd: 'stop' }` by stopping and exiting.
 *
 * MEM_BENCH_PROMOTED_PROFILE=FILE: a sampling heap profile (.heapprofile, Chrome DevTools) of the
 * objects allocated between 60 s and 120 s that outlived a young-generation collection: the
 * allocation sites that make the old generation fill and the heap saw.
 */
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import v8 from 'node:v8';
import { limitHeapGrowth, SERVER_HEAP_GROWING_PERCENT } from '../../src/mmsc/heap-growth.ts';
import { startReferenceMmsc } from '../../src/mmsc/index.ts';

type Command = { cmd: 'mem'; gc?: boolean } | { cmd: 'snapshot'; file: string } | { cmd: 'stop' };

const config = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
// as `mmscert serve` does (its --heap-growth); MEM_BENCH_HEAP_GROWTH=0 leaves V8's own factor
limitHeapGrowth(Number(process.env.MEM_BENCH_HEAP_GROWTH ?? SERVER_HEAP_GROWING_PERCENT));
const t0 = performance.now();
const running = await startReferenceMmsc(config);
const startMs = performance.now() - t0;
const send = (m: object) => process.send?.(m);
send({ ready: running.endpoints[0].url, startMs, messages: running.core.store.size });
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m: Command) => {
  if (m.cmd === 'mem') {
    if (m.gc && gc) {
      gc();
      gc();
    }
    send({
      mem: process.memoryUsage(),
      messages: running.core.store.size,
      jobs: running.core.outbox.pending,
      // committed size of each V8 heap space (new_space, old_space, code_space, large_object_space…)
      spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size])),
    });
  } else if (m.cmd === 'snapshot') {
    gc?.();
    send({ snapshot: v8.writeHeapSnapshot(m.file) });
  } else if (m.cmd === 'stop') {
    void running.stop().then(() => process.exit(0));
  }
});

const promoted = process.env.MEM_BENCH_PROMOTED_PROFILE;
if (promoted) {
  const session = new inspector.Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  setTimeout(async () => {
    // V8 11+: leave out what a young-generation collection freed, keep what a full one freed
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    } as inspector.HeapProfiler.StartSamplingParameterType);
    setTimeout(async () => {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(promoted, JSON.stringify(profile));
    }, 60_000).unref();
  }, 60_000).unref();
}
