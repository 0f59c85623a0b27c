/**
 * What bin/mmscert.js records when the CLI runs from its cached bundle (bin/cli-bundle.mjs)
 * rather than through tsx: the bundle's entry URLs. Absent under tsx (and in tests).
 */
export interface CliBundle {
  cli: string;
  /** The worker lane entry of `mmscert run` (src/cli/run-lane-entry.ts, bundled). */
  worker: string;
}

const KEY = Symbol.for('mmscert.bundle');

/** The bundle this process runs from, if any. */
export function cliBundle(): CliBundle | undefined {
  return (globalThis as { [KEY]?: CliBundle })[KEY];
}

let registering: Promise<void> | undefined;

/**
 * Makes TypeScript importable at run time (a suite's .case.ts file): a no-op under tsx, which
 * already is; from the bundle, tsx's loader is registered on first use.
 */
export function typescriptImports(): Promise<void> {
  if (!cliBundle()) return Promise.resolve();
  registering ??= import('tsx/esm/api').then((m) => {
    m.register();
  });
  return registering;
}
