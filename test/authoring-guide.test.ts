import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PEER_KINDS } from '../mocks/peer-kinds.ts';
import { loadSuites } from '../src/harness/suite-loader.ts';

/**
 * docs/authoring.md shows only real suite files: every excerpt (a ```yaml block after an
 * `<!-- example: FILE -->` marker) appears word for word in FILE; every suite file and case id
 * the guide names exists; the files validate; every case in them passes against the embedded
 * reference MMSC (the real `mmscert run`). The guide's table of actions lists every action of
 * the peers' action tables.
 */
const repoRoot = path.resolve(import.meta.dirname, '..');
const guide = readFileSync(path.join(repoRoot, 'docs/authoring.md'), 'utf8');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mmscert-guide-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const excerpts = [...guide.matchAll(/<!-- example: (\S+) -->\n```yaml\n([\s\S]*?)```/g)].map((m) => ({
  file: m[1],
  text: m[2],
}));
const files = [...new Set(guide.match(/suites\/examples\/[\w/.-]+\.ya?ml/g) ?? [])].sort();
const ids = [...new Set(guide.match(/\bexamples\.[a-z0-9-]+\.[a-z0-9.-]*[a-z0-9]\b/g) ?? [])].sort();

describe('docs/authoring.md', () => {
  it('names its example files and cases, and quotes them', () => {
    expect(excerpts.length).toBeGreaterThanOrEqual(12);
    expect(files).toEqual(
      expect.arrayContaining([
        'suites/examples/authoring/families.yaml',
        'suites/examples/authoring/steps.yaml',
        'suites/examples/mm1-smoke.yaml',
      ]),
    );
    expect(ids.length).toBeGreaterThanOrEqual(4);
    // every code block of YAML is an excerpt of a named file
    expect(guide.match(/```yaml/g)?.length).toBe(excerpts.length);
  });

  it('every excerpt appears word for word in the file it names', () => {
    for (const x of excerpts) {
      const file = path.join(repoRoot, x.file);
      expect(existsSync(file), x.file).toBe(true);
      expect(readFileSync(file, 'utf8').includes(x.text), `${x.file} does not contain:\n${x.text}`).toBe(
        true,
      );
    }
  });

  it('shows one example of each step kind and of anyOf, precondition and each', () => {
    const all = excerpts.map((x) => x.text).join('\n');
    for (const key of [
      '- do:',
      '- behaviour:',
      '- wait:',
      '- expect:',
      '- expect-none:',
      'anyOf:',
      'precondition: true',
      'each:',
      'ics:',
      'save:',
      'from: last-action',
    ])
      expect(all, key).toContain(key);
  });

  it('lists every action of every peer kind', () => {
    for (const [kind, k] of Object.entries(PEER_KINDS)) {
      const row = guide.split('\n').find((l) => l.startsWith(`| \`${kind}\` |`));
      expect(row, kind).toBeDefined();
      for (const action of Object.keys(k.actions ?? {}))
        expect(row, `${kind}.${action}`).toContain(`\`${action}\``);
    }
  });

  it('its example files validate, and hold every case id it names', async () => {
    for (const f of files) expect(existsSync(path.join(repoRoot, f)), f).toBe(true);
    const loaded = await loadSuites({
      root: path.join(repoRoot, 'suites'),
      files: files.map((f) => path.join(repoRoot, f)),
    });
    expect(loaded.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)).toEqual([]);
    const known = new Set(loaded.cases.flatMap((c) => [c.id, c.family?.id ?? c.id]));
    for (const id of ids) expect(known.has(id), id).toBe(true);
  });

  it('every case of its example files passes against the embedded reference MMSC', () => {
    const out = path.join(tmp, 'run');
    const r = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'bin/mmscert.js'),
        'run',
        ...files.map((f) => path.join(repoRoot, f)),
        '--suites-dir',
        path.join(repoRoot, 'suites'),
        '--reporter',
        'json',
        '--report-dir',
        out,
      ],
      { cwd: tmp, encoding: 'utf8', timeout: 240_000 },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as {
      cases: Array<{ id: string; verdict: string; failure?: { message: string } }>;
    };
    expect(results.cases.length).toBeGreaterThanOrEqual(7);
    for (const c of results.cases) expect(`${c.id}: ${c.verdict}`, c.failure?.message).toBe(`${c.id}: pass`);
  }, 300_000);
});
