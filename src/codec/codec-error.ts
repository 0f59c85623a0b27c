/** MMSCERT_DEBUG (which also makes the CLI print stacks) gives DecodeErrors their stack trace back. */
const DECODE_STACKS = Boolean(globalThis.process?.env?.MMSCERT_DEBUG);

/**
 * The one error every codec throws. Decoders are total: any byte string yields a value
 * or exactly one CodecError carrying the byte offset and the field being read.
 * Encoders refuse an invalid PDU with an EncodeError (offset = index of the offending
 * header or part, or -1 when it concerns the whole PDU).
 */
export class CodecError extends Error {
  /** Whether instances capture a stack trace (DecodeError: no, see there). */
  static readonly captureStack: boolean = true;
  readonly offset: number;
  readonly field: string;
  readonly reason: string;

  constructor(offset: number, field: string, reason: string) {
    const limit = Error.stackTraceLimit;
    if (!(new.target as typeof CodecError).captureStack) Error.stackTraceLimit = 0;
    super(`offset ${offset}: ${field}: ${reason}`);
    Error.stackTraceLimit = limit;
    this.offset = offset;
    this.field = field;
    this.reason = reason;
    this.name = new.target.name;
  }

  /** The one-line form the CLI prints: `offset N: FIELD: reason`. */
  toLine(): string {
    return `offset ${this.offset}: ${this.field}: ${this.reason}`;
  }
}

/**
 * A decoder's answer to bad input. Being an expected outcome (servers answer it with the protocol's
 * own error, fuzzing throws hundreds of thousands), it carries no stack trace: capturing one costs
 * about 15 µs, ten times the rest of the throw. The offset and field say where it arose.
 */
export class DecodeError extends CodecError {
  static override readonly captureStack: boolean = DECODE_STACKS;
}
export class EncodeError extends CodecError {}

export function isCodecError(e: unknown): e is CodecError {
  return e instanceof CodecError;
}
