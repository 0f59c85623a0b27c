import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStoreBackend } from './store-backend.ts';
import { acquireStoreLock, processStartTime } from './store-lock.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'store-lock-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('acquireStoreLock', () => {
  it('writes our pid, refuses a second open, and frees the store on release', () => {
    const release = acquireStoreLock(root);
    expect(readFileSync(path.join(root, 'LOCK'), 'utf8').trim()).toBe(
      `${process.pid} ${processStartTime(process.pid)}`,
    );
    expect(() => acquireStoreLock(root)).toThrow(/already open in this process/);
    release();
    release(); // idempotent
    expect(existsSync(path.join(root, 'LOCK'))).toBe(false);
    acquireStoreLock(root)();
  });

  it('takes over the lock of a process that died (kill -9 leaves it behind)', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    writeFileSync(path.join(root, 'LOCK'), `${dead}\n`);
    const release = acquireStoreLock(root);
    expect(readFileSync(path.join(root, 'LOCK'), 'utf8').trim()).toMatch(new RegExp(`^${process.pid} `));
    release();
  });

  it('takes over a lock naming a live process that is not its writer (a reused pid: pid 1, a sleep)', () => {
    const sleeper = spawn('sleep', ['20'], { stdio: 'ignore' });
    try {
      for (const text of ['1\n', `${sleeper.pid}\n`, `${sleeper.pid} 12345\n`, `${process.ppid} 1\n`]) {
        writeFileSync(path.join(root, 'LOCK'), text);
        const release = acquireStoreLock(root);
        expect(readFileSync(path.join(root, 'LOCK'), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
        release();
      }
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('refuses a store another live process holds, naming it', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100)); // its /proc entry is there
      const lock = `${other.pid} ${processStartTime(other.pid ?? 0)}`;
      for (const text of [`${lock}\n`, `${other.pid}\n`]) {
        // with its start time, or a bare pid of a node process (an older lock)
        writeFileSync(path.join(root, 'LOCK'), text);
        expect(() => acquireStoreLock(root)).toThrow(new RegExp(`in use by process ${other.pid}`));
        await expect(openStoreBackend(root)).rejects.toThrow(/in use by process/);
        // the owner's lock is left as it was
        expect(readFileSync(path.join(root, 'LOCK'), 'utf8')).toBe(text);
      }
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('knows a store reached through a symlink', () => {
    const release = acquireStoreLock(root);
    const link = `${root}-link`;
    symlinkSync(root, link);
    try {
      expect(() => acquireStoreLock(link)).toThrow(/already open in this process/);
    } finally {
      rmSync(link, { force: true });
      release();
    }
  });

  it('lets exactly one of three processes racing for a store (free or with a stale lock) have it', async () => {
    const script = path.join(root, 'contender.ts');
    writeFileSync(
      script,
      `import { acquireStoreLock } from ${JSON.stringify(path.join(import.meta.dirname, 'store-lock.ts'))};
       // the winner holds the lock until the test closes its stdin (after all three have answered):
       // a fixed hold time let a slow third start (a loaded machine) find the lock free again
       try { acquireStoreLock(process.argv[2]); console.log('GOT'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); }
       catch { console.log('REFUSED'); }`,
    );
    for (let round = 0; round < 4; round++) {
      const store = path.join(root, `s${round}`);
      if (round % 2 === 0) {
        const dead = spawnSync(process.execPath, ['-e', '0']).pid;
        spawnSync('mkdir', ['-p', store]);
        writeFileSync(path.join(store, 'LOCK'), `${dead}\n`);
      }
      const procs = Array.from({ length: 3 }, () =>
        spawn(process.execPath, ['--import', 'tsx', script, store], { stdio: ['pipe', 'pipe', 'inherit'] }),
      );
      const answers = procs.map(
        (p) =>
          new Promise<string>((r) => {
            let out = '';
            p.stdout.on('data', (c: Buffer) => {
              out += c.toString();
              if (out.includes('\n')) r(out.trim());
            });
            p.on('exit', () => r(out.trim()));
          }),
      );
      const exited = procs.map((p) => new Promise((r) => p.on('exit', r)));
      const results = await Promise.all(answers);
      for (const p of procs) p.stdin.end();
      await Promise.all(exited);
      expect(
        results.filter((r) => r === 'GOT'),
        `round ${round}: ${results.join(',')}`,
      ).toHaveLength(1);
    }
  }, 60_000);

  it('is held by an open store backend until close', async () => {
    const backend = await openStoreBackend(root);
    await expect(openStoreBackend(root)).rejects.toThrow(/already open/);
    await backend.close();
    await (await openStoreBackend(root)).close();
  });
});
