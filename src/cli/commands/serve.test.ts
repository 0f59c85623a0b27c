import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-serve-'));

function run(args: string[]) {
  const p = spawn(process.execPath, ['bin/mmscert.js', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { lines: [] as string[], stderr: '', code: undefined as number | null | undefined, proc: p };
  let buf = '';
  p.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    out.lines.push(...parts);
  });
  p.stderr.on('data', (c: Buffer) => {
    out.stderr += c.toString();
  });
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  return { out, exited };
}

describe('mmscert serve', () => {
  it('prints one line per endpoint, serves MM1, exits 0 on SIGTERM', async () => {
    const store = path.join(dir, 'store');
    const cfg = path.join(dir, 'mmsc.yaml');
    writeFileSync(cfg, `storeDir: ${store}\nports: { mm1: 0 }\n`);
    const { out, exited } = run(['serve', '--config', cfg]);
    await expect
      .poll(() => out.lines.some((l) => l.startsWith('store ')), { timeout: 20_000, interval: 100 })
      .toBe(true);
    const storeAt = out.lines.findIndex((l) => l.startsWith('store '));
    expect(out.lines[storeAt]).toBe(`store ${store}`);
    // one line per endpoint (MM1 first; MM4/MM3/MM7 and EAIF, on the MM7 listener, when their modules are present)
    expect(out.lines[0]).toMatch(/^MM1 http:\/\/127\.0\.0\.1:\d+\/mms$/);
    for (const l of out.lines.slice(0, storeAt))
      expect(l).toMatch(/^(MM[1347]|EAIF) (http|smtp):\/\/127\.0\.0\.1:\d+/);
    const res = await fetch(out.lines[0].slice(4), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(res.status).toBe(415);
    // a second MMSC on the same store is refused (two writers would interleave the journal)
    const second = run(['serve', '--config', cfg]);
    expect(await second.exited).not.toBe(0);
    expect(second.out.stderr).toMatch(new RegExp(`in use by process ${out.proc.pid}`));
    expect(second.out.stderr).not.toMatch(/\n\s+at /);
    out.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);

  it('a bad config is one line and exit 2', async () => {
    const cfg = path.join(dir, 'bad.yaml');
    writeFileSync(cfg, 'ports: { mm1: -1 }\n');
    const { out, exited } = run(['serve', '--config', cfg]);
    expect(await exited).toBe(2);
    const lines = out.stderr.split('\n').filter((l) => l.startsWith('mmscert:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ports\.mm1/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('a --heap-growth that is not a percent is one line and exit 2', async () => {
    const { out, exited } = run(['serve', '--heap-growth', 'lots']);
    expect(await exited).toBe(2);
    expect(out.stderr).toMatch(/^mmscert: --heap-growth: .*integer percent/m);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
