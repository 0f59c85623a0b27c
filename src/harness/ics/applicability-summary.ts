import type { LoadedCase } from '../case-model.ts';
import type { Ics } from './ics-schema.ts';
import { applicability } from './ics-select.ts';

/**
 * What the run prints before it starts: how many cases apply to the target's ICS and, for the
 * rest, the ICS items that rule them out (most frequent first).
 */
export function applicabilitySummary(cases: readonly LoadedCase[], ics: Ics, targetKind: string): string {
  const why = new Map<string, number>();
  let na = 0;
  for (const c of cases) {
    const reasons =
      c.scope === 'reference' && targetKind !== 'embedded'
        ? ['reference self-test (embedded target only)']
        : applicability(ics, c.ics).reasons;
    if (reasons.length === 0) continue;
    na++;
    for (const r of reasons) why.set(r, (why.get(r) ?? 0) + 1);
  }
  const name = `${ics.implementation.name}${ics.implementation.version ? ` ${ics.implementation.version}` : ''}`;
  const head = `applicability (ICS of ${name}): ${cases.length - na} applicable, ${na} not applicable\n`;
  const lines = [...why.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([r, n]) => `  ${n} × ${r}\n`);
  return head + lines.join('');
}
