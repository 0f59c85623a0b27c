/**
 * Checks what an MMSC sends to an e-mail recipient over MM3 (TS 23.140 §8.3: MM3 towards
 * external e-mail servers uses RFC 5322 + MIME) before it is trusted: header syntax and the
 * mandatory fields. Works on the raw bytes so it sees what a parser would repair.
 * Returns one human-readable issue per violation (empty = valid).
 */
export function checkMail(raw: Uint8Array): string[] {
  const issues: string[] = [];
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const end = headerEnd(text);
  if (end < 0) issues.push('no empty line between header and body (RFC 5322 §2.1)');
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split('\r\n');
  const names: string[] = [];
  let lineNo = 0;
  for (const line of lines) {
    lineNo += 1;
    if (line.length === 0) continue;
    if (line.includes('\n') || line.includes('\r'))
      issues.push(`header line ${lineNo}: bare CR or LF (RFC 5322 §2.2)`);
    // RFC 5322 §2.1.1: lines MUST be no more than 998 characters.
    if (line.length > 998) issues.push(`header line ${lineNo}: longer than 998 characters (RFC 5322 §2.1.1)`);
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (names.length === 0) issues.push('header starts with a continuation line (RFC 5322 §2.2.3)');
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    // RFC 5322 §2.2 / §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126.
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
      issues.push(`header line ${lineNo}: not "name: value" (RFC 5322 §2.2)`);
      continue;
    }
    names.push(name.toLowerCase());
  }
  const count = (n: string) => names.filter((x) => x === n).length;
  // RFC 5322 §3.6: Date and From are required, exactly once; Message-ID SHOULD be present,
  // and an MMSC relaying to e-mail is expected to set it (TS 23.140 §8.3, Message-ID mapping).
  for (const [n, label] of [
    ['date', 'Date'],
    ['from', 'From'],
  ] as const) {
    if (count(n) !== 1) issues.push(`${label}: must occur exactly once, found ${count(n)} (RFC 5322 §3.6)`);
  }
  if (count('message-id') !== 1)
    issues.push(`Message-ID: expected exactly once, found ${count('message-id')}`);
  if (count('to') + count('cc') + count('bcc') === 0)
    issues.push('To: no destination field (RFC 5322 §3.6.3)');
  for (const single of ['to', 'cc', 'subject', 'sender', 'reply-to', 'mime-version', 'content-type']) {
    if (count(single) > 1)
      issues.push(`${single}: occurs ${count(single)} times, at most once (RFC 5322 §3.6)`);
  }
  const dateValue = headerValue(lines, 'date');
  if (dateValue !== undefined && Number.isNaN(Date.parse(dateValue))) {
    issues.push(`Date: not a date-time: ${JSON.stringify(dateValue)} (RFC 5322 §3.3)`);
  }
  const mid = headerValue(lines, 'message-id');
  if (mid !== undefined && !/^\s*<[^<>@\s]+@[^<>@\s]+>\s*$/.test(mid)) {
    issues.push(`Message-ID: not <id-left@id-right>: ${JSON.stringify(mid)} (RFC 5322 §3.6.4)`);
  }
  // RFC 2045 §4: a MIME message carries MIME-Version.
  if (count('content-type') > 0 && count('mime-version') === 0)
    issues.push('MIME-Version: missing (RFC 2045 §4)');
  for (let i = 0; i < raw.byteLength; i++) {
    if (raw[i] > 0x7f && i < end) {
      issues.push('header contains 8-bit octets: non-ASCII needs RFC 2047 encoded words');
      break;
    }
  }
  return issues;
}

function headerEnd(text: string): number {
  if (text.startsWith('\r\n')) return 0;
  const i = text.indexOf('\r\n\r\n');
  return i < 0 ? -1 : i;
}

/** The unfolded value of the first header `name` (lower case). */
function headerValue(lines: string[], name: string): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.toLowerCase().startsWith(`${name}:`)) {
      let v = line.slice(name.length + 1);
      for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j]); j++) v += lines[j];
      return v.trim();
    }
  }
  return undefined;
}
