import { internetChecksum, pseudoHeaderSum } from './internet-checksum.ts';

/**
 * Synthetic Ethernet II / IPv4 / TCP|UDP frames around recorded payload bytes. Headers are
 * complete and checksummed so Wireshark validates them: IPv4 header checksum (RFC 791 §3.1),
 * TCP checksum over the pseudo-header (RFC 793 §3.1), UDP checksum (RFC 768; a computed 0 is
 * sent as 0xFFFF).
 */

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export interface IpEnds {
  src: Uint8Array; // 4 octets
  dst: Uint8Array;
  /** IPv4 identification. */
  id: number;
}

export interface TcpSegment extends IpEnds {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** MSS option (SYN segments only). */
  mss?: number;
  payload: Uint8Array;
  payloadStart?: number;
  payloadEnd?: number;
}

const ETH = 14;
const IP = 20;

/** Locally administered MAC derived from the IPv4 address: 02:00:a.b.c.d. */
function writeMac(buf: Uint8Array, at: number, ip: Uint8Array): void {
  buf[at] = 0x02;
  buf[at + 1] = 0x00;
  buf.set(ip, at + 2);
}

function writeEthIp(
  buf: Uint8Array,
  dv: DataView,
  o: number,
  e: IpEnds,
  protocol: number,
  ipPayload: number,
): void {
  writeMac(buf, o, e.dst);
  writeMac(buf, o + 6, e.src);
  dv.setUint16(o + 12, 0x0800);
  const ip = o + ETH;
  buf[ip] = 0x45; // version 4, IHL 5
  buf[ip + 1] = 0;
  dv.setUint16(ip + 2, IP + ipPayload);
  dv.setUint16(ip + 4, e.id & 0xffff);
  dv.setUint16(ip + 6, 0x4000); // DF, offset 0
  buf[ip + 8] = 64; // TTL
  buf[ip + 9] = protocol;
  dv.setUint16(ip + 10, 0);
  buf.set(e.src, ip + 12);
  buf.set(e.dst, ip + 16);
  dv.setUint16(ip + 10, internetChecksum(buf, ip, ip + IP));
}

/** Octets of the frame `writeTcpFrame` writes for `s`. */
export function tcpFrameLength(s: TcpSegment): number {
  return (
    ETH + IP + (s.mss !== undefined ? 24 : 20) + (s.payloadEnd ?? s.payload.length) - (s.payloadStart ?? 0)
  );
}

export function tcpFrame(s: TcpSegment): Uint8Array {
  const buf = new Uint8Array(tcpFrameLength(s));
  writeTcpFrame(buf, new DataView(buf.buffer), 0, s);
  return buf;
}

/** Writes the frame for `s` at `o` in `buf` (whose view is `dv`, sharing its offset 0). */
export function writeTcpFrame(buf: Uint8Array, dv: DataView, o: number, s: TcpSegment): void {
  const pStart = s.payloadStart ?? 0;
  const pEnd = s.payloadEnd ?? s.payload.length;
  const plen = pEnd - pStart;
  const hlen = s.mss !== undefined ? 24 : 20;
  const end = o + ETH + IP + hlen + plen;
  writeEthIp(buf, dv, o, s, 6, hlen + plen);
  const t = o + ETH + IP;
  dv.setUint16(t, s.sport);
  dv.setUint16(t + 2, s.dport);
  dv.setUint32(t + 4, s.seq >>> 0);
  dv.setUint32(t + 8, s.ack >>> 0);
  dv.setUint16(t + 12, ((hlen / 4) << 12) | (s.flags & 0x3f));
  dv.setUint16(t + 14, s.window);
  dv.setUint16(t + 16, 0);
  dv.setUint16(t + 18, 0);
  if (s.mss !== undefined) {
    buf[t + 20] = 2; // kind MSS (RFC 793 §3.1), length 4
    buf[t + 21] = 4;
    dv.setUint16(t + 22, s.mss);
  }
  if (plen > 0) buf.set(s.payload.subarray(pStart, pEnd), t + hlen);
  const sum = pseudoHeaderSum(s.src, s.dst, 6, hlen + plen);
  dv.setUint16(t + 16, internetChecksum(buf, t, end, sum));
}

export interface UdpDatagram extends IpEnds {
  sport: number;
  dport: number;
  payload: Uint8Array;
}

/** Largest UDP payload an IPv4 datagram can carry. */
export const MAX_UDP_PAYLOAD = 65535 - IP - 8;

export function udpFrame(d: UdpDatagram): Uint8Array {
  const plen = Math.min(d.payload.length, MAX_UDP_PAYLOAD);
  const buf = new Uint8Array(ETH + IP + 8 + plen);
  const dv = new DataView(buf.buffer);
  writeEthIp(buf, dv, 0, d, 17, 8 + plen);
  const u = ETH + IP;
  dv.setUint16(u, d.sport);
  dv.setUint16(u + 2, d.dport);
  dv.setUint16(u + 4, 8 + plen);
  dv.setUint16(u + 6, 0);
  buf.set(d.payload.subarray(0, plen), u + 8);
  const sum = internetChecksum(buf, u, buf.length, pseudoHeaderSum(d.src, d.dst, 17, 8 + plen));
  dv.setUint16(u + 6, sum === 0 ? 0xffff : sum);
  return buf;
}
