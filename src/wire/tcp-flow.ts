import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpSegment } from './ip-frame.ts';
import { fnv1a } from '../util/fnv1a.ts';

/**
 * One synthetic TCP connection (RFC 793 / RFC 9293 §3.5, §3.10): the three-way handshake,
 * data segmented at the MSS with sequence and acknowledgement numbers tracked on both sides,
 * pure ACKs so the receiver acknowledges what it got (at most `ackEvery` full segments
 * unacknowledged, far below the 65535-octet window, and at the end of each recorded chunk),
 * FIN per side (half-close honoured: the other side may keep sending), RST on reset.
 * Every acknowledgement acknowledges only octets already framed, and no pure ACK repeats
 * the previous one, so Wireshark's sequence analysis reports nothing.
 */

/** Receives each segment to frame (see ip-frame.ts `tcpFrame` / `writeTcpFrame`). */
export type FrameSink = (segment: TcpSegment, comment: string | undefined) => void;

export interface TcpEnd {
  ip: Uint8Array;
  port: number;
}

interface SideState {
  end: TcpEnd;
  /** Next sequence number this side sends. */
  next: number;
  /** Highest acknowledgement this side has sent (= the other side's octets it acknowledged). */
  acked: number;
  finSent: boolean;
  ipId: number;
}

export type TcpDir = 'c2s' | 's2c';

const WINDOW = 65535;

export class TcpFlow {
  private readonly c: SideState;
  private readonly s: SideState;
  private opened = false;
  private reset = false;

  constructor(
    client: TcpEnd,
    server: TcpEnd,
    key: string,
    private readonly sink: FrameSink,
    private readonly mss = 1460,
    private readonly ackEvery = 4,
  ) {
    const cIsn = fnv1a(`${key}/c`);
    const sIsn = fnv1a(`${key}/s`);
    this.c = { end: client, next: cIsn, acked: 0, finSent: false, ipId: fnv1a(`${key}/ci`) & 0xffff };
    this.s = { end: server, next: sIsn, acked: 0, finSent: false, ipId: fnv1a(`${key}/si`) & 0xffff };
  }

  get isOpen(): boolean {
    return this.opened;
  }

  get isReset(): boolean {
    return this.reset;
  }

  private side(dir: TcpDir): [SideState, SideState] {
    return dir === 'c2s' ? [this.c, this.s] : [this.s, this.c];
  }

  private emit(
    from: SideState,
    to: SideState,
    flags: number,
    seq: number,
    comment: string | undefined,
    payload?: Uint8Array,
    start?: number,
    endAt?: number,
    mss?: number,
  ): void {
    const ack = flags & TCP_ACK ? to.next : 0;
    if (flags & TCP_ACK) from.acked = to.next;
    from.ipId = (from.ipId + 1) & 0xffff;
    this.sink(
      {
        src: from.end.ip,
        dst: to.end.ip,
        id: from.ipId,
        sport: from.end.port,
        dport: to.end.port,
        seq,
        ack,
        flags,
        window: WINDOW,
        payload: payload ?? EMPTY,
        payloadStart: start,
        payloadEnd: endAt,
        ...(mss !== undefined ? { mss } : {}),
      },
      comment,
    );
  }

  /** SYN, SYN-ACK, ACK. Idempotent. */
  open(comment?: string): void {
    if (this.opened) return;
    this.opened = true;
    const { c, s } = this;
    this.emit(c, s, TCP_SYN, c.next, comment, undefined, undefined, undefined, this.mss);
    c.next = (c.next + 1) >>> 0;
    this.emit(s, c, TCP_SYN | TCP_ACK, s.next, comment, undefined, undefined, undefined, this.mss);
    s.next = (s.next + 1) >>> 0;
    this.emit(c, s, TCP_ACK, c.next, comment);
  }

  /** The receiver acknowledges everything the sender sent, if that is news. */
  private ackFrom(receiver: SideState, sender: SideState, comment: string | undefined): void {
    if (receiver.acked !== sender.next && !this.reset)
      this.emit(receiver, sender, TCP_ACK, receiver.next, comment);
  }

  data(dir: TcpDir, bytes: Uint8Array, comment?: string): void {
    if (this.reset || bytes.length === 0) return;
    this.open(comment);
    const [from, to] = this.side(dir);
    if (from.finSent) return; // nothing can follow a FIN; a tap never records that
    let unacked = 0;
    for (let at = 0; at < bytes.length; at += this.mss) {
      const endAt = Math.min(bytes.length, at + this.mss);
      const last = endAt === bytes.length;
      this.emit(from, to, TCP_ACK | (last ? TCP_PSH : 0), from.next, comment, bytes, at, endAt);
      from.next = (from.next + (endAt - at)) >>> 0;
      unacked += 1;
      if (!last && unacked >= this.ackEvery) {
        this.ackFrom(to, from, comment);
        unacked = 0;
      }
    }
    this.ackFrom(to, from, comment);
  }

  /** FIN from one side (half-close), acknowledged by the other. */
  fin(dir: TcpDir, comment?: string): void {
    if (this.reset) return;
    this.open(comment);
    const [from, to] = this.side(dir);
    if (from.finSent) return;
    from.finSent = true;
    this.emit(from, to, TCP_FIN | TCP_ACK, from.next, comment);
    from.next = (from.next + 1) >>> 0; // FIN occupies one sequence number
    this.ackFrom(to, from, comment);
  }

  /** RST from one side; nothing follows. */
  rst(dir: TcpDir, comment?: string): void {
    if (this.reset) return;
    this.open(comment);
    const [from, to] = this.side(dir);
    this.emit(from, to, TCP_RST | TCP_ACK, from.next, comment);
    this.reset = true;
  }

  finSent(dir: TcpDir): boolean {
    return this.side(dir)[0].finSent;
  }
}

const EMPTY = new Uint8Array(0);
