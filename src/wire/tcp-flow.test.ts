import { describe, expect, it } from 'vitest';
import { internetChecksum, pseudoHeaderSum } from './internet-checksum.ts';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, tcpFrame } from './ip-frame.ts';
import { TcpFlow } from './tcp-flow.ts';

interface Seg {
  from: string;
  seq: number;
  ack: number;
  flags: number;
  len: number;
  frame: Uint8Array;
}

function run(drive: (f: TcpFlow) => void, mss = 1460): Seg[] {
  const segs: Seg[] = [];
  const f = new TcpFlow(
    { ip: new Uint8Array([127, 0, 1, 1]), port: 40000 },
    { ip: new Uint8Array([127, 0, 3, 1]), port: 8002 },
    'k1',
    (segment) => {
      const frame = tcpFrame(segment);
      const dv = new DataView(frame.buffer, frame.byteOffset);
      const hl = (frame[46] >> 4) * 4;
      segs.push({
        from: dv.getUint16(34) === 40000 ? 'c' : 's',
        seq: dv.getUint32(38),
        ack: dv.getUint32(42),
        flags: frame[47],
        len: dv.getUint16(16) - 20 - hl,
        frame,
      });
    },
    mss,
  );
  drive(f);
  return segs;
}

describe('TcpFlow', () => {
  it('handshake, MSS segmentation, acknowledgements of exactly what was sent, FIN takes one number', () => {
    const segs = run((f) => {
      f.data('c2s', new Uint8Array(3000));
      f.data('s2c', new Uint8Array(10));
      f.fin('c2s');
      f.data('s2c', new Uint8Array(5)); // half-close: the server may still send
      f.fin('s2c');
    });
    const [syn, synAck, ack] = segs;
    expect(syn.flags).toBe(TCP_SYN);
    expect(synAck.flags).toBe(TCP_SYN | TCP_ACK);
    expect(synAck.ack).toBe((syn.seq + 1) >>> 0);
    expect(ack.flags).toBe(TCP_ACK);
    expect(ack.ack).toBe((synAck.seq + 1) >>> 0);
    const data = segs.filter((s) => s.from === 'c' && s.len > 0);
    expect(data.map((s) => s.len)).toEqual([1460, 1460, 80]);
    expect(data.map((s) => (s.seq - syn.seq - 1) >>> 0)).toEqual([0, 1460, 2920]);
    expect(data.at(-1)?.flags).toBe(TCP_ACK | TCP_PSH);
    // every ACK acknowledges no more than the other side has sent so far; pure ACKs never repeat
    const sent = { c: syn.seq + 1, s: synAck.seq + 1 };
    const lastPureAck = { c: -1, s: -1 };
    for (const s of segs.slice(3)) {
      const other = s.from === 'c' ? 's' : 'c';
      expect(s.ack).toBeLessThanOrEqual(sent[other]);
      if (s.len === 0 && !(s.flags & TCP_FIN)) {
        expect(s.ack).not.toBe(lastPureAck[s.from as 'c' | 's']);
        lastPureAck[s.from as 'c' | 's'] = s.ack;
      }
      sent[s.from as 'c' | 's'] = s.seq + s.len + (s.flags & TCP_FIN ? 1 : 0);
    }
    const fins = segs.filter((s) => s.flags & TCP_FIN);
    expect(fins.map((s) => s.from)).toEqual(['c', 's']);
    const last = segs.at(-1);
    expect(last?.from).toBe('c');
    expect(last?.ack).toBe((fins[1].seq + 1) >>> 0);
    // the server's 5 octets after the client's FIN are acknowledged by the client
    expect(segs.some((s) => s.from === 's' && s.len === 5)).toBe(true);
  });

  it('writes correct IPv4 and TCP checksums', () => {
    for (const s of run((f) => f.data('c2s', new Uint8Array([1, 2, 3])))) {
      expect(internetChecksum(s.frame, 14, 34)).toBe(0);
      const tcpLen = s.frame.length - 34;
      const part = pseudoHeaderSum(s.frame.subarray(26, 30), s.frame.subarray(30, 34), 6, tcpLen);
      expect(internetChecksum(s.frame, 34, s.frame.length, part)).toBe(0);
    }
  });

  it('RST ends the flow: nothing is framed after it', () => {
    const segs = run((f) => {
      f.data('c2s', new Uint8Array(4));
      f.rst('s2c');
      f.data('c2s', new Uint8Array(4));
      f.fin('c2s');
    });
    expect(segs.at(-1)?.flags).toBe(TCP_RST | TCP_ACK);
    expect(segs.at(-1)?.from).toBe('s');
  });

  it('acknowledges a long burst at least every 4 segments (far below the window)', () => {
    const segs = run((f) => f.data('c2s', new Uint8Array(100 * 1460)));
    let inFlight = 0;
    let maxInFlight = 0;
    for (const s of segs.slice(3)) {
      if (s.from === 'c') inFlight += s.len;
      else inFlight = 0;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    expect(maxInFlight).toBe(4 * 1460);
  });
});
