/**
 * Whether an SMTP reverse-path or forward-path (as smtp-server decoded it from the wire) can be
 * accepted at all: invalid UTF-8 on the wire decodes to U+FFFD, and control characters are never
 * part of a Mailbox (RFC 5321 §4.1.2; RFC 6531 §3.3 allows UTF-8 only when it is well formed).
 * Returns the reason, or undefined when the syntax is acceptable.
 */
export function smtpPathProblem(address: string): string | undefined {
  if (address.includes('\uFFFD')) return 'not well-formed UTF-8';
  if (/[\u0000-\u001F\u007F]/.test(address)) return 'control characters';
  return undefined;
}
