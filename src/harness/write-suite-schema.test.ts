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

interface Branch {
  if: { properties: { do: { pattern: string } } };
  then: { properties: { with: { properties: Record<string, unknown> } } };
}

describe('the JSON Schema completes and checks action parameters as the loader does', () => {
  const file = path.resolve(import.meta.dirname, '../..', SUITE_SCHEMA_FILE);
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  const action = schema.properties.cases.items.properties.steps.items.anyOf.find(
    (o: { required?: string[] }) => o.required?.includes('do'),
  );
  const branches = action.allOf as Branch[];
  const withKeys = (d: string) =>
    branches
      .filter((b) => new RegExp(b.if.properties.do.pattern, 'u').test(d))
      .map((b) => Object.keys(b.then.properties.with.properties));

  it('one branch per action of the peer tables, selected by do:', () => {
    expect(branches.length).toBeGreaterThan(30);
    expect(withKeys('ue.alice.send')).toHaveLength(1);
    expect(withKeys('ue.alice.send')[0]).toContain('parts');
    expect(withKeys('ue.alice.send')[0]).not.toContain('partz');
    expect(withKeys('remote-mmsc.forward')[0]).toContain('text');
    expect(withKeys('vasp.submit')[0]).toContain('linkedId');
    expect(withKeys('ue.alice.sned')).toHaveLength(0);
    expect(action.properties.do.examples).toContain('ue.alice.send');
    expect(schema.properties.peers.propertyNames.enum).toContain('remote-mmsc');
  });
});
