import type net from 'node:net';
import { Duplex } from 'node:stream';
import { SMPP_HEADER_LENGTH, SMPP_MAX_PDU_LENGTH } from '../../codec/smpp/index.ts';

/** A PDU header whose command_length no PDU can have (SMPP 3.4 §3.2: the 16-octet header counts). */
export interface BadCommandLength {
  commandLength: number;
  /** The header's sequence_number when all 16 octets arrived, else undefined. */
  sequenceNumber: number | undefined;
}

/**
 * The stream the smpp package's Session reads from: the TCP socket's octets, handed on only while
 * every command_length is one a PDU can have (16..SMPP_MAX_PDU_LENGTH). The package itself throws
 * on such a header and stops reading, so the MMSC could only drop the link. Here the first bad
 * header stops the hand-over and is reported once (`onBadLength`): the MMSC answers it with
 * generic_nack ESME_RINVCMDLEN (SMPP 3.4 §4.3: "assume that the data is corrupt"), nothing after
 * it is read. Writes, cork/uncork, end and destroy go to the socket.
 */
export class SmppFramedSocket extends Duplex {
  private buf: Buffer = Buffer.alloc(0);
  /** Octets of the PDU being handed on that are still to come. */
  private rest = 0;
  private broken = false;

  constructor(
    readonly socket: net.Socket,
    private readonly onBadLength: (bad: BadCommandLength) => void,
  ) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.push(null));
    socket.on('error', (e: Error) => this.destroy(e));
    socket.on('close', () => this.destroy());
  }

  private onData(chunk: Buffer): void {
    if (this.broken) return;
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length > 0) {
      if (this.rest > 0) {
        const n = Math.min(this.rest, this.buf.length);
        this.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.rest -= n;
        continue;
      }
      if (this.buf.length < 4) return;
      const length = this.buf.readUInt32BE(0);
      if (length < SMPP_HEADER_LENGTH || length > SMPP_MAX_PDU_LENGTH) {
        this.broken = true;
        const sequenceNumber = this.buf.length >= 16 ? this.buf.readUInt32BE(12) : undefined;
        this.buf = Buffer.alloc(0);
        this.onBadLength({ commandLength: length, sequenceNumber });
        return;
      }
      this.rest = length;
    }
  }

  override _read(): void {
    // octets are pushed as they arrive (an SMSC sends little; no back-pressure kept)
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }

  /** What was written while corked leaves in one socket write. */
  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    this.socket.cork();
    const last = chunks.length - 1;
    for (let i = 0; i <= last; i++) this.socket.write(chunks[i]!.chunk, i === last ? cb : undefined);
    this.socket.uncork();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.socket.end();
    cb();
  }

  override _destroy(e: Error | null, cb: (e?: Error | null) => void): void {
    this.socket.destroy();
    cb(e);
  }
}
