/**
 * The one error every codec throws. Decoders are total: any byte string yields a value
 * or exactly one CodecError carrying the byte offset and the field being read.
 * Encoders refuse an invalid PDU with an EncodeError (offset = index of the offending
 * header or part, or -1 when it concerns the whole PDU).
 */
export class CodecError extends Error {
  constructor(
    readonly offset: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`offset ${offset}: ${field}: ${reason}`);
    this.name = new.target.name;
  }

  /** The one-line form the CLI prints: `offset N: FIELD: reason`. */
  toLine(): string {
    return `offset ${this.offset}: ${this.field}: ${this.reason}`;
  }
}

export class DecodeError extends CodecError {}
export class EncodeError extends CodecError {}

export function isCodecError(e: unknown): e is CodecError {
  return e instanceof CodecError;
}
