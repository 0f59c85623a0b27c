import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { icsTemplate } from '../../harness/ics/ics-template.ts';
import { embeddedIcs } from '../../harness/targets/embedded.ts';
import { reservePort } from '../../harness/targets/reserve-port.ts';
import { CliError } from '../cli-error.ts';
import { register } from './run.ts';

/**
 * `mmscert run` when the run cannot be done: a malformed or invalid config, an unreachable
 * external target, a container target with no engine, suite files with errors. Each is ONE clear
 * line (CliError, exit 2), never a stack trace. In-process through commander where possible; the
 * real binary once, for what the user sees on stderr.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-run-cli-'));
const suite = path.join(repoRoot, 'suites/examples/mm1-smoke.yaml');

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** Runs `mmscert run ARGS` in-process; returns the CliError it ends with and what went to stderr. */
async function runCli(args: string[]): Promise<{ error: CliError; stderr: string }> {
  const program = new Command().exitOverride();
  register(program);
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  // Reaching process.exit means the run was done: not what these cases expect.
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Error(`process.exit(${code}) reached`);
  });
  const error = await program
    .parseAsync(['run', '--reporter', 'json', '--report-dir', path.join(dir, 'reports'), ...args], {
      from: 'user',
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  vi.restoreAllMocks();
  expect(error).toBeInstanceOf(CliError);
  const e = error as CliError;
  expect(e.exitCode).toBe(2);
  expect(e.message).not.toContain('\n');
  return { error: e, stderr };
}

describe('mmscert run: bad config', () => {
  it.each([
    ['bad-yaml', 'target: { kind: external\n', /bad-yaml\.yaml:\d+:\d+: YAML: /],
    ['unknown-kind', 'target: { kind: mainframe }\n', /unknown-kind\.yaml:1:\d+: target\.kind: /],
    [
      'non-loopback',
      'target:\n  kind: external\n  endpoints: { mm1: "http://10.0.0.1:8002/mms" }\n',
      /non-loopback\.yaml:3:\d+: target\.endpoints\.mm1: must be a loopback URL/,
    ],
    ['unknown-key', 'target: { kind: none }\nturbo: true\n', /unknown-key\.yaml:\d+:\d+: .*turbo/],
  ])('%s: one line with file:line:col, exit 2', async (name, text, re) => {
    const { error } = await runCli(['--config', file(`${name}.yaml`, text), suite]);
    expect(error.message).toMatch(re);
  });

  it('an external target without an ICS: a usage error naming what is missing', async () => {
    const f = file(
      'no-ics.yaml',
      'target:\n  kind: external\n  endpoints: { mm1: "http://127.0.0.1:9/mms" }\n',
    );
    const { error } = await runCli(['--config', f, suite]);
    expect(error.message).toMatch(
      /no-ics\.yaml:2:\d+: target\.ics: an external or container target needs its ICS/,
    );
  });

  it('an ICS with an unknown item or a wrong type: file:line:col of the item, exit 2', async () => {
    const good = icsTemplate(embeddedIcs());
    file('typo.ics.yaml', good.replace('  mmbox: true', '  mmbx: true'));
    file('type.ics.yaml', good.replace('  maxRecipients: 100', '  maxRecipients: lots'));
    const cfg = (ics: string) =>
      file(
        `cfg-${ics}.yaml`,
        `target:\n  kind: external\n  ics: ./${ics}\n  endpoints: { mm1: "http://127.0.0.1:9/mms" }\n`,
      );
    const typo = await runCli(['--config', cfg('typo.ics.yaml'), suite]);
    expect(typo.error.message).toMatch(/typo\.ics\.yaml:\d+:3: mm1: unknown ICS item "mmbx"$/);
    const type = await runCli(['--config', cfg('type.ics.yaml'), suite]);
    expect(type.error.message).toMatch(/type\.ics\.yaml:\d+:\d+: mm1\.maxRecipients: .*number/);
  });

  it('a missing config file', async () => {
    const { error } = await runCli(['--config', path.join(dir, 'nope.yaml'), suite]);
    expect(error.message).toMatch(/^cannot read config .*nope\.yaml: ENOENT$/);
  });

  it('a missing expectations file named by the config', async () => {
    const f = file('with-expect.yaml', 'target: { kind: none }\nexpectations: missing-known.yaml\n');
    const { error } = await runCli(['--config', f, suite]);
    expect(error.message).toMatch(/missing-known\.yaml/);
  });
});

describe('mmscert run: unreachable targets', () => {
  it('an external target where nothing listens: one line naming each dead endpoint', async () => {
    // Ports free a moment ago, nothing bound to them now.
    const mm1 = await reservePort();
    const mm7 = await reservePort();
    const f = file(
      'unreachable.yaml',
      `target:\n  kind: external\n  ics: ./good.ics.yaml\n  endpoints:\n    mm1: http://127.0.0.1:${mm1}/mms\n    mm7: http://127.0.0.1:${mm7}/mm7\n`,
    );
    file('good.ics.yaml', icsTemplate(embeddedIcs()));
    const { error } = await runCli(['--config', f, suite]);
    expect(error.message).toBe(
      `target unreachable: nothing answers at MM1 http://127.0.0.1:${mm1}/mms, MM7 http://127.0.0.1:${mm7}/mm7`,
    );
  });
});

describe('mmscert run: suite files with errors', () => {
  it('each problem on its own file:line:col line, then one summary line, nothing run', async () => {
    const bad = file(
      'bad-suite.yaml',
      [
        'suite: broken',
        'title: broken suite',
        'interfaces: [MM1]',
        'cases:',
        '  - id: broken.001',
        '    title: a step of no known kind',
        '    requirements: [{ spec: X, clause: "1", level: SHALL, text: t }]',
        '    steps:',
        '      - frobnicate: true',
        '',
      ].join('\n'),
    );
    const { error, stderr } = await runCli(['--suites-dir', dir, bad]);
    expect(error.message).toMatch(/^\d+ problem\(s\) in suite files: nothing run$/);
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const l of lines) expect(l).toMatch(/bad-suite\.yaml:\d+:\d+: /);
    expect(stderr).toMatch(/bad-suite\.yaml:9:\d+: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a suite file that is not YAML', async () => {
    const bad = file('not-yaml.yaml', 'suite: x\ncases: [ { id: a\n');
    const { stderr } = await runCli(['--suites-dir', dir, bad]);
    expect(stderr.trim().split('\n')[0]).toMatch(/not-yaml\.yaml:\d+:\d+: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('mmscert run (the binary): what the user sees', () => {
  it('a malformed config: one stderr line, exit 2, no stack trace', () => {
    const f = file('cli-bad.yaml', 'target:\n  kind: external\n  endpoints: [\n');
    const r = spawnSync(process.execPath, ['bin/mmscert.js', 'run', '--config', f, suite], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^mmscert: .*cli-bad\.yaml:\d+:\d+: YAML: /);
  }, 60_000);
});
