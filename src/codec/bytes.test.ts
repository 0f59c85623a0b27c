import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './bytes.ts';
import { DecodeError } from './codec-error.ts';

describe('ByteReader / ByteWriter', () => {
  it('reads what the writer wrote', () => {
    const w = new ByteWriter(1)
      .u8(0x8c)
      .u16(0x1234)
      .u32(0xdeadbeef)
      .bytes(new Uint8Array([9, 8]));
    const r = new ByteReader(w.finish());
    expect([r.u8('a'), r.u16('b'), r.u32('c')]).toEqual([0x8c, 0x1234, 0xdeadbeef]);
    expect([...r.bytes(2, 'd')]).toEqual([9, 8]);
    expect(r.atEnd()).toBe(true);
  });

  it('throws one DecodeError with offset and field past the end', () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]));
    r.u16('x');
    try {
      r.u16('Message-Size');
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).toLine()).toBe('offset 2: Message-Size: needs 2 octet(s), 1 left');
    }
  });

  it('sub() confines a reader and shares memory', () => {
    const buf = new Uint8Array([1, 2, 3, 4]);
    const r = new ByteReader(buf);
    const s = r.sub(2, 'part');
    expect(s.bytes(2, 'x').buffer).toBe(buf.buffer);
    expect(() => s.u8('y')).toThrow(DecodeError);
    expect(r.u8('z')).toBe(3);
  });
});
