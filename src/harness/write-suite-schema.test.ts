import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUITE_SCHEMA_FILE, suiteSchemaText } from './write-suite-schema.ts';

describe('suites/schema/suite.schema.json', () => {
  it('is the JSON Schema of the current zod schema (regenerate: npx tsx src/harness/write-suite-schema.ts)', () => {
    const file = path.resolve(import.meta.dirname, '../..', SUITE_SCHEMA_FILE);
    expect(readFileSync(file, 'utf8')).toBe(suiteSchemaText());
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    expect(schema.properties.cases.items.properties.steps.items.anyOf).toHaveLength(5);
  });
});
