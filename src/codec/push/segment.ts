import { ByteWriter } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';
import { type UdhElement, udhLength, writeUdh } from './udh.ts';

/** WDP over SMS ports for WAP push (WAP-259-WDP §6.3.1, Appendix B): WSP connectionless push 2948, from 9200. */
export const WAP_PUSH_PORT = 2948;
export const WAP_WSP_SOURCE_PORT = 9200;
/** Octets of 8-bit user data one SMS carries (TS 23.040 §9.2.3.16: 140 octets). */
export const SMS_MAX_OCTETS = 140;

export interface SegmentOptions {
  /** 16-bit application ports; omit for none. */
  ports?: { source: number; destination: number };
  /** Concatenation reference (0..255 or 0..65535). */
  ref: number;
  refBits?: 8 | 16;
  /** Octets per SMS including the UDH; at most 140. */
  maxOctets?: number;
}

/**
 * Splits a payload into SMS user data (UDH + fragment) of at most 140 octets each.
 * A payload that fits one SMS gets no concatenation element (TS 23.040 §9.2.3.24.1 is
 * only for concatenated messages); otherwise every segment carries the ports and the
 * concatenation element, as WAP-259 §6.5 requires of each datagram fragment.
 */
export function segmentSms(payload: Uint8Array, opts: SegmentOptions): Uint8Array[] {
  const max = opts.maxOctets ?? SMS_MAX_OCTETS;
  if (max > SMS_MAX_OCTETS || max < 16)
    throw new EncodeError(-1, 'maxOctets', `must be 16..${SMS_MAX_OCTETS}`);
  const refBits = opts.refBits ?? 8;
  if (!Number.isInteger(opts.ref) || opts.ref < 0 || opts.ref > (refBits === 8 ? 0xff : 0xffff)) {
    throw new EncodeError(-1, 'concat.ref', `${opts.ref} does not fit ${refBits} bits`);
  }
  const portEl: UdhElement[] = opts.ports
    ? [{ kind: 'port16', destination: opts.ports.destination, source: opts.ports.source }]
    : [];

  const single = { elements: portEl };
  const singleUdh = portEl.length ? udhLength(single) : 0;
  if (payload.length + singleUdh <= max) {
    const w = new ByteWriter(payload.length + singleUdh);
    if (portEl.length) writeUdh(w, single);
    return [w.bytes(payload).finish()];
  }

  const concatEl = (seq: number, total: number): UdhElement =>
    refBits === 8
      ? { kind: 'concat8', ref: opts.ref, total, seq }
      : { kind: 'concat16', ref: opts.ref, total, seq };
  const udhLen = udhLength({ elements: [...portEl, concatEl(1, 1)] });
  const room = max - udhLen;
  const total = Math.ceil(payload.length / room);
  if (total > 255)
    throw new EncodeError(-1, 'concat.total', `${total} segments exceed 255 (TS 23.040 §9.2.3.24.1)`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < total; i++) {
    const chunk = payload.subarray(i * room, Math.min(payload.length, (i + 1) * room));
    const w = new ByteWriter(udhLen + chunk.length);
    writeUdh(w, { elements: [...portEl, concatEl(i + 1, total)] });
    out.push(w.bytes(chunk).finish().slice());
  }
  return out;
}
