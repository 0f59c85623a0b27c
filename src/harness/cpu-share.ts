/**
 * How much of a CPU this process gets right now: a short busy loop, and the CPU time it was given
 * over the wall time it took. About 1 on an idle host; about 1/3 beside two CPU hogs per core (a
 * busy shared CI runner). Used for `--time-scale auto`: a case's deadlines judge the target, not
 * how many other processes share the host with our peers and handsets. Call it before worker
 * threads start (process.cpuUsage counts every thread of the process).
 */
export function cpuShare(probeMs = 150): number {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  let x = 0;
  while (performance.now() - wall0 < probeMs) for (let i = 0; i < 10_000; i++) x = (x * 31 + i) | 0;
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  sink = x;
  return Math.min(1, (cpu.user + cpu.system) / 1000 / wall);
}

/** Keeps the loop's result alive (the optimiser may not drop the loop). */
export let sink = 0;

/** The deadline factor for a CPU share: 1 from 0.8 up (noise), else 1/share, at most 5, one decimal. */
export function timeScaleForShare(share: number): number {
  if (!(share > 0) || share >= 0.8) return 1;
  return Math.min(5, Math.round((1 / share) * 10) / 10);
}
