import { isValidId } from '../ids.ts';
import type { StoreBackend } from './store-backend.ts';
import { StoreError } from './store-error.ts';

export { StoreError } from './store-error.ts';

/**
 * The message store: every message's submitted PDU (bytes as received) and its state
 * (StoredMessage), indexed in memory and kept durably by a StoreBackend (a journal with
 * group commit by default, or a directory per message). A message is committed whole or
 * not at all; every state change is durable before it shows in memory.
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

export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly tokens = new Map<string, { id: string; index: number }>();
  private readonly notifyTids = new Map<string, { id: string; index: number }>();
  private readonly transactions = new Map<string, string>();
  /** MMBox copies by content-location token, and each owner's tokens. */
  private readonly mboxTokens = new Map<string, string>();
  private readonly mboxOwners = new Map<string, Set<string>>();
  /** Serialises meta rewrites per message. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Serialises the changes of one recipient (`id\0index`), and each message's changes in flight. */
  private readonly recipientChains = new Map<string, Promise<unknown>>();
  private readonly recipientPending = new Map<string, Set<Promise<unknown>>>();
  /** Recently stored/read PDUs (most retrievals follow the notification within seconds). */
  private readonly pduCache = new Map<string, Uint8Array>();
  private pduCacheBytes = 0;
  private static readonly PDU_CACHE_LIMIT = 32 * 1024 * 1024;

  private constructor(private readonly backend: StoreBackend) {}

  get root(): string {
    return this.backend.root;
  }

  /** Opens the store on `backend` and loads every committed message. */
  static async open(backend: StoreBackend): Promise<MessageStore> {
    const s = new MessageStore(backend);
    for (const text of await backend.loadMessages()) {
      let meta: StoredMessage;
      try {
        meta = JSON.parse(text) as StoredMessage;
      } catch {
        continue; // unreadable state: leave it for an operator
      }
      if (meta && typeof meta.id === 'string' && isValidId(meta.id) && Array.isArray(meta.recipients))
        s.index(meta);
    }
    return s;
  }

  private index(meta: StoredMessage): void {
    this.messages.set(meta.id, meta);
    this.transactions.set(txKey(meta.sender, meta.transactionId), meta.id);
    this.indexRecipients(meta);
  }

  private indexRecipients(meta: StoredMessage): void {
    meta.recipients.forEach((r, index) => {
      if (r.token) this.tokens.set(r.token, { id: meta.id, index });
      if (r.notifyTransactionId) this.notifyTids.set(r.notifyTransactionId, { id: meta.id, index });
    });
    if (meta.mbox) for (const e of meta.mbox) this.indexMbox(meta.id, e);
  }

  private indexMbox(id: string, e: MboxEntry): void {
    this.mboxTokens.set(e.token, id);
    let mine = this.mboxOwners.get(e.owner);
    if (!mine) {
      mine = new Set();
      this.mboxOwners.set(e.owner, mine);
    }
    mine.add(e.token);
  }

  private unindexMbox(e: MboxEntry): void {
    this.mboxTokens.delete(e.token);
    const mine = this.mboxOwners.get(e.owner);
    mine?.delete(e.token);
    if (mine?.size === 0) this.mboxOwners.delete(e.owner);
  }

  /** The MMBox copy behind a content-location token. */
  byMboxToken(token: string): { message: StoredMessage; entry: MboxEntry } | undefined {
    const id = this.mboxTokens.get(token);
    const message = id ? this.messages.get(id) : undefined;
    const entry = message?.mbox?.find((e) => e.token === token);
    return message && entry ? { message, entry } : undefined;
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
    return this.messages.size;
  }

  all(): IterableIterator<StoredMessage> {
    return this.messages.values();
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  byToken(token: string): { message: StoredMessage; index: number } | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    const message = this.messages.get(t.id);
    return message ? { message, index: t.index } : undefined;
  }

  /** The recipient an m-notifyresp-ind / m-acknowledge-ind answers (by the notification's Transaction-Id). */
  byNotifyTransaction(tid: string): { message: StoredMessage; index: number } | undefined {
    const t = this.notifyTids.get(tid);
    if (!t) return undefined;
    const message = this.messages.get(t.id);
    return message ? { message, index: t.index } : undefined;
  }

  byTransaction(sender: string, transactionId: string): StoredMessage | undefined {
    const id = this.transactions.get(txKey(sender, transactionId));
    return id ? this.messages.get(id) : undefined;
  }

  /** Commits a new message durably; resolves once it would survive a crash. */
  async create(meta: StoredMessage, pdu: Uint8Array): Promise<void> {
    if (!isValidId(meta.id)) throw new StoreError(`invalid message id ${JSON.stringify(meta.id)}`);
    if (this.messages.has(meta.id)) throw new StoreError(`message ${meta.id} exists`);
    await this.backend.createMessage(meta.id, JSON.stringify(meta), pdu);
    this.index(meta);
    this.cachePdu(meta.id, pdu);
  }

  private cachePdu(id: string, pdu: Uint8Array): void {
    if (pdu.length > MessageStore.PDU_CACHE_LIMIT / 8) return;
    this.pduCache.delete(id);
    this.pduCache.set(id, pdu);
    this.pduCacheBytes += pdu.length;
    for (const [k, v] of this.pduCache) {
      if (this.pduCacheBytes <= MessageStore.PDU_CACHE_LIMIT) break;
      this.pduCache.delete(k);
      this.pduCacheBytes -= v.length;
    }
  }

  /** The submitted PDU bytes. */
  async readPdu(id: string): Promise<Uint8Array> {
    if (!isValidId(id) || !this.messages.has(id)) throw new StoreError(`no message ${id}`);
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
      const current = this.messages.get(id);
      if (!current) throw new StoreError(`no message ${id}`);
      const copy = cloneMessage(current);
      if (mutate(copy) === false) return current; // nothing changed: nothing to write
      await this.backend.writeMeta(id, JSON.stringify(copy));
      this.messages.set(id, copy);
      for (const e of current.mbox ?? [])
        if (!copy.mbox?.some((n) => n.token === e.token)) this.unindexMbox(e);
      this.indexRecipients(copy);
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
   */
  updateRecipient(
    id: string,
    index: number,
    // biome-ignore lint/suspicious/noConfusingVoidType: as update()
    mutate: (r: StoredRecipient, m: StoredMessage) => void | false,
  ): Promise<StoredMessage> {
    // Without recipient records the whole message is rewritten: then one change at a time.
    if (!this.backend.writeRecipient)
      return this.update(id, (m) => (m.recipients[index] ? mutate(m.recipients[index], m) : false));
    const key = `${id}\u0000${index}`;
    const before = [this.chains.get(id), this.recipientChains.get(key)];
    const next = Promise.all(before.map((p) => p?.catch(() => undefined))).then(async () => {
      const current = this.messages.get(id);
      if (!current) throw new StoreError(`no message ${id}`);
      const old = current.recipients[index];
      if (!old) return current;
      const copy: StoredRecipient = old.reported ? { ...old, reported: [...old.reported] } : { ...old };
      if (mutate(copy, current) === false) return current;
      await this.backend.writeRecipient!(id, index, JSON.stringify(copy));
      current.recipients[index] = copy;
      if (old.token !== copy.token) {
        if (old.token) this.tokens.delete(old.token);
        if (copy.token) this.tokens.set(copy.token, { id, index });
      }
      if (old.notifyTransactionId !== copy.notifyTransactionId) {
        if (old.notifyTransactionId) this.notifyTids.delete(old.notifyTransactionId);
        if (copy.notifyTransactionId) this.notifyTids.set(copy.notifyTransactionId, { id, index });
      }
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
      const current = this.messages.get(id);
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
    const m = this.messages.get(id);
    if (!m || !isValidId(id)) return;
    this.messages.delete(id);
    const cached = this.pduCache.get(id);
    if (cached) {
      this.pduCache.delete(id);
      this.pduCacheBytes -= cached.length;
    }
    // only if it names this message (a later message may have taken the key over)
    const key = txKey(m.sender, m.transactionId);
    if (this.transactions.get(key) === id) this.transactions.delete(key);
    for (const r of m.recipients) {
      if (r.token) this.tokens.delete(r.token);
      if (r.notifyTransactionId) this.notifyTids.delete(r.notifyTransactionId);
    }
    for (const e of m.mbox ?? []) this.unindexMbox(e);
    await this.backend.removeMessage(id);
  }
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
