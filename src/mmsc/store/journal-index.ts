/**
 * The journal's index: where each live key's current value lies, in fixed-size columns (about
 * 23 bytes per key plus one small-integer Map entry), with no key string kept in memory.
 *
 * A key is found by a 30-bit hash of its UTF-8 bytes (an open-addressing table of slot numbers,
 * at most 70% full, 4 bytes a cell); every candidate is confirmed against the key bytes written in
 * the record just before its value (`u16 key length | key | u32 value length | value`, journal.ts),
 * so a hash collision costs one extra read, never a wrong answer. Nothing of it is a JS object per
 * key: the garbage collector never walks it, and building it at open promotes nothing.
 */
export interface SlotLocation {
  /** Id of the segment (Journal's registry). */
  seg: number;
  /** File offset of the value. */
  off: number;
  len: number;
}

/** Reads `n` bytes at `off` of segment `seg`. */
export type SegmentRead = (seg: number, off: number, n: number) => Buffer;

const FREE = 0;

const EMPTY = 0;
const GONE = -1;

export class JournalIndex {
  /** Cells: slot + 1, EMPTY or GONE (a tombstone). */
  private table = new Int32Array(2048);
  /** Cells EMPTY no more. */
  private used = 0;
  private hashes = new Uint32Array(1024);
  private segs = new Uint32Array(1024);
  private offs = new Float64Array(1024);
  private lens = new Uint32Array(1024);
  /** Key length in bytes; 0 marks a free slot. */
  private keyLens = new Uint16Array(1024);
  /** First byte of the key (a prefix filter for keys() that needs no read). */
  private tags = new Uint8Array(1024);
  private top = 0;
  private readonly free: number[] = [];
  private count = 0;

  constructor(private readonly read: SegmentRead) {}

  get size(): number {
    return this.count;
  }

  /** The slot of `key` (UTF-8 bytes), or -1. */
  find(key: Buffer): number {
    const c = this.cellOf(key, hashBytes(key));
    return c < 0 ? -1 : this.table[c] - 1;
  }

  /** The cell holding `key`, or -1. */
  private cellOf(key: Buffer, h: number): number {
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.table[i];
      if (v === EMPTY) return -1;
      if (v !== GONE && this.hashes[v - 1] === h && this.holds(v - 1, key)) return i;
    }
  }

  /** Points `key` at a new location; returns what it pointed at before (for live-byte accounting). */
  set(key: Buffer, loc: SlotLocation): SlotLocation | undefined {
    const s = this.find(key);
    if (s >= 0) {
      const prev = this.location(s);
      this.place(s, loc);
      return prev;
    }
    const slot = this.allocate();
    this.place(slot, loc);
    this.keyLens[slot] = key.length;
    this.tags[slot] = key[0];
    const h = hashBytes(key);
    this.hashes[slot] = h;
    const mask = this.table.length - 1;
    let i = h & mask;
    while (this.table[i] !== EMPTY && this.table[i] !== GONE) i = (i + 1) & mask;
    if (this.table[i] === EMPTY) this.used += 1;
    this.table[i] = slot + 1;
    this.count += 1;
    if (this.used * 10 > this.table.length * 7) this.rehash();
    return undefined;
  }

  /** Forgets `key`; returns where its value was. */
  delete(key: Buffer): SlotLocation | undefined {
    const c = this.cellOf(key, hashBytes(key));
    if (c < 0) return undefined;
    const s = this.table[c] - 1;
    const was = this.location(s);
    this.table[c] = GONE;
    this.keyLens[s] = FREE;
    this.free.push(s);
    this.count -= 1;
    return was;
  }

  /** Whether `slot` holds a key. */
  live(slot: number): boolean {
    return this.keyLens[slot] !== FREE;
  }

  location(slot: number): SlotLocation {
    return { seg: this.segs[slot], off: this.offs[slot], len: this.lens[slot] };
  }

  /** Moves a slot's value (compaction), only if it still lies at `from` (not changed meanwhile). */
  move(slot: number, from: SlotLocation, to: SlotLocation): boolean {
    if (this.keyLens[slot] === FREE || this.segs[slot] !== from.seg || this.offs[slot] !== from.off)
      return false;
    this.place(slot, to);
    return true;
  }

  /** Slots in use whose key starts with byte `tag` (any when undefined), as a snapshot. */
  slots(tag?: number): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.top; s++)
      if (this.keyLens[s] !== FREE && (tag === undefined || this.tags[s] === tag)) out.push(s);
    return out;
  }

  /** The key bytes and the value of a slot in use (one read). */
  entry(slot: number): { key: Buffer; value: Buffer } {
    const kl = this.keyLens[slot];
    const off = this.offs[slot];
    const len = this.lens[slot];
    const bytes = this.read(this.segs[slot], off - 4 - kl, kl + 4 + len);
    return { key: bytes.subarray(0, kl), value: bytes.subarray(kl + 4) };
  }

  /** The key bytes of a slot in use. */
  keyOf(slot: number): Buffer {
    const kl = this.keyLens[slot];
    return this.read(this.segs[slot], this.offs[slot] - 4 - kl, kl);
  }

  clear(): void {
    this.table = new Int32Array(2048);
    this.used = 0;
    this.top = 0;
    this.free.length = 0;
    this.count = 0;
    this.keyLens.fill(FREE);
  }

  private holds(slot: number, key: Buffer): boolean {
    return this.keyLens[slot] === key.length && this.keyOf(slot).equals(key);
  }

  private place(slot: number, loc: SlotLocation): void {
    this.segs[slot] = loc.seg;
    this.offs[slot] = loc.off;
    this.lens[slot] = loc.len;
  }

  private allocate(): number {
    const s = this.free.pop();
    if (s !== undefined) return s;
    if (this.top === this.keyLens.length) this.grow();
    return this.top++;
  }

  /** Drops tombstones; doubles (or halves) the table to be between 1/8 and 1/2 full. */
  private rehash(): void {
    let cells = this.table.length;
    while (this.count * 2 > cells) cells *= 2;
    while (cells > 2048 && this.count * 8 < cells) cells /= 2;
    const old = this.table;
    this.table = new Int32Array(cells);
    const mask = cells - 1;
    for (const v of old) {
      if (v === EMPTY || v === GONE) continue;
      let i = this.hashes[v - 1] & mask;
      while (this.table[i] !== EMPTY) i = (i + 1) & mask;
      this.table[i] = v;
    }
    this.used = this.count;
  }

  private grow(): void {
    const n = this.keyLens.length * 2;
    const more = <A extends Int32Array | Uint32Array | Float64Array | Uint16Array | Uint8Array>(
      a: A,
      make: (n: number) => A,
    ): A => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.hashes = more(this.hashes, (k) => new Uint32Array(k));
    this.segs = more(this.segs, (k) => new Uint32Array(k));
    this.offs = more(this.offs, (k) => new Float64Array(k));
    this.lens = more(this.lens, (k) => new Uint32Array(k));
    this.keyLens = more(this.keyLens, (k) => new Uint16Array(k));
    this.tags = more(this.tags, (k) => new Uint8Array(k));
  }
}

/** FNV-1a over the bytes, cut to 30 bits (a small integer: a Map key without allocation). */
export function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 2;
}
