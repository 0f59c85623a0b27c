import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSmsc } from '../../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../../test/support/mm1-client.ts';
import { getHeader, getHeaders } from '../../codec/mms/index.ts';

/**
 * kill -9 durability: a real child process runs the MMSC; it is SIGKILLed while submits are
 * in flight and notifications are still queued (the SMSC refuses binds), then restarted on
 * the same store. Every message that got m-send-conf Ok must still be there, its
 * notification must be delivered, and its content location must serve it.
 */

const here = path.dirname(new URL(import.meta.url).pathname);
const child = path.resolve(here, '../../../test/support/mmsc-child.ts');
const repoRoot = path.resolve(here, '../../..');

function startChild(config: object): Promise<{ proc: ChildProcess; url: string; replayed: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(config)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${err}`)), 20_000);
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+) (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], replayed: Number(m[2]) });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.each(['journal', 'directories'])('durability across kill -9 (%s layout)', (storeLayout) => {
  it('loses no accepted message and no pending notification', async () => {
    const smsc = new FakeSmsc();
    await smsc.start();
    smsc.refuseBinds = 0x0d; // notifications stay queued while the first process runs
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-durability-'));
    dirs.push(storeDir);
    const config = {
      storeDir,
      storeLayout,
      notification: smsc.route(),
      retry: { maxAttempts: 50, baseDelayMs: 50, maxDelayMs: 200 },
    };
    const first = await startChild(config);
    const client = new Mm1Client(first.url);
    const accepted = new Map<string, { to: string; messageId: string }>(); // tid -> ...
    const toOf = (i: number) => `1555100${String(i).padStart(4, '0')}`;
    let next = 0;
    let killed = false;
    let failedAfterKill = 0;
    let exited = false;
    first.proc.once('exit', () => {
      exited = true;
    });
    // 8 concurrent senders keep submitting until the kill (at the 20th Ok) has been felt
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!killed || failedAfterKill < 4) {
          const i = next++;
          if (i > 400) break;
          try {
            const r = await client.postPdu(sendReq(`dur-${i}`, `+${toOf(i)}/TYPE=PLMN`), '15550001');
            if (r.pdu && getHeader(r.pdu, 'X-Mms-Response-Status') === 'Ok') {
              accepted.set(`dur-${i}`, { to: toOf(i), messageId: String(getHeader(r.pdu, 'Message-ID')) });
              if (accepted.size >= 20 && !killed) {
                killed = true;
                first.proc.kill('SIGKILL');
              }
            }
          } catch {
            // the connection died with the process: not accepted
            if (killed) failedAfterKill += 1;
          }
        }
      }),
    );
    if (!exited) await new Promise((r) => first.proc.once('exit', r));
    client.close();
    expect(accepted.size).toBeGreaterThanOrEqual(20);
    expect(failedAfterKill).toBeGreaterThanOrEqual(4); // the kill landed mid-stream
    expect(smsc.pushes.length).toBe(0);

    // restart on the same store; the SMSC now accepts the bind
    smsc.refuseBinds = undefined;
    const second = await startChild(config);
    expect(second.replayed).toBeGreaterThanOrEqual(accepted.size);
    const client2 = new Mm1Client(second.url);
    try {
      const recipients = [...accepted.values()].map((a) => a.to);
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !recipients.every((to) => smsc.pushes.some((p) => p.to === to))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const { to, messageId } of accepted.values()) {
        const push = smsc.pushes.find((p) => p.to === to);
        expect(push, `notification to ${to}`).toBeDefined();
        const location = String(getHeaders(push!.pdu, 'X-Mms-Content-Location')[0]).replace(
          /^http:\/\/127\.0\.0\.1:\d+/,
          new URL(second.url).origin,
        );
        const got = await client2.get(location, to);
        expect(got.status).toBe(200);
        expect(getHeader(got.pdu!, 'Message-ID')).toBe(messageId);
      }
      // an accepted transaction submitted again after the restart is the same message
      const [tid, first1] = [...accepted.entries()][0];
      const i = Number(tid.slice(4));
      const again = await client2.postPdu(
        sendReq(tid, `+1555100${String(i).padStart(4, '0')}/TYPE=PLMN`),
        '15550001',
      );
      expect(getHeader(again.pdu!, 'Message-ID')).toBe(first1.messageId);
    } finally {
      client2.close();
      second.proc.kill('SIGTERM');
      await new Promise((r) => second.proc.once('exit', r));
      await smsc.stop();
    }
  }, 60_000);
});
