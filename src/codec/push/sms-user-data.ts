import { ByteReader, ByteWriter } from '../bytes.ts';
import { concatOf, portsOf, readUdh, type Udh, udhLength, writeUdh } from './udh.ts';

/**
 * One SMS's 8-bit user data (TP-UD, or SMPP short_message) as submitted: with a UDH when
 * the UDHI bit is set (TP-UDHI, 3GPP TS 23.040 §9.2.3.23; SMPP esm_class 0x40).
 */
export interface SmsUserData {
  udh?: Udh;
  /** The octets after the UDH (a view, not a copy). */
  payload: Uint8Array;
  concat?: { ref: number; refBits: 8 | 16; total: number; seq: number };
  ports?: { source: number; destination: number };
}

/** Total decoder: a value or one DecodeError. */
export function decodeSmsUserData(buf: Uint8Array, hasUdh = true): SmsUserData {
  if (!hasUdh) return { payload: buf };
  const r = new ByteReader(buf);
  const udh = readUdh(r);
  const payload = r.bytes(r.remaining, 'TP-UD');
  const concat = concatOf(udh);
  if (concat) {
    if (concat.total === 0) r.fail('UDH.concat.total', 'zero segments (TS 23.040 §9.2.3.24.1)', 0);
    if (concat.seq === 0 || concat.seq > concat.total) {
      r.fail(
        'UDH.concat.seq',
        `sequence ${concat.seq} outside 1..${concat.total} (TS 23.040 §9.2.3.24.1)`,
        0,
      );
    }
  }
  return { udh, payload, concat, ports: portsOf(udh) };
}

/**
 * The octets encodeSmsUserData writes: the UDH (UDHL included) when there is one, then the
 * payload. `concat` and `ports` are read from the UDH by the decoder; the encoder writes the UDH.
 */
export function encodingLengthSmsUserData(ud: Pick<SmsUserData, 'udh' | 'payload'>): number {
  return (ud.udh ? udhLength(ud.udh) : 0) + ud.payload.length;
}

/** One SMS's user data: UDH (set TP-UDHI / esm_class 0x40 with it) then the payload. Never repairs. */
export function encodeSmsUserData(ud: Pick<SmsUserData, 'udh' | 'payload'>): Uint8Array {
  const w = new ByteWriter(encodingLengthSmsUserData(ud));
  if (ud.udh) writeUdh(w, ud.udh);
  return w.bytes(ud.payload).finish();
}
