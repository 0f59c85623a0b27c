import type { MimeEntity } from '../mime/mime-entity.ts';
import { MM4_HEADERS, mm4HeaderRow } from './mm4-headers.ts';
import type { Mm4Header, Mm4Message, Mm4MessageType } from './mm4-message.ts';

const ORDER = new Map(MM4_HEADERS.map((r, i) => [r.name, i]));

/**
 * Builds an MM4 message from named fields: table fields in table order (header names in
 * any case), X-Mms-Message-Type from `type`, other fields after them in the order given.
 * Array values give one header field per element. Undefined values are skipped.
 */
export function buildMm4(
  type: Mm4MessageType,
  fields: Record<string, string | number | readonly string[] | undefined>,
  content?: MimeEntity,
): Mm4Message {
  const known: Array<{ order: number; h: Mm4Header }> = [];
  const other: Mm4Header[] = [];
  const typeRow = 'X-Mms-Message-Type';
  known.push({ order: ORDER.get(typeRow) ?? 0, h: { name: typeRow, value: type } });
  for (const [name, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const row = mm4HeaderRow(name);
    if (row?.name === typeRow) continue;
    const values = Array.isArray(v) ? (v as readonly string[]) : [String(v)];
    for (const value of values) {
      if (row) known.push({ order: ORDER.get(row.name) ?? 0, h: { name: row.name, value } });
      else other.push({ name, value });
    }
  }
  known.sort((a, b) => a.order - b.order);
  const msg: Mm4Message = { type, headers: [...known.map((k) => k.h), ...other] };
  if (content) msg.content = content;
  return msg;
}

/** The first value of a header field (case-insensitive), or undefined. */
export function getMm4Header(msg: Mm4Message, name: string): string | undefined {
  const lower = name.toLowerCase();
  return msg.headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Every value of a header field, in order. */
export function getMm4Headers(msg: Mm4Message, name: string): string[] {
  const lower = name.toLowerCase();
  return msg.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}
