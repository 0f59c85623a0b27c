import { type ByteReader, ByteWriter } from '../bytes.ts';
import { DecodeError, EncodeError } from '../codec-error.ts';

/**
 * SMS User Data Header (3GPP TS 23.040 §9.2.3.24): UDHL, then information elements
 * (IEI, IEDL, data). The elements mmscert interprets are in UDH_IE; every other one is
 * kept as raw bytes so a re-encode gives the same octets.
 */

export type UdhElement =
  | { kind: 'concat8'; ref: number; total: number; seq: number }
  | { kind: 'concat16'; ref: number; total: number; seq: number }
  | { kind: 'port8'; destination: number; source: number }
  | { kind: 'port16'; destination: number; source: number }
  | { kind: 'other'; iei: number; data: Uint8Array };

interface IeRow {
  iei: number;
  kind: Exclude<UdhElement['kind'], 'other'>;
  /** IEDL fixed by the spec for this element. */
  length: number;
  clause: string;
  read(r: ByteReader): UdhElement;
  write(w: ByteWriter, e: UdhElement): void;
}

/** One row per interpreted IE: drives decode, encode and length validation. */
export const UDH_IE: readonly IeRow[] = [
  {
    iei: 0x00,
    kind: 'concat8',
    length: 3,
    clause: '3GPP TS 23.040 §9.2.3.24.1',
    read: (r) => ({
      kind: 'concat8',
      ref: r.u8('UDH.concat.ref'),
      total: r.u8('UDH.concat.total'),
      seq: r.u8('UDH.concat.seq'),
    }),
    write: (w, e) => {
      const c = e as Extract<UdhElement, { kind: 'concat8' }>;
      w.u8(c.ref).u8(c.total).u8(c.seq);
    },
  },
  {
    iei: 0x08,
    kind: 'concat16',
    length: 4,
    clause: '3GPP TS 23.040 §9.2.3.24.8',
    read: (r) => ({
      kind: 'concat16',
      ref: r.u16('UDH.concat16.ref'),
      total: r.u8('UDH.concat16.total'),
      seq: r.u8('UDH.concat16.seq'),
    }),
    write: (w, e) => {
      const c = e as Extract<UdhElement, { kind: 'concat16' }>;
      w.u16(c.ref).u8(c.total).u8(c.seq);
    },
  },
  {
    iei: 0x04,
    kind: 'port8',
    length: 2,
    clause: '3GPP TS 23.040 §9.2.3.24.3',
    read: (r) => ({
      kind: 'port8',
      destination: r.u8('UDH.port8.destination'),
      source: r.u8('UDH.port8.source'),
    }),
    write: (w, e) => {
      const p = e as Extract<UdhElement, { kind: 'port8' }>;
      w.u8(p.destination).u8(p.source);
    },
  },
  {
    iei: 0x05,
    kind: 'port16',
    length: 4,
    clause: '3GPP TS 23.040 §9.2.3.24.4',
    read: (r) => ({
      kind: 'port16',
      destination: r.u16('UDH.port16.destination'),
      source: r.u16('UDH.port16.source'),
    }),
    write: (w, e) => {
      const p = e as Extract<UdhElement, { kind: 'port16' }>;
      w.u16(p.destination).u16(p.source);
    },
  },
];

const BY_IEI = new Map(UDH_IE.map((row) => [row.iei, row]));
const BY_KIND = new Map(UDH_IE.map((row) => [row.kind, row]));

export interface Udh {
  elements: UdhElement[];
}

/** Decodes a UDH starting at the UDHL octet; returns the elements and the offset of the user data after it. */
export function readUdh(r: ByteReader): Udh {
  const udhl = r.u8('UDHL');
  const body = r.sub(udhl, 'UDH');
  const elements: UdhElement[] = [];
  while (!body.atEnd()) {
    const at = body.offset;
    const iei = body.u8('UDH.IEI');
    const iedl = body.u8('UDH.IEDL');
    const data = body.sub(iedl, 'UDH.IE');
    const row = BY_IEI.get(iei);
    if (row) {
      if (iedl !== row.length) {
        throw new DecodeError(at, `UDH.${row.kind}`, `IEDL ${iedl}, ${row.clause} requires ${row.length}`);
      }
      elements.push(row.read(data));
    } else {
      elements.push({ kind: 'other', iei, data: data.bytes(iedl, 'UDH.IE') });
    }
  }
  return { elements };
}

export function udhLength(udh: Udh): number {
  let n = 1;
  for (const e of udh.elements) n += 2 + (e.kind === 'other' ? e.data.length : BY_KIND.get(e.kind)!.length);
  return n;
}

export function writeUdh(w: ByteWriter, udh: Udh): void {
  const len = udhLength(udh) - 1;
  if (len > 255) throw new EncodeError(-1, 'UDHL', `header of ${len} octets exceeds 255`);
  w.u8(len);
  for (const e of udh.elements) {
    if (e.kind === 'other') {
      if (e.data.length > 255)
        throw new EncodeError(-1, 'UDH.IE', `IE 0x${e.iei.toString(16)} longer than 255`);
      w.u8(e.iei).u8(e.data.length).bytes(e.data);
      continue;
    }
    const row = BY_KIND.get(e.kind)!;
    w.u8(row.iei).u8(row.length);
    row.write(w, e);
  }
}

/** The octets encodeUdh(udh) writes, UDHL included (dns-packet's name for udhLength). */
export const encodingLengthUdh: (udh: Udh) => number = udhLength;

export function encodeUdh(udh: Udh): Uint8Array {
  const w = new ByteWriter(udhLength(udh));
  writeUdh(w, udh);
  return w.finish();
}

/** The concatenation element of a UDH, if any (8- or 16-bit reference). */
export function concatOf(udh: Udh): { ref: number; refBits: 8 | 16; total: number; seq: number } | undefined {
  for (const e of udh.elements) {
    if (e.kind === 'concat8') return { ref: e.ref, refBits: 8, total: e.total, seq: e.seq };
    if (e.kind === 'concat16') return { ref: e.ref, refBits: 16, total: e.total, seq: e.seq };
  }
  return undefined;
}

/** Application port addressing of a UDH, if any (8- or 16-bit ports). */
export function portsOf(udh: Udh): { source: number; destination: number } | undefined {
  for (const e of udh.elements) {
    if (e.kind === 'port16' || e.kind === 'port8') return { source: e.source, destination: e.destination };
  }
  return undefined;
}
