import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from './store-error.ts';

/**
 * One MMSC per store: `<root>/LOCK` holds the owner's pid, created exclusively (O_EXCL). Two
 * processes appending to one journal would interleave records and lose messages, so a second open
 * is refused while the owner lives. A lock left by a process that died (kill -9, power loss) is
 * stale: its pid no longer runs (or is our own pid, from an earlier life of a container's pid 1,
 * while this process holds no lock on it) and it is taken over.
 */

/** Roots locked by this process (a second open from the same process is refused too). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the store's lock; the returned function releases it (idempotent). */
export function acquireStoreLock(root: string): () => void {
  const key = path.resolve(root);
  const file = path.join(key, 'LOCK');
  if (held.has(key)) throw new StoreError(`the store at ${root} is already open in this process`);
  mkdirSync(key, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST')
          throw new StoreError(
            `the store at ${root} is in use (lock ${file} came back while taking it over)`,
          );
        throw new StoreError(`cannot lock the store at ${root}: ${(e as Error).message}`);
      }
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      } catch {
        // unreadable or vanished: treated as stale
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
        throw new StoreError(
          `the store at ${root} is in use by process ${owner} (if it is not an MMSC, remove ${file})`,
        );
      try {
        unlinkSync(file); // stale: its owner is gone
      } catch {
        // someone else removed it first; the exclusive create decides
      }
    }
  }
  held.add(key);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(key);
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
}
