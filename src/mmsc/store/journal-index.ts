/**
 * The journal's index: where each live key's current value lies, in fixed-size columns (about
 * 23 bytes per key plus one small-integer Map entry), with no key string kept in memory.
 *
 * A key is found by a 30-bit hash of its UTF-8 bytes (a Map from hash to the first slot of a
 * chain); every candidate is confirmed against the key bytes written in the record just before
 * its value (`u16 key length | key | u32 value length | value`, journal.ts), so a hash collision
 * costs one extra read, never a wrong answer.
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

export class JournalIndex {
  private readonly heads = new Map<number, number>();
  private next = new Int32Array(1024);
  private segs = new Uint32Array(1024);
  private offs = new Float64Array(1024);
  private lens = new Uint32Array(1024);
  /** Key length in bytes; 0 marks a free slot. */
  private keyLens = new Uint16Array(1024);
  /** First byte of the key (a prefix filter for keys() that needs no read). */
  private tags = new Uint8Array(1024);
  private top = 0;
  private freeHead = -1;
  private count = 0;

  constructor(private readonly read: SegmentRead) {}

  get size(): number {
    return this.count;
  }

  /** The slot of `key` (UTF-8 bytes), or -1. */
  find(key: Buffer): number {
    const h = hashBytes(key);
    for (let s = this.heads.get(h) ?? -1; s >= 0; s = this.next[s]) if (this.holds(s, key)) return s;
    return -1;
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
    this.next[slot] = this.heads.get(h) ?? -1;
    this.heads.set(h, slot);
    this.count += 1;
    return undefined;
  }

  /** Forgets `key`; returns where its value was. */
  delete(key: Buffer): SlotLocation | undefined {
    const h = hashBytes(key);
    let prev = -1;
    for (let s = this.heads.get(h) ?? -1; s >= 0; prev = s, s = this.next[s]) {
      if (!this.holds(s, key)) continue;
      const was = this.location(s);
      if (prev >= 0) this.next[prev] = this.next[s];
      else if (this.next[s] >= 0) this.heads.set(h, this.next[s]);
      else this.heads.delete(h);
      this.keyLens[s] = FREE;
      this.next[s] = this.freeHead;
      this.freeHead = s;
      this.count -= 1;
      return was;
    }
    return undefined;
  }

  location(slot: number): SlotLocation {
    return { seg: this.segs[slot], off: this.offs[slot], len: this.lens[slot] };
  }

  /** Moves a slot's value (compaction), only if it still lies at `from` (not changed meanwhile). */
  move(slot: number, from: SlotLocation, to: SlotLocation): boolean {
    if (this.keyLens[slot] === FREE || this.segs[slot] !== from.seg || this.offs[slot] !== from.off) return false;
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
    this.heads.clear();
    this.top = 0;
    this.freeHead = -1;
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
    if (this.freeHead >= 0) {
      const s = this.freeHead;
      this.freeHead = this.next[s];
      return s;
    }
    if (this.top === this.keyLens.length) this.grow();
    return this.top++;
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
    this.next = more(this.next, (k) => new Int32Array(k));
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
