// The import rules of mmscert (issue 20, item 5), checked by `npm run deps` and by
// test/architecture.test.ts. Layers, lowest first; a module imports only from its own layer or
// below:
//
//   src/util, src/codec  (pure: no I/O)
//   src/wire, src/net    (sockets, taps, timeline, PCAPNG)
//   mocks/  |  src/mmsc  (the mock peers and the reference MMSC: siblings, neither imports the other)
//   src/harness          (suites, runner, targets)
//   src/load             (the load generator: flows over the harness's targets and peers)
//   src/report           (reporters: read results, never run cases)
//   src/cli              (the command)
//
// No cycles anywhere. Product files (src/, mocks/) never import test code: test/, *.test.ts,
// *.testing.ts. suites/ holds suites and their tests, no modules.

/** The layers above each layer (what it must not import). */
const ABOVE = {
  util: ['codec', 'wire', 'net', 'mocks', 'mmsc', 'harness', 'load', 'report', 'cli'],
  codec: ['wire', 'net', 'mocks', 'mmsc', 'harness', 'load', 'report', 'cli'],
  wire: ['mocks', 'mmsc', 'harness', 'load', 'report', 'cli'],
  net: ['wire', 'mocks', 'mmsc', 'harness', 'load', 'report', 'cli'],
  mocks: ['mmsc', 'harness', 'load', 'report', 'cli'],
  mmsc: ['mocks', 'harness', 'load', 'report', 'cli'],
  harness: ['load', 'report', 'cli'],
  load: ['report', 'cli'],
  report: ['cli'],
  cli: [],
};
const DIR = {
  util: '^src/util/',
  codec: '^src/codec/',
  wire: '^src/wire/',
  net: '^src/net/',
  mocks: '^mocks/',
  mmsc: '^src/mmsc/',
  harness: '^src/harness/',
  load: '^src/load/',
  report: '^src/report/',
  cli: '^src/cli/',
};
/** Test code: tests, test helpers beside a module, and everything under test/. */
const TEST_CODE = ['\\.test\\.ts$', '\\.testing\\.ts$', '^test/'];

const layerRules = Object.entries(ABOVE)
  .filter(([, above]) => above.length > 0)
  .map(([layer, above]) => ({
    name: `layer-${layer}`,
    comment: `${DIR[layer]} imports only from its own layer or below (not ${above.join(', ')})`,
    severity: 'error',
    from: { path: DIR[layer], pathNot: TEST_CODE },
    to: { path: above.map((l) => DIR[l]) },
  }));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle: move the shared part (types, a small interface) into its own module',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'product-imports-test-code',
      comment: 'product files (src/, mocks/) never import tests or test helpers (test/, *.testing.ts)',
      severity: 'error',
      from: { path: ['^src/', '^mocks/'], pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'code-in-suites',
      comment: 'suites/ holds suites and their tests; a module there belongs in src/ or test/support',
      severity: 'error',
      from: {},
      to: { path: '^suites/.+\\.[cm]?[jt]s$', pathNot: '\\.test\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules', '^reports/', '^docker/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
