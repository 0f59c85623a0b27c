/**
 * The message store's in-memory index in fixed-size columns: one slot per stored message (its id
 * string, and 28 bytes of state, times and counts), and secondary keys as 30-bit hashes in an
 * open-addressing table of 8 bytes per cell. No object is kept per message; MessageSummary views
 * are made on demand.
 */
export type MessageState = 'active' | 'cancelled' | 'expired';

/** What the store keeps in memory of each message (see message-store.ts). */
export interface MessageSummary {
  readonly id: string;
  readonly state: MessageState;
  /** X-Mms-Expiry as epoch ms. */
  readonly expiresAt: number;
  /** When anything last changed: receipt, a state change or a recipient's status. */
  readonly lastChange: number;
  /** Some recipient is still in an OPEN status (to be delivered, not yet answered). */
  readonly open: boolean;
  /** Some recipient is still `pending` (its delivery job must exist). */
  readonly pending: boolean;
  /** Copies in MMBoxes. */
  readonly mbox: number;
  /** How many recipients it has. */
  readonly recipients: number;
}

const STATES: readonly MessageState[] = ['active', 'cancelled', 'expired'];
const OPEN_FLAG = 1;
const PENDING_FLAG = 2;

/** Summaries by message id, one slot each. */
export class SummaryTable {
  private readonly slotOf = new Map<string, number>();
  private idAt: Array<string | undefined> = [];
  private states = new Uint8Array(1024);
  private flags = new Uint8Array(1024);
  private mboxes = new Uint32Array(1024);
  private rcpts = new Uint32Array(1024);
  private expires = new Float64Array(1024);
  private changed = new Float64Array(1024);
  private readonly free: number[] = [];

  get size(): number {
    return this.slotOf.size;
  }

  slot(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Adds (or refreshes) a message's summary; returns its slot. */
  put(s: MessageSummary): number {
    let slot = this.slotOf.get(s.id);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.idAt.length;
      if (slot === this.idAt.length) {
        this.idAt.push(s.id);
        if (slot >= this.states.length) this.grow();
      } else this.idAt[slot] = s.id;
      this.slotOf.set(s.id, slot);
    }
    this.write(slot, s);
    return slot;
  }

  /** Overwrites the summary in `slot`. */
  write(slot: number, s: MessageSummary): void {
    this.states[slot] = STATES.indexOf(s.state);
    this.flags[slot] = (s.open ? OPEN_FLAG : 0) | (s.pending ? PENDING_FLAG : 0);
    this.mboxes[slot] = s.mbox;
    this.rcpts[slot] = s.recipients;
    this.expires[slot] = s.expiresAt;
    this.changed[slot] = s.lastChange;
  }

  delete(id: string): number | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    this.slotOf.delete(id);
    this.idAt[slot] = undefined;
    this.free.push(slot);
    return slot;
  }

  idOf(slot: number): string | undefined {
    return this.idAt[slot];
  }

  recipients(slot: number): number {
    return this.rcpts[slot];
  }

  /** A snapshot of the summary in `slot` (a new object each call). */
  view(slot: number): MessageSummary | undefined {
    const id = this.idAt[slot];
    if (id === undefined) return undefined;
    const f = this.flags[slot];
    return {
      id,
      state: STATES[this.states[slot]] ?? 'active',
      expiresAt: this.expires[slot],
      lastChange: this.changed[slot],
      open: (f & OPEN_FLAG) !== 0,
      pending: (f & PENDING_FLAG) !== 0,
      mbox: this.mboxes[slot],
      recipients: this.rcpts[slot],
    };
  }

  /** Every summary, each made as the iteration reaches it (messages added meanwhile may show). */
  *values(): IterableIterator<MessageSummary> {
    for (const slot of this.slotOf.values()) {
      const v = this.view(slot);
      if (v) yield v;
    }
  }

  /** Every message id (a snapshot). */
  ids(): string[] {
    return [...this.slotOf.keys()];
  }

  private grow(): void {
    const n = this.states.length * 2;
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    const u32 = (a: Uint32Array) => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.states = u8(this.states);
    this.flags = u8(this.flags);
    this.mboxes = u32(this.mboxes);
    this.rcpts = u32(this.rcpts);
    this.expires = f64(this.expires);
    this.changed = f64(this.changed);
  }
}

const EMPTY = 0;
const GONE = -1;

/**
 * Secondary keys (content-location tokens, notification transaction ids, (sender, transaction
 * id)) to slots, by a 30-bit hash: no key string is kept, the few collisions share the probe
 * sequence, and every hit is confirmed against the message read from the backend. Open
 * addressing over one Int32Array of (hash, slot + 1) pairs, at most 70% full.
 */
export class HashIndex {
  private cells = new Int32Array(2 * 256);
  /** Cells holding an entry or a tombstone. */
  private used = 0;
  private live = 0;

  add(key: string, slot: number): void {
    const h = hashKey(key);
    const mask = this.cells.length / 2 - 1;
    let free = -1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.cells[2 * i + 1];
      if (v === EMPTY) {
        if (free < 0) {
          free = i;
          this.used += 1;
        }
        break;
      }
      if (v === GONE) {
        if (free < 0) free = i;
      } else if (this.cells[2 * i] === h && v === slot + 1) return; // already there
    }
    this.cells[2 * free] = h;
    this.cells[2 * free + 1] = slot + 1;
    this.live += 1;
    if (this.used * 10 > (this.cells.length / 2) * 7) this.rehash();
  }

  remove(key: string, slot: number): void {
    const h = hashKey(key);
    const mask = this.cells.length / 2 - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.cells[2 * i + 1];
      if (v === EMPTY) return;
      if (v === slot + 1 && this.cells[2 * i] === h) {
        this.cells[2 * i + 1] = GONE;
        this.live -= 1;
        return;
      }
    }
  }

  /** Slots of the messages that may hold `key`. */
  candidates(key: string): number[] {
    const h = hashKey(key);
    const mask = this.cells.length / 2 - 1;
    const out: number[] = [];
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.cells[2 * i + 1];
      if (v === EMPTY) return out;
      if (v !== GONE && this.cells[2 * i] === h) out.push(v - 1);
    }
  }

  get size(): number {
    return this.live;
  }

  /** Drops tombstones; doubles (or halves) the table to be between 1/8 and 1/2 full. */
  private rehash(): void {
    const old = this.cells;
    let pairs = old.length / 2;
    while (this.live * 2 > pairs) pairs *= 2;
    while (pairs > 256 && this.live * 8 < pairs) pairs /= 2;
    this.cells = new Int32Array(2 * pairs);
    const mask = pairs - 1;
    for (let j = 0; j < old.length; j += 2) {
      const v = old[j + 1];
      if (v === EMPTY || v === GONE) continue;
      let i = old[j] & mask;
      while (this.cells[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
      this.cells[2 * i] = old[j];
      this.cells[2 * i + 1] = v;
    }
    this.used = this.live;
  }
}

/** FNV-1a over the UTF-16 code units, cut to 30 bits (a small integer key, no allocation). */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 2;
}
