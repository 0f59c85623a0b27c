import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * An inter-operator test matrix in the manner of GSMA IR.53: test purposes (ISO/IEC 9646-1 §3.3.x),
 * each run in both directions between the target and our remote MMSC, each direction mapped to the
 * cases that realise it (suites/mm4/ir53-matrix.yaml). Reports read it to print one row per test
 * purpose and direction with the verdicts of its cases.
 *
 * Directions are named by who SENDS the PDU under test:
 * - `out`: the target sends it to our remote MMSC (target -> partner);
 * - `in`: our remote MMSC sends it to the target (partner -> target).
 * A direction is a non-empty list of case ids, or `{ outOfScope: reason }` when the test purpose
 * has no meaning (or no wire verdict) that way. A listed id names one case, or a family: `mm4.out.005`
 * stands for every expanded `mm4.out.005.NNN` of an `each:` table.
 */

export const MATRIX_DIRECTIONS = ['out', 'in'] as const;
export type MatrixDirection = (typeof MATRIX_DIRECTIONS)[number];

const caseIdList = z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i)).min(1);
const outOfScope = z.strictObject({ outOfScope: z.string().min(10) });
const direction = z.union([caseIdList, outOfScope]);
/**
 * The test purpose between two MMSCs under test (`mmscert interop`): runnable A -> B and B -> A when
 * every ICS term holds for both parties, or not applicable with the reason.
 */
const interop = z.union([
  z.strictObject({ ics: z.array(z.string().min(1)) }),
  z.strictObject({ notApplicable: z.string().min(10) }),
]);

export const TestPurposeSchema = z.strictObject({
  id: z.string().regex(/^MM4-[A-Z0-9]+-\d{2}$/, 'a test purpose id such as MM4-FWD-01'),
  title: z.string().min(5),
  /** The clause(s) that make it a requirement (3GPP TS 23.140 §8.4.1.1, OMA-TS-MMS_CONF-V1_3 …). */
  clause: z.string().min(3),
  /** The area of IR.53's table it belongs to (pdu, elements, address, content, media, …). */
  group: z.string().min(2),
  out: direction,
  in: direction,
  interop,
});
export type TestPurpose = z.infer<typeof TestPurposeSchema>;

export const InteropMatrixSchema = z.strictObject({
  matrix: z.string().min(1),
  title: z.string().min(1),
  directions: z.strictObject({ out: z.string().min(5), in: z.string().min(5) }),
  /** The suite files (relative to the suites root) its cases live in. */
  suites: z.array(z.string().regex(/\.ya?ml$/)).min(1),
  purposes: z.array(TestPurposeSchema).min(1),
});
export type InteropMatrix = z.infer<typeof InteropMatrixSchema>;

/** Parses and checks a matrix file; test purpose ids are unique. */
export function loadInteropMatrix(file: string): InteropMatrix {
  const m = InteropMatrixSchema.parse(parse(readFileSync(file, 'utf8')));
  const seen = new Set<string>();
  for (const tp of m.purposes) {
    if (seen.has(tp.id)) throw new Error(`${file}: test purpose ${tp.id} twice`);
    seen.add(tp.id);
  }
  return m;
}

/** The case ids a listed id stands for among those loaded: itself, or its `each:` family. */
export function expandMatrixId(listed: string, caseIds: readonly string[]): string[] {
  if (caseIds.includes(listed)) return [listed];
  const family = new RegExp(`^${listed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d{3}$`);
  return caseIds.filter((id) => family.test(id));
}

/** One row of the matrix as a report prints it: a test purpose in one direction. */
export interface MatrixRow {
  purpose: TestPurpose;
  direction: MatrixDirection;
  /** The concrete case ids (families expanded); empty when out of scope. */
  cases: string[];
  outOfScope?: string;
  /** Listed ids that match no loaded case (a matrix error unless those suites were not loaded). */
  missing: string[];
}

/** Every test purpose × direction with its cases resolved against the loaded case ids. */
export function matrixRows(m: InteropMatrix, caseIds: readonly string[]): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const purpose of m.purposes) {
    for (const direction of MATRIX_DIRECTIONS) {
      const d = purpose[direction];
      if (!Array.isArray(d)) {
        rows.push({ purpose, direction, cases: [], outOfScope: d.outOfScope, missing: [] });
        continue;
      }
      const cases: string[] = [];
      const missing: string[] = [];
      for (const listed of d) {
        const got = expandMatrixId(listed, caseIds);
        if (got.length === 0) missing.push(listed);
        for (const id of got) if (!cases.includes(id)) cases.push(id);
      }
      rows.push({ purpose, direction, cases, missing });
    }
  }
  return rows;
}
