import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** A run directory mmscert made under reports/ (`20261207-004113-s312440057`: makeRunId). */
export function isRunDirName(name: string): boolean {
  return /^\d{8}-\d{6}-s\d+$/.test(name);
}

/**
 * `mmscert run --keep N`: removes all but the newest `keep` run directories under `root` (names
 * sort by their UTC start time; only names makeRunId gives are touched, never anything else kept
 * there). `keep` 0: nothing is removed. Returns the directories removed.
 */
export function pruneRuns(root: string, keep: number, protect: readonly string[] = []): string[] {
  if (keep <= 0) return [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => isRunDirName(n) && statSync(path.join(root, n)).isDirectory());
  } catch {
    return [];
  }
  const safe = new Set(protect.map((p) => path.resolve(p)));
  const old = names.sort().slice(0, Math.max(0, names.length - keep));
  const removed: string[] = [];
  for (const n of old) {
    const dir = path.join(root, n);
    if (safe.has(path.resolve(dir))) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
