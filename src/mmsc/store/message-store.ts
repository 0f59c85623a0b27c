import { isValidId } from '../ids.ts';
import type { JobRecord, StoreBackend } from './store-backend-types.ts';
import { StoreError } from './store-error.ts';
import { HashIndex, type MessageSummary, SummaryTable } from './summary-index.ts';

export { StoreError } from './store-error.ts';

/**
 * The message store: every message's submitted PDU (bytes as received) and its state
 * (StoredMessage), kept durably by a StoreBackend (a journal with group commit by default, or
 * a directory per message) and indexed in memory by a summary of fixed size per message
 * (MessageSummary); states and PDUs are read back on demand. A message is committed whole or
 * not at all; every state change is durable before it shows.
 */

export type RecipientRoute = 'local' | 'mm4' | 'mm3' | 'mm7' | 'unresolved';
export type RecipientStatus =
  | 'pending' // accepted, notification not yet handed to the SMSC/PPG
  | 'notified'
  | 'deferred'
  | 'retrieved'
  | 'rejected'
  | 'unrecognised'
  | 'expired'
  | 'forwarded' // handed to another interface (MM4, MM3, MM7)
  | 'failed';

/** The states in which a copy is still to be delivered: notified or about to be, not yet answered. */
export const OPEN_STATUSES: readonly RecipientStatus[] = ['pending', 'notified', 'deferred'];
const OPEN = new Set<RecipientStatus>(OPEN_STATUSES);

/** Whether nothing is settled yet for this copy (see OPEN_STATUSES). */
export function isOpen(status: RecipientStatus): boolean {
  return OPEN.has(status);
}

export interface StoredRecipient {
  /** Address as written in the PDU (`+15550001/TYPE=PLMN`, `a@b.example`). */
  address: string;
  field: 'To' | 'Cc' | 'Bcc';
  route: RecipientRoute;
  /** E.164 digits (no '+') for PLMN recipients. */
  msisdn?: string;
  /** Domain the route resolved to (ours, a foreign MMSC, a VASP id). */
  domain?: string;
  /** Content-location token (local recipients). */
  token?: string;
  status: RecipientStatus;
  /** Transaction id of the m-notification-ind sent to this recipient. */
  notifyTransactionId?: string;
  /** MMS version the recipient's client announced (from its m-notifyresp-ind / GET). */
  clientVersion?: string;
  /** X-Mms-Status values already reported to the originator (each at most once). */
  reported?: string[];
  /** The recipient's client refused reports (X-Mms-Report-Allowed: No). */
  reportAllowed?: boolean;
  /** Why the route failed, when status is `failed`. */
  reason?: string;
  updatedAt: number;
}

/** X-Mms-MM-State values (ENC 1.3 X-Mms-MM-State). */
export type MboxState = 'Draft' | 'Sent' | 'New' | 'Retrieved' | 'Forwarded';

/** One copy of a message in a subscriber's MMBox (CTR 1.3 "MMBox"). */
export interface MboxEntry {
  /** E.164 digits of the subscriber whose MMBox holds it. */
  owner: string;
  /** Content-location token of the stored copy (unguessable, like a retrieval token). */
  token: string;
  state: MboxState;
  /** X-Mms-MM-Flags keywords, in the order they were added. */
  flags: string[];
  storedAt: number;
}

export interface StoredMessage {
  /** Message-ID (also the directory name). */
  id: string;
  /** Resolved sender address (`+15550000/TYPE=PLMN`). */
  sender: string;
  /** Module the message came in through (`mm1`, `mm4`, `mm7`, `mm3`): reports go back through it. */
  origin: string;
  /** Module-specific data of the origin (e.g. the MM4 originator system, the VASP id). */
  originInfo?: { [key: string]: string };
  /** X-Mms-Transaction-Id of the m-send-req (idempotency key with `sender`). */
  transactionId: string;
  /** MMS version of the submit. */
  mmsVersion: string;
  receivedAt: number;
  /** Epoch ms after which the message is no longer delivered (X-Mms-Expiry). */
  expiresAt: number;
  /** Earliest delivery time (X-Mms-Delivery-Time), epoch ms. */
  deliverAt?: number;
  size: number;
  contentType: string;
  subject?: string;
  messageClass?: string;
  deliveryReport: boolean;
  readReport: boolean;
  /** X-Mms-Sender-Visibility: Hide — the sender's address is not shown to recipients. */
  hideSender?: boolean;
  recipients: StoredRecipient[];
  /** What the m-send-conf said (returned again for a duplicate transaction). */
  conf: { responseStatus: string; responseText?: string };
  state: 'active' | 'cancelled' | 'expired';
  /** When `state` last changed (cancel, expiry), epoch ms. */
  stateChangedAt?: number;
  /** Its copies in MMBoxes (the sender's Sent copy, a recipient's stored copy, an upload). */
  mbox?: MboxEntry[];
}

