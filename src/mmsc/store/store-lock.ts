import { randomBytes } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { StoreError } from './store-error.ts';

/**
 * One MMSC per store: `<root>/LOCK` holds the owner's pid. Two processes appending to one journal
 * would interleave records and lose messages, so a second open is refused while the owner lives.
 * The lock appears whole or not at all: the pid is written to a private file first, which is then
 * hard-linked as LOCK (link fails if LOCK exists, so exactly one contender wins). A lock whose pid
 * no longer runs (kill -9, power loss) is stale: it is renamed aside (only one contender can move
 * that very file) and, if what was moved aside is not the stale lock that was judged, put back.
 * A pid equal to ours but not held by this process is stale too (a container's pid 1 restarting).
 * A live pid alone does not prove the owner lives: pids are reused. The lock also records the
 * owner's start time (Linux /proc/PID/stat field 22, clock ticks since boot); a live process with
 * another start time is someone else, and the lock is stale. A lock without a start time (written
 * by hand or by an older version) is honoured only while its pid runs node.
 */

/** Real paths of the stores this process has locked. */
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

/** Start time of a process (ticks since boot), undefined where /proc does not tell. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ...`: comm may hold spaces and parentheses, fields follow the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 of the whole line
  } catch {
    return undefined;
  }
}

function runsNode(pid: number): boolean {
  try {
    return /(^|\/)node(js)?(\0|$)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] + '\0');
  } catch {
    return true; // no /proc: cannot tell, trust the pid
  }
}

interface LockOwner {
  pid: number;
  start?: string;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const [p, start] = readFileSync(file, 'utf8').trim().split(/\s+/);
    const pid = Number.parseInt(p, 10);
    return Number.isInteger(pid) && pid > 0 ? { pid, ...(start ? { start } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

function readPid(file: string): number | undefined {
  return readOwner(file)?.pid;
}

/** Whether the process that wrote the lock still runs (not merely some process with its pid). */
function ownerLives(o: LockOwner): boolean {
  if (!alive(o.pid)) return false;
  const now = processStartTime(o.pid);
  if (o.start !== undefined && now !== undefined) return now === o.start;
  return runsNode(o.pid);
}

function tryUnlink(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Takes the store's lock; the returned function releases it (idempotent). */
export function acquireStoreLock(root: string): () => void {
  mkdirSync(root, { recursive: true });
  const key = realpathSync(root); // a symlink to a locked store is the same store
  const file = path.join(key, 'LOCK');
  if (held.has(key)) throw new StoreError(`the store at ${root} is already open in this process`);
  const mine = path.join(key, `LOCK.${process.pid}.${randomBytes(6).toString('hex')}`);
  const start = processStartTime(process.pid);
  writeFileSync(mine, `${process.pid}${start ? ` ${start}` : ''}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new StoreError(`cannot lock the store at ${root}: ${(e as Error).message}`);
      }
      const lock = readOwner(file);
      const owner = lock?.pid;
      if (lock !== undefined && owner !== process.pid && ownerLives(lock))
        throw new StoreError(
          `the store at ${root} is in use by process ${owner} (if it is not an MMSC, remove ${file})`,
        );
      if (attempt >= 3)
        throw new StoreError(`the store at ${root} is in use (its lock keeps changing hands)`);
      // Stale (or vanished meanwhile): move it aside; check that what moved is what was judged.
      const aside = `${file}.stale.${randomBytes(6).toString('hex')}`;
      try {
        renameSync(file, aside);
      } catch {
        continue; // someone else moved it first: try to link again
      }
      if (readPid(aside) !== owner) {
        // a contender's fresh lock was moved: give it back (fails only if LOCK exists again)
        try {
          linkSync(aside, file);
        } catch {
          // another lock is in place: the next round reads it
        }
      }
      tryUnlink(aside);
    }
  } finally {
    tryUnlink(mine);
  }
  held.add(key);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(key);
    // only our own lock: never a successor's
    if (readPid(file) === process.pid) tryUnlink(file);
  };
}
