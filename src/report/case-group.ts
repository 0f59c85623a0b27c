import type { CaseResult } from '../harness/run-result.ts';

/** A case's family: its `each:` template id, else its id without the last segment (`mm1.send`). */
export function familyOf(c: Pick<CaseResult, 'id' | 'family'>): string {
  if (c.family) return c.family.id;
  const i = c.id.lastIndexOf('.');
  return i > 0 ? c.id.slice(0, i) : c.id;
}

/** The interface a case is filed under in reports (its first one). */
export function primaryInterface(c: Pick<CaseResult, 'interfaces'>): string {
  return c.interfaces[0] ?? 'other';
}