/**
 * What the store keeps in memory of each message (MessageSummary, summary-index.ts): its id, state,
 * due time, when it last changed and a few flags and counts (no recipients list, no body), in
 * fixed-size columns. Everything else is read from the backend on demand (a small cache keeps the
 * messages in flight), so memory grows by a small bounded amount per stored message whatever its
 * size or number of recipients.
 */
export type { MessageSummary } from './summary-index.ts';
export { hashKey } from './summary-index.ts';

/** The summary of a message as the store would keep it (e.g. to decide on a loaded message). */
export function summarize(m: StoredMessage): MessageSummary {
  let last = Math.max(m.receivedAt, m.stateChangedAt ?? 0);
  let open = false;
  let pending = false;
  for (const r of m.recipients) {
    if (r.updatedAt > last) last = r.updatedAt;
    if (OPEN.has(r.status)) open = true;
    if (r.status === 'pending') pending = true;
  }
  return {
    id: m.id,
    state: m.state,
    expiresAt: m.expiresAt,
    lastChange: last,
    open,
    pending,
    mbox: m.mbox?.length ?? 0,
    recipients: m.recipients.length,
  };
}

/** Messages with fewer recipients are rewritten whole on a recipient's change (updateRecipient). */
export const RECORD_MIN_RECIPIENTS = 8;

export interface MessageStoreOptions {
  /** Whole messages (state and recipients) kept in memory besides the index (default 1024). */
  cacheMessages?: number;
  /** PDU bytes kept in memory for retrievals that follow the notification (default 4 MiB). */
  cachePduBytes?: number;
}

/** What the store holds in memory (for tests and benchmarks). */
export interface MessageStoreResidency {
  messages: number;
  cachedMessages: number;
  cachedPdus: number;
  cachedPduBytes: number;
}

export class MessageStore {
  private readonly entries = new SummaryTable();
  private readonly tokens = new HashIndex();
  private readonly notifyTids = new HashIndex();
  private readonly transactions = new HashIndex();
  /** MMBox copies by content-location token, and each owner's tokens. */
  private readonly mboxTokens = new HashIndex();
  private readonly mboxOwners = new Map<string, Set<string>>();
  /** Serialises meta rewrites per message. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Serialises the changes of one recipient (`id\0index`), and each message's changes in flight. */
  private readonly recipientChains = new Map<string, Promise<unknown>>();
  private readonly recipientPending = new Map<string, Set<Promise<unknown>>>();
  /** Recently created, read or updated messages, least recently used first. */
  private readonly cache = new Map<string, StoredMessage>();
  private readonly cacheLimit: number;
  /** Recently stored/read PDUs (most retrievals follow the notification within seconds). */
  private readonly pduCache = new Map<string, Uint8Array>();
  private pduCacheBytes = 0;
  private readonly pduCacheLimit: number;

  private constructor(
    private readonly backend: StoreBackend,
    opts: MessageStoreOptions,
  ) {
    this.cacheLimit = Math.max(0, opts.cacheMessages ?? 1024);
    this.pduCacheLimit = Math.max(0, opts.cachePduBytes ?? 4 * 1024 * 1024);
  }

  get root(): string {
    return this.backend.root;
  }

  /**
   * Opens the store on `backend` and rebuilds the index from every committed message's state,
   * one at a time (no body is read, nothing of a message but its summary stays in memory).
   */
  static async open(backend: StoreBackend, opts: MessageStoreOptions = {}): Promise<MessageStore> {
    const s = new MessageStore(backend, opts);
    await backend.forEachMessage((text) => {
      const meta = parseMeta(text);
      if (meta) s.index(meta);
    });
    return s;
  }

  private index(meta: StoredMessage): number {
    const s = this.entries.put(summarize(meta));
    this.transactions.add(txKey(meta.sender, meta.transactionId), s);
    for (const r of meta.recipients) {
      if (r.token) this.tokens.add(r.token, s);
      if (r.notifyTransactionId) this.notifyTids.add(r.notifyTransactionId, s);
    }
    if (meta.mbox) for (const e of meta.mbox) this.indexMbox(s, e);
    return s;
  }

