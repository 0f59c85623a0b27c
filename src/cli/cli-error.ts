import { isCodecError } from '../codec/codec-error.ts';

/** An error meant for the user: printed as one line, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Prints one clear line and exits: codec errors exit 1 (`offset N: FIELD: reason`), others 2. */
export function exitWithCliError(e: unknown): never {
  if (isCodecError(e)) {
    process.stderr.write(`${e.toLine()}\n`);
    process.exit(1);
  }
  if (e instanceof CliError) {
    process.stderr.write(`mmscert: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`mmscert: internal error: ${message}\n`);
  if (process.env.MMSCERT_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
  process.exit(2);
}
