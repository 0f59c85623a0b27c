import { DecodeError } from '../codec-error.ts';
import type { Mm7Message } from './mm7-message.ts';

export function decodeMm7(_input: Uint8Array, _contentType?: string): Mm7Message {
  throw new DecodeError(0, 'MM7', 'not implemented yet');
}
