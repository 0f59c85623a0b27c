import type { ByteReader, ByteWriter } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';

/** Uintvar (WAP-230-WSP 8.1.2): 7 bits per octet, high bit = continue; at most 5 octets, 32-bit value. */
export function readUintvar(r: ByteReader, field = 'uintvar'): number {
  const start = r.offset;
  let v = 0;
  for (let i = 0; i < 5; i++) {
    const o = r.u8(field);
    v = v * 128 + (o & 0x7f);
    if ((o & 0x80) === 0) {
      if (v > 0xffffffff) r.fail(field, 'uintvar exceeds 32 bits', start);
      return v;
    }
  }
  return r.fail(field, 'uintvar longer than 5 octets', start);
}

export function uintvarLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

export function writeUintvar(w: ByteWriter, v: number, field = 'uintvar'): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
    throw new EncodeError(-1, field, `uintvar out of range: ${v}`);
  const n = uintvarLength(v);
  for (let i = n - 1; i >= 0; i--) {
    const septet = Math.floor(v / 128 ** i) & 0x7f;
    w.u8(i === 0 ? septet : septet | 0x80);
  }
}
