import type { Session } from 'smpp';
import { SMPP_HEADER_LENGTH, SMPP_MAX_PDU_LENGTH } from '../../src/codec/smpp/index.ts';

/**
 * Hands the SMSC every PDU exactly as its octets arrived, while the smpp package keeps doing
 * the TCP framing. smpp@0.5.1 (pinned exactly) reads each PDU from the socket with two
 * `socket.read()` calls: 4 octets of command_length, then command_length - 4. Wrapping that
 * one instance's `read` sees both, so:
 * - a command_length outside 16..16384 is refused here (thrown inside the package's own
 *   try/catch, so it surfaces as the session's `error` event) instead of desynchronising the
 *   stream (0 makes 0.5.1 read the next 4 octets as a length) or failing later;
 * - the raw PDU goes to `onPdu` before the package's lossy decode runs, so a body the package
 *   cannot parse (it throws on some truncated TLVs) still reaches our total decoder.
 * The wrapper adds no listener and changes neither what is read nor when.
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

interface SessionInternals {
  _busy: boolean;
  _command_length: number | null;
}

export function attachRawFraming(session: Session, onPdu: (raw: Uint8Array) => void): void {
  const socket = session.socket;
  const read = socket.read.bind(socket);
  let head: Buffer | undefined;
  socket.read = ((n?: number) => {
    const chunk = read(n) as Buffer | null;
    if (chunk === null || !Buffer.isBuffer(chunk)) return chunk;
    if (!head) {
      if (n === 4 && chunk.length === 4) {
        const length = chunk.readUInt32BE(0);
        if (length < SMPP_HEADER_LENGTH || length > SMPP_MAX_PDU_LENGTH) {
          // Best effort: the sequence number sits at octets 12..15 if they are already buffered.
          const peek = (socket as unknown as { readableBuffer?: { head?: { data?: Buffer } } }).readableBuffer
            ?.head?.data;
          const seq = peek && peek.length >= 12 ? peek.readUInt32BE(8) : 0;
          throw new SmppFramingError(length, seq);
        }
        head = chunk;
      }
      return chunk;
    }
    const raw = Buffer.concat([head, chunk]);
    head = undefined;
    onPdu(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    return chunk;
  }) as typeof socket.read;
}

/**
 * After the package's own decode threw on a PDU we already handled (its `error` event), its
 * reader is left marked busy and stops. The PDU's octets were consumed whole, so the stream is
 * still in step: clear the two fields smpp@0.5.1 uses and resume reading.
 */
export function resumeAfterDecodeError(session: Session): void {
  const s = session as unknown as SessionInternals;
  s._busy = false;
  s._command_length = null;
  session.resume();
}
