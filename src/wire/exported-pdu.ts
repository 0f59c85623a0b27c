/**
 * Wireshark "exported PDU" captures (LINKTYPE_WIRESHARK_UPPER_PDU = 252): each frame is a list of
 * tags naming the dissector that must read the payload, then the payload itself. This lets a bare
 * application PDU (an MMS encapsulation PDU, a WSP push) be opened in Wireshark or handed to tshark
 * without inventing the lower layers. Tag layout (big-endian): type u16, length u16, value padded with
 * NULs to a multiple of 4 octets, the length counting the padding; an END tag (0, 0) closes the list.
 */
import { PcapngWriter } from './pcapng-writer.ts';

export const LINKTYPE_WIRESHARK_UPPER_PDU = 252;
const TAG_END = 0;
/** The payload goes to the dissector registered under this name. */
const TAG_PROTO_NAME = 12;
/** The payload goes to the heuristic dissector registered under this short name. */
const TAG_HEUR_PROTO_NAME = 13;

/** Which dissector reads the payload: a registered dissector name or a heuristic's short name. */
export type UpperPduTarget = { dissector: string } | { heuristic: string };

/**
 * Wireshark's MMSE heuristic over WSP: the encapsulation has no dissector of its own by name in
 * Wireshark 4.0, so a bare MMS PDU is handed to this heuristic, which wants octet 0 = 0x8C
 * (X-Mms-Message-Type), a known type, and octet 2 = 0x98 or 0x8D (Transaction-ID or MMS-Version).
 */
export const MMSE_HEURISTIC: UpperPduTarget = { heuristic: 'mmse_wsp' };

const enc = new TextEncoder();

/** One exported-PDU frame: the tag naming `target`, the END tag, then `payload`. */
export function exportedPduFrame(payload: Uint8Array, target: UpperPduTarget): Uint8Array {
  const [tag, name] =
    'dissector' in target ? [TAG_PROTO_NAME, target.dissector] : [TAG_HEUR_PROTO_NAME, target.heuristic];
  const text = enc.encode(name);
  const valueLength = (text.length + 1 + 3) & ~3; // NUL-terminated, padded to 32 bits
  const out = new Uint8Array(4 + valueLength + 4 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, tag);
  dv.setUint16(2, valueLength);
  out.set(text, 4);
  const end = 4 + valueLength;
  dv.setUint16(end, TAG_END);
  dv.setUint16(end + 2, 0);
  out.set(payload, end + 4);
  return out;
}

/**
 * A PCAPNG file with one exported-PDU frame per payload, all for the same dissector, one second
 * apart from `startNs` (ns since the epoch); `comments[i]`, when given, becomes frame i's comment.
 */
export function upperPduPcapng(
  payloads: readonly Uint8Array[],
  target: UpperPduTarget,
  opts: { title?: string; comments?: readonly string[]; startNs?: bigint } = {},
): Uint8Array {
  const w = new PcapngWriter({
    linkType: LINKTYPE_WIRESHARK_UPPER_PDU,
    ifName: 'exported-pdu',
    ...(opts.title !== undefined ? { title: opts.title } : {}),
  });
  const start = opts.startNs ?? 1_700_000_000_000_000_000n;
  payloads.forEach((p, i) => {
    w.packet(start + BigInt(i) * 1_000_000_000n, exportedPduFrame(p, target), opts.comments?.[i]);
  });
  return w.bytes();
}
