import { describe, expect, it } from 'vitest';
import { readBlocks } from '../../test/support/pcapng-reader.ts';
import { PcapngWriter } from './pcapng-writer.ts';

describe('PcapngWriter', () => {
  it('writes SHB, IDB (Ethernet, if_tsresol) and EPBs with 32-bit padding and lengths at both ends', () => {
    const w = new PcapngWriter({ title: 'run 1', tsresol: 'us' });
    w.packet(1_700_000_000_123_456_789n, new Uint8Array([1, 2, 3, 4, 5]), 'mm1.send.001 / step 2: submit');
    w.packet(1_700_000_000_123_457_000n, new Uint8Array(60));
    const bytes = w.bytes();
    expect(bytes.length % 4).toBe(0);
    expect(w.byteLength).toBe(bytes.length);
    const blocks = readBlocks(bytes); // checks both lengths of every block
    expect(blocks.map((b) => b.type)).toEqual([0x0a0d0d0a, 1, 6, 6]);
    const [shb, idb, epb1, epb2] = blocks;
    expect(shb.body.getUint32(0, true)).toBe(0x1a2b3c4d);
    expect([shb.body.getUint16(4, true), shb.body.getUint16(6, true)]).toEqual([1, 0]);
    expect(new TextDecoder().decode(shb.options.get(1)?.[0])).toBe('run 1');
    expect(new TextDecoder().decode(shb.options.get(4)?.[0])).toBe('mmscert');
    expect(idb.body.getUint16(0, true)).toBe(1); // LINKTYPE_ETHERNET
    expect([...(idb.options.get(9)?.[0] ?? [])]).toEqual([6]);
    // timestamp in microseconds, high and low 32-bit words
    const ts = (BigInt(epb1.body.getUint32(4, true)) << 32n) | BigInt(epb1.body.getUint32(8, true));
    expect(ts).toBe(1_700_000_000_123_456n);
    expect([epb1.body.getUint32(12, true), epb1.body.getUint32(16, true)]).toEqual([5, 5]);
    // 5 data octets padded to 8, comment of 29 octets padded to 32, end-of-options
    expect(epb1.length).toBe(12 + 20 + 8 + 4 + 32 + 4);
    expect(new TextDecoder().decode(epb1.options.get(1)?.[0])).toBe('mm1.send.001 / step 2: submit');
    expect(epb2.length).toBe(12 + 20 + 60); // no options at all
    expect(w.packetCount).toBe(2);
  });

  it('nanosecond resolution keeps every digit; an oversized comment is cut to the 16-bit option length', () => {
    const w = new PcapngWriter({ tsresol: 'ns' });
    w.packet(1_700_000_000_123_456_789n, new Uint8Array(4), 'x'.repeat(70_000));
    const [, idb, epb] = readBlocks(w.bytes());
    expect([...(idb.options.get(9)?.[0] ?? [])]).toEqual([9]);
    expect((BigInt(epb.body.getUint32(4, true)) << 32n) | BigInt(epb.body.getUint32(8, true))).toBe(
      1_700_000_000_123_456_789n,
    );
    expect(epb.options.get(1)?.[0].length).toBe(0xffff);
  });
});
