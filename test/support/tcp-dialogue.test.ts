import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackets } from './pcapng-reader.ts';
import { type DialogueChunk, tcpDialoguePcapng } from './tcp-dialogue.ts';
import { haveTshark, pcapCheck, tsharkFields } from './tshark.ts';

const SMPP = ['tcp.port==2775,smpp'];
const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;

const smtp: DialogueChunk[] = [
  { from: 'server', data: '220 b.example ESMTP\r\n' },
  { from: 'client', data: 'EHLO a.example\r\n' },
  { from: 'server', data: '250 b.example\r\n' },
  { from: 'client', data: 'QUIT\r\n' },
  { from: 'server', data: '221 bye\r\n' },
];

/** An SMPP enquire_link (SMPP 3.4 §4.11.1): 16-octet header, no body. */
const enquireLink = (seq: number) => {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(16, 0);
  b.writeUInt32BE(0x15, 4);
  b.writeUInt32BE(seq, 12);
  return new Uint8Array(b);
};

describe('tcpDialoguePcapng', () => {
  it('frames one connection on the server port: handshake, each side in order, FINs, nothing reset', () => {
    const pkts = readPackets(tcpDialoguePcapng(smtp, { port: 25, comment: 'mm4 dialogue' }));
    expect(pkts[0]).toMatchObject({
      flags: SYN,
      src: '127.0.9.1',
      dst: '127.0.3.1',
      sport: 40000,
      dport: 25,
    });
    const data = pkts.filter((p) => p.payload.length > 0);
    expect(data.map((p) => Buffer.from(p.payload).toString())).toEqual(smtp.map((c) => c.data));
    expect(data.map((p) => p.dport)).toEqual([40000, 25, 40000, 25, 40000]);
    // client FIN first (it has nothing more to say), then the server's
    expect(pkts.filter((p) => p.flags & FIN).map((p) => p.sport)).toEqual([40000, 25]);
    expect(pkts.some((p) => p.flags & RST)).toBe(false);
    expect(pkts.every((p) => p.comment === 'mm4 dialogue')).toBe(true);
  });

  it('segments a large chunk at the MSS and is the same file each time', () => {
    const chunks: DialogueChunk[] = [{ from: 'client', data: new Uint8Array(5000).fill(0x41) }];
    const file = tcpDialoguePcapng(chunks, { port: 2775, mss: 1000 });
    const segs = readPackets(file).filter((p) => p.payload.length > 0);
    expect(segs.map((p) => p.payload.length)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(Buffer.compare(file, tcpDialoguePcapng(chunks, { port: 2775, mss: 1000 }))).toBe(0);
  });
});

describe.skipIf(!haveTshark)('tcpDialoguePcapng as tshark reads it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcp-dialogue-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, bytes: Uint8Array) => {
    const f = path.join(dir, name);
    writeFileSync(f, bytes);
    return f;
  };
  const smppCheck = (name: string, data: Uint8Array) =>
    pcapCheck(write(name, tcpDialoguePcapng([{ from: 'client', data }], { port: 2775 })), ['smpp'], SMPP);

  it('an SMTP session on tcp/25 is clean SMTP with checksums validated, and misses a protocol it lacks', () => {
    const f = write('smtp.pcapng', tcpDialoguePcapng(smtp, { port: 25 }));
    const ok = pcapCheck(f, ['smtp']);
    expect(ok.out).toContain('verdict: PASS');
    expect(ok.status).toBe(0);
    expect(tsharkFields(f, 'smtp.req', ['smtp.req.command'])).toEqual([['EHLO'], ['QUIT']]);
    // the same capture does not contain what it does not carry
    expect(pcapCheck(f, ['smtp', 'imf']).status).toBe(3);
  });

  it('SMPP PDUs on tcp/2775 decode clean; a cut one is malformed, a bad command_length not SMPP', () => {
    const good = smppCheck('smpp.pcapng', new Uint8Array(Buffer.concat([enquireLink(1), enquireLink(2)])));
    expect(good.out).toContain('verdict: PASS');
    expect(good.status).toBe(0);
    // a bind_transmitter cut inside system_id (a C-Octet String without its NUL): malformed
    const cut = Buffer.alloc(17);
    cut.writeUInt32BE(17, 0);
    cut.writeUInt32BE(0x02, 4);
    cut.writeUInt32BE(3, 12);
    cut[16] = 0x61;
    const m = smppCheck('smpp-cut.pcapng', cut);
    expect(m.out).toMatch(/frame \d+: Malformed Packet/);
    expect(m.status).toBe(1);
    // command_length 12, shorter than the header it heads: not SMPP to Wireshark at all
    const short = enquireLink(4);
    short[3] = 12;
    expect(smppCheck('smpp-short.pcapng', short).status).toBe(3);
  });
});