  private indexMbox(s: number, e: MboxEntry): void {
    this.mboxTokens.add(e.token, s);
    let mine = this.mboxOwners.get(e.owner);
    if (!mine) {
      mine = new Set();
      this.mboxOwners.set(e.owner, mine);
    }
    mine.add(e.token);
  }

  private unindexMbox(s: number, e: MboxEntry): void {
    this.mboxTokens.remove(e.token, s);
    const mine = this.mboxOwners.get(e.owner);
    mine?.delete(e.token);
    if (mine?.size === 0) this.mboxOwners.delete(e.owner);
  }

  /** The MMBox copy behind a content-location token. */
  byMboxToken(token: string): { message: StoredMessage; entry: MboxEntry } | undefined {
    for (const s of this.mboxTokens.candidates(token)) {
      const message = this.getAt(s);
      const entry = message?.mbox?.find((e) => e.token === token);
      if (message && entry) return { message, entry };
    }
    return undefined;
  }

  /** Every copy in one subscriber's MMBox, oldest first. */
  mboxOf(owner: string): Array<{ message: StoredMessage; entry: MboxEntry }> {
    const out: Array<{ message: StoredMessage; entry: MboxEntry }> = [];
    for (const token of this.mboxOwners.get(owner) ?? []) {
      const found = this.byMboxToken(token);
      if (found) out.push(found);
    }
    return out.sort(
      (a, b) => a.entry.storedAt - b.entry.storedAt || a.entry.token.localeCompare(b.entry.token),
    );
  }

  get size(): number {
    return this.entries.size;
  }

  /** What every message is in the in-memory index (nothing is read from the backend). */
  summaries(): IterableIterator<MessageSummary> {
    return this.entries.values();
  }

  summary(id: string): MessageSummary | undefined {
    const slot = this.entries.slot(id);
    return slot === undefined ? undefined : this.entries.view(slot);
  }

  /** Every message, each read from the backend as the iteration reaches it (tests, tools). */
  *all(): IterableIterator<StoredMessage> {
    for (const id of this.entries.ids()) {
      const m = this.get(id);
      if (m) yield m;
    }
  }

  /** The message's current state (from the cache, else read from the backend). */
  get(id: string): StoredMessage | undefined {
    if (!this.entries.has(id)) return undefined;
    const hit = this.cache.get(id);
    if (hit) {
      this.cache.delete(id); // most recently used goes last
      this.cache.set(id, hit);
      return hit;
    }
    const text = this.backend.readMeta(id);
    const m = text === undefined ? undefined : parseMeta(text);
    if (m?.id !== id) return undefined;
    this.remember(id, m);
    return m;
  }

  /** The message in index slot `slot` (a candidate of a secondary key). */
  private getAt(slot: number): StoredMessage | undefined {
    const id = this.entries.idOf(slot);
    return id === undefined ? undefined : this.get(id);
  }

  private remember(id: string, m: StoredMessage): void {
    if (this.cacheLimit === 0) return;
    this.cache.delete(id);
    this.cache.set(id, m);
    if (this.cache.size > this.cacheLimit) this.cache.delete(this.cache.keys().next().value!);
  }

  byToken(token: string): { message: StoredMessage; index: number } | undefined {
    for (const s of this.tokens.candidates(token)) {
      const message = this.getAt(s);
      const index = message ? message.recipients.findIndex((r) => r.token === token) : -1;
      if (message && index >= 0) return { message, index };
    }
    return undefined;
  }

  /** The recipient an m-notifyresp-ind / m-acknowledge-ind answers (by the notification's Transaction-Id). */
  byNotifyTransaction(tid: string): { message: StoredMessage; index: number } | undefined {
    for (const s of this.notifyTids.candidates(tid)) {
      const message = this.getAt(s);
      const index = message ? message.recipients.findIndex((r) => r.notifyTransactionId === tid) : -1;
      if (message && index >= 0) return { message, index };
    }
    return undefined;
  }

  byTransaction(sender: string, transactionId: string): StoredMessage | undefined {
    for (const s of this.transactions.candidates(txKey(sender, transactionId))) {
      const message = this.getAt(s);
      if (message && message.sender === sender && message.transactionId === transactionId) return message;
    }
    return undefined;
  }

  /** What the store holds in memory now. */
  residency(): MessageStoreResidency {
    return {
      messages: this.entries.size,
      cachedMessages: this.cache.size,
      cachedPdus: this.pduCache.size,
      cachedPduBytes: this.pduCacheBytes,
    };
  }

