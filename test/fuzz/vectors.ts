import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the shared vectors are read from at run time (never copied into the repository):
 * MMSCERT_VECTORS, else ../shared/vectors beside the checkout, else /work/shared/vectors.
 */
export function vectorsRoot(): string | undefined {
  const candidates = [
    process.env.MMSCERT_VECTORS,
    path.resolve(import.meta.dirname, '../../../shared/vectors'),
    '/work/shared/vectors',
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return candidates.find((p) => existsSync(p) && statSync(p).isDirectory());
}

/** Every file under `root/sub` (recursively) accepted by `keep`, at most `maxBytes` each. */
export function readVectorFiles(
  root: string,
  sub: string,
  keep: (name: string) => boolean,
  maxBytes = 256 * 1024,
): Array<{ file: string; bytes: Uint8Array }> {
  const out: Array<{ file: string; bytes: Uint8Array }> = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (keep(n) && st.size <= maxBytes)
        out.push({ file: path.relative(root, p), bytes: readFileSync(p) });
    }
  };
  const dir = path.join(root, sub);
  if (existsSync(dir)) walk(dir);
  return out;
}
