import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A cache of loaded suite files (and the requirement catalogue): parsing and validating ~50
 * YAML files is the largest part of `mmscert run`'s start-up (~0.5-1 s of CPU), paid again on
 * every run although the files rarely change. An entry is the loader's own output for one file,
 * as JSON, keyed by everything that output depends on: the file's text and path, the working
 * directory (diagnostics show paths relative to it), the loader options, the catalogue, and the
 * loader's own source and its yaml/zod versions. Any change gives another key, so a stale entry
 * is never used. Kept in node_modules/.cache/mmscert (the usual place for tool caches);
 * MMSCERT_CACHE_DIR names another folder, MMSCERT_CACHE=0 turns it off. A cache that cannot be
 * read or written is no cache: the file is loaded as usual.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The modules whose code decides what a loaded file looks like. */
const LOADER_FILES = [
  'suite-loader.ts',
  'suite-schema.ts',
  'suite-diagnostics.ts',
  'yaml-positions.ts',
  'case-model.ts',
  'duration.ts',
  'suite-cache.ts',
  'suite-strict.ts',
  'wire-vocabulary.ts',
  'suite-bounds.ts',
];

let version: string | undefined;
function loaderVersion(): string {
  if (version !== undefined) return version;
  const h = createHash('sha256');
  for (const f of LOADER_FILES) h.update(readFileSync(path.join(HERE, f))).update('\0');
  const req = createRequire(import.meta.url);
  for (const pkg of ['yaml', 'zod']) {
    try {
      h.update(
        (JSON.parse(readFileSync(req.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version,
      );
    } catch {
      h.update(`${pkg}?`);
    }
  }
  version = h.digest('hex');
  return version;
}

export function suiteCacheDir(): string | undefined {
  if (process.env.MMSCERT_CACHE === '0') return undefined;
  if (process.env.MMSCERT_CACHE_DIR) return process.env.MMSCERT_CACHE_DIR;
  // tests load many throw-away suite folders: no entries for them unless a test names a folder
  if (process.env.VITEST) return undefined;
  return path.resolve(HERE, '../../node_modules/.cache/mmscert');
}

const sha = (...parts: readonly string[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 32);
};

/**
 * `compute()`'s value for `source` (a file, whose older entries are dropped when a new one is
 * written) and `inputs` (every other thing the value depends on), from the cache when there.
 * The value must be plain JSON data.
 */
export function cachedLoad<T>(kind: string, source: string, inputs: readonly string[], compute: () => T): T {
  const dir = suiteCacheDir();
  if (!dir) return compute();
  let prefix: string;
  let file: string;
  try {
    prefix = `${kind}-${sha(source, process.cwd())}-`;
    file = path.join(dir, `${prefix}${sha(loaderVersion(), ...inputs)}.json`);
  } catch {
    return compute();
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // not cached yet (or unreadable): load it
  }
  const value = compute();
  try {
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir))
      if (old.startsWith(prefix)) rmSync(path.join(dir, old), { force: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, file);
  } catch {
    // a read-only tree: no cache
  }
  return value;
}
