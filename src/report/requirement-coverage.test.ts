import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../harness/run-result.ts';
import { coverageMarkdown, uncoveredRequirements } from './requirement-coverage.ts';

describe('uncovered requirements', () => {
  const catalogue = [
    { id: 'A-1', spec: 'S', clause: '1', level: 'SHALL' as const, text: 'cited' },
    { id: 'B-2', spec: 'S', clause: '2', level: 'SHOULD' as const, text: 'never cited' },
  ];
  const cases = [
    { id: 'x.001', requirements: [catalogue[0]], interfaces: [], verdict: 'pass' } as unknown as CaseResult,
  ];

  it('lists catalogue entries no case cites, in coverage.md too', () => {
    expect(uncoveredRequirements({ cases, catalogue }).map((r) => r.id)).toEqual(['B-2']);
    const md = coverageMarkdown({ cases, catalogue, runId: 'r' });
    expect(md).toContain('Requirements no case of this run covers (1 of 2 in the catalogue)');
    expect(md).toContain('- B-2: S 2 (SHOULD) — never cited');
  });
});
