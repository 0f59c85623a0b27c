import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalBackend } from './journal-backend.ts';
import { cloneMessage, hashKey, MessageStore, type StoredMessage, StoreError } from './message-store.ts';
import { GiveUp, type Job, Outbox, RetryLater } from './outbox.ts';
import { openStoreBackend, type StoreBackend, type StoreLayout } from './store-backend.ts';

let dir: string;
const backends: StoreBackend[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-store-test-'));
});
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
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

const LAYOUTS: StoreLayout[] = ['journal', 'directories'];

describe.each(LAYOUTS)('MessageStore (%s layout)', (layout) => {
  const backend = async () => {
    // several opens of one store stand for restarts (after a crash: no close)
    const b = await openStoreBackend(dir, { layout, lock: false });
    backends.push(b);
    return b;
  };
  const openStore = async () => MessageStore.open(await backend());

  it('commits, indexes and reloads messages', async () => {
    const s = await openStore();
    await s.create(meta('msg-00001'), new Uint8Array([1, 2, 3]));
    await s.update('msg-00001', (m) => {
      m.recipients[0].status = 'notified';
    });
    const again = await openStore();
    expect(again.size).toBe(1);
    expect(again.get('msg-00001')!.recipients[0].status).toBe('notified');
    expect(again.byToken('tok_tok_tok_tok_tok_tok1')!.message.id).toBe('msg-00001');
    expect(again.byNotifyTransaction('Nabc')!.index).toBe(0);
    expect(again.byTransaction('+15550001/TYPE=PLMN', 't-msg-00001')!.id).toBe('msg-00001');
    expect([...(await again.readPdu('msg-00001'))]).toEqual([1, 2, 3]);
  });

  it('keeps an index without states or bodies in memory: both are read back from the backend', async () => {
    const b = await backend();
    const reads = { meta: 0, pdu: 0 };
    const readMeta = b.readMeta.bind(b);
    const readPdu = b.readPdu.bind(b);
    b.readMeta = (id) => {
      reads.meta += 1;
      return readMeta(id);
    };
    b.readPdu = (id) => {
      reads.pdu += 1;
      return readPdu(id);
    };
    const s = await MessageStore.open(b, { cacheMessages: 0, cachePduBytes: 0 });
    await s.create(meta('msg-00011'), new Uint8Array([4, 5, 6]));
    expect(s.residency()).toEqual({ messages: 1, cachedMessages: 0, cachedPdus: 0, cachedPduBytes: 0 });
    expect(s.summary('msg-00011')).toMatchObject({ state: 'active', open: true, pending: true, mbox: 0 });
    // a retrieval: the recipient by its token, then the body, each read from the backend
    expect(s.byToken('tok_tok_tok_tok_tok_tok1')?.index).toBe(0);
    expect([...(await s.readPdu('msg-00011'))]).toEqual([4, 5, 6]);
    expect(reads).toEqual({ meta: 1, pdu: 1 });
    await s.update('msg-00011', (m) => {
      m.recipients[0].status = 'retrieved';
    });
    expect(s.summary('msg-00011')).toMatchObject({ open: false, pending: false });
    expect(s.get('msg-00011')?.recipients[0].status).toBe('retrieved');
    expect(s.residency().cachedMessages).toBe(0);
  });

  it('rebuilds the same index at a restart, and finds every key again', async () => {
    const s = await openStore();
    for (let i = 0; i < 5; i++) {
      const id = `msg-1000${i}`;
      const m = meta(id, { transactionId: `t${i}`, expiresAt: 1_000_000 + i });
      m.recipients[0].token = `tok_tok_tok_tok_tok_tk${i}`;
      m.recipients[0].notifyTransactionId = `N${i}`;
      await s.create(m, new Uint8Array([i]));
    }
    await s.update('msg-10001', (m) => {
      m.recipients[0].status = 'retrieved';
      m.recipients[0].updatedAt = 2_000_000;
    });
    await s.update('msg-10002', (m) => {
      m.state = 'expired';
      m.stateChangedAt = 3_000_000;
    });
    await s.update('msg-10003', (m) => {
      m.mbox = [
        { owner: '15550002', token: 'tok_mbox_mbox_mbox_mbox3', state: 'New', flags: [], storedAt: 1 },
      ];
    });
    await s.remove('msg-10004');
    const index = (st: MessageStore) =>
      [...st.summaries()].map((x) => ({ ...x })).sort((a, b) => a.id.localeCompare(b.id));
    const again = await openStore();
    expect(index(again)).toEqual(index(s));
    expect(index(again).map((x) => x.id)).toEqual(['msg-10000', 'msg-10001', 'msg-10002', 'msg-10003']);
    for (let i = 0; i < 4; i++) {
      expect(again.byToken(`tok_tok_tok_tok_tok_tk${i}`)?.message.id).toBe(`msg-1000${i}`);
      expect(again.byNotifyTransaction(`N${i}`)?.message.id).toBe(`msg-1000${i}`);
      expect(again.byTransaction('+15550001/TYPE=PLMN', `t${i}`)?.id).toBe(`msg-1000${i}`);
    }
    expect(again.byToken('tok_tok_tok_tok_tok_tk4')).toBeUndefined();
    expect(again.byMboxToken('tok_mbox_mbox_mbox_mbox3')?.message.id).toBe('msg-10003');
    expect(again.mboxOf('15550002').map((x) => x.message.id)).toEqual(['msg-10003']);
  });

  it('tells apart keys whose hashes collide (each hit is checked against the stored state)', async () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const key = `tok_collide_collide_${String(i).padStart(8, '0')}`;
      const other = seen.get(hashKey(key));
      if (other) pair = [other, key];
      else seen.set(hashKey(key), key);
    }
    const s = await openStore();
    const [a, b] = pair;
    const ma = meta('msg-20001', { transactionId: 'ta' });
    ma.recipients[0].token = a;
    const mb = meta('msg-20002', { transactionId: 'tb' });
    mb.recipients[0].token = b;
    await s.create(ma, new Uint8Array(1));
    await s.create(mb, new Uint8Array(1));
    expect(s.byToken(a)?.message.id).toBe('msg-20001');
    expect(s.byToken(b)?.message.id).toBe('msg-20002');
    await s.remove('msg-20002');
    expect(s.byToken(a)?.message.id).toBe('msg-20001');
    expect(s.byToken(b)).toBeUndefined();
  });

  it('removeIf decides after the updates already queued (a copy stored meanwhile keeps the message)', async () => {
    const s = await openStore();
    await s.create(meta('msg-00002'), new Uint8Array([1]));
    await s.create(meta('msg-00003'), new Uint8Array([1]));
    const keepIt = s.update('msg-00002', (m) => {
      m.mbox = [
        { owner: '15550001', token: 'tok_mbox_mbox_mbox_mbox1', state: 'Sent', flags: [], storedAt: 1 },
      ];
    });
    const noCopy = (m: StoredMessage) => !m.mbox?.length;
    const [kept, gone] = await Promise.all([
      s.removeIf('msg-00002', noCopy),
      s.removeIf('msg-00003', noCopy),
    ]);
    await keepIt;
    expect([kept, gone]).toEqual([false, true]);
    expect(s.get('msg-00002')?.mbox).toHaveLength(1);
    expect(s.byMboxToken('tok_mbox_mbox_mbox_mbox1')?.message.id).toBe('msg-00002');
    expect(s.get('msg-00003')).toBeUndefined();
    expect((await openStore()).get('msg-00003')).toBeUndefined();
  });

  it('refuses ids that could escape the store', async () => {
    const s = await openStore();
    for (const id of ['../../etc', 'a/b/c/d/e', '', '.hidden..x', 'x'.repeat(65)]) {
      await expect(s.create(meta(id), new Uint8Array(1))).rejects.toBeInstanceOf(StoreError);
      await expect(s.readPdu(id)).rejects.toBeInstanceOf(StoreError);
    }
  });

  it('commits nothing when the mutation says it changed nothing', async () => {
    const s = await openStore();
    await s.create(meta('msg-00003'), new Uint8Array(1));
    const before = s.get('msg-00003');
    const same = await s.update('msg-00003', (m) => {
      m.size = 99; // a change the callback then disowns
      return false;
    });
    expect(same).toBe(before);
    expect((await openStore()).get('msg-00003')!.size).toBe(3);
  });

  it('serialises concurrent updates of one message', async () => {
    const s = await openStore();
    await s.create(meta('msg-00002'), new Uint8Array(1));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        s.update('msg-00002', (m) => {
          m.size += 1;
        }),
      ),
    );
    expect((await openStore()).get('msg-00002')!.size).toBe(23);
  });
});

