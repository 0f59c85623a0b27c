import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInteropMatrix } from '../interop-matrix.ts';
import { DEFAULT_MATRIX, loadInteropPurposes, REALISATIONS } from './interop-purposes.ts';

describe('interop purposes: the rows of the MM4 matrix', () => {
  it('one purpose per matrix row, in its order, with its title and clauses; runnable rows realised, the others with a reason', () => {
    const matrix = loadInteropMatrix(DEFAULT_MATRIX);
    const { purposes, tables } = loadInteropPurposes(DEFAULT_MATRIX);
    expect(purposes.map((p) => p.id)).toEqual(matrix.purposes.map((p) => p.id));
    for (const [i, p] of purposes.entries()) {
      const row = matrix.purposes[i];
      expect(p.title).toBe(row.title);
      expect(p.clauses.join('; ')).toBe(row.clause);
      if ('notApplicable' in row.interop) {
        expect(p.run, p.id).toBeUndefined();
        expect(p.notApplicable).toBe(row.interop.notApplicable);
      } else {
        expect(p.run, p.id).toBe(REALISATIONS[p.id].run);
        expect(p.ics).toEqual(row.interop.ics);
      }
    }
    expect(Object.keys(REALISATIONS).sort()).toEqual(
      purposes
        .filter((p) => p.run)
        .map((p) => p.id)
        .sort(),
    );
    // the content rows read the item tables of their single-target cases
    expect(tables.get('mm4.mx.class.out')?.items.map((i) => i.class)).toEqual([
      'text',
      'image-basic',
      'image-rich',
      'video-basic',
      'video-rich',
      'megapixel',
    ]);
    expect(tables.get('mm4.mx.media.out')?.items).toHaveLength(9);
    expect(tables.get('mm4.mx.charset.out')?.ics).toContain('mm1.charsets has {{each.charset}}');
    expect(tables.get('mm4.mx.subject.out')?.items.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a runnable row without a realisation, naming it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-matrix-'));
    try {
      const text = readFileSync(DEFAULT_MATRIX, 'utf8').replace(
        /(- id: MM4-SIZE-01[\s\S]*?)$/,
        `$1\n  - id: MM4-NEW-01\n    group: pdu\n    title: a new row\n    clause: 3GPP TS 23.140 §8.4\n    out: { outOfScope: 'nothing to see that way' }\n    in: { outOfScope: 'nothing to see that way' }\n    interop: { ics: [mm4.outbound] }\n`,
      );
      expect(text).toContain('MM4-NEW-01');
      writeFileSync(path.join(dir, 'm.yaml'), text);
      expect(() => loadInteropPurposes(path.join(dir, 'm.yaml'))).toThrow(/MM4-NEW-01 .*no realisation/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
