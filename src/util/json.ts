/** A JSON value: what decoded PDUs, observations and reports are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Byte strings inside JSON are written as `{ "$base64": "..." }` (bodies) so decoded
 * PDUs survive JSON round trips (`mmscert decode --json` | `mmscert encode`).
 */
export function bytesToJson(bytes: Uint8Array): Json {
  return { $base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

export function isBytesJson(value: unknown): value is { $base64: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $base64?: unknown }).$base64 === 'string'
  );
}

export function bytesFromJson(value: { $base64: string }): Uint8Array {
  return new Uint8Array(Buffer.from(value.$base64, 'base64'));
}

/** JSON.stringify replacer: Uint8Array/Buffer → { $base64 }, bigint → string. */
export function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return bytesToJson(value);
  if (typeof value === 'bigint') return value.toString();
  // A Buffer's own toJSON has already turned it into { type: 'Buffer', data: [...] } by now: the
  // holder (`this` under JSON.stringify) still has the bytes, without copying them from that array.
  const original =
    typeof this === 'object' && this !== null ? (this as Record<string, unknown>)[key] : undefined;
  if (original instanceof Uint8Array) return bytesToJson(original);
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return bytesToJson(Uint8Array.from((value as { data: number[] }).data));
  }
  return value;
}
