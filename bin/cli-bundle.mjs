// The CLI's modules as one cached esbuild bundle, so a command (and each worker thread of
// `mmscert run`) loads a few files natively instead of ~200 TypeScript modules through tsx's
// loader hooks (measured: ~1.7 s -> ~0.45 s of start-up per thread, and no hooks thread).
//
// The bundle lives in node_modules/.cache/mmscert/bundle-<hash>/, <hash> being that of every
// project file that went into it (their contents, as read for the build) and of the build options.
// A run first hashes the files the current bundle was built from; any difference (or no bundle)
// builds a new one (~0.5 s). Packages stay external (loaded from node_modules as usual). Each
// module keeps its own import.meta.url (files beside a module are read as before). Anything that
// fails here returns undefined and the CLI runs through tsx as it always did (MMSCERT_BUNDLE=0: always).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Entry points: the CLI, and a worker lane of `mmscert run` (src/harness/worker-pool.ts starts it in each thread). */
const ENTRIES = { cli: 'src/cli/main.ts', 'case-worker-entry': 'src/cli/run-lane-entry.ts' };
/** Bumped when the build options change. */
const BUILD_VERSION = 1;
/** Bundles of other source states are removed once they are this old (a run may still be reading one). */
const STALE_MS = 3600_000;

const hashOf = (parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 24);
};

/**
 * The folders a module imports from by a pattern (`import(\`../x/${name}/index.ts\`)`): esbuild
 * bundles every file the pattern matches, so a file added there changes the bundle too.
 */
function patternFolders(file, text) {
  const out = [];
  for (const m of text.matchAll(/import\(`([^`$]*)\$\{/g)) {
    const prefix = m[1].slice(0, m[1].lastIndexOf('/') + 1);
    if (prefix.startsWith('.')) out.push(path.relative(ROOT, path.resolve(path.dirname(file), prefix)));
  }
  return out;
}

/** The files under the pattern folders, as part of what a bundle was built from. */
function folderListing(folders) {
  return folders.map((d) => `${d}:${readdirSync(path.join(ROOT, d), { recursive: true }).sort().join(',')}`);
}

/** The hash of the files a manifest lists, as they are now (undefined if one is gone). */
function currentHash({ inputs, folders }) {
  const parts = [String(BUILD_VERSION), ...folderListing(folders)];
  for (const rel of inputs) {
    let text;
    try {
      text = readFileSync(path.join(ROOT, rel));
    } catch {
      return undefined;
    }
    parts.push(rel, text);
  }
  return hashOf(parts);
}

async function build(cacheDir) {
  // esbuild comes with tsx (a dependency); resolved from there whatever the install's layout
  const req = createRequire(createRequire(path.join(ROOT, 'package.json')).resolve('tsx/package.json'));
  const esbuild = req('esbuild');
  const read = new Map();
  const folders = new Set();
  const meta = {
    name: 'mmscert-sources',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const bytes = readFileSync(args.path);
        read.set(path.relative(ROOT, args.path), bytes);
        let text = bytes.toString('utf8');
        for (const d of patternFolders(args.path, text)) folders.add(d);
        // each module's own URL and folder, as when it runs unbundled
        if (text.includes('import.meta.'))
          text = text
            .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
            .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
            .replaceAll('import.meta.filename', JSON.stringify(args.path));
        return { contents: text, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
      });
    },
  };
  const tmp = path.join(cacheDir, `building-${process.pid}-${Date.now()}`);
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRIES).map(([out, src]) => ({ in: src, out })),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    sourcemap: 'linked',
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
    plugins: [meta],
  });
  const inputs = [...read.keys()].sort();
  const manifest = { inputs, folders: [...folders].sort() };
  const hash = hashOf([
    String(BUILD_VERSION),
    ...folderListing(manifest.folders),
    ...inputs.flatMap((rel) => [rel, read.get(rel)]),
  ]);
  writeFileSync(path.join(tmp, 'inputs.json'), JSON.stringify(manifest));
  const dir = path.join(cacheDir, `bundle-${hash}`);
  try {
    renameSync(tmp, dir);
  } catch {
    // another run built the same bundle meanwhile
    rmSync(tmp, { recursive: true, force: true });
  }
  const pointer = path.join(cacheDir, 'bundle-current');
  writeFileSync(`${pointer}.${process.pid}`, hash);
  renameSync(`${pointer}.${process.pid}`, pointer);
  return dir;
}

function removeStale(cacheDir, keep) {
  try {
    const now = Date.now();
    for (const name of readdirSync(cacheDir)) {
      if (!/^(bundle-[0-9a-f]+|building-.*)$/.test(name) || path.join(cacheDir, name) === keep) continue;
      const f = path.join(cacheDir, name);
      if (now - statSync(f).mtimeMs > STALE_MS) rmSync(f, { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
}

/**
 * The bundle's entry URLs ({ cli, worker }), built first if the sources changed, or undefined
 * when the CLI should run through tsx.
 */
export async function cliBundle() {
  if (process.env.MMSCERT_BUNDLE === '0') return undefined;
  try {
    const cacheDir = path.join(ROOT, 'node_modules', '.cache', 'mmscert');
    mkdirSync(cacheDir, { recursive: true });
    let dir;
    try {
      const hash = readFileSync(path.join(cacheDir, 'bundle-current'), 'utf8').trim();
      const candidate = path.join(cacheDir, `bundle-${hash}`);
      const manifest = JSON.parse(readFileSync(path.join(candidate, 'inputs.json'), 'utf8'));
      if (currentHash(manifest) === hash) dir = candidate;
    } catch {
      // no bundle yet
    }
    if (!dir) {
      dir = await build(cacheDir);
      removeStale(cacheDir, dir);
    }
    return {
      cli: pathToFileURL(path.join(dir, 'cli.mjs')).href,
      worker: pathToFileURL(path.join(dir, 'case-worker-entry.mjs')).href,
    };
  } catch (e) {
    if (process.env.MMSCERT_TIMING) process.stderr.write(`[timing] no CLI bundle (${e.message}): tsx\n`);
    return undefined;
  }
}
