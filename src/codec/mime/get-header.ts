import type { MimeHeader } from './mime-entity.ts';

/** The first header named `name` (case-insensitive, RFC 5322 §1.2.2), or undefined. */
export function getHeader(headers: readonly MimeHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}
