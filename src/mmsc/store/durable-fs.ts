import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsync as fsyncCb,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const fsyncFd = promisify(fsyncCb);

/**
 * Crash-safe file primitives: write to a temporary name, fsync the file, rename over the
 * final name, fsync the directory (so the rename itself survives power loss). A reader
 * sees either the old file or the whole new one, never a torn write.
 *
 * The small writes, renames and unlinks go to the page cache synchronously (tens of
 * microseconds, far cheaper than a thread-pool round trip each); only the fsyncs, which
 * wait for the disk, run off the event loop — and directory fsyncs are shared.
 */
export class DurableFs {
  constructor(readonly fsync = true) {}

  /** Per directory: the fsync running now, and the one queued behind it (shared by its callers). */
  private readonly dirSyncs = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

  /**
   * fsyncs a directory so renames and unlinks in it are durable. Concurrent callers share
   * syncs (group commit): a caller gets a sync that starts after its call, but many callers
   * whose renames are already done ride on the same one.
   */
  syncDir(dir: string): Promise<void> {
    if (!this.fsync) return Promise.resolve();
    const state = this.dirSyncs.get(dir);
    if (!state) {
      const running = this.fsyncDirNow(dir).finally(() => this.afterDirSync(dir));
      this.dirSyncs.set(dir, { running });
      return running;
    }
    state.next ??= state.running.catch(() => undefined).then(() => this.fsyncDirNow(dir));
    return state.next;
  }

  private afterDirSync(dir: string): void {
    const state = this.dirSyncs.get(dir);
    if (!state) return;
    if (!state.next) {
      this.dirSyncs.delete(dir);
      return;
    }
    const running = state.next.finally(() => this.afterDirSync(dir));
    this.dirSyncs.set(dir, { running });
  }

  private async fsyncDirNow(dir: string): Promise<void> {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Writes `data` to a file and fsyncs it (no rename; the caller renames a whole directory). */
  async writeSynced(file: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const fd = openSync(file, 'w', 0o600);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      if (this.fsync) await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Atomically replaces `dir/name` with `data`. */
  async writeAtomic(dir: string, name: string, data: Uint8Array | string): Promise<void> {
    const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await this.writeSynced(tmp, data);
      renameSync(tmp, path.join(dir, name));
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    await this.syncDir(dir);
  }

  /** Renames (same file system, atomic). */
  rename(from: string, to: string): void {
    renameSync(from, to);
  }

  /** Removes `dir/name` (absent is fine) and makes the removal durable. */
  async remove(dir: string, name: string): Promise<void> {
    try {
      unlinkSync(path.join(dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return;
    }
    await this.syncDir(dir);
  }

  async ensureDir(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  mkdir(dir: string): void {
    mkdirSync(dir, { mode: 0o700 });
  }
}
