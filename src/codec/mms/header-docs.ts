import { MMS_HEADERS } from './header-table.ts';

/** The header table as Markdown (README.md embeds it; a test keeps the two equal). */
export function mmsHeaderTableMarkdown(): string {
  const rows = MMS_HEADERS.map((h) => {
    const pdus = Object.entries(h.pdus)
      .map(([t, p]) => `${t.slice(2)} ${p}`)
      .join(', ');
    const code = `0x${(h.code | 0x80).toString(16).toUpperCase()}`;
    return `| ${code} | ${h.name} | ${h.codec.grammar.replace(/\|/g, '\\|')} | ${h.since} | ${pdus || '—'} |`;
  });
  return [
    '| octet | field | value | since | PDUs (M mandatory, O optional, * repeatable) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
