import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suiteJsonSchema } from './suite-schema.ts';

/** Regenerates suites/schema/suite.schema.json: `npx tsx src/harness/write-suite-schema.ts`. */
export const SUITE_SCHEMA_FILE = 'suites/schema/suite.schema.json';

export function suiteSchemaText(): string {
  return `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`;
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(import.meta.dirname, 'write-suite-schema.ts')
) {
  writeFileSync(SUITE_SCHEMA_FILE, suiteSchemaText());
  process.stdout.write(`wrote ${SUITE_SCHEMA_FILE}\n`);
}
