import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseIdProblem, findExcessiveNesting } from './suite-bounds.ts';
import { formatDiagnostic } from './suite-diagnostics.ts';
import { loadSuites } from './suite-loader.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'suite: h.x\ntitle: hostile\ncases:\n';
const CASE = '  - id: h.x.001\n    title: t\n    steps: [{ wait: 1ms }]\n';

async function diagnose(name: string, text: string): Promise<string[]> {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const t0 = Date.now();
  const r = await loadSuites({ root: dir, files: [file] });
  expect(Date.now() - t0).toBeLessThan(5000);
  return r.diagnostics.map((d) => formatDiagnostic({ ...d, file: path.basename(d.file) }));
}

describe('suite file bounds', () => {
  it('refuses a file over 2 MiB before reading it, at 1:1', async () => {
    const text = `${HEAD}  - id: h.x.001\n    title: t\n    description: '${'a'.repeat(3_000_000)}'\n    steps: [{ wait: 1ms }]\n`;
    expect(await diagnose('big.yaml', text)).toEqual([
      'big.yaml:1:1: suite file is 3000109 octets, more than the 2097152 allowed (MMSCERT_MAX_SUITE_BYTES raises the bound)',
    ]);
  });

  it('refuses flow nesting a million deep where it passes 64 levels (before: 37 s and a stack overflow)', async () => {
    expect(
      await diagnose('flow.yaml', `${HEAD}  - id: h.x.001\n    title: ${'['.repeat(1_000_000)}\n`),
    ).toEqual(['flow.yaml:5:73: YAML: collections nested deeper than 64 levels']);
  });

  it('refuses compact block nesting (- - - ...) and deep indentation', async () => {
    expect(await diagnose('dashes.yaml', `${HEAD}  - ${'- '.repeat(5000)}x\n`)).toEqual([
      'dashes.yaml:4:127: YAML: collections nested deeper than 64 levels',
    ]);
    const deep = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const [d] = await diagnose('indent.yaml', `${deep}\n`);
    expect(d).toMatch(/^indent\.yaml:6[45]:\d+: YAML: collections nested deeper than 64 levels$/);
  });

  it('stops an alias bomb at its first alias (before: "internal error" without a position)', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      '',
    ].join('\n');
    expect(await diagnose('bomb.yaml', bomb + HEAD + CASE)).toEqual([
      'bomb.yaml:2:8: YAML: aliases expand to more than 100 copies (an alias bomb?)',
    ]);
  });

  it('refuses case ids that are not safe as file names, at the id', async () => {
    expect(
      await diagnose('dots.yaml', `${HEAD}  - id: '..'\n    title: t\n    steps: [{ wait: 1ms }]\n`),
    ).toEqual([
      `dots.yaml:4:9: case id ".." is not safe as a file name: use letters, digits, '.', '_' and '-' (starting with a letter or digit, no '..')`,
    ]);
    expect(caseIdProblem('mm1.send.001')).toBeUndefined();
    expect(caseIdProblem('ref.mm1-x_y.003')).toBeUndefined();
    for (const bad of ['..', '.hidden', 'a..b', 'a.', 'a b', 'a/b', '-x', 'x'.repeat(129)])
      expect(caseIdProblem(bad), bad).toBeDefined();
  });

  it('a family row cannot smuggle an unsafe id through {{each.*}}', async () => {
    const text = `${HEAD}  - id: 'h.x.{{each.n}}'\n    title: t\n    each: [{ n: '001' }, { n: '.' }]\n    steps: [{ wait: 1ms }]\n`;
    const d = await diagnose('each.yaml', text);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatch(/^each\.yaml:4:9: case id "h\.x\.\." is not safe/);
  });

  it('passes ordinary YAML: quoted brackets, plain text with brackets, block scalars, flow maps', () => {
    const ok = [
      'a: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["',
      `b: '${'{'.repeat(100)}'`,
      `c: some text [${'['.repeat(100)}`,
      'd: |',
      `  ${'['.repeat(100)}`,
      `  ${' '.repeat(90)}x`,
      'e: { f: [1, 2, { g: [h] }] }  # [[[[',
      '',
    ].join('\n');
    expect(findExcessiveNesting(ok)).toBeUndefined();
  });
});
