import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The evidence bundle of an interop run, hashed so that both carriers can sign the same result:
 * a manifest of every evidence file with its own SHA-256 (FIPS 180-4), in the format of
 * `sha256sum` (`<64 hex>  <path>` per line, LF, paths relative to the bundle with `/`, sorted by
 * their UTF-8 octets), then the SHA-256 of the manifest's octets: the bundle hash. The same
 * files give the same manifest and hash on any machine; one changed, added or removed octet
 * changes it. Outside the bundle: the manifest, the file recording its hash and report.html
 * (which shows the hash, so it cannot be hashed itself).
 *
 * Check by hand: `sha256sum -c MANIFEST.sha256 && sha256sum MANIFEST.sha256`.
 */
export const MANIFEST_FILE = 'MANIFEST.sha256';
export const BUNDLE_HASH_FILE = 'BUNDLE.sha256';
export const BUNDLE_OUTSIDE: readonly string[] = [MANIFEST_FILE, BUNDLE_HASH_FILE, 'report.html'];

export class BundleError extends Error {}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const byOctets = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Every regular file of the bundle, relative POSIX paths in octet order. Links and odd names are refused. */
export function bundleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (!rel && BUNDLE_OUTSIDE.includes(name)) continue;
      if (/[\n\r\\]/.test(name))
        throw new BundleError(`${r}: a file name with a line break or backslash cannot be listed`);
      const st = lstatSync(path.join(dir, r));
      if (st.isSymbolicLink())
        throw new BundleError(`${r}: a symbolic link in the bundle (only regular files are evidence)`);
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) out.push(r);
      else throw new BundleError(`${r}: not a regular file`);
    }
  };
  walk('');
  return out.sort(byOctets);
}

/** The manifest text of the bundle as it is on disk now. */
export function buildManifest(dir: string): string {
  return bundleFiles(dir)
    .map((f) => `${sha256Hex(readFileSync(path.join(dir, f)))}  ${f}\n`)
    .join('');
}

export interface BundleSeal {
  manifest: string;
  /** SHA-256 of the manifest: the bundle hash. */
  hash: string;
  files: number;
  bytes: number;
}

/** Writes MANIFEST.sha256 and BUNDLE.sha256 (`<hash>  MANIFEST.sha256`) and returns the hash. */
export function sealBundle(dir: string): BundleSeal {
  const files = bundleFiles(dir);
  const manifest = files.map((f) => `${sha256Hex(readFileSync(path.join(dir, f)))}  ${f}\n`).join('');
  const bytes = files.reduce((n, f) => n + lstatSync(path.join(dir, f)).size, 0);
  const hash = sha256Hex(manifest);
  writeFileSync(path.join(dir, MANIFEST_FILE), manifest);
  writeFileSync(path.join(dir, BUNDLE_HASH_FILE), `${hash}  ${MANIFEST_FILE}\n`);
  return { manifest, hash, files: files.length, bytes };
}

export interface BundleCheck {
  ok: boolean;
  /** The hash recomputed from the files on disk. */
  hash: string;
  /** The hash the bundle records (BUNDLE.sha256), if readable. */
  recorded?: string;
  files: number;
  problems: string[];
}

/**
 * Recomputes the manifest from the files and compares: every listed file present with its
 * hash, no file unlisted, the manifest's hash equal to the recorded one and to the one
 * report.html shows (`data-bundle-sha256`), when there is a report.
 */
export function verifyBundle(dir: string): BundleCheck {
  const problems: string[] = [];
  let recordedManifest = '';
  try {
    recordedManifest = readFileSync(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    problems.push(`${MANIFEST_FILE}: missing`);
  }
  let actual = '';
  try {
    actual = buildManifest(dir);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const parse = (m: string) =>
    new Map(
      m
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(66), l.slice(0, 64)] as [string, string]),
    );
  const want = parse(recordedManifest);
  const have = parse(actual);
  for (const [f, h] of want) {
    const now = have.get(f);
    if (now === undefined) problems.push(`${f}: listed in the manifest, missing`);
    else if (now !== h) problems.push(`${f}: changed (SHA-256 ${now}, manifest says ${h})`);
  }
  for (const f of have.keys()) if (!want.has(f)) problems.push(`${f}: not in the manifest`);
  if (recordedManifest && actual && problems.length === 0 && recordedManifest !== actual)
    problems.push(`${MANIFEST_FILE}: not in canonical form (order, spacing or line ends differ)`);
  const hash = sha256Hex(actual);
  let recorded: string | undefined;
  try {
    recorded = /^([0-9a-f]{64}) {2}/.exec(readFileSync(path.join(dir, BUNDLE_HASH_FILE), 'utf8'))?.[1];
    if (!recorded) problems.push(`${BUNDLE_HASH_FILE}: no hash in it`);
  } catch {
    problems.push(`${BUNDLE_HASH_FILE}: missing`);
  }
  if (recorded && recordedManifest && sha256Hex(recordedManifest) !== recorded)
    problems.push(
      `${MANIFEST_FILE}: its SHA-256 is ${sha256Hex(recordedManifest)}, ${BUNDLE_HASH_FILE} says ${recorded}`,
    );
  try {
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    const shown = /data-bundle-sha256="([0-9a-f]{64})"/.exec(html)?.[1];
    if (shown !== recorded)
      problems.push(
        `report.html: shows bundle SHA-256 ${shown ?? 'none'}, the bundle records ${recorded ?? 'none'}`,
      );
  } catch {
    // a bundle without its report is still a bundle
  }
  return { ok: problems.length === 0, hash, ...(recorded ? { recorded } : {}), files: have.size, problems };
}
