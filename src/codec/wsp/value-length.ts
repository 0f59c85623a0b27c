import type { ByteReader, ByteWriter } from '../bytes.ts';
import { readUintvar, uintvarLength, writeUintvar } from './uintvar.ts';

/**
 * Value-length (WAP-230-WSP 8.4.2.2) = Short-length (0..30) | Length-quote (31) Length (uintvar).
 * The returned length is checked against the octets left in the reader.
 */
export function readValueLength(r: ByteReader, field: string): number {
  const at = r.offset;
  const o = r.u8(field);
  let n: number;
  if (o <= 30) n = o;
  else if (o === 31) n = readUintvar(r, field);
  else return r.fail(field, `expected Value-length, got 0x${o.toString(16).toUpperCase()}`, at);
  if (n > r.remaining) r.fail(field, `Value-length ${n} exceeds the ${r.remaining} octet(s) left`, at);
  return n;
}

/** True when the next octet starts a Value-length (0..31). */
export function isValueLength(o: number): boolean {
  return o <= 31;
}

export function writeValueLength(w: ByteWriter, n: number, field = 'Value-length'): void {
  if (n <= 30 && n >= 0) w.u8(n);
  else {
    w.u8(31);
    writeUintvar(w, n, field);
  }
}

export function valueLengthLength(n: number): number {
  return n <= 30 ? 1 : 1 + uintvarLength(n);
}