  /**
   * Commits a new message durably, with the outbox jobs it needs (Outbox.draft; one atomic record in
   * the journal layout); resolves once it would survive a crash.
   */
  async create(meta: StoredMessage, pdu: Uint8Array, jobs: readonly JobRecord[] = []): Promise<void> {
    if (!isValidId(meta.id)) throw new StoreError(`invalid message id ${JSON.stringify(meta.id)}`);
    if (this.entries.has(meta.id)) throw new StoreError(`message ${meta.id} exists`);
    await this.backend.createMessage(meta.id, JSON.stringify(meta), pdu, jobs);
    this.index(meta);
    this.remember(meta.id, meta);
    this.cachePdu(meta.id, pdu);
  }

  private cachePdu(id: string, pdu: Uint8Array): void {
    if (pdu.length > this.pduCacheLimit / 8) return;
    this.dropPdu(id);
    this.pduCache.set(id, pdu);
    this.pduCacheBytes += pdu.length;
    for (const [k, v] of this.pduCache) {
      if (this.pduCacheBytes <= this.pduCacheLimit && this.pduCache.size <= this.cacheLimit) break;
      this.pduCache.delete(k);
      this.pduCacheBytes -= v.length;
    }
  }

  private dropPdu(id: string): void {
    const cached = this.pduCache.get(id);
    if (!cached) return;
    this.pduCache.delete(id);
    this.pduCacheBytes -= cached.length;
  }

  /** The submitted PDU bytes (read from the backend unless just stored or read). */
  async readPdu(id: string): Promise<Uint8Array> {
    if (!isValidId(id) || !this.entries.has(id)) throw new StoreError(`no message ${id}`);
    const cached = this.pduCache.get(id);
    if (cached) return cached;
    const pdu = await this.backend.readPdu(id);
    this.cachePdu(id, pdu);
    return pdu;
  }

  /**
   * Applies `mutate` to a copy of the message's state and commits it durably. Updates of one
   * message run one after another; the in-memory state changes only once the commit is on
   * disk. A `mutate` that returns `false` changed nothing: no commit, the current state returns.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: callbacks that mutate and return nothing are the common case
  update(id: string, mutate: (m: StoredMessage) => void | false): Promise<StoredMessage> {
    return this.inTurn(id, async () => {
      const current = this.get(id);
      if (!current) throw new StoreError(`no message ${id}`);
      const copy = cloneMessage(current);
      if (mutate(copy) === false) return current; // nothing changed: nothing to write
      await this.backend.writeMeta(id, JSON.stringify(copy));
      const s = this.entries.slot(id);
      if (s === undefined) return copy; // removed meanwhile
      for (const e of current.mbox ?? [])
        if (!copy.mbox?.some((n) => n.token === e.token)) this.unindexMbox(s, e);
      for (const e of copy.mbox ?? []) this.indexMbox(s, e);
      this.entries.write(s, summarize(copy));
      this.remember(id, copy);
      return copy;
    });
  }

  /**
   * Applies `mutate` to a copy of ONE recipient's state and commits just that recipient (a small
   * record, StoreBackend.writeRecipient), not the whole message: no clone, serialisation or
   * re-index of the other recipients, so a message to many recipients costs O(1) per status
   * change. Changes of one recipient run one after another, changes of different recipients of one
   * message concurrently (their records share the journal's group commits); whole-message updates
   * asked before run first, those asked after wait for it. The in-memory state changes once the
   * record is on disk; the message object is the same (its recipients[index] replaced). A `mutate`
   * that returns `false` changed nothing (no write).
   *
   * A message with fewer than RECORD_MIN_RECIPIENTS recipients is rewritten whole instead (as
   * update(), a few hundred bytes): a record of its own per recipient would keep its key resident
   * in the backend's index for the message's lifetime, for no saving.
   */
  updateRecipient(
    id: string,
    index: number,
    // biome-ignore lint/suspicious/noConfusingVoidType: as update()
    mutate: (r: StoredRecipient, m: StoredMessage) => void | false,
  ): Promise<StoredMessage> {
    // Without recipient records the whole message is rewritten: then one change at a time.
    const slot = this.entries.slot(id);
    const few = slot === undefined || this.entries.recipients(slot) < RECORD_MIN_RECIPIENTS;
    if (!this.backend.writeRecipient || few)
      return this.update(id, (m) => (m.recipients[index] ? mutate(m.recipients[index], m) : false));
    const key = `${id}\u0000${index}`;
    const before = [this.chains.get(id), this.recipientChains.get(key)];
    const next = Promise.all(before.map((p) => p?.catch(() => undefined))).then(async () => {
      const current = this.get(id);
      if (!current) throw new StoreError(`no message ${id}`);
      const old = current.recipients[index];
      if (!old) return current;
      const copy: StoredRecipient = old.reported ? { ...old, reported: [...old.reported] } : { ...old };
      if (mutate(copy, current) === false) return current;
      await this.backend.writeRecipient!(id, index, JSON.stringify(copy));
      const s = this.entries.slot(id);
      if (s === undefined) return current; // removed meanwhile
      current.recipients[index] = copy;
      // a copy cached since (read back while this change was being written) gets it too
      const cached = this.cache.get(id);
      if (cached && cached !== current) cached.recipients[index] = copy;
      if (old.token !== copy.token) {
        if (old.token) this.tokens.remove(old.token, s);
        if (copy.token) this.tokens.add(copy.token, s);
      }
      if (old.notifyTransactionId !== copy.notifyTransactionId) {
        if (old.notifyTransactionId) this.notifyTids.remove(old.notifyTransactionId, s);
        if (copy.notifyTransactionId) this.notifyTids.add(copy.notifyTransactionId, s);
      }
      this.entries.write(s, summarize(cached ?? current));
      return current;
    });
    this.recipientChains.set(key, next);
    let pending = this.recipientPending.get(id);
    if (!pending) {
      pending = new Set();
      this.recipientPending.set(id, pending);
    }
    pending.add(next);
    const done = () => {
      if (this.recipientChains.get(key) === next) this.recipientChains.delete(key);
      pending.delete(next);
      if (pending.size === 0 && this.recipientPending.get(id) === pending) this.recipientPending.delete(id);
    };
    void next.then(done, done);
    return next;
  }

