/**
 * Where the message store and the outbox keep their state. Both layouts are durable (a
 * resolved promise means the change survives kill -9 and power loss):
 * - `journal` (default): one append-only journal with group commit (journal.ts) — one
 *   write + fdatasync per batch of changes, whatever the number of messages in flight;
 * - `directories`: a directory per message and a file per job, each written under a
 *   temporary name, fsynced and renamed — easy to inspect by hand, but every message costs
 *   several inode creations (about 0.6 ms each on the ext4 of our CI machines), so it tops
 *   out at a few hundred messages per second.
 * Metadata and jobs are JSON text; PDUs are the bytes as received.
 */
export interface StoreBackend {
  readonly layout: StoreLayout;
  readonly root: string;
  /** The metadata of every committed message (tests and tools; at open, forEachMessage). */
  loadMessages(): Promise<string[]>;
  /** Hands the metadata of every committed message to `each`, one at a time (nothing is kept). */
  forEachMessage(each: (meta: string) => void): Promise<void>;
  /** A message's committed metadata, read now (undefined when there is no such message). */
  readMeta(id: string): string | undefined;
  /**
   * Commits a new message atomically: afterwards both parts survive a crash, before neither. `jobs`
   * (outbox jobs the message needs, as putJob takes them) are committed with it: in the journal in
   * the same record (one sync for the message and its work); in the directories layout after the
   * message (a crash in between leaves a pending recipient without its job, which the core's
   * reconcile repairs at start).
   */
  createMessage(id: string, meta: string, pdu: Uint8Array, jobs?: readonly JobRecord[]): Promise<void>;
  /** Replaces a message's metadata atomically (superseding its recipient records). */
  writeMeta(id: string, meta: string): Promise<void>;
  /**
   * Records one recipient's new state (`recipients[index]` of the message) as a small record of its
   * own: a recipient's status change costs that record, not a rewrite of the whole message. The
   * metadata the backend hands back (loadMessages) has these records applied. Optional: without
   * it the store rewrites the metadata.
   */
  writeRecipient?(id: string, index: number, recipient: string): Promise<void>;
  readPdu(id: string): Promise<Uint8Array>;
  removeMessage(id: string): Promise<void>;
  /** Every pending job (at open). */
  loadJobs(): Promise<string[]>;
  /** Adds or replaces a pending job. */
  putJob(id: string, job: string): Promise<void>;
  /**
   * Deletes a pending job. `lazy`: the deletion may wait for the next commit's sync instead of
   * syncing on its own (the journal; a crash before that brings the job back, so only for jobs that
   * find nothing to do when they run again).
   */
  removeJob(id: string, opts?: { lazy?: boolean }): Promise<void>;
  /** Moves a job given up to `<root>/outbox-dead/<id>.json` (kept for an operator). */
  buryJob(id: string, job: string): Promise<void>;
  close(): Promise<void>;
}

export type StoreLayout = 'journal' | 'directories';

/** A pending outbox job as the backend keeps it: its id and its JSON text. */
export interface JobRecord {
  id: string;
  job: string;
}

export interface StoreBackendOptions {
  layout?: StoreLayout;
  /** fsync (turn off only to measure what durability costs). */
  fsync?: boolean;
  /**
   * Take `<root>/LOCK` (default true). False only for tests that open one store twice in one
   * process to stand for a crash and a restart.
   */
  lock?: boolean;
}
