import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandMatrixId,
  type InteropMatrix,
  InteropMatrixSchema,
  loadInteropMatrix,
  matrixRows,
} from './interop-matrix.ts';
import { loadSuites } from './suite-loader.ts';

const FILE = 'suites/mm4/ir53-matrix.yaml';

describe('interop matrix', () => {
  it('expands a family id to its each: cases, an exact id to itself', () => {
    const ids = ['mm4.out.005.001', 'mm4.out.005.002', 'mm4.out.0051', 'mm4.out.001'];
    expect(expandMatrixId('mm4.out.005', ids)).toEqual(['mm4.out.005.001', 'mm4.out.005.002']);
    expect(expandMatrixId('mm4.out.001', ids)).toEqual(['mm4.out.001']);
    expect(expandMatrixId('mm4.out.00', ids)).toEqual([]);
  });

  it('makes one row per purpose and direction, with missing ids and out-of-scope reasons', () => {
    const m: InteropMatrix = InteropMatrixSchema.parse({
      matrix: 'x',
      title: 'x',
      directions: { out: 'target -> peer', in: 'peer -> target' },
      suites: ['a.yaml'],
      purposes: [
        {
          id: 'MM4-FWD-01',
          group: 'pdu',
          title: 'forward',
          clause: '8.4.1',
          out: ['a.1', 'a.9'],
          in: { outOfScope: 'no meaning that way' },
          interop: { ics: ['mm4.outbound'] },
        },
      ],
    });
    const rows = matrixRows(m, ['a.1']);
    expect(rows.map((r) => [r.direction, r.cases, r.missing, r.outOfScope])).toEqual([
      ['out', ['a.1'], ['a.9'], undefined],
      ['in', [], [], 'no meaning that way'],
    ]);
    expect(() =>
      InteropMatrixSchema.parse({ ...m, purposes: [{ ...m.purposes[0], id: 'FWD-1' }] }),
    ).toThrow();
  });

  it(`${FILE}: every listed case exists, and every MM4 case is in some test purpose`, async () => {
    const m = loadInteropMatrix(FILE);
    const root = path.resolve('suites');
    const { cases, diagnostics } = await loadSuites({ root, files: m.suites.map((f) => path.join(root, f)) });
    expect(diagnostics).toEqual([]);
    const ids = cases.map((c) => c.id);
    const rows = matrixRows(m, ids);
    expect(rows.filter((r) => r.missing.length > 0).map((r) => [r.purpose.id, r.missing])).toEqual([]);
    for (const r of rows) expect(r.cases.length > 0 || r.outOfScope !== undefined, r.purpose.id).toBe(true);
    const mapped = new Set(rows.flatMap((r) => r.cases));
    const mm4 = cases.filter((c) => c.id.startsWith('mm4.')).map((c) => c.id);
    expect(mm4.filter((id) => !mapped.has(id))).toEqual([]);
  });
});
