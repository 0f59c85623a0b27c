import { describe, expect, it } from 'vitest';
import { internetChecksum, pseudoHeaderSum } from './internet-checksum.ts';

describe('internetChecksum', () => {
  it('matches the RFC 1071 §3 worked example (sum 0xddf2 -> checksum 0x220d)', () => {
    expect(internetChecksum(new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(0x220d);
  });

  it('gives a well-known IPv4 header checksum, and 0 when verified over the filled header', () => {
    const h = Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex');
    const sum = internetChecksum(h);
    expect(sum).toBe(0xb861);
    h.writeUInt16BE(sum, 10);
    expect(internetChecksum(h)).toBe(0);
  });

  it('pads an odd trailing octet with zero and folds carries from a partial sum', () => {
    expect(internetChecksum(new Uint8Array([0xab]))).toBe(~0xab00 & 0xffff);
    const src = new Uint8Array([127, 0, 0, 1]);
    const part = pseudoHeaderSum(src, src, 6, 20);
    expect(internetChecksum(new Uint8Array(0), 0, 0, part)).toBe(
      ~(0x7f00 + 1 + 0x7f00 + 1 + 6 + 20) & 0xffff,
    );
  });
});
