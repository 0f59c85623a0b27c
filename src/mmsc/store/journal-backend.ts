import path from 'node:path';
import { DurableFs } from './durable-fs.ts';
import { isJobId } from './job-id.ts';
import { Journal, type JournalOp } from './journal.ts';
import type { JobRecord, StoreBackend } from './store-backend-types.ts';
import { StoreError } from './store-error.ts';

/**
 * The journal layout: `<root>/journal/` holds every message (keys `m:<id>` metadata and
 * `p:<id>` PDU, committed in ONE record), each recipient state change since the metadata was
 * last written (`r:<id>:<index>`, a few hundred bytes, applied over it at open) and every
 * pending job (`j:<id>`). Jobs given up
 * are written as files in `<root>/outbox-dead/` (rare; kept for an operator to read).
 */
export class JournalBackend implements StoreBackend {
  readonly layout = 'journal' as const;

  /** The recipient records (`r:<id>:<index>`) present, by message. */
  private readonly recipientKeys = new Map<string, Set<number>>();

  private constructor(
    readonly root: string,
    private readonly journal: Journal,
    private readonly fs: DurableFs,
  ) {
    for (const key of journal.keys('r:')) {
      const at = key.lastIndexOf(':');
      const id = key.slice(2, at);
      let mine = this.recipientKeys.get(id);
      if (!mine) {
        mine = new Set();
        this.recipientKeys.set(id, mine);
      }
      mine.add(Number(key.slice(at + 1)));
    }
  }

  static async open(root: string, fsync: boolean): Promise<JournalBackend> {
    const journal = Journal.open(path.join(root, 'journal'), { fsync });
    return new JournalBackend(root, journal, new DurableFs(fsync));
  }

  async loadMessages(): Promise<string[]> {
    const out: string[] = [];
    for (const { key, value } of this.journal.entries('m:'))
      out.push(this.withRecipients(key.slice(2), value));
    return out;
  }

  /** A message's metadata with its recipient records (`r:<id>:<index>`) applied over it. */
  private withRecipients(id: string, meta: Buffer): string {
    const text = meta.toString('utf8');
    const mine = this.recipientKeys.get(id);
    if (!mine) return text;
    let m: { recipients?: unknown[] };
    try {
      m = JSON.parse(text) as { recipients?: unknown[] };
    } catch {
      return text; // unreadable: the store leaves it for an operator
    }
    if (!Array.isArray(m.recipients)) return text;
    for (const index of mine) {
      const value = this.journal.get(recipientKey(id, index));
      if (!value || index >= m.recipients.length) continue;
      try {
        m.recipients[index] = JSON.parse(value.toString('utf8'));
      } catch {
        // an unreadable record: the older state in the metadata stands
      }
    }
    return JSON.stringify(m);
  }

  async forEachMessage(each: (meta: string) => void): Promise<void> {
    for (const { key, value } of this.journal.entries('m:')) each(this.withRecipients(key.slice(2), value));
  }

  readMeta(id: string): string | undefined {
    const value = this.journal.get(`m:${id}`);
    return value ? this.withRecipients(id, value) : undefined;
  }

  createMessage(id: string, meta: string, pdu: Uint8Array, jobs: readonly JobRecord[] = []): Promise<void> {
    return this.journal.commit([
      { key: `p:${id}`, value: pdu },
      { key: `m:${id}`, value: Buffer.from(meta, 'utf8') },
      ...jobs.map((j) => ({ key: `j:${j.id}`, value: Buffer.from(j.job, 'utf8') })),
    ]);
  }

  writeMeta(id: string, meta: string): Promise<void> {
    // the metadata holds every recipient's state: their records go in the same atomic record
    return this.journal.commit([
      { key: `m:${id}`, value: Buffer.from(meta, 'utf8') },
      ...this.dropRecipients(id),
    ]);
  }

  writeRecipient(id: string, index: number, recipient: string): Promise<void> {
    let mine = this.recipientKeys.get(id);
    if (!mine) {
      mine = new Set();
      this.recipientKeys.set(id, mine);
    }
    mine.add(index);
    return this.journal.commit([{ key: recipientKey(id, index), value: Buffer.from(recipient, 'utf8') }]);
  }

  /** Every recipient record present (tests and operators). */
  async recipientRecords(): Promise<Array<{ id: string; index: number; recipient: string }>> {
    const out: Array<{ id: string; index: number; recipient: string }> = [];
    for (const key of this.journal.keys('r:')) {
      const at = key.lastIndexOf(':');
      const id = key.slice(2, at);
      const index = Number(key.slice(at + 1));
      if (at <= 2 || !Number.isInteger(index) || index < 0) continue;
      out.push({ id, index, recipient: this.journal.get(key)!.toString('utf8') });
    }
    return out;
  }

  /** Delete ops for the recipient records of message `id` (forgotten from here on). */
  private dropRecipients(id: string): JournalOp[] {
    const mine = this.recipientKeys.get(id);
    if (!mine) return [];
    this.recipientKeys.delete(id);
    return [...mine].map((i) => ({ key: recipientKey(id, i) }));
  }

  async readPdu(id: string): Promise<Uint8Array> {
    const pdu = this.journal.get(`p:${id}`);
    if (!pdu) throw new StoreError(`no message ${id}`);
    return new Uint8Array(pdu.buffer, pdu.byteOffset, pdu.length);
  }

  removeMessage(id: string): Promise<void> {
    return this.journal.commit([{ key: `m:${id}` }, { key: `p:${id}` }, ...this.dropRecipients(id)]);
  }

  async loadJobs(): Promise<string[]> {
    return this.values('j:');
  }

  putJob(id: string, job: string): Promise<void> {
    return this.journal.commit([{ key: `j:${id}`, value: Buffer.from(job, 'utf8') }]);
  }

  removeJob(id: string, opts: { lazy?: boolean } = {}): Promise<void> {
    // Always a record, even when the key is not (yet) there: a put still in the group-commit
    // queue lands before this delete, never after it. Lazy: no sync of its own (Journal
    // CommitOptions), it goes out with the next batch.
    return this.journal.commit([{ key: `j:${id}` }], { lazy: opts.lazy === true });
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
    for (const { value } of this.journal.entries(prefix)) out.push(value.toString('utf8'));
    return out;
  }
}

function recipientKey(id: string, index: number): string {
  return `r:${id}:${index}`;
}
