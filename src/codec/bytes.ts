import { DecodeError } from './codec-error.ts';

/**
 * Bounds-checked cursor over a byte string. Every read either succeeds or throws one
 * DecodeError naming the offset and the field being read, which is what makes the
 * decoders built on it total. `sub()` views share memory: no body bytes are copied.
 */
export class ByteReader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.offset = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  atEnd(): boolean {
    return this.offset >= this.end;
  }

  fail(field: string, reason: string, at = this.offset): never {
    throw new DecodeError(at, field, reason);
  }

  need(n: number, field: string): void {
    if (n < 0 || this.offset + n > this.end) {
      this.fail(field, `needs ${n} octet(s), ${Math.max(0, this.end - this.offset)} left`);
    }
  }

  peek(field: string): number {
    this.need(1, field);
    return this.buf[this.offset];
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.offset++];
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.buf[this.offset] << 8) | this.buf[this.offset + 1];
    this.offset += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.buf;
    const o = this.offset;
    this.offset += 4;
    return ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
  }

  /** A view of the next n octets (no copy). */
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** A reader over the next n octets; this reader skips past them. */
  sub(n: number, field: string): ByteReader {
    this.need(n, field);
    const r = new ByteReader(this.buf, this.offset, this.offset + n);
    this.offset += n;
    return r;
  }

  /** Index of the next `value` octet at or after the cursor, or -1. */
  indexOf(value: number): number {
    for (let i = this.offset; i < this.end; i++) if (this.buf[i] === value) return i;
    return -1;
  }
}

/** Growable output buffer for encoders. Use the codec's encodingLength first where cheap; this grows otherwise. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf[this.length++] = (v >>> 24) & 0xff;
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** The written octets (a view; copy if the writer is reused). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * A ByteWriter that keeps no octets, only their count: an encoder's own write path run as a
 * measuring pass gives that codec's encodingLength (the dns-packet convention) from the same
 * table and value codecs as the encoding, so the two cannot disagree. Body octets are counted,
 * never copied. `finish()` is empty: nothing reads a counter's output.
 */
export class ByteCounter extends ByteWriter {
  constructor() {
    super(0);
  }

  override u8(_v: number): this {
    this.length += 1;
    return this;
  }

  override u16(_v: number): this {
    this.length += 2;
    return this;
  }

  override u32(_v: number): this {
    this.length += 4;
    return this;
  }

  override bytes(b: Uint8Array): this {
    this.length += b.length;
    return this;
  }

  override finish(): Uint8Array {
    return new Uint8Array(0);
  }
}
