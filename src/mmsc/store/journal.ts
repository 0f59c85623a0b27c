import {
  closeSync,
  fdatasync as fdatasyncCb,
  fstatSync,
  fsync as fsyncCb,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from '../../util/crc32.ts';
import { flowTrace } from '../flow-trace.ts';
import { JournalIndex, type SlotLocation } from './journal-index.ts';
import { StoreError } from './store-error.ts';

const fdatasync = promisify(fdatasyncCb);
const fsyncAsync = promisify(fsyncCb);

/**
 * An append-only, crash-safe key/value journal with group commit.
 *
 * Files in `dir`: segments `<seq>.log` (appended to; the newest is active) and at most one
 * `<seq>.compact` holding the live records of every segment up to `<seq>` (it supersedes
 * them all: a crash in the middle of a compaction is finished at the next open).
 * Each file starts with the 8-byte magic `MMSCJRN1`, then records:
 *
 *   u32 LE body length | u32 LE CRC-32 of the body | body
 *   body = u16 op count, then per op: u8 kind (1 put, 2 delete), u16 key length, key (UTF-8),
 *          and for a put: u32 value length, value
 *
 * A record is atomic (all its ops apply or none). `commit()` resolves once its record is
 * on disk: records arriving while one write + fdatasync is under way are written together
 * by the next one (group commit), so the disk sees one sync per batch, not one per caller.
 * A lazy commit (CommitOptions.lazy) starts no batch of its own: it goes out with the next one, or
 * after `lazyMs`, for changes whose loss in a crash costs nothing but a little repeated work.
 * A torn or corrupt record at the end of the newest segment (a crash mid-write, never
 * acknowledged) is cut off at open; corruption anywhere else refuses the open.
 */

const MAGIC = Buffer.from('MMSCJRN1', 'latin1');
const RECORD_HEADER = 8;
const PUT = 1;
const DEL = 2;
const MAX_KEY = 0xffff;
const MAX_OPS = 0xffff;

export interface JournalOptions {
  /** fdatasync each batch (default true; off only to measure what durability costs). */
  fsync?: boolean;
  /** Start a new segment once the active one holds this many bytes (default 32 MiB). */
  segmentBytes?: number;
  /** Compact the sealed segments once they hold this much and at most half of it is live (default 64 MiB). */
  compactMinBytes?: number;
  /** Compact anyway once there are this many sealed segments (default 16; each open starts one). */
  compactMaxSegments?: number;
  /** Longest a lazy commit waits for another commit's batch before it starts one (default 20 ms). */
  lazyMs?: number;
}

export interface CommitOptions {
  /**
   * The record need not reach the disk in a batch of its own: it goes out with the next batch
   * another commit starts, or after `lazyMs` at the latest (in commit order either way), and the
   * promise resolves once it is on disk, as for any commit. For changes whose loss in a crash is
   * harmless (a finished job's deletion: the job would run once more and find its work done): one
   * sync fewer per change.
   */
  lazy?: boolean;
}

export type JournalOp = { key: string; value: Uint8Array } | { key: string; value?: undefined };

export interface JournalStats {
  segments: number;
  bytes: number;
  liveBytes: number;
  keys: number;
  /** Records committed since open, and the write+sync batches they went out in. */
  records: number;
  batches: number;
  compactions: number;
  /** What open() cut off the tail of the newest segment (a write interrupted by a crash). */
  recovered?: { file: string; offset: number; droppedBytes: number };
}

interface Segment {
  /** Registry id (JournalIndex columns name segments by it). */
  id: number;
  seq: number;
  file: string;
  fd: number;
  size: number;
  /** Bytes of values still referenced by the index. */
  live: number;
}

interface Pending {
  rec: Buffer;
  ops: JournalOp[];
  /** Each op's key as UTF-8. */
  keys: Buffer[];
  /** Offset of each put's value inside `rec` (-1 for deletes). */
  valueAt: number[];
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Journal {
  /** Where each live key's value lies (no key strings in memory: journal-index.ts). */
  private readonly index = new JournalIndex((seg, off, n) => {
    const out = Buffer.allocUnsafe(n);
    const s = this.byId.get(seg);
    if (!s) throw new StoreError(`journal: no segment ${seg}`);
    readAll(s.fd, out, off);
    return out;
  });
  private readonly byId = new Map<number, Segment>();
  private nextId = 1;
  /** Oldest first. */
  private segments: Segment[] = [];
  /** The segment this run appends to (the last of `segments`), created by the first commit. */
  private writable: Segment | undefined;
  private queue: Pending[] = [];
  /** Records in `queue` that are not lazy (each wants a batch soon). */
  private eager = 0;
  private lazyTimer: NodeJS.Timeout | undefined;
  private readonly lazyMs: number;
  private flushing = false;
  private drained: (() => void) | undefined;
  private compacting: Promise<void> | undefined;
  private closed = false;
  private nextSeq = 1;
  private readonly fsync: boolean;
  private readonly segmentBytes: number;
  private readonly compactMinBytes: number;
  private readonly compactMaxSegments: number;
  private counters = { records: 0, batches: 0, compactions: 0 };
  private recovered: JournalStats['recovered'];
  /** The one read window every segment's replay shares (not one per segment). */
  private window: Buffer | undefined;

  private constructor(
    readonly dir: string,
    opts: JournalOptions,
  ) {
    this.fsync = opts.fsync ?? true;
    this.segmentBytes = opts.segmentBytes ?? 32 * 1024 * 1024;
    this.compactMinBytes = opts.compactMinBytes ?? 64 * 1024 * 1024;
    this.compactMaxSegments = opts.compactMaxSegments ?? 16;
    this.lazyMs = opts.lazyMs ?? 20;
  }

  /** Opens (creating if needed) the journal in `dir`, replaying every committed record. */
  static open(dir: string, opts: JournalOptions = {}): Journal {
    const j = new Journal(dir, opts);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    j.replay();
    return j; // the first commit creates this run's segment (opening costs no sync)
  }

  private replay(): void {
    const names = readdirSync(this.dir);
    const logs: number[] = [];
    const compacts: number[] = [];
    let removed = false;
    for (const name of names) {
      const m = /^(\d{12})\.(log|compact)$/.exec(name);
      if (m) (m[2] === 'log' ? logs : compacts).push(Number(m[1]));
      else if (name.endsWith('.tmp')) {
        rmSync(path.join(this.dir, name), { force: true }); // an unfinished compaction
        removed = true;
      }
    }
    const base = compacts.length > 0 ? Math.max(...compacts) : -1;
    // Leftovers of a compaction that committed (its .compact was renamed into place) but
    // was interrupted before deleting what it replaced.
    for (const seq of compacts.filter((s) => s < base)) {
      unlinkSync(this.fileOf(seq, '.compact'));
      removed = true;
    }
    for (const seq of logs.filter((s) => s <= base)) {
      unlinkSync(this.fileOf(seq, '.log'));
      removed = true;
    }
    if (removed) this.syncDir();
    const files: Array<{ seq: number; suffix: '.log' | '.compact' }> = [];
    if (base >= 0) files.push({ seq: base, suffix: '.compact' });
    for (const seq of logs.filter((s) => s > base).sort((a, b) => a - b)) files.push({ seq, suffix: '.log' });
    files.forEach((f, i) => {
      this.loadSegment(f.seq, f.suffix, i === files.length - 1 && f.suffix === '.log');
    });
    this.window = undefined; // replay done: let it go
    this.nextSeq = Math.max(base, ...logs, 0) + 1;
  }

  private loadSegment(seq: number, suffix: '.log' | '.compact', newest: boolean): void {
    const file = this.fileOf(seq, suffix);
    const fd = openSync(file, 'r+');
    const size = fstatSync(fd).size;
    // read through a window: replay holds one window (or one record) of the file at a time
    const buf = new SegmentReader(fd, size, this.replayWindow());
    const seg = this.register({ seq, file, fd, size, live: 0 });
    const head = buf.bytes(0, Math.min(size, MAGIC.length));
    if (size < MAGIC.length || !head.equals(MAGIC)) {
      // Only the newest segment can be caught half-created by a crash (it holds nothing yet).
      if (newest && size <= MAGIC.length && MAGIC.subarray(0, size).equals(head)) {
        closeSync(fd);
        this.byId.delete(seg.id);
        unlinkSync(file);
        this.syncDir();
        return;
      }
      closeSync(fd);
      this.byId.delete(seg.id);
      throw new StoreError(`journal ${file}: not a journal segment (bad magic)`);
    }
    let off = MAGIC.length;
    while (off < size) {
      const bad = this.replayRecord(buf, off, seg);
      if (typeof bad === 'number') {
        off = bad;
        continue;
      }
      if (!newest) {
        closeSync(fd);
        throw new StoreError(`journal ${file}: ${bad} at offset ${off}`);
      }
      // A record the crash interrupted: it was never acknowledged. Cut it off.
      ftruncateSync(fd, off);
      fsyncSync(fd);
      this.recovered = { file, offset: off, droppedBytes: size - off };
      seg.size = off;
      break;
    }
    this.segments.push(seg);
  }

  /** Applies the record at `off`; returns the next offset, or why the record is unusable. */
  private replayRecord(buf: SegmentReader, off: number, seg: Segment): number | string {
    if (buf.size - off < RECORD_HEADER) return 'torn record header';
    const head = buf.bytes(off, RECORD_HEADER);
    const len = head.readUInt32LE(0);
    const crc = head.readUInt32LE(4);
    const end = off + RECORD_HEADER + len;
    if (end > buf.size) return 'torn record';
    const body = buf.bytes(off + RECORD_HEADER, len);
    if (crc32(body) !== crc) return 'record checksum mismatch';
    const ops = parseBody(body, off + RECORD_HEADER);
    if (typeof ops === 'string') return ops;
    for (const op of ops)
      this.applyLocation(
        body.subarray(op.keyAt, op.keyAt + op.keyLen),
        op.at < 0 ? undefined : { seg: seg.id, off: op.at, len: op.len },
      );
    return end;
  }

  private applyLocation(key: Buffer, loc: SlotLocation | undefined): void {
    const prev = loc ? this.index.set(key, loc) : this.index.delete(key);
    if (prev) {
      const s = this.byId.get(prev.seg);
      if (s) s.live -= prev.len;
    }
    if (loc) this.byId.get(loc.seg)!.live += loc.len;
  }

  private register(seg: Omit<Segment, 'id'>): Segment {
    const s: Segment = { id: this.nextId++, ...seg };
    this.byId.set(s.id, s);
    return s;
  }

  private replayWindow(): Buffer {
    this.window ??= Buffer.allocUnsafeSlow(REPLAY_WINDOW);
    return this.window;
  }

  private fileOf(seq: number, suffix: string): string {
    return path.join(this.dir, `${String(seq).padStart(12, '0')}${suffix}`);
  }

  /** A new segment to append to; durable (file and directory entry synced) before use. */
  private async createSegment(): Promise<Segment> {
    const seq = this.nextSeq++;
    const file = this.fileOf(seq, '.log');
    const fd = openSync(file, 'wx+', 0o600);
    try {
      writeAll(fd, MAGIC, 0);
      if (this.fsync) {
        await fsyncAsync(fd);
        await this.syncDirAsync();
      }
    } catch (e) {
      closeSync(fd);
      rmSync(file, { force: true });
      throw e;
    }
    return this.register({ seq, file, fd, size: MAGIC.length, live: 0 });
  }

  private async syncDirAsync(): Promise<void> {
    const fh = await open(this.dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  private syncDir(): void {
    if (!this.fsync) return;
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  has(key: string): boolean {
    return this.index.find(Buffer.from(key, 'utf8')) >= 0;
  }

  /**
   * Keys currently present (as of the call), optionally only those starting with `prefix`; each is
   * read back from its record (the index keeps no key strings).
   */
  *keys(prefix = ''): IterableIterator<string> {
    const first = prefix.length > 0 ? Buffer.from(prefix, 'utf8')[0] : undefined;
    for (const slot of this.index.slots(first)) {
      const key = this.index.keyOf(slot).toString('utf8');
      if (key.startsWith(prefix)) yield key;
    }
  }

  /**
   * Keys and values present (as of the call) whose key starts with `prefix`, each read with one
   * read of its record (what a full scan at open uses: no lookup per key).
   */
  *entries(prefix = ''): IterableIterator<{ key: string; value: Buffer }> {
    const want = Buffer.from(prefix, 'utf8');
    for (const slot of this.index.slots(want.length > 0 ? want[0] : undefined)) {
      if (!this.index.live(slot)) continue; // deleted since the call
      const { key, value } = this.index.entry(slot);
      if (key.length >= want.length && key.subarray(0, want.length).equals(want))
        yield { key: key.toString('utf8'), value };
    }
  }

  /** The committed value of `key` (read from its segment; the page cache usually has it). */
  get(key: string): Buffer | undefined {
    const slot = this.index.find(Buffer.from(key, 'utf8'));
    if (slot < 0) return undefined;
    const loc = this.index.location(slot);
    const out = Buffer.allocUnsafe(loc.len);
    readAll(this.byId.get(loc.seg)!.fd, out, loc.off);
    return out;
  }

  /** Appends one atomic record; resolves once it is durable (rejects with StoreError if not). */
  commit(ops: JournalOp[], opts: CommitOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError('journal is closed'));
    let encoded: { rec: Buffer; valueAt: number[]; keys: Buffer[] };
    try {
      encoded = encodeRecord(ops);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...encoded, ops, resolve, reject });
      if (!opts.lazy) this.eager += 1;
      this.kick();
    });
  }

  /** Starts a batch for the records queued (or, when all of them are lazy, arms the lazy timer). */
  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    if (this.eager > 0) {
      this.flushing = true;
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
      // Let every commit of this event-loop turn join the first batch.
      setImmediate(() => void this.flush());
    } else {
      this.lazyTimer ??= setTimeout(() => {
        this.lazyTimer = undefined;
        if (this.flushing || this.queue.length === 0) return;
        this.flushing = true;
        void this.flush();
      }, this.lazyMs);
    }
  }

  private async flush(): Promise<void> {
    // one batch at least (a lazy timer's), then more while eager records keep arriving
    do {
      const batch = this.queue;
      this.queue = [];
      this.eager = 0;
      let base = 0;
      let active: Segment;
      const bytes = batch.length === 1 ? batch[0].rec : Buffer.concat(batch.map((b) => b.rec));
      try {
        if (!this.writable || this.writable.size >= this.segmentBytes) {
          this.writable = await this.createSegment();
          this.segments.push(this.writable);
        }
        active = this.writable;
        base = active.size;
        writeAll(active.fd, bytes, base);
        if (this.fsync) {
          const t = flowTrace ? performance.now() : 0;
          await fdatasync(active.fd);
          flowTrace?.sync(performance.now() - t, batch.length);
        }
      } catch (e) {
        // Nothing of this batch is acknowledged; cut a partial write so later records follow whole ones.
        try {
          if (this.writable) ftruncateSync(this.writable.fd, this.writable.size);
        } catch {
          // the next open cuts the torn tail instead
        }
        const err = new StoreError(`journal write failed: ${e instanceof Error ? e.message : String(e)}`);
        for (const b of batch) b.reject(err);
        continue;
      }
      active.size = base + bytes.length;
      this.counters.batches += 1;
      this.counters.records += batch.length;
      let off = base;
      for (const b of batch) {
        b.ops.forEach((op, i) => {
          this.applyLocation(
            b.keys[i],
            op.value === undefined
              ? undefined
              : { seg: active.id, off: off + b.valueAt[i], len: op.value.length },
          );
        });
        off += b.rec.length;
        b.resolve();
      }
      this.maybeCompact();
    } while (this.eager > 0);
    this.flushing = false;
    if (!this.closed) this.kick(); // lazy records left: their timer
    this.drained?.();
  }

  private maybeCompact(): void {
    if (this.compacting || this.closed) return;
    const sealed = this.segments.filter((seg) => seg !== this.writable);
    if (sealed.length === 0) return;
    let total = 0;
    let live = 0;
    for (const s of sealed) {
      total += s.size;
      live += s.live;
    }
    const wasteful = total >= this.compactMinBytes && live * 2 <= total;
    if (!wasteful && sealed.length < this.compactMaxSegments) return;
    this.compacting = this.compact(sealed)
      .catch(() => undefined) // a failed compaction leaves the sealed segments as they were
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /**
   * Copies the live records of `sealed` into `<newest sealed seq>.compact` (written under a
   * temporary name, synced, renamed), then deletes them. Commits go on meanwhile: a key
   * changed during the copy keeps its newer location (in a later segment, replayed after).
   */
  private async compact(sealed: Segment[]): Promise<void> {
    const inSealed = new Set(sealed.map((s) => s.id));
    const seq = sealed[sealed.length - 1].seq;
    const final = this.fileOf(seq, '.compact');
    const tmp = `${final}.tmp`;
    const fd = openSync(tmp, 'w+', 0o600);
    const out = this.register({ seq, file: final, fd, size: 0, live: 0 });
    // per value copied: slot, segment, offset, length where it lay, its offset in `out` (no object per key)
    const moved: number[] = [];
    try {
      writeAll(fd, MAGIC, 0);
      out.size = MAGIC.length;
      let ops: JournalOp[] = [];
      let from: number[] = [];
      let bytes = 0;
      const emit = async () => {
        if (ops.length === 0) return;
        const { rec, valueAt } = encodeRecord(ops);
        writeAll(fd, rec, out.size);
        ops.forEach((_, i) => {
          moved.push(from[4 * i], from[4 * i + 1], from[4 * i + 2], from[4 * i + 3], out.size + valueAt[i]);
        });
        out.size += rec.length;
        ops = [];
        from = [];
        bytes = 0;
        await new Promise((r) => setImmediate(r)); // keep serving between chunks
      };
      for (const slot of this.index.slots()) {
        // read now (commits go on between chunks): skip what was deleted or rewritten since
        if (!this.index.live(slot)) continue;
        const at = this.index.location(slot);
        if (!inSealed.has(at.seg)) continue;
        const { key, value } = this.index.entry(slot);
        ops.push({ key: key.toString('utf8'), value });
        from.push(slot, at.seg, at.off, at.len);
        bytes += at.len;
        if (bytes >= 1024 * 1024 || ops.length >= 4096) await emit();
      }
      await emit();
      if (this.fsync) await fsyncAsync(fd);
      renameSync(tmp, final);
      this.syncDir();
    } catch {
      closeSync(fd);
      this.byId.delete(out.id);
      rmSync(tmp, { force: true });
      return; // the sealed segments stay; the next batch tries again
    }
    for (let i = 0; i < moved.length; i += 5) {
      const len = moved[i + 3];
      const from = { seg: moved[i + 1], off: moved[i + 2], len };
      // changed meanwhile: the newer record wins
      if (this.index.move(moved[i], from, { seg: out.id, off: moved[i + 4], len })) out.live += len;
    }
    this.segments = [out, ...this.segments.filter((s) => !inSealed.has(s.id))];
    for (const s of sealed) {
      this.byId.delete(s.id);
      closeSync(s.fd);
      // A recompacted .compact was just replaced by its successor of the same name: keep that one.
      // Anything left behind is superseded by the new .compact and removed at the next open.
      if (s.file !== final) rmSync(s.file, { force: true });
    }
    try {
      this.syncDir();
    } catch {
      // the unlinks may be undone by a crash: the next open removes the files again
    }
    this.counters.compactions += 1;
  }

  stats(): JournalStats {
    let bytes = 0;
    let liveBytes = 0;
    for (const s of this.segments) {
      bytes += s.size;
      liveBytes += s.live;
    }
    return {
      segments: this.segments.length,
      bytes,
      liveBytes,
      keys: this.index.size,
      ...this.counters,
      ...(this.recovered ? { recovered: this.recovered } : {}),
    };
  }

  /** Waits for pending commits and a running compaction, then closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true; // new commits are refused; queued ones still go out
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    if (this.flushing) await new Promise<void>((r) => (this.drained = r));
    if (this.queue.length > 0) {
      this.flushing = true;
      await this.flush(); // lazy records still queued
    }
    await this.compacting;
    for (const s of this.segments) closeSync(s.fd);
    this.segments = [];
    this.writable = undefined;
    this.index.clear();
    this.byId.clear();
  }
}

function encodeRecord(ops: JournalOp[]): { rec: Buffer; valueAt: number[]; keys: Buffer[] } {
  if (ops.length === 0 || ops.length > MAX_OPS) throw new StoreError(`a record holds 1..${MAX_OPS} ops`);
  const keys = ops.map((op) => Buffer.from(op.key, 'utf8'));
  let len = 2;
  ops.forEach((op, i) => {
    if (keys[i].length === 0 || keys[i].length > MAX_KEY)
      throw new StoreError(`journal key length ${keys[i].length}`);
    len += 3 + keys[i].length + (op.value === undefined ? 0 : 4 + op.value.length);
  });
  const rec = Buffer.allocUnsafe(RECORD_HEADER + len);
  rec.writeUInt32LE(len, 0);
  let p = RECORD_HEADER;
  rec.writeUInt16LE(ops.length, p);
  p += 2;
  const valueAt: number[] = [];
  ops.forEach((op, i) => {
    rec[p] = op.value === undefined ? DEL : PUT;
    rec.writeUInt16LE(keys[i].length, p + 1);
    p += 3;
    p += keys[i].copy(rec, p);
    if (op.value === undefined) {
      valueAt.push(-1);
      return;
    }
    rec.writeUInt32LE(op.value.length, p);
    p += 4;
    valueAt.push(p);
    rec.set(op.value, p);
    p += op.value.length;
  });
  rec.writeUInt32LE(crc32(rec.subarray(RECORD_HEADER)), 4);
  return { rec, valueAt, keys };
}

/** An op of a record: its key at `keyAt` of the body, its value at file offset `at` (-1: a delete). */
interface ParsedOp {
  keyAt: number;
  keyLen: number;
  at: number;
  len: number;
}

/** The ops of a record body at file offset `at`; a string says why the body is malformed. */
function parseBody(body: Buffer, at: number): ParsedOp[] | string {
  if (body.length < 2) return 'record without op count';
  const n = body.readUInt16LE(0);
  const ops: ParsedOp[] = [];
  let p = 2;
  for (let i = 0; i < n; i++) {
    if (body.length - p < 3) return `op ${i}: truncated`;
    const kind = body[p];
    const keyLen = body.readUInt16LE(p + 1);
    p += 3;
    if ((kind !== PUT && kind !== DEL) || keyLen === 0 || body.length - p < keyLen)
      return `op ${i}: bad kind or key`;
    const keyAt = p;
    p += keyLen;
    if (kind === DEL) {
      ops.push({ keyAt, keyLen, at: -1, len: 0 });
      continue;
    }
    if (body.length - p < 4) return `op ${i}: truncated value length`;
    const len = body.readUInt32LE(p);
    p += 4;
    if (body.length - p < len) return `op ${i}: truncated value`;
    ops.push({ keyAt, keyLen, at: at + p, len });
    p += len;
  }
  if (p !== body.length) return 'trailing bytes in record';
  return ops;
}

/**
 * Reads a segment at open through one window of REPLAY_WINDOW bytes (a record larger than that
 * is read alone), so replaying a store of any size holds a few MiB of it at a time.
 */
class SegmentReader {
  private start = 0;
  private filled = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly window: Buffer,
  ) {}

  /** Bytes [off, off + n) of the file (within its size); valid until the next call. */
  bytes(off: number, n: number): Buffer {
    if (off >= this.start && off + n <= this.start + this.filled)
      return this.window.subarray(off - this.start, off - this.start + n);
    if (n > this.window.length) {
      const out = Buffer.allocUnsafe(n);
      readAll(this.fd, out, off);
      return out;
    }
    const want = Math.min(this.window.length, this.size - off);
    readAll(this.fd, this.window.subarray(0, want), off);
    this.start = off;
    this.filled = want;
    return this.window.subarray(0, n);
  }
}

const REPLAY_WINDOW = 4 * 1024 * 1024;

function readAll(fd: number, out: Buffer, position: number): void {
  let got = 0;
  while (got < out.length) {
    const n = readSync(fd, out, got, out.length - got, position + got);
    if (n === 0) throw new StoreError(`journal read past end of segment at ${position + got}`);
    got += n;
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
