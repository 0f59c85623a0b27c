import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { isValidId } from '../ids.ts';
import { DurableFs } from './durable-fs.ts';
import { isJobId } from './job-id.ts';
import type { JobRecord, StoreBackend } from './store-backend-types.ts';
import { StoreError } from './store-error.ts';

const META = 'meta.json';
const PDU = 'message.mms';

/**
 * The directories layout: a directory per message `<root>/messages/<id>/` holding the PDU as
 * received (`message.mms`) and its state (`meta.json`), and a file per pending job
 * `<root>/outbox/<id>.json`. A message is assembled in `<root>/tmp/`, every file fsynced,
 * then the directory is renamed into place and its parent fsynced: after a crash a message
 * is either wholly there or absent. Rewrites go through temp + fsync + rename + dir fsync.
 */
export class DirectoryBackend implements StoreBackend {
  readonly layout = 'directories' as const;
  private readonly messagesDir: string;
  private readonly tmpDir: string;
  private readonly outboxDir: string;
  private readonly deadDir: string;

  private constructor(
    readonly root: string,
    private readonly fs: DurableFs,
  ) {
    this.messagesDir = path.join(root, 'messages');
    this.tmpDir = path.join(root, 'tmp');
    this.outboxDir = path.join(root, 'outbox');
    this.deadDir = path.join(root, 'outbox-dead');
  }

  static async open(root: string, fsync: boolean): Promise<DirectoryBackend> {
    const b = new DirectoryBackend(root, new DurableFs(fsync));
    await b.fs.ensureDir(b.messagesDir);
    // Half-built messages of a crashed run were never acknowledged: discard them.
    await rm(b.tmpDir, { recursive: true, force: true });
    await b.fs.ensureDir(b.tmpDir);
    await b.fs.ensureDir(b.outboxDir);
    await b.fs.ensureDir(b.deadDir);
    return b;
  }

  async loadMessages(): Promise<string[]> {
    const out: string[] = [];
    await this.forEachMessage((meta) => out.push(meta));
    return out;
  }

  async forEachMessage(each: (meta: string) => void): Promise<void> {
    for (const name of await readdir(this.messagesDir)) {
      if (!isValidId(name)) continue;
      let meta: string;
      try {
        meta = await readFile(path.join(this.messagesDir, name, META), 'utf8');
      } catch {
        continue; // not a message directory (or unreadable): leave it for an operator
      }
      each(meta);
    }
  }

  readMeta(id: string): string | undefined {
    if (!isValidId(id)) return undefined;
    try {
      return readFileSync(path.join(this.messagesDir, id, META), 'utf8');
    } catch {
      return undefined;
    }
  }

  async createMessage(
    id: string,
    meta: string,
    pdu: Uint8Array,
    jobs: readonly JobRecord[] = [],
  ): Promise<void> {
    const tmp = path.join(this.tmpDir, `${id}.${randomBytes(4).toString('hex')}`);
    this.fs.mkdir(tmp);
    try {
      await Promise.all([
        this.fs.writeSynced(path.join(tmp, PDU), pdu),
        this.fs.writeSynced(path.join(tmp, META), meta),
      ]);
      await this.fs.syncDir(tmp);
      this.fs.rename(tmp, path.join(this.messagesDir, id));
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    await this.fs.syncDir(this.messagesDir);
    // the message first: a job must never be on disk without its message
    await Promise.all(jobs.map((j) => this.putJob(j.id, j.job)));
  }

  writeMeta(id: string, meta: string): Promise<void> {
    return this.fs.writeAtomic(path.join(this.messagesDir, id), META, meta);
  }

  async readPdu(id: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(path.join(this.messagesDir, id, PDU)));
    } catch {
      throw new StoreError(`no message ${id}`);
    }
  }

  async removeMessage(id: string): Promise<void> {
    const gone = path.join(this.tmpDir, `${id}.deleted.${randomBytes(4).toString('hex')}`);
    await rename(path.join(this.messagesDir, id), gone);
    await this.fs.syncDir(this.messagesDir);
    await rm(gone, { recursive: true, force: true });
  }

  async loadJobs(): Promise<string[]> {
    const out: string[] = [];
    for (const name of await readdir(this.outboxDir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        out.push(await readFile(path.join(this.outboxDir, name), 'utf8'));
      } catch {
        // a torn temp file cannot be here (rename is atomic); anything else is not ours
      }
    }
    return out;
  }

  putJob(id: string, job: string): Promise<void> {
    this.checkJobId(id);
    return this.fs.writeAtomic(this.outboxDir, `${id}.json`, job);
  }

  removeJob(id: string): Promise<void> {
    this.checkJobId(id);
    return this.fs.remove(this.outboxDir, `${id}.json`);
  }

  async buryJob(id: string, job: string): Promise<void> {
    this.checkJobId(id);
    await this.fs.writeAtomic(this.outboxDir, `${id}.json`, job);
    await rename(path.join(this.outboxDir, `${id}.json`), path.join(this.deadDir, `${id}.json`));
    await this.fs.syncDir(this.outboxDir);
    await this.fs.syncDir(this.deadDir);
  }

  async close(): Promise<void> {}

  private checkJobId(id: string): void {
    if (!isJobId(id)) throw new StoreError(`invalid job id ${JSON.stringify(id)}`);
  }
}
