import path from 'node:path';
import { DurableFs } from './durable-fs.ts';
import { isJobId } from './job-id.ts';
import { Journal } from './journal.ts';
import type { StoreBackend } from './store-backend.ts';
import { StoreError } from './store-error.ts';

/**
 * The journal layout: `<root>/journal/` holds every message (keys `m:<id>` metadata and
 * `p:<id>` PDU, committed in ONE record) and every pending job (`j:<id>`). Jobs given up
 * are written as files in `<root>/outbox-dead/` (rare; kept for an operator to read).
 */
export class JournalBackend implements StoreBackend {
  readonly layout = 'journal' as const;

  private constructor(
    readonly root: string,
    private readonly journal: Journal,
    private readonly fs: DurableFs,
  ) {}

  static async open(root: string, fsync: boolean): Promise<JournalBackend> {
    const journal = Journal.open(path.join(root, 'journal'), { fsync });
    return new JournalBackend(root, journal, new DurableFs(fsync));
  }

  async loadMessages(): Promise<string[]> {
    return this.values('m:');
  }

  async forEachMessage(each: (meta: string) => void): Promise<void> {
    for (const key of this.journal.keys('m:')) {
      const value = this.journal.get(key);
      if (value) each(value.toString('utf8'));
    }
  }

  readMeta(id: string): string | undefined {
    return this.journal.get(`m:${id}`)?.toString('utf8');
  }

  createMessage(id: string, meta: string, pdu: Uint8Array): Promise<void> {
    return this.journal.commit([
      { key: `p:${id}`, value: pdu },
      { key: `m:${id}`, value: Buffer.from(meta, 'utf8') },
    ]);
  }

  writeMeta(id: string, meta: string): Promise<void> {
    return this.journal.commit([{ key: `m:${id}`, value: Buffer.from(meta, 'utf8') }]);
  }

  async readPdu(id: string): Promise<Uint8Array> {
    const pdu = this.journal.get(`p:${id}`);
    if (!pdu) throw new StoreError(`no message ${id}`);
    return new Uint8Array(pdu.buffer, pdu.byteOffset, pdu.length);
  }

  removeMessage(id: string): Promise<void> {
    return this.journal.commit([{ key: `m:${id}` }, { key: `p:${id}` }]);
  }

  async loadJobs(): Promise<string[]> {
    return this.values('j:');
  }

  putJob(id: string, job: string): Promise<void> {
    return this.journal.commit([{ key: `j:${id}`, value: Buffer.from(job, 'utf8') }]);
  }

  removeJob(id: string): Promise<void> {
    // Always a record, even when the key is not (yet) there: a put still in the group-commit
    // queue lands before this delete, never after it.
    return this.journal.commit([{ key: `j:${id}` }]);
  }

  async buryJob(id: string, job: string): Promise<void> {
    if (!isJobId(id)) throw new StoreError(`invalid job id ${JSON.stringify(id)}`);
    const dead = path.join(this.root, 'outbox-dead');
    await this.fs.ensureDir(dead);
    // the dead file first: a crash in between leaves the job pending (it runs again), never lost
    await this.fs.writeAtomic(dead, `${id}.json`, job);
    await this.removeJob(id);
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  /** Journal statistics (segments, bytes, batches...) for benchmarks and operators. */
  stats(): ReturnType<Journal['stats']> {
    return this.journal.stats();
  }

  private values(prefix: string): string[] {
    const out: string[] = [];
    for (const key of this.journal.keys(prefix)) out.push(this.journal.get(key)!.toString('utf8'));
    return out;
  }
}
