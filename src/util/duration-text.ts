/**
 * Durations written as text: `200ms`, `2s`, `1.5s`, `1m`, `1h`, a bare number of milliseconds, or
 * a sum of these (`1s + 500ms`), as suites and ICS timers write them. A sum lets a suite derive a
 * deadline from the target's ICS (`{{ics.timers.minExpiry}} + 2s`, rendered before it is read).
 */
const TERM = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of a duration text, or undefined when it is not one. */
export function parseDurationText(text: string): number | undefined {
  let total = 0;
  for (const raw of text.split('+')) {
    const m = TERM.exec(raw.trim());
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[(m[2] ?? 'ms') as keyof typeof UNIT_MS];
  }
  return Math.round(total);
}
