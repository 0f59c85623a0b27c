import v8 from 'node:v8';

/**
 * How far V8 may let the heap grow past what a full collection left alive before it collects
 * again, for a process that runs only the reference MMSC (`mmscert serve`).
 *
 * V8 picks that factor itself, up to 4x when collections are cheap; the MMSC keeps ~30 MB alive
 * under sustained load but promotes ~5 MB/s of short-lived state (journal batches, message
 * copies), so its heap then saws between ~40 and ~190 MB and the RSS with it (~170-330 MB at
 * 500 msg/s, bench/mmsc-memory.bench.ts). At 1.5x it saws between ~40 and ~60 MB (RSS ~165-220
 * MB) for about 80 more full collections in 10 minutes, ~8 ms each (under 0.2% of a core).
 */
export const SERVER_HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's heap growing factor to 1 + percent/100 for this process (0 leaves V8's own choice).
 * V8 reads the flag at the end of each full collection, so setting it after start-up takes effect
 * from the next one. Process-wide: only for a process that is the MMSC alone.
 */
export function limitHeapGrowth(percent: number = SERVER_HEAP_GROWING_PERCENT): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000)
    throw new RangeError(`heap growth must be an integer percent 0..1000, not ${percent}`);
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
