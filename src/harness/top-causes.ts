import type { CaseResult, TopCause } from './run-result.ts';

/** How many case ids a top cause lists (the count is always whole). */
const MAX_IDS = 20;

/**
 * A cause as text that groups: what varies from case to case (observation numbers, MSISDNs, ports,
 * times, ids, URLs' paths) is blanked, so one defect of the target reads the same in every case.
 */
export function normaliseCause(text: string): string {
  return (
    text
      .replace(/#\d+/g, '#')
      .replace(/(\w+:\/\/[^/\s'"]+)[^\s'",)]*/g, '$1/…')
      .replace(/\+?\d{5,}/g, 'N')
      .replace(/\b[0-9a-f]{8,}\b/gi, 'X')
      // quoted generated ids (Message-IDs, transaction ids): letters and digits mixed, 10 or more
      .replace(/"(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{10,}"/g, '"X"')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 240)
  );
}

/** The first cause of a failed or inconclusive case: its first finding, else its failure. */
export function firstCause(c: CaseResult): string | undefined {
  if (c.verdict !== 'fail' && c.verdict !== 'inconclusive') return undefined;
  const finding = c.findings?.[0];
  if (finding) return normaliseCause(finding.cause);
  const f = c.failure;
  if (!f) return undefined;
  return normaliseCause(f.expected ? `${f.expected}: ${f.message}` : f.message);
}

/**
 * Failed and inconclusive cases grouped by their first cause, most frequent first (then by text):
 * `X-Mms-Message-Size: Long-integer length 244 not in 1..30 — 131 cases`.
 */
export function topCauses(cases: readonly CaseResult[]): TopCause[] {
  const by = new Map<string, TopCause>();
  for (const c of cases) {
    const cause = firstCause(c);
    if (cause === undefined) continue;
    let t = by.get(cause);
    if (!t) {
      t = { cause, count: 0, cases: [] };
      by.set(cause, t);
    }
    t.count++;
    if (t.cases.length < MAX_IDS) t.cases.push(c.id);
  }
  return [...by.values()].sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause));
}
