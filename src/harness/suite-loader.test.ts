import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from './suite-diagnostics.ts';
import { loadSuites } from './suite-loader.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-suites-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const f = path.join(dir, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
  return f;
}

async function diagnosticsOf(text: string, name = 'bad.yaml'): Promise<string[]> {
  const f = write(name, text);
  const r = await loadSuites({ root: dir, files: [f] });
  return r.diagnostics.map((d) => formatDiagnostic({ ...d, file: path.basename(d.file) }));
}

const GOOD = `# yaml-language-server: $schema=../schema/suite.schema.json
suite: mm1.send
interfaces: [MM1]
peers: { ue: [alice, bob] }
cases:
  - id: mm1.send.001
    title: A submit is confirmed
    requirements:
      - { spec: OMA-TS-MMS_CTR-V1_3, clause: '6.1.1', level: SHALL }
      - R-OPTIONAL
    steps:
      - do: ue.alice.send
        with: { to: '{{ue.bob.msisdn}}' }
        save: send
      - expect:
          message: m-send-conf
          where: { X-Mms-Response-Status: Ok }
          within: 2s
  - id: mm1.status.{{each.status}}
    title: 'Status {{each.status}}'
    each:
      - { status: Ok, code: 128 }
      - { status: Error-unspecified, code: 129 }
    steps:
      - wait: 10ms
      - expect: { message: m-send-conf, where: { X-Mms-Response-Status: '{{each.code}}' } }
`;

