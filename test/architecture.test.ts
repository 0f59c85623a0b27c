/**
 * The import rules of .dependency-cruiser.cjs (issue 20, item 5): the layers codec <- wire <- mocks /
 * mmsc <- harness <- report <- cli, no cycles, no test code in the product, no modules in suites/.
 * The first test is `npm run deps` (the tree as it is); the second shows each rule catches its
 * violation in a small tree made for it.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = '.dependency-cruiser.cjs';
const KNOWN = '.dependency-cruiser-known-violations.json';

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** Runs depcruise in `cwd` over `dirs`; the violations it reports. */
function depcruise(cwd: string, dirs: string[]): Promise<Violation[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...dirs, '--config', CONFIG, '--output-type', 'json'],
      { cwd, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // exit code = number of errors; the JSON is on stdout either way
        try {
          const result = JSON.parse(stdout) as { summary: { violations: Violation[] } };
          resolve(result.summary.violations);
        } catch {
          reject(new Error(`depcruise gave no JSON (${err?.message ?? ''}): ${stderr.slice(0, 2000)}`));
        }
      },
    );
  });
}

const show = (vs: Violation[]) => vs.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);

describe('import rules (.dependency-cruiser.cjs)', () => {
  it('the tree keeps them but for the known violations, and each known one still exists (npm run deps)', {
    timeout: 300_000,
  }, async () => {
    const found = show(await depcruise(ROOT, ['src', 'mocks', 'bench', 'suites', 'test']));
    const known = show(JSON.parse(readFileSync(path.join(ROOT, KNOWN), 'utf8')) as Violation[]);
    expect(
      found.filter((v) => !known.includes(v)),
      'new violations',
    ).toEqual([]);
    // a known violation that is gone leaves the baseline: delete its entry from the file
    expect(
      known.filter((v) => !found.includes(v)),
      `fixed: remove from ${KNOWN}`,
    ).toEqual([]);
  });

  it('the known violations only shrink (none left)', () => {
    const known = JSON.parse(readFileSync(path.join(ROOT, KNOWN), 'utf8')) as Violation[];
    expect(show(known)).toEqual([]);
  });

  it('catches a cycle, an upward import, test code in the product and a module in suites/', {
    timeout: 300_000,
  }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-deps-'));
    try {
      copyFileSync(path.join(ROOT, CONFIG), path.join(dir, CONFIG));
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            allowImportingTsExtensions: true,
            noEmit: true,
          },
        }),
      );
      const files: Record<string, string> = {
        'src/codec/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
        'src/codec/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
        'src/codec/up.ts': "import { m } from '../mmsc/m.ts';\nexport const up = m;\n",
        'src/mmsc/m.ts': "import { peer } from '../../mocks/peer.ts';\nexport const m = peer;\n",
        'mocks/peer.ts': "import { fake } from '../test/support/fake.ts';\nexport const peer = fake;\n",
        'src/harness/h.ts':
          "import { helper } from './h.testing.ts';\nimport { r } from '../report/r.ts';\nexport const h = [helper, r];\n",
        'src/harness/h.testing.ts': 'export const helper = 1;\n',
        'src/report/r.ts': 'export const r = 1;\n',
        'test/support/fake.ts': 'export const fake = 1;\n',
        'suites/x/oracle.ts': 'export const oracle = 1;\n',
        'suites/x/x.test.ts': "import { oracle } from './oracle.ts';\nexport const t = oracle;\n",
      };
      for (const [f, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        writeFileSync(path.join(dir, f), text);
      }
      const found = show(await depcruise(dir, ['src', 'mocks', 'test', 'suites']));
      expect(found).toEqual(
        expect.arrayContaining([
          'no-circular: src/codec/a.ts -> src/codec/b.ts',
          'layer-codec: src/codec/up.ts -> src/mmsc/m.ts',
          'layer-mmsc: src/mmsc/m.ts -> mocks/peer.ts',
          'product-imports-test-code: mocks/peer.ts -> test/support/fake.ts',
          'product-imports-test-code: src/harness/h.ts -> src/harness/h.testing.ts',
          'layer-harness: src/harness/h.ts -> src/report/r.ts',
          'code-in-suites: suites/x/x.test.ts -> suites/x/oracle.ts',
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
