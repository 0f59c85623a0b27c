import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mmsHeaderTableMarkdown } from './header-docs.ts';

describe('docs', () => {
  it('README.md embeds the header table generated from MMS_HEADERS', () => {
    const readme = readFileSync(path.join(import.meta.dirname, 'README.md'), 'utf8');
    // compare cell contents only: a formatter may pad the Markdown table
    const norm = (t: string) => t.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    expect(norm(readme)).toContain(norm(mmsHeaderTableMarkdown()));
  });
});
