/**
 * SMPP 3.4 §7.1.1 times. A relative time is `YYMMDDhhmmss000R`: years, months, days, hours,
 * minutes and seconds from now, `t` and `nn` zero. Days stay days here (a month is no fixed
 * number of seconds), so at most 99 days fit.
 */
export const SMPP_RELATIVE_TIME_MAX_SECONDS = 99 * 86_400 + 23 * 3600 + 59 * 60 + 59;

export function relativeSmppTime(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > SMPP_RELATIVE_TIME_MAX_SECONDS)
    throw new RangeError(
      `relative SMPP time of ${seconds} s: 0..${SMPP_RELATIVE_TIME_MAX_SECONDS} whole seconds`,
    );
  const two = (n: number) => String(n).padStart(2, '0');
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `0000${two(d)}${two(h)}${two(m)}${two(seconds % 60)}000R`;
}
