import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSuiteFiles, loadSuites } from './suite-loader.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
const saved = { dir: process.env.MMSCERT_CACHE_DIR, off: process.env.MMSCERT_CACHE };

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-suite-cache-'));
});
afterAll(() => {
  for (const [k, v] of [
    ['MMSCERT_CACHE_DIR', saved.dir],
    ['MMSCERT_CACHE', saved.off],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

const load = async (cache: boolean, root = path.join(repoRoot, 'suites')) => {
  process.env.MMSCERT_CACHE_DIR = path.join(dir, 'cache');
  process.env.MMSCERT_CACHE = cache ? '1' : '0';
  return loadSuites({ root });
};

describe('suite cache', () => {
  it('loads exactly what the loader gives, from the cache once it is there', async () => {
    const plain = await load(false);
    expect(plain.cases.length).toBeGreaterThan(100);
    const first = await load(true); // fills the cache
    const entries = readdirSync(path.join(dir, 'cache'));
    // one entry per YAML file read: the suites, and YAML that is no suite (suites/mm4/ir53-matrix.yaml)
    const yamlFiles = discoverSuiteFiles(path.join(repoRoot, 'suites')).filter((f) => /\.ya?ml$/.test(f));
    expect(yamlFiles.length).toBeGreaterThanOrEqual(plain.files.length);
    expect(entries.filter((f) => f.startsWith('suite-')).length).toBe(yamlFiles.length);
    expect(entries.filter((f) => f.startsWith('catalogue-')).length).toBe(1);
    const second = await load(true); // from the cache
    expect(first).toStrictEqual(plain);
    expect(second).toStrictEqual(plain);
  });

  it('never serves a stale entry: an edited file is loaded again and replaces its entry', async () => {
    const root = path.join(dir, 'suites');
    rmSync(root, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(root, { recursive: true });
    const file = path.join(root, 'x.yaml');
    const suite = (title: string) =>
      `suite: x\ncases:\n  - id: x.001\n    title: ${title}\n    steps:\n      - wait: 1ms\n`;
    writeFileSync(file, suite('first'));
    expect((await load(true, root)).cases.map((c) => c.title)).toEqual(['first']);
    expect((await load(true, root)).cases.map((c) => c.title)).toEqual(['first']);
    writeFileSync(file, suite('second'));
    expect((await load(true, root)).cases.map((c) => c.title)).toEqual(['second']);
    const mine = readdirSync(path.join(dir, 'cache')).filter((f) => f.startsWith('suite-'));
    // the real suites' entries from the test above, and one for x.yaml
    expect(mine.length).toBe(
      discoverSuiteFiles(path.join(repoRoot, 'suites')).filter((f) => /\.ya?ml$/.test(f)).length + 1,
    );
    writeFileSync(file, `${suite('third')}  - id: x.001\n    title: dup\n    steps: [{ wait: 1ms }]\n`);
    const dup = await load(true, root);
    expect(dup.diagnostics.map((d) => d.message).join('\n')).toContain('duplicate case id "x.001"');
  });
});
