/**
 * A minimal, independent PCAPNG + Ethernet/IPv4/TCP/UDP reader for unit tests (the real
 * oracle is tshark; this one lets tests look at single fields without spawning it).
 */
export interface ReadBlock {
  type: number;
  length: number;
  body: DataView;
  options: Map<number, Uint8Array[]>;
}

export interface ReadPacket {
  ts: bigint;
  frame: Uint8Array;
  comment?: string;
  src: string;
  dst: string;
  protocol: number;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}

const optionsAt = (dv: DataView, at: number, end: number) => {
  const out = new Map<number, Uint8Array[]>();
  while (at + 4 <= end) {
    const code = dv.getUint16(at, true);
    const len = dv.getUint16(at + 2, true);
    if (code === 0) break;
    const v = new Uint8Array(dv.buffer, dv.byteOffset + at + 4, len);
    out.set(code, [...(out.get(code) ?? []), v]);
    at += 4 + ((len + 3) & ~3);
  }
  return out;
};

export function readBlocks(file: Uint8Array): ReadBlock[] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const blocks: ReadBlock[] = [];
  for (let at = 0; at < file.length; ) {
    const type = dv.getUint32(at, true);
    const length = dv.getUint32(at + 4, true);
    if (length % 4 !== 0 || length < 12 || at + length > file.length)
      throw new Error(`bad block length at ${at}`);
    if (dv.getUint32(at + length - 4, true) !== length) throw new Error(`trailing length mismatch at ${at}`);
    const body = new DataView(file.buffer, file.byteOffset + at + 8, length - 12);
    const fixed =
      type === 0x0a0d0d0a ? 16 : type === 1 ? 8 : type === 6 ? 20 + ((body.getUint32(12, true) + 3) & ~3) : 0;
    blocks.push({ type, length, body, options: optionsAt(body, fixed, body.byteLength) });
    at += length;
  }
  return blocks;
}

const ip4 = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

export function readPackets(file: Uint8Array): ReadPacket[] {
  const out: ReadPacket[] = [];
  for (const b of readBlocks(file)) {
    if (b.type !== 6) continue;
    const ts = (BigInt(b.body.getUint32(4, true)) << 32n) | BigInt(b.body.getUint32(8, true));
    const caplen = b.body.getUint32(12, true);
    const frame = new Uint8Array(b.body.buffer, b.body.byteOffset + 20, caplen);
    const c = b.options.get(1)?.[0];
    const f = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const protocol = frame[23];
    const l4 = 14 + (frame[14] & 0x0f) * 4;
    const total = f.getUint16(16);
    let payload: Uint8Array;
    let seq = 0;
    let ack = 0;
    let flags = 0;
    if (protocol === 6) {
      const hl = (frame[l4 + 12] >> 4) * 4;
      seq = f.getUint32(l4 + 4);
      ack = f.getUint32(l4 + 8);
      flags = frame[l4 + 13];
      payload = frame.subarray(l4 + hl, 14 + total);
    } else payload = frame.subarray(l4 + 8, 14 + total);
    out.push({
      ts,
      frame,
      ...(c ? { comment: new TextDecoder().decode(c) } : {}),
      src: ip4(frame, 26),
      dst: ip4(frame, 30),
      protocol,
      sport: f.getUint16(l4),
      dport: f.getUint16(l4 + 2),
      seq,
      ack,
      flags,
      payload,
    });
  }
  return out;
}
