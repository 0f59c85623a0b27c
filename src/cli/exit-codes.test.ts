import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Exit codes that cannot lie (issue 16 item 2), through the real command: 0 all well, 1 an
 * unexpected failure at or above --fail-on (default: any level) or nothing matching `list`, 2
 * every harness problem (no tshark for audit-pcaps, a taken peer port, a bad config).
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-exit-'));
const suites = path.join(dir, 'suites');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/mmscert.js'), ...args], {
    cwd: repoRoot,
    env: { ...env, MMSCERT_CACHE: '0' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Two cases without a target (peers only): one passes, one fails a SHOULD; tagged apart. */
const SUITE = `suite: exit
cases:
  - id: exit.pass
    title: passes
    tags: [green]
    requirements: [{ spec: S, clause: '1', level: SHALL }]
    steps:
      - wait: 1ms
  - id: exit.should
    title: fails a SHOULD
    tags: [should]
    requirements: [{ spec: S, clause: '2', level: SHOULD }]
    steps:
      - expect: { event: retrieval-failed, within: 10ms }
`;

beforeAll(() => {
  mkdirSync(suites, { recursive: true });
  writeFileSync(path.join(suites, 'exit.yaml'), SUITE);
  writeFileSync(path.join(dir, 'none.yaml'), 'target: { kind: none }\n');
});

const run = (...extra: string[]) =>
  cli([
    'run',
    '--suites-dir',
    suites,
    '--config',
    path.join(dir, 'none.yaml'),
    '--workers',
    '1',
    '--time-scale',
    '1',
    ...extra,
  ]);

describe('exit codes', () => {
  it('list: 0 with matches, 1 and a message with none; --tag selects', () => {
    const all = cli(['list', '--suites-dir', suites]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('exit.pass');
    const tagged = cli(['list', '--suites-dir', suites, '--tag', 'should']);
    expect(tagged.code).toBe(0);
    expect(tagged.stdout).toContain('exit.should');
    expect(tagged.stdout).not.toContain('exit.pass');
    const none = cli(['list', '--suites-dir', suites, '--suite', 'nothing.*']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no case matches');
  });

  it('run: a failed SHOULD exits 1 by default, 0 with --fail-on SHALL; the report path is printed', () => {
    const r = run('--reporter', 'terminal,html', '--report-dir', path.join(dir, 'r1'));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`report: ${path.join(dir, 'r1', 'report.html')}`);
    expect(existsSync(path.join(dir, 'r1', 'report.html'))).toBe(true);
    const lenient = run('--fail-on', 'SHALL', '--reporter', 'terminal');
    expect(lenient.code, lenient.stdout + lenient.stderr).toBe(0);
    const green = run('--tag', 'green', '--reporter', 'terminal');
    expect(green.code, green.stdout + green.stderr).toBe(0);
    expect(green.stdout).toContain('1 case');
  }, 120_000);

  it('run: a fixed peer port taken is one harness error before any case, exit 2', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      writeFileSync(
        path.join(dir, 'taken.yaml'),
        `target: { kind: none }\npeers:\n  smsc: { port: ${port} }\n`,
      );
      const r = cli([
        'run',
        '--suites-dir',
        suites,
        '--config',
        path.join(dir, 'taken.yaml'),
        '--workers',
        '1',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`port ${port}/tcp of peer smsc`));
      expect(r.stdout).not.toMatch(/ERROR|PASS/);
    } finally {
      holder.close();
    }
  }, 120_000);

  it('run: a bad config exits 2', () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'target: { kind: nowhere }\n');
    expect(run().code).toBe(0 + 1); // sanity: the good config runs (and fails its SHOULD)
    const r = cli(['run', '--suites-dir', suites, '--config', path.join(dir, 'bad.yaml')]);
    expect(r.code).toBe(2);
  }, 120_000);

  it('audit-pcaps without tshark exits 2 (no audit is no pass)', () => {
    const empty = path.join(dir, 'run-dir');
    mkdirSync(empty, { recursive: true });
    const r = cli(['audit-pcaps', empty], { ...process.env, PATH: empty });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tshark is not installed');
  });

  it('run --baseline and matrix: a run that cannot be read exits 2, before any case', () => {
    const r = run('--baseline', path.join(dir, 'no-such-run'), '--reporter', 'terminal');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--baseline: .*no-such-run.*ENOENT/);
    expect(r.stdout).not.toMatch(/PASS|FAIL/);
    const one = cli(['matrix', path.join(dir, 'r1')]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('at least two runs');
    const missing = cli(['matrix', path.join(dir, 'no-such-run'), path.join(dir, 'no-such-run-2')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/matrix: .*no-such-run/);
  });

  it('run --baseline: the comparison on the terminal and in report.html; matrix of both runs', () => {
    const a = run('--reporter', 'json', '--report-dir', path.join(dir, 'base-a'));
    expect(a.code, a.stderr).toBe(1);
    const b = run(
      '--tag',
      'green',
      '--baseline',
      path.join(dir, 'base-a'),
      '--reporter',
      'terminal,json,html',
      '--report-dir',
      path.join(dir, 'base-b'),
    );
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(
      /baseline \S+: 0 new failure\(s\), 0 fixed, 0 other verdict change\(s\), 0 failing with other evidence \(report\.html#baseline\)/,
    );
    const html = readFileSync(path.join(dir, 'base-b', 'report.html'), 'utf8');
    expect(html).toContain('<h2 id="baseline">Compared with the baseline</h2>');
    expect(html).toMatch(
      /Only in the baseline \(1\)<\/h3><p class="mono" data-changes="only-baseline">exit\.should</,
    );
    const m = cli([
      'matrix',
      path.join(dir, 'base-a'),
      path.join(dir, 'base-b'),
      '-o',
      path.join(dir, 'm.html'),
    ]);
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'm.html'), 'utf8')).toContain('2 cases, 1 with verdicts that differ');
  }, 120_000);
});
