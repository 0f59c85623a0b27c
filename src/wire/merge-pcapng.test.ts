import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlocks, readPackets } from '../../test/support/pcapng-reader.ts';
import { mergePcapngs, PcapngMergeError } from './merge-pcapng.ts';
import { PcapngWriter } from './pcapng-writer.ts';
import { haveTshark, tsharkSync } from './tshark.ts';

const hasTshark = haveTshark();
if (!hasTshark) console.warn('tshark not installed: the tshark read of a merged capture is skipped');

/** A UDP/IPv4/Ethernet frame whose payload is `tag` (enough for the readers to tell frames apart). */
function frame(tag: string): Uint8Array {
  const payload = new TextEncoder().encode(tag);
  const f = new Uint8Array(14 + 20 + 8 + payload.length);
  const dv = new DataView(f.buffer);
  dv.setUint16(12, 0x0800);
  f[14] = 0x45;
  dv.setUint16(16, 20 + 8 + payload.length);
  f[22] = 64;
  f[23] = 17;
  f.set([127, 0, 0, 1], 26);
  f.set([127, 0, 0, 2], 30);
  dv.setUint16(34, 40000);
  dv.setUint16(36, 53);
  dv.setUint16(38, 8 + payload.length);
  f.set(payload, 42);
  return f;
}

function capture(title: string, packets: Array<[bigint, string]>, tsresol: 'us' | 'ns' = 'us'): Uint8Array {
  const w = new PcapngWriter({ title, tsresol });
  for (const [ts, tag] of packets) w.packet(ts, frame(tag), `${title} ${tag}`);
  return w.bytes();
}

const tagOf = (p: { payload: Uint8Array }) => new TextDecoder().decode(p.payload);
const us = (n: number) => BigInt(n) * 1000n;

describe('mergePcapngs', () => {
  it('puts every packet of every capture on one clock, in timestamp order, ties in input order', () => {
    const a = capture('a', [
      [us(1_700_000_000_000_100), 'a1'],
      [us(1_700_000_000_000_300), 'a2'],
      [us(1_700_000_000_000_300), 'a3'],
    ]);
    const b = capture('b', [
      [us(1_700_000_000_000_050), 'b1'],
      [us(1_700_000_000_000_300), 'b2'],
      [us(1_700_000_000_000_900), 'b3'],
    ]);
    const merged = mergePcapngs([a, b], { title: 'run' });
    const packets = readPackets(merged);
    expect(packets.map(tagOf)).toEqual(['b1', 'a1', 'a2', 'a3', 'b2', 'b3']);
    expect(packets.map((p) => p.comment)).toEqual(['b b1', 'a a1', 'a a2', 'a a3', 'b b2', 'b b3']);
    // one section and one interface, then the packets
    const types = readBlocks(merged).map((x) => x.type);
    expect(types.slice(0, 2)).toEqual([0x0a0d0d0a, 1]);
    expect(types.slice(2).every((t) => t === 6)).toBe(true);
    // the packet blocks are the inputs' own octets
    const ts = packets.map((p) => p.ts);
    expect([...ts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(ts);
  });

  it('refuses captures it cannot merge: mixed resolutions, truncated blocks', () => {
    const a = capture('a', [[us(1), 'a1']]);
    const n = capture('n', [[us(2), 'n1']], 'ns');
    expect(() => mergePcapngs([a, n])).toThrow(PcapngMergeError);
    expect(() => mergePcapngs([a.subarray(0, a.length - 2)])).toThrow(PcapngMergeError);
  });

  it('merges nothing into a capture with no packet', () => {
    expect(readPackets(mergePcapngs([]))).toEqual([]);
  });

  it.skipIf(!hasTshark)('tshark reads the merged capture: every frame, in order', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-merge-'));
    try {
      const a = capture('a', [
        [us(1_700_000_000_000_100), 'a1'],
        [us(1_700_000_000_000_300), 'a2'],
      ]);
      const b = capture('b', [[us(1_700_000_000_000_200), 'b1']]);
      const file = path.join(dir, 'm.pcapng');
      writeFileSync(file, mergePcapngs([a, b], { title: 'run' }));
      const r = tsharkSync(['-n', '-r', file, '-T', 'fields', '-e', 'frame.comment']);
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual(['a a1', 'b b1', 'a a2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
