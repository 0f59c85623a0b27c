import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTshark, pcapCheck } from './tshark.ts';

if (!haveTshark)
  console.warn('test/support pcapCheck: SKIPPED, tshark is not installed (apt-get install tshark)');

/** A classic libpcap file of Ethernet/IPv4/UDP frames 127.0.0.1:40000 -> 127.0.0.2:53 carrying `payloads`. */
function udpPcap(payloads: Buffer[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const frames = payloads.map((payload, i) => {
    const eth = Buffer.from('02000000000202000000000108 00'.replace(/ /g, ''), 'hex');
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + payload.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from([127, 0, 0, 1]).copy(ip, 12);
    Buffer.from([127, 0, 0, 2]).copy(ip, 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(40000, 0);
    udp.writeUInt16BE(53, 2);
    udp.writeUInt16BE(8 + payload.length, 4); // checksum 0: none (RFC 768)
    const data = Buffer.concat([eth, ip, udp, payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    return Buffer.concat([rec, data]);
  });
  return Buffer.concat([head, ...frames]);
}

// A DNS query for example.org A (RFC 1035 §4.1), and the same query cut inside its question.
const query = Buffer.from(
  '12340100000100000000000007' +
    Buffer.from('example').toString('hex') +
    '03' +
    Buffer.from('org').toString('hex') +
    '0000010001',
  'hex',
);
const cut = query.subarray(0, 20);
/** The cut query under another transaction ID (no "retransmission" warning for it). */
const cut2 = Buffer.concat([Buffer.from('5678', 'hex'), cut.subarray(2)]);

describe.skipIf(!haveTshark)('pcapCheck (tshark alone)', () => {
  let dir: string;
  const file = (name: string, payloads: Buffer[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, udpPcap(payloads));
    return f;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-pcapcheck-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a clean capture that carries every required protocol', () => {
    const r = pcapCheck(file('ok.pcap', [query]), ['dns', 'udp']);
    expect(r.out).toContain('verdict: PASS');
    expect(r.status).toBe(0);
    expect(r.out).toContain('1 frames; malformed frames: 0;');
  });

  it('says 3 when a required protocol never appears', () => {
    expect(pcapCheck(file('ok2.pcap', [query]), ['dns', 'smpp']).status).toBe(3);
  });

  it('fails a capture with a malformed frame, naming the frame', () => {
    const r = pcapCheck(file('bad.pcap', [query, cut, cut2]), ['dns']);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/frame 2: .*Malformed/);
    expect(r.out).toMatch(/frame 3: .*Malformed/);
    expect(r.out).not.toMatch(/frame 1:/);
    expect(r.out).toContain('3 frames; malformed frames: 2; frames with expert complaints: 2');
  });

  it('fails a wrong IP checksum only while checksum validation is on', () => {
    const bytes = udpPcap([query]);
    bytes[24 + 16 + 14 + 10] ^= 0xff; // IPv4 header checksum
    const f = path.join(dir, 'cksum.pcap');
    writeFileSync(f, bytes);
    expect(pcapCheck(f, ['dns']).status).toBe(1);
    expect(pcapCheck(f, ['dns'], [], { checksums: false }).status).toBe(0);
  });

  it('says 2 when tshark cannot read the file', () => {
    const f = path.join(dir, 'junk.pcap');
    writeFileSync(f, 'not a capture');
    expect(pcapCheck(f, []).status).toBe(2);
  });
});
