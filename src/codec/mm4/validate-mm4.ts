import { parseMm4Address, splitAddressList } from './mm4-address.ts';
import type { Mm4HeaderRow } from './mm4-headers.ts';
import { MM4_HEADERS, mm4HeaderRow } from './mm4-headers.ts';
import type { Mm4Issue, Mm4Message } from './mm4-message.ts';
import { parseRfc5322Date } from './rfc5322-date.ts';

/** Why a value does not fit its codec, or null when it does. */
export function checkMm4Value(row: Mm4HeaderRow, value: string, msg: Mm4Message): string | null {
  const v = value.trim();
  switch (row.codec) {
    case 'text':
    case 'encoded-text':
      return v.length ? null : 'empty value';
    case 'version':
      return /^\d+\.\d+\.\d+$/.test(v) ? null : 'not a 3GPP version x.y.z';
    case 'message-type':
      return v.toLowerCase() === msg.type.toLowerCase()
        ? null
        : `does not match the message type ${msg.type}`;
    case 'msg-id':
      return /^<[^<>\s@]+@[^<>\s@]+>$/.test(v) ? null : 'not an RFC 5322 msg-id <left@right>';
    case 'address':
      return parseMm4Address(v) ? null : 'not an MM4 address (+E164/TYPE=PLMN@domain or e-mail)';
    case 'address-list': {
      const list = splitAddressList(v);
      if (!list.length) return 'empty address list';
      const bad = list.find((a) => !parseMm4Address(a));
      return bad === undefined ? null : `not an MM4 address: ${JSON.stringify(bad)}`;
    }
    case 'date':
      return parseRfc5322Date(v) ? null : 'not an RFC 5322 date-time';
    case 'date-or-seconds':
      return /^\d+$/.test(v) || parseRfc5322Date(v) ? null : 'neither an RFC 5322 date-time nor seconds';
    case 'integer':
      return /^\d{1,10}$/.test(v) ? null : 'not a non-negative integer';
    case 'yes-no':
      return /^(yes|no)$/i.test(v) ? null : 'must be Yes or No';
    case 'enum':
      return row.values?.some((x) => x.toLowerCase() === v.toLowerCase())
        ? null
        : `not one of ${(row.values ?? []).join(', ')}`;
  }
}

/**
 * Checks an MM4 message against the header table: mandatory fields present, no field
 * the message type does not define, no field twice, every value fits its codec, and
 * the conditional rules (a forward names at least one recipient in To or Cc and has a
 * Content-Type, TS 23.140 §8.4.1.1). Returns every issue found (empty = valid).
 */
export function validateMm4(msg: Mm4Message): Mm4Issue[] {
  const issues: Mm4Issue[] = [];
  const seen = new Map<string, number>();
  for (const h of msg.headers) {
    const row = mm4HeaderRow(h.name);
    if (!row) continue;
    seen.set(row.name, (seen.get(row.name) ?? 0) + 1);
    const presence = row.messages[msg.type];
    if (!presence) {
      issues.push({ field: row.name, reason: `not defined for ${msg.type}`, clause: row.clause });
      continue;
    }
    const why = checkMm4Value(row, h.value, msg);
    if (why) issues.push({ field: row.name, reason: why, clause: row.clause });
  }
  for (const row of MM4_HEADERS) {
    const n = seen.get(row.name) ?? 0;
    if (row.messages[msg.type] === 'M' && n === 0 && !(row.name === 'X-Mms-Message-Type')) {
      issues.push({ field: row.name, reason: `mandatory in ${msg.type} but missing`, clause: row.clause });
    }
    if (n > 1)
      issues.push({ field: row.name, reason: `appears ${n} times (once allowed)`, clause: 'RFC 5322 §3.6' });
  }
  if (msg.type === 'MM4_forward.REQ') {
    if (!seen.get('To') && !seen.get('Cc')) {
      issues.push({
        field: 'To',
        reason: 'a forward needs at least one recipient in To or Cc',
        clause: '23.140 §8.4.1.1',
      });
    }
    if (!msg.content)
      issues.push({ field: 'Content-Type', reason: 'a forward carries content', clause: '23.140 §8.4.1.1' });
  }
  if (msg.content?.parts && msg.content.parts.length === 0) {
    issues.push({ field: 'content', reason: 'multipart without parts', clause: 'RFC 2046 §5.1.1' });
  }
  return issues;
}
