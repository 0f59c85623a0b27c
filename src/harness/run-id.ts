/** `20261122-031500-s42`: the run's start (UTC, to the second) and its seed. */
export function makeRunId(seed: number, at = new Date()): string {
  const iso = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-s${seed}`;
}
