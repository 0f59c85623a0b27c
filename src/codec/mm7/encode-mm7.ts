import type { Mm7Message } from './mm7-message.ts';
import type { Mm7VersionId } from './mm7-versions.ts';

export interface Mm7EncodeOptions {
  /** Schema version to emit (default: msg.version when supported, else REL-6-MM7-1-4). */
  version?: Mm7VersionId;
  /** Boundary of the multipart/related body when there is content. */
  boundary?: string;
  /** Refuse messages the element table forbids (default true). */
  validate?: boolean;
}

export function encodeMm7Xml(_msg: Mm7Message, _opts: Mm7EncodeOptions = {}): string {
  throw new Error('not implemented yet');
}

export function encodeMm7(
  _msg: Mm7Message,
  _opts: Mm7EncodeOptions = {},
): { contentType: string; body: Uint8Array } {
  throw new Error('not implemented yet');
}
