import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The requirement catalogue cites exact sections (issue 18 item 5): every entry has a clause; each
 * comma-separated part is a section number (`7.3.50`, `8.4.1.2`, `Annex L`, `Appendix B`, an
 * mmscert-ROB `R<n>`), optionally followed by a title in parentheses; never a bare chapter (`7`) nor
 * a section that has subsections of its own (`7.3`, `8.7`, `4.1`). Title-only clauses are accepted
 * only for the documents listed in TITLE_ONLY, whose numbering could not be checked.
 */
export const TITLE_ONLY: Readonly<Record<string, string>> = {
  'GSMA IR.52': 'section numbering differs between IR.52 versions; no version could be checked',
  'WAP-247-PAP': 'PAP message names (push-message ...) are cited; the section numbering could not be checked',
  'WAP-251-PushMessage': 'the section numbering could not be checked',
  'OMA-TS-MMS_CONF-V1_3': 'the section numbering of MMS_CONF 1.3 could not be checked',
};

/** Sections with subsections of their own, by spec: citing them is citing too coarsely. */
export const COARSE: Readonly<Record<string, readonly string[]>> = {
  'OMA-TS-MMS_ENC-V1_3': ['6', '6.1', '6.5', '6.7', '7', '7.3', '8'],
  'OMA-TS-MMS_CTR-V1_3': [],
  '3GPP TS 23.140': ['4', '5', '5.2', '6', '7', '8', '8.1', '8.4', '8.4.1', '8.4.2', '8.4.3', '8.7'],
  'WAP-230-WSP': ['8', '8.1', '8.2', '8.2.4', '8.4', '8.4.2', '8.5'],
  'SMPP v3.4': ['4', '4.1', '4.2', '4.3', '4.4', '4.6', '4.11', '5', '5.1', '5.2'],
  '3GPP TS 23.040': ['9', '9.2', '9.2.3', '9.2.3.24'],
  'RFC 2045': ['6'],
  // its table of contents: 3.1, 3.2; 4.1, 4.2; 8.1 (5, 6 and 7 have no subsections)
  'Nokia MMS Center Application Development Guide 1.0': ['3', '4', '8'],
};

/** Specs whose clauses are section numbers with at least two levels (a bare chapter is never exact). */
const DOTTED = /^(OMA-|3GPP |WAP-|SMPP )/;
const PART =
  /^(?:(?<num>\d+(?:\.\d+)*[A-Z]?)(?: \([^()]+\))?|(?:Annex|Appendix) [A-Z]+(?: \([^()]+\))?|R\d+(?: [\w ]+)?)$/;

export interface CatalogueEntry {
  id: string;
  spec?: string;
  clause?: string;
}

/** The problem with one entry's clause, or undefined when it is exact. */
export function clauseProblem(e: CatalogueEntry): string | undefined {
  const clause = (e.clause ?? '').trim();
  if (!e.spec) return 'no spec';
  if (!clause) return 'no clause';
  if (TITLE_ONLY[e.spec] !== undefined) return undefined;
  for (const part of clause.split(',').map((p) => p.trim())) {
    const m = PART.exec(part);
    if (!m) return `"${part}" is not a section number`;
    const num = m.groups?.num;
    if (num === undefined) continue;
    if (DOTTED.test(e.spec) && !num.includes('.')) return `"${num}" is a whole chapter, not a section`;
    if (COARSE[e.spec]?.includes(num)) return `"${num}" has subsections: cite the one that words it`;
  }
  return undefined;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const catalogue = parse(readFileSync(path.join(here, 'requirements.yaml'), 'utf8')) as {
  requirements: CatalogueEntry[];
};

describe('suites/requirements.yaml', () => {
  it('every entry cites exact sections', () => {
    const bad = catalogue.requirements
      .map((e) => [e.id, clauseProblem(e)] as const)
      .filter(([, p]) => p !== undefined)
      .map(([id, p]) => `${id}: ${p}`);
    expect(bad).toEqual([]);
  });

  it('ids are unique, and so are the robustness profile numbers', () => {
    const ids = catalogue.requirements.map((e) => e.id);
    expect(ids.length).toBe(new Set(ids).size);
    const rob = catalogue.requirements
      .filter((e) => e.spec === 'mmscert-ROB')
      .map((e) => /^R\d+/.exec(e.clause ?? '')?.[0]);
    expect(rob.length).toBe(new Set(rob).size);
  });

  it.each<[string, CatalogueEntry, RegExp | undefined]>([
    ['no clause', { id: 'x', spec: 'OMA-TS-MMS_ENC-V1_3' }, /no clause/],
    ['an empty clause', { id: 'x', spec: '3GPP TS 23.140', clause: ' ' }, /no clause/],
    ['a title instead of a number', { id: 'x', spec: 'OMA-TS-MMS_CTR-V1_3', clause: 'Retrieval' }, /not a section number/],
    ['a bare coarse clause', { id: 'x', spec: 'OMA-TS-MMS_ENC-V1_3', clause: '7.3' }, /has subsections/],
    ['a coarse clause with a title', { id: 'x', spec: '3GPP TS 23.140', clause: '8.7 (Cancel and replace)' }, /has subsections/],
    ['a whole chapter', { id: 'x', spec: 'OMA-TS-MMS_ENC-V1_3', clause: '7 (Binary encoding)' }, /whole chapter/],
    ['a coarse part in a list', { id: 'x', spec: 'SMPP v3.4', clause: '4.4.1, 4.4' }, /has subsections/],
    ['an exact header section', { id: 'x', spec: 'OMA-TS-MMS_ENC-V1_3', clause: '7.3.50' }, undefined],
    ['exact sections in a list', { id: 'x', spec: 'SMPP v3.4', clause: '4.4.1, 4.4.2' }, undefined],
    ['an annex', { id: 'x', spec: '3GPP TS 23.140', clause: 'Annex L' }, undefined],
    ['a robustness profile item', { id: 'x', spec: 'mmscert-ROB', clause: 'R3 authentication' }, undefined],
  ])('%s', (_what, entry, problem) => {
    const got = clauseProblem(entry);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });
});
