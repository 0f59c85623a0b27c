import { writeFile } from 'node:fs/promises';
import { type BuildPcapngOptions, buildPcapng } from './build-pcapng.ts';
import type { Observation, Timeline } from './timeline.ts';

/** Writes the capture of `source` (a timeline or observations) to `path`; resolves to its size. */
export async function writePcapngFile(
  path: string,
  source: Timeline | readonly Observation[],
  opts: BuildPcapngOptions = {},
): Promise<number> {
  const observations = Array.isArray(source)
    ? (source as readonly Observation[])
    : (source as Timeline).all();
  const originEpochMs =
    opts.originEpochMs ?? (Array.isArray(source) ? 0 : (source as Timeline).originEpochMs);
  const bytes = buildPcapng(observations, { ...opts, originEpochMs });
  await writeFile(path, bytes);
  return bytes.length;
}
