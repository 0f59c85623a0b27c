import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore, type StoredMessage, StoreError } from './message-store.ts';
import { GiveUp, type Job, Outbox, RetryLater } from './outbox.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-store-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function meta(id: string, extra: Partial<StoredMessage> = {}): StoredMessage {
  return {
    id,
    sender: '+15550001/TYPE=PLMN',
    origin: 'mm1',
    transactionId: `t-${id}`,
    mmsVersion: '1.3',
    receivedAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    size: 3,
    contentType: 'text/plain',
    deliveryReport: false,
    readReport: false,
    recipients: [
      {
        address: '+15550002/TYPE=PLMN',
        field: 'To',
        route: 'local',
        msisdn: '15550002',
        token: 'tok_tok_tok_tok_tok_tok1',
        notifyTransactionId: 'Nabc',
        status: 'pending',
        updatedAt: 0,
      },
    ],
    conf: { responseStatus: 'Ok' },
    state: 'active',
    ...extra,
  };
}

describe('MessageStore', () => {
  it('commits, indexes and reloads messages', async () => {
    const s = await MessageStore.open(dir);
    await s.create(meta('msg-00001'), new Uint8Array([1, 2, 3]));
    await s.update('msg-00001', (m) => {
      m.recipients[0].status = 'notified';
    });
    const again = await MessageStore.open(dir);
    expect(again.size).toBe(1);
    expect(again.get('msg-00001')!.recipients[0].status).toBe('notified');
    expect(again.byToken('tok_tok_tok_tok_tok_tok1')!.message.id).toBe('msg-00001');
    expect(again.byNotifyTransaction('Nabc')!.index).toBe(0);
    expect(again.byTransaction('+15550001/TYPE=PLMN', 't-msg-00001')!.id).toBe('msg-00001');
    expect([...(await again.readPdu('msg-00001'))]).toEqual([1, 2, 3]);
  });

  it('refuses ids that could escape the store', async () => {
    const s = await MessageStore.open(dir);
    for (const id of ['../../etc', 'a/b/c/d/e', '', '.hidden..x', 'x'.repeat(65)]) {
      await expect(s.create(meta(id), new Uint8Array(1))).rejects.toBeInstanceOf(StoreError);
      await expect(s.readPdu(id)).rejects.toBeInstanceOf(StoreError);
    }
  });

  it('discards half-built messages and ignores foreign directories at open', async () => {
    await mkdir(path.join(dir, 'tmp', 'msg-half.1234'), { recursive: true });
    await writeFile(path.join(dir, 'tmp', 'msg-half.1234', 'message.mms'), 'x');
    await mkdir(path.join(dir, 'messages', 'not-a-message-dir'), { recursive: true });
    const s = await MessageStore.open(dir);
    expect(s.size).toBe(0);
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('serialises concurrent updates of one message', async () => {
    const s = await MessageStore.open(dir);
    await s.create(meta('msg-00002'), new Uint8Array(1));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        s.update('msg-00002', (m) => {
          m.size += 1;
        }),
      ),
    );
    expect((await MessageStore.open(dir)).get('msg-00002')!.size).toBe(23);
  });
});

describe('Outbox', () => {
  const opts = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 };

  it('runs jobs, deletes them when done, and is idempotent per id', async () => {
    const o = await Outbox.open(dir, opts);
    const ran: string[] = [];
    o.handle('k', async (j: Job) => {
      ran.push(j.id);
    });
    await o.enqueue('k', 'job.1', { a: 1 });
    await o.enqueue('k', 'job.1', { a: 2 });
    o.start();
    await waitUntil(() => o.pending === 0);
    expect(ran).toEqual(['job.1']);
    expect((await readdir(path.join(dir, 'outbox'))).filter((f) => !f.startsWith('.'))).toEqual([]);
    await o.stop();
  });

  it('replays pending jobs after a restart with their attempt counts', async () => {
    const o1 = await Outbox.open(dir, opts);
    o1.handle('k', async () => {
      throw new RetryLater('not now', 60_000);
    });
    await o1.enqueue('k', 'job.2', {});
    o1.start();
    await waitUntil(() => o1.list()[0]?.attempts === 1);
    await o1.stop();
    const o2 = await Outbox.open(dir, opts);
    expect(o2.list().map((j) => [j.id, j.attempts])).toEqual([['job.2', 1]]);
  });

  it('retries with back-off and gives up into outbox-dead', async () => {
    const dead: string[] = [];
    const o = await Outbox.open(dir, { ...opts, onDead: (j) => void dead.push(j.id) });
    let calls = 0;
    o.handle('k', async () => {
      calls += 1;
      throw new Error('boom');
    });
    o.handle('g', async () => {
      throw new GiveUp('never');
    });
    await o.enqueue('k', 'job.3', {});
    await o.enqueue('g', 'job.4', {});
    o.start();
    await waitUntil(() => dead.length === 2);
    expect(calls).toBe(3);
    expect((await readdir(path.join(dir, 'outbox-dead'))).sort()).toEqual(['job.3.json', 'job.4.json']);
    await o.stop();
  });

  it('holds a job until its time', async () => {
    const o = await Outbox.open(dir, opts);
    let at = 0;
    o.handle('k', async () => {
      at = Date.now();
    });
    const t0 = Date.now();
    await o.enqueue('k', 'job.5', {}, t0 + 150);
    o.start();
    await waitUntil(() => at > 0);
    expect(at - t0).toBeGreaterThanOrEqual(140);
    await o.stop();
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
