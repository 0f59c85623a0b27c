import { PcapngWriter, type TsResolution } from './pcapng-writer.ts';

/**
 * One capture from several captures written by PcapngWriter (one section, one Ethernet interface
 * each, the same timestamp resolution): a new section header and interface, then every Enhanced
 * Packet Block of the inputs in timestamp order (draft-ietf-opsawg-pcapng §4.3: the timestamp is
 * the 64-bit count of if_tsresol units in two 32-bit halves, high first). Packets with equal
 * timestamps keep the order of the inputs, then their order within their input. The blocks are
 * copied as they are: their frames, options (packet comments) and interface id 0 stay valid.
 * Used for run.pcapng: the run's cases each framed on their own, merged on one clock.
 */

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;

interface PacketRef {
  capture: number;
  offset: number;
  length: number;
  hi: number;
  lo: number;
}

function resolutionOf(idbOptions: DataView, start: number, end: number): TsResolution {
  let at = start;
  while (at + 4 <= end) {
    const code = idbOptions.getUint16(at, true);
    const len = idbOptions.getUint16(at + 2, true);
    if (code === 0) break;
    if (code === 9 && len === 1) return idbOptions.getUint8(at + 4) === 9 ? 'ns' : 'us';
    at += 4 + ((len + 3) & ~3);
  }
  return 'us'; // if_tsresol absent: microseconds (§4.2)
}

export class PcapngMergeError extends Error {}

export function mergePcapngs(captures: readonly Uint8Array[], opts: { title?: string } = {}): Uint8Array {
  const packets: PacketRef[] = [];
  let tsresol: TsResolution | undefined;
  for (let c = 0; c < captures.length; c++) {
    const buf = captures[c];
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    let interfaces = 0;
    while (at + 12 <= buf.length) {
      const type = dv.getUint32(at, true);
      const total = dv.getUint32(at + 4, true);
      if (total < 12 || total % 4 !== 0 || at + total > buf.length)
        throw new PcapngMergeError(`capture ${c}: block at ${at} has a bad length ${total}`);
      if (type === SHB) {
        if (at !== 0) throw new PcapngMergeError(`capture ${c}: a second section at ${at}`);
        if (dv.getUint32(at + 8, true) !== 0x1a2b3c4d)
          throw new PcapngMergeError(`capture ${c}: not a little-endian section`);
      } else if (type === IDB) {
        interfaces++;
        if (interfaces > 1) throw new PcapngMergeError(`capture ${c}: more than one interface`);
        if (dv.getUint16(at + 8, true) !== 1) throw new PcapngMergeError(`capture ${c}: not Ethernet`);
        const r = resolutionOf(dv, at + 16, at + total - 4);
        if (tsresol === undefined) tsresol = r;
        else if (r !== tsresol)
          throw new PcapngMergeError(`capture ${c}: timestamp resolution ${r}, not ${tsresol}`);
      } else if (type === EPB) {
        if (interfaces !== 1) throw new PcapngMergeError(`capture ${c}: a packet before its interface`);
        const hi = dv.getUint32(at + 12, true);
        const lo = dv.getUint32(at + 16, true);
        packets.push({ capture: c, offset: at, length: total, hi, lo });
      } else {
        throw new PcapngMergeError(`capture ${c}: unexpected block type 0x${type.toString(16)} at ${at}`);
      }
      at += total;
    }
    if (at !== buf.length) throw new PcapngMergeError(`capture ${c}: ${buf.length - at} trailing octets`);
  }
  // Array.prototype.sort is stable: equal timestamps keep input order, then block order.
  packets.sort((a, b) => a.hi - b.hi || a.lo - b.lo);
  const head = new PcapngWriter({
    tsresol: tsresol ?? 'us',
    ...(opts.title ? { title: opts.title } : {}),
  }).bytes();
  let size = head.length;
  for (const p of packets) size += p.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let at = head.length;
  for (const p of packets) {
    out.set(captures[p.capture].subarray(p.offset, p.offset + p.length), at);
    at += p.length;
  }
  return out;
}