describe.each(LAYOUTS)('Outbox (%s layout)', (layout) => {
  const backend = async () => {
    // several opens of one store stand for restarts (after a crash: no close)
    const b = await openStoreBackend(dir, { layout, lock: false });
    backends.push(b);
    return b;
  };
  const opts = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 };

  it('runs jobs, deletes them when done, and is idempotent per id', async () => {
    const o = await Outbox.open(await backend(), opts);
    const ran: string[] = [];
    o.handle('k', async (j: Job) => {
      ran.push(j.id);
    });
    await o.enqueue('k', 'job.1', { a: 1 });
    await o.enqueue('k', 'job.1', { a: 2 });
    o.start();
    await waitUntil(() => o.pending === 0);
    expect(ran).toEqual(['job.1']);
    expect(await (await backend()).loadJobs()).toEqual([]);
    await o.stop();
  });

  it('a drafted job committed with its message runs only once admitted; a second enqueue of it is a no-op', async () => {
    const b = await backend();
    const store = await MessageStore.open(b);
    const o = await Outbox.open(b, opts);
    const ran: string[] = [];
    o.handle('deliver', async (j: Job) => {
      ran.push(j.id);
    });
    o.start();
    const d = o.draft('deliver', 'deliver.msg-00020.0', { messageId: 'msg-00020', index: 0 })!;
    expect(o.draft('deliver', 'deliver.msg-00020.0', {})).toBeUndefined();
    await store.create(meta('msg-00020'), new Uint8Array([1]), [d.record]);
    expect(await o.enqueue('deliver', 'deliver.msg-00020.0', { other: 1 })).toBe(d.job);
    // on disk with the message (a restart would run it), but not run before admit
    expect((await (await backend()).loadJobs()).map((t) => JSON.parse(t).id)).toEqual([
      'deliver.msg-00020.0',
    ]);
    await new Promise((r) => setTimeout(r, 30));
    expect(ran).toEqual([]);
    o.admit(d.job);
    await waitUntil(() => o.pending === 0);
    expect(ran).toEqual(['deliver.msg-00020.0']);
    // a draft whose commit failed is forgotten
    const lost = o.draft('deliver', 'deliver.msg-00021.0', {})!;
    o.discard(lost.job);
    expect(o.has('deliver.msg-00021.0')).toBe(false);
    await o.stop();
  });

  it('deletes a finished job of a kind whose rerun is harmless lazily, any other at once', async () => {
    const b = await backend();
    const removed: Array<[string, boolean]> = [];
    const remove = b.removeJob.bind(b);
    b.removeJob = (id, o) => {
      removed.push([id, o?.lazy === true]);
      return remove(id, o);
    };
    const o = await Outbox.open(b, opts);
    o.handle('idle-on-rerun', async () => undefined, { rerunHarmless: true });
    o.handle('k', async () => undefined);
    await o.enqueue('idle-on-rerun', 'job.lazy', {});
    await o.enqueue('k', 'job.eager', {});
    o.start();
    await waitUntil(() => removed.length === 2);
    expect(removed.sort()).toEqual([
      ['job.eager', false],
      ['job.lazy', true],
    ]);
    await o.stop(); // waits for the lazy deletion to be on disk
    expect(await (await backend()).loadJobs()).toEqual([]);
  });

  it('starts a job that is due, with a slot free, as soon as it is on disk (no wait for the next pass)', async () => {
    const b = await backend();
    const o = await Outbox.open(b, opts);
    const ran: string[] = [];
    o.handle('k', async (j: Job) => {
      ran.push(j.id);
    });
    o.start();
    await o.enqueue('k', 'job.now', {});
    expect(ran).toEqual(['job.now']);
    const d = o.draft('k', 'job.drafted', {})!;
    await b.putJob(d.job.id, d.record.job);
    o.admit(d.job);
    expect(ran).toEqual(['job.now', 'job.drafted']);
    await o.enqueue('k', 'job.later', {}, Date.now() + 60_000); // not due: waits for its time
    expect(ran).toHaveLength(2);
    await o.stop();
  });

  it('replays pending jobs after a restart with their attempt counts', async () => {
    const o1 = await Outbox.open(await backend(), opts);
    o1.handle('k', async () => {
      throw new RetryLater('not now', 60_000);
    });
    await o1.enqueue('k', 'job.2', {});
    o1.start();
    await waitUntil(() => o1.list()[0]?.attempts === 1);
    await o1.stop();
    const o2 = await Outbox.open(await backend(), opts);
    expect(o2.list().map((j) => [j.id, j.attempts])).toEqual([['job.2', 1]]);
  });

  it('retries with back-off and gives up into outbox-dead', async () => {
    const dead: string[] = [];
    const o = await Outbox.open(await backend(), { ...opts, onDead: (j) => void dead.push(j.id) });
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

  it('runs a retry that fell due while its own record was still being written', async () => {
    // The retry record of job.r takes 150 ms to write; its back-off is 10 ms, and job.o finishes
    // meanwhile, so a pass sees the retry due while job.r's attempt is still on. Before the fix
    // that pass dropped the retry (the job was "running") and job.r never ran again.
    const b = await backend();
    const putJob = b.putJob.bind(b);
    b.putJob = async (id, text) => {
      if (id === 'job.r' && (JSON.parse(text) as Job).attempts > 0)
        await new Promise((r) => setTimeout(r, 150));
      return putJob(id, text);
    };
    const o = await Outbox.open(b, opts);
    let tries = 0;
    let done = false;
    o.handle('r', async () => {
      tries += 1;
      if (tries === 1) throw new Error('once');
      done = true;
    });
    o.handle('o', async () => {
      await new Promise((r) => setTimeout(r, 60));
    });
    await o.enqueue('r', 'job.r', {});
    await o.enqueue('o', 'job.o', {});
    o.start();
    await waitUntil(() => done, 3000);
    expect(tries).toBe(2);
    await o.stop();
  });

  it('runs a due job among hundreds held for later, and jobs of a kind handled only after start', async () => {
    const o = await Outbox.open(await backend(), opts);
    const ran: string[] = [];
    o.handle('k', async (j: Job) => {
      ran.push(j.id);
    });
    const later = Date.now() + 3_600_000;
    for (let i = 0; i < 500; i++) await o.enqueue('k', `held.${i}`, {}, later - i);
    await o.enqueue('k', 'now.1', {});
    await o.enqueue('late', 'late.1', {});
    o.start();
    await waitUntil(() => ran.includes('now.1'));
    await new Promise((r) => setTimeout(r, 30));
    expect(ran).toEqual(['now.1']); // nobody handles 'late' yet; the held ones wait
    o.handle('late', async (j: Job) => {
      ran.push(j.id);
    });
    await waitUntil(() => ran.includes('late.1'));
    expect(o.pending).toBe(500);
    await o.stop();
  });

  it('runs a job only once it is durable, so a quick run-and-delete leaves nothing to replay', async () => {
    const o = await Outbox.open(await backend(), opts);
    let ran = 0;
    o.handle('k', async () => {
      ran += 1;
    });
    o.start();
    const queued = o.enqueue('k', 'race.1', {});
    o.kick(); // a pass before the job's record is on disk
    await queued;
    await waitUntil(() => o.pending === 0);
    await o.stop();
    expect(ran).toBe(1);
    expect(await (await backend()).loadJobs()).toEqual([]);
  });

  it('holds a job until its time', async () => {
    const o = await Outbox.open(await backend(), opts);
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

describe('store layouts', () => {
  it('directories: discards half-built messages and ignores foreign directories at open', async () => {
    await mkdir(path.join(dir, 'tmp', 'msg-half.1234'), { recursive: true });
    await writeFile(path.join(dir, 'tmp', 'msg-half.1234', 'message.mms'), 'x');
    await mkdir(path.join(dir, 'messages', 'not-a-message-dir'), { recursive: true });
    const b = await openStoreBackend(dir, { layout: 'directories' });
    backends.push(b);
    const s = await MessageStore.open(b);
    expect(s.size).toBe(0);
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses to open a store written in the other layout', async () => {
    const j = await openStoreBackend(dir, { layout: 'journal' });
    await j.putJob('job.1', '{}');
    await j.close();
    await expect(openStoreBackend(dir, { layout: 'directories' })).rejects.toThrow(/journal layout/);
    const other = await mkdtemp(path.join(os.tmpdir(), 'mmscert-store-test-'));
    try {
      const d = await openStoreBackend(other, { layout: 'directories' });
      await d.putJob('job.1', '{}');
      await expect(openStoreBackend(other, { layout: 'journal' })).rejects.toThrow(/directories layout/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('journal: a message and the jobs it needs are one record, one sync, and survive a reopen without close', async () => {
    const b = (await openStoreBackend(dir, { layout: 'journal', lock: false })) as JournalBackend;
    const before = b.stats();
    await b.createMessage('msg-00008', '{"id":"msg-00008"}', new Uint8Array([8]), [
      { id: 'deliver.msg-00008.0', job: '{"id":"deliver.msg-00008.0"}' },
      { id: 'deliver.msg-00008.1', job: '{"id":"deliver.msg-00008.1"}' },
    ]);
    expect(b.stats().records - before.records).toBe(1);
    expect(b.stats().batches - before.batches).toBe(1);
    const again = await openStoreBackend(dir, { layout: 'journal', lock: false });
    backends.push(b, again);
    expect(await again.loadMessages()).toEqual(['{"id":"msg-00008"}']);
    expect((await again.loadJobs()).sort()).toEqual([
      '{"id":"deliver.msg-00008.0"}',
      '{"id":"deliver.msg-00008.1"}',
    ]);
  });

  it('journal: a message is one atomic record and survives a reopen without close', async () => {
    const b = await openStoreBackend(dir, { layout: 'journal', lock: false });
    await b.createMessage('msg-00009', '{"id":"msg-00009"}', new Uint8Array([9, 9]));
    // no close: as after kill -9, the next open replays what was committed
    const again = await openStoreBackend(dir, { layout: 'journal', lock: false });
    backends.push(b, again);
    expect(await again.loadMessages()).toEqual(['{"id":"msg-00009"}']);
    expect([...(await again.readPdu('msg-00009'))]).toEqual([9, 9]);
    await again.removeMessage('msg-00009');
    expect(await again.loadMessages()).toEqual([]);
    await expect(again.readPdu('msg-00009')).rejects.toThrow(/no message/);
  });
});

describe('cloneMessage', () => {
  it('copies every nested part, so mutating the copy leaves the original as it was', () => {
    const original = meta('msg-00010', { originInfo: { vasp: 'v1' } });
    original.recipients[0].reported = ['Retrieved'];
    const before = JSON.stringify(original);
    const copy = cloneMessage(original);
    expect(copy).toEqual(original);
    copy.recipients[0].status = 'retrieved';
    copy.recipients[0].reported!.push('Read');
    copy.recipients.push({ ...copy.recipients[0] });
    copy.conf.responseStatus = 'Error';
    copy.originInfo!.vasp = 'v2';
    copy.state = 'cancelled';
    expect(JSON.stringify(original)).toBe(before);
  });
});
