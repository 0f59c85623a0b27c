import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `serve` and `peers` stop when the `npx` that started them goes: the tree npm exec -> sh -c ->
 * node is modelled by a stand-in "npx" (node) running the command through `sh -c`, killed with
 * SIGKILL (it cannot pass anything on): nothing may keep listening.
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-parent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fakeNpx = path.join(dir, 'fake-npx.mjs');
writeFileSync(
  fakeNpx,
  "import { spawn } from 'node:child_process';\nspawn('sh', ['-c', process.argv[2]], { stdio: 'inherit' });\nsetInterval(() => {}, 1000);\n",
);

function underFakeNpx(args: string) {
  const p = spawn(process.execPath, [fakeNpx, `${process.execPath} bin/mmscert.js ${args}`], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '', err: '' };
  p.stdout.on('data', (c: Buffer) => {
    out.text += c.toString();
  });
  p.stderr.on('data', (c: Buffer) => {
    out.err += c.toString();
  });
  return { p, out };
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

describe('serve and peers stop with their parent', () => {
  it.each([
    ['serve', () => `serve --config ${path.join(dir, 'mmsc.yaml')}`, /^MM1 http:\/\/127\.0\.0\.1:(\d+)\//m],
    ['peers', () => 'peers --only smsc', /^smsc smpp:\/\/127\.0\.0\.1:(\d+)/m],
  ])(
    '%s: killing the npx leaves no server running',
    async (_name, args, line) => {
      writeFileSync(path.join(dir, 'mmsc.yaml'), `storeDir: ${path.join(dir, 'store')}\nports: { mm1: 0 }\n`);
      const { p, out } = underFakeNpx(args());
      await expect.poll(() => line.test(out.text), { timeout: 40_000, interval: 100 }).toBe(true);
      const port = Number(line.exec(out.text)?.[1]);
      expect(await listening(port)).toBe(true);
      p.kill('SIGKILL');
      await expect.poll(() => listening(port), { timeout: 15_000, interval: 200 }).toBe(false);
    },
    70_000,
  );
});
