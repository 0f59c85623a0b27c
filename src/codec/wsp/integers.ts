import type { ByteReader, ByteWriter } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';

/** Short-integer (WAP-230-WSP 8.4.2.1): one octet with the high bit set, value 0..127. */
export function readShortInteger(r: ByteReader, field: string): number {
  const at = r.offset;
  const o = r.u8(field);
  if (o < 0x80) r.fail(field, `expected Short-integer, got 0x${hex(o)}`, at);
  return o & 0x7f;
}

export function writeShortInteger(w: ByteWriter, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 127)
    throw new EncodeError(-1, field, `Short-integer out of range: ${v}`);
  w.u8(v | 0x80);
}

/** Long-integer (8.4.2.1): Short-length (1..30) then that many big-endian octets. Values above 2^53 are refused. */
export function readLongInteger(r: ByteReader, field: string): number {
  const at = r.offset;
  const n = r.u8(field);
  if (n < 1 || n > 30) r.fail(field, `Long-integer length ${n} not in 1..30`, at);
  r.need(n, field);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + r.buf[r.offset + i];
  if (v > Number.MAX_SAFE_INTEGER) r.fail(field, 'Long-integer exceeds 2^53', at);
  r.offset += n;
  return v;
}

export function longIntegerLength(v: number): number {
  let n = 1;
  while (v >= 256) {
    v = Math.floor(v / 256);
    n++;
  }
  return n + 1;
}

export function writeLongInteger(w: ByteWriter, v: number, field: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new EncodeError(-1, field, `Long-integer out of range: ${v}`);
  const n = longIntegerLength(v) - 1;
  w.u8(n);
  for (let i = n - 1; i >= 0; i--) w.u8(Math.floor(v / 256 ** i) & 0xff);
}

/** Integer-value (8.4.2.3) = Short-integer | Long-integer. */
export function readInteger(r: ByteReader, field: string): number {
  const o = r.peek(field);
  if (o >= 0x80) {
    r.offset++;
    return o & 0x7f;
  }
  return readLongInteger(r, field);
}

/** Writes the shortest Integer-value: Short-integer below 128, else Long-integer. */
export function writeInteger(w: ByteWriter, v: number, field: string): void {
  if (Number.isInteger(v) && v >= 0 && v < 128) w.u8(v | 0x80);
  else writeLongInteger(w, v, field);
}

export function integerLength(v: number): number {
  return v >= 0 && v < 128 ? 1 : longIntegerLength(v);
}

export function hex(o: number): string {
  return o.toString(16).toUpperCase().padStart(2, '0');
}
