import { CliError } from './cli-error.ts';

/**
 * The `--time-scale` option of `run` and `interop`: `auto` (measured: 1 on an idle host, else by
 * the CPU share this process gets at start, src/harness/cpu-share.ts) or a factor 0.1..100.
 * `note` says why an automatic factor is not 1 (for the run header); empty otherwise.
 */
export async function resolveTimeScale(value: string): Promise<{ scale: number; note: string }> {
  if (value === 'auto') {
    const { cpuShare, timeScaleForShare } = await import('../harness/cpu-share.ts');
    const share = cpuShare();
    const scale = timeScaleForShare(share);
    const note =
      scale === 1
        ? ''
        : ` (auto: this process got ${Math.round(share * 100)}% of a CPU at start; --time-scale 1 turns it off)`;
    return { scale, note };
  }
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n >= 0.1 && n <= 100))
    throw new CliError(`--time-scale: expected auto or a factor 0.1..100, got "${value}"`, 2);
  return { scale: n, note: '' };
}
