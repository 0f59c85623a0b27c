import type net from 'node:net';
import { SMPP_HEADER_LENGTH, SMPP_MAX_PDU_LENGTH } from '../../src/codec/smpp/index.ts';

/**
 * The SMSC's TCP framing: every PDU is command_length octets, the length included (SMPP 3.4
 * §3.2), handed on exactly as its octets arrived. A command_length outside 16..16384 cannot be
 * re-synchronised: it is reported once and nothing more is read from that connection.
 */
export class SmppFramingError extends Error {
  constructor(
    readonly commandLength: number,
    /** sequence_number when the header arrived whole, for the generic_nack. */
    readonly sequenceNumber: number,
  ) {
    super(`command_length ${commandLength} outside ${SMPP_HEADER_LENGTH}..${SMPP_MAX_PDU_LENGTH}`);
    this.name = 'SmppFramingError';
  }
}

export function attachSmppFraming(
  socket: net.Socket,
  onPdu: (raw: Uint8Array) => void,
  onFramingError: (e: SmppFramingError) => void,
): void {
  let buf: Buffer = Buffer.alloc(0);
  let stopped = false;
  socket.on('data', (chunk: Buffer) => {
    if (stopped) return;
    buf = buf.length > 0 ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4) {
      const length = buf.readUInt32BE(0);
      if (length < SMPP_HEADER_LENGTH || length > SMPP_MAX_PDU_LENGTH) {
        stopped = true;
        onFramingError(new SmppFramingError(length, buf.length >= 16 ? buf.readUInt32BE(12) : 0));
        return;
      }
      if (buf.length < length) return;
      // a copy: the PDU outlives this chunk (observations keep it)
      onPdu(new Uint8Array(buf.subarray(0, length)));
      buf = buf.subarray(length);
    }
  });
}