  /**
   * Deletes the message if `purge` still says so when its turn in the message's update queue comes
   * (after every update already asked for). Resolves true when it was deleted.
   */
  removeIf(id: string, purge: (m: StoredMessage) => boolean): Promise<boolean> {
    return this.inTurn(id, async () => {
      const current = this.get(id);
      if (!current || !purge(current)) return false;
      await this.remove(id);
      return true;
    });
  }

  /** Runs `work` after every change of message `id` already asked for (one at a time per message). */
  private inTurn<T>(id: string, work: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const rcpts = this.recipientPending.get(id);
    const next = (
      rcpts ? Promise.all([prev, ...rcpts].map((p) => p.catch(() => undefined))) : prev.catch(() => undefined)
    ).then(work);
    this.chains.set(id, next);
    void next
      .finally(() => {
        if (this.chains.get(id) === next) this.chains.delete(id);
      })
      .catch(() => undefined);
    return next;
  }

  /** Deletes a message (its tokens stop resolving at once). */
  async remove(id: string): Promise<void> {
    const s = this.entries.slot(id);
    if (s === undefined || !isValidId(id)) return;
    const m = this.get(id);
    this.entries.delete(id);
    this.cache.delete(id);
    this.dropPdu(id);
    if (m) {
      this.transactions.remove(txKey(m.sender, m.transactionId), s);
      for (const r of m.recipients) {
        if (r.token) this.tokens.remove(r.token, s);
        if (r.notifyTransactionId) this.notifyTids.remove(r.notifyTransactionId, s);
      }
      for (const e of m.mbox ?? []) this.unindexMbox(s, e);
    }
    await this.backend.removeMessage(id);
  }
}

/** A message's state as stored, or undefined when it is not one of ours (left for an operator). */
function parseMeta(text: string): StoredMessage | undefined {
  let meta: StoredMessage;
  try {
    meta = JSON.parse(text) as StoredMessage;
  } catch {
    return undefined; // unreadable state: leave it for an operator
  }
  return meta && typeof meta.id === 'string' && isValidId(meta.id) && Array.isArray(meta.recipients)
    ? meta
    : undefined;
}

/**
 * A deep copy of a message's state, field by field (StoredMessage is plain data: nested
 * objects are originInfo, conf, the recipients and their `reported` lists). Several times
 * cheaper than structuredClone, and updates run a few times per message.
 */
export function cloneMessage(m: StoredMessage): StoredMessage {
  const copy: StoredMessage = {
    ...m,
    conf: { ...m.conf },
    recipients: m.recipients.map((r) => (r.reported ? { ...r, reported: [...r.reported] } : { ...r })),
  };
  if (m.originInfo) copy.originInfo = { ...m.originInfo };
  if (m.mbox) copy.mbox = m.mbox.map((e) => ({ ...e, flags: [...e.flags] }));
  return copy;
}

function txKey(sender: string, transactionId: string): string {
  return `${sender}\u0000${transactionId}`;
}