describe('loadSuites', () => {
  it('loads cases with positions, families and catalogue references', async () => {
    write(
      'requirements.yaml',
      'requirements:\n  - { id: R-OPTIONAL, spec: WAP-209, clause: "8.2", level: SHOULD }\n',
    );
    const f = write('mm1/send.yaml', GOOD);
    const r = await loadSuites({ root: dir, files: [f] });
    expect(r.diagnostics).toEqual([]);
    expect(r.cases.map((c) => c.id)).toEqual([
      'mm1.send.001',
      'mm1.status.Ok',
      'mm1.status.Error-unspecified',
    ]);
    const [c1, c2, c3] = r.cases;
    expect(c1.suite).toBe('mm1.send');
    expect(c1.interfaces).toEqual(['MM1']);
    expect(c1.peers).toEqual({ ue: ['alice', 'bob'] });
    expect(c1.requirements.map((q) => q.level)).toEqual(['SHALL', 'SHOULD']);
    expect(c1.level).toBe('SHALL');
    expect(c1.source).toMatchObject({ line: 6, col: 5 });
    expect(c1.steps[0]).toMatchObject({
      kind: 'do',
      label: 'step 1: ue.alice.send',
      source: { line: 12, col: 9 },
    });
    expect(c1.steps[1]).toMatchObject({
      kind: 'expect',
      label: 'step 2: expect m-send-conf',
      source: { line: 15, col: 9 },
    });
    // Family rows: {{each.x}} replaced, a whole-placeholder keeps the row's type.
    expect(c2.title).toBe('Status Ok');
    expect(c2.family).toMatchObject({ id: 'mm1.status.{{each.status}}', row: 0 });
    expect(
      (c3.steps[1].spec as { expect: { where: Record<string, unknown> } }).expect.where[
        'X-Mms-Response-Status'
      ],
    ).toBe(129);
    expect(c3.steps[1].source.line).toBe(c2.steps[1].source.line);
  });

  it('numbers family members when the id has no placeholder', async () => {
    const f = write(
      'fam.yaml',
      'cases:\n  - id: fam.x\n    title: t\n    each: [{ a: 1 }, { a: 2 }]\n    steps: [{ wait: 1ms }]\n',
    );
    const r = await loadSuites({ root: dir, files: [f] });
    expect(r.cases.map((c) => c.id)).toEqual(['fam.x.001', 'fam.x.002']);
  });

  it('filters by id glob and grep', async () => {
    const f = write('mm1/send.yaml', GOOD);
    expect(
      (await loadSuites({ root: dir, files: [f], suite: 'mm1.status.*' })).cases.map((c) => c.id),
    ).toEqual(['mm1.status.Ok', 'mm1.status.Error-unspecified']);
    expect((await loadSuites({ root: dir, files: [f], grep: /confirmed/ })).cases.map((c) => c.id)).toEqual([
      'mm1.send.001',
    ]);
  });

  it('discovers suite files by folder and loads .case.ts files', async () => {
    const sub = mkdtempSync(path.join(dir, 'discover-'));
    writeFileSync(path.join(sub, 'a.yaml'), 'cases:\n  - { id: a.1, title: A, steps: [{ wait: 1ms }] }\n');
    writeFileSync(path.join(sub, 'not-a-suite.yaml'), 'something: else\n');
    mkdirSync(path.join(sub, 'schema'));
    writeFileSync(path.join(sub, 'schema', 'x.yaml'), 'cases: 3\n');
    const helper = path.resolve(import.meta.dirname, 'define-case.ts');
    writeFileSync(
      path.join(sub, 'b.case.ts'),
      `import { defineCase } from ${JSON.stringify(helper)};\nexport default [\n  defineCase({ id: 'b.1', title: 'B', steps: [{ wait: '1ms' }] }),\n];\n`,
    );
    const r = await loadSuites({ root: sub });
    expect(r.diagnostics).toEqual([]);
    expect(r.cases.map((c) => c.id)).toEqual(['a.1', 'b.1']);
    expect(r.cases[1].source).toMatchObject({ line: 3, col: 3 });
  });

  it('loads the suites of a folder named among the files (mmscert run suites/roaming)', async () => {
    const sub = mkdtempSync(path.join(dir, 'named-'));
    mkdirSync(path.join(sub, 'inner'));
    writeFileSync(
      path.join(sub, 'inner', 'c.yaml'),
      'cases:\n  - { id: c.1, title: C, steps: [{ wait: 1ms }] }\n',
    );
    const r = await loadSuites({ root: dir, files: [sub] });
    expect(r.diagnostics).toEqual([]);
    expect(r.cases.map((c) => c.id)).toEqual(['c.1']);
  });

  it.each([
    [
      'unknown key',
      'cases:\n  - id: x.1\n    title: T\n    colour: red\n    steps: [{ wait: 1ms }]\n',
      'bad.yaml:4:5: cases[0].colour: unknown key "colour"',
    ],
    [
      'missing title',
      'cases:\n  - id: x.1\n    steps: [{ wait: 1ms }]\n',
      'bad.yaml:2:5: cases[0].title: missing required key "title"',
    ],
    [
      'step without kind',
      'cases:\n  - id: x.1\n    title: T\n    steps:\n      - { name: nothing }\n',
      'bad.yaml:5:9: cases[0].steps[0]: a step needs one of: do, behaviour, wait, expect, expect-none',
    ],
    [
      'two kinds in a step',
      'cases:\n  - id: x.1\n    title: T\n    steps:\n      - { wait: 1ms, do: ue.a.send }\n',
      'bad.yaml:5:9: cases[0].steps[0]: a step has one kind only; found wait and do',
    ],
    [
      'bad duration',
      'cases:\n  - id: x.1\n    title: T\n    steps:\n      - wait: soon\n',
      'bad.yaml:5:15: cases[0].steps[0].wait: a duration like 200ms, 2s or 1m',
    ],
    [
      'bad expectation key',
      'cases:\n  - id: x.1\n    title: T\n    steps:\n      - expect: { mesage: m-send-conf }\n',
      'bad.yaml:5:19: cases[0].steps[0].expect.mesage: unknown key "mesage"',
    ],
    [
      'bad interface',
      'cases:\n  - id: x.1\n    title: T\n    interfaces: [MM9]\n    steps: [{ wait: 1ms }]\n',
      'bad.yaml:4:18: cases[0].interfaces[0]: Invalid option',
    ],
    [
      'bad level',
      'cases:\n  - id: x.1\n    title: T\n    requirements: [{ spec: S, clause: "1", level: MUST-ISH }]\n    steps: [{ wait: 1ms }]\n',
      'bad.yaml:4:51: cases[0].requirements[0].level: Invalid option: expected one of "SHALL"',
    ],
    [
      'bad action name',
      'cases:\n  - id: x.1\n    title: T\n    steps:\n      - do: send\n',
      'bad.yaml:5:13: cases[0].steps[0].do: PEER.ACTION',
    ],
    [
      'unknown requirement ref',
      'cases:\n  - id: x.1\n    title: T\n    requirements: [NOPE-1]\n    steps: [{ wait: 1ms }]\n',
      'bad.yaml:4:20: requirement "NOPE-1" is not in the requirement catalogue',
    ],
    ['YAML syntax', 'cases:\n  - id: x.1\n    title: [unclosed\n', 'bad.yaml:4:1: YAML: Flow sequence'],
    ['no cases', 'cases: []\n', 'bad.yaml:1:8: cases:'],
  ])('reports %s with file:line:col', async (_name, text, expected) => {
    const d = await diagnosticsOf(text);
    expect(d.length).toBeGreaterThan(0);
    expect(d[0].startsWith(expected)).toBe(true);
  });

  it('refuses count and save in expect-none (they would be ignored)', async () => {
    const d = await diagnosticsOf(
      'cases:\n  - id: n.1\n    title: A\n    steps:\n      - expect-none: { message: submit_sm, count: 2, within: 1s }\n',
      'none.yaml',
    );
    expect(d.length).toBeGreaterThan(0);
    expect(d.join('\n')).toMatch(/^none\.yaml:5:\d+: .*count/m);
  });

  it('reports duplicate ids at the second case', async () => {
    const d = await diagnosticsOf(
      'cases:\n  - { id: d.1, title: A, steps: [{ wait: 1ms }] }\n  - { id: d.1, title: B, steps: [{ wait: 1ms }] }\n',
      'dup.yaml',
    );
    expect(d).toHaveLength(1);
    expect(d[0]).toMatch(/^dup\.yaml:3:5: duplicate case id "d\.1" \(first at \S*dup\.yaml:2:5\)$/);
  });

  it("refuses an observation of the reference MMSC's inside in a target case, at the node", async () => {
    const d = await diagnosticsOf(
      'cases:\n  - id: w.1\n    title: A\n    steps:\n      - expect: { message: m-send-req, node: mmsc, within: 1s }\n      - expect-none: { event: retry, node: mmsc }\n',
      'wire.yaml',
    );
    expect(d).toHaveLength(2);
    expect(d[0]).toMatch(
      /^wire\.yaml:5:\d+: node: mmsc observes the inside of the reference MMSC; a target case is judged only by what crosses the wire/,
    );
    expect(d[1]).toMatch(/^wire\.yaml:6:\d+: node: mmsc/);
  });

  it('accepts it in a reference self-test, which is not discovered by default', async () => {
    const text =
      'scope: reference\ncases:\n  - id: ref.1\n    title: A\n    steps:\n      - expect: { event: retry, node: mmsc, within: 1s }\n';
    const f = write('reference/self.yaml', text);
    const explicit = await loadSuites({ root: dir, files: [f] });
    expect(explicit.diagnostics).toEqual([]);
    expect(explicit.cases.map((c) => [c.id, c.scope])).toEqual([['ref.1', 'reference']]);
    const discovered = await loadSuites({ root: dir, suite: 'ref.*' });
    expect(discovered.cases).toEqual([]);
    const withRef = await loadSuites({ root: dir, suite: 'ref.*', includeReference: true });
    expect(withRef.cases.map((c) => c.id)).toEqual(['ref.1']);
  });

  it('merges suite and case ICS terms, and refuses unknown ICS items and malformed terms', async () => {
    const f = write(
      'ics.yaml',
      "ics: [mm7.supported]\ncases:\n  - id: i.1\n    title: A\n    ics: ['mm7.versions has REL-6-MM7-1-4']\n    steps: [{ wait: 1ms }]\n",
    );
    const ok = await loadSuites({ root: dir, files: [f] });
    expect(ok.cases[0].ics).toEqual(['mm7.supported', 'mm7.versions has REL-6-MM7-1-4']);
    const d = await diagnosticsOf(
      "ics: [mm7.suported]\ncases:\n  - id: i.2\n    title: A\n    ics: ['mm1.maxMessageSize >= lots']\n    steps: [{ wait: 1ms }]\n",
      'badics.yaml',
    );
    expect(d).toEqual([
      expect.stringMatching(/^badics\.yaml:1:7: ICS item "mm7\.suported" does not exist/),
      expect.stringMatching(/^badics\.yaml:5:11: .*>= needs a number/),
    ]);
  });

  it('takes expect anyOf: alternatives with ICS terms, checks their terms and nodes, refuses one alone', async () => {
    const f = write(
      'anyof.yaml',
      "cases:\n  - id: a.1\n    title: A\n    peers: { mail: true }\n    steps:\n      - expect:\n          anyOf:\n            - { message: email, node: mail, within: 1s }\n            - { ics: [mm3.mtaFronted], message: dsn, node: mail, within: '{{ics.timers.dsn}}' }\n",
    );
    const ok = await loadSuites({ root: dir, files: [f] });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.cases[0].steps[0].label).toBe('step 1: expect any of email / dsn');
    const d = await diagnosticsOf(
      'cases:\n  - id: a.2\n    title: A\n    steps:\n      - expect:\n          anyOf:\n            - { message: email, node: mmsc }\n            - { ics: [mm3.mtaFrontd], message: dsn, wher: {} }\n      - expect: { anyOf: [{ message: email }] }\n',
      'badanyof.yaml',
    );
    expect(d).toEqual([
      expect.stringMatching(/^badanyof\.yaml:8:\d+: .*unknown key "wher"/),
      expect.stringMatching(/^badanyof\.yaml:9:\d+: .*anyOf/),
    ]);
    const d2 = await diagnosticsOf(
      'cases:\n  - id: a.3\n    title: A\n    steps:\n      - expect:\n          anyOf:\n            - { message: email, node: mmsc }\n            - { ics: [mm3.mtaFrontd], message: dsn }\n',
      'badanyof2.yaml',
    );
    expect(d2).toEqual([
      expect.stringMatching(/^badanyof2\.yaml:7:\d+: node: mmsc observes the inside/),
      expect.stringMatching(/^badanyof2\.yaml:8:\d+: ICS item "mm3\.mtaFrontd" does not exist/),
    ]);
  });
});
