#!/usr/bin/env node
// Runs the TypeScript CLI: from the cached bundle of its modules when there is one for the
// current sources (built here otherwise; see cli-bundle.mjs), else through tsx, so `npx mmscert`
// works right after `npm ci` either way.
import { cliBundle } from './cli-bundle.mjs';

const bundle = await cliBundle();
if (bundle) {
  // worker-pool.ts starts its threads on the bundle's worker entry; TypeScript imported at run
  // time (suites' .case.ts files) registers tsx first (src/util/typescript-imports.ts)
  globalThis[Symbol.for('mmscert.bundle')] = bundle;
  await import(bundle.cli);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
