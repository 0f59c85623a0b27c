/**
 * Bytes of heap the message store keeps per stored message, and what holds them:
 * `node --expose-gc --import tsx bench/support/store-residency.ts [messages]`.
 * Writes N messages (one local recipient each, then its status change as the MMSC records it),
 * measures heapUsed + arrayBuffers after full collections, then reopens the store and measures again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { newMessageId, newToken, newTransactionId } from '../../src/mmsc/ids.ts';
import { MessageStore, type StoredMessage } from '../../src/mmsc/store/message-store.ts';
import { openStoreBackend } from '../../src/mmsc/store/store-backend.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // the index columns are ArrayBuffers, outside the JS heap
};

function message(n: number): StoredMessage {
  const now = Date.now();
  return {
    id: newMessageId(),
    sender: '+15550001/TYPE=PLMN',
    origin: 'mm1',
    transactionId: `t${n}`,
    mmsVersion: '1.3',
    receivedAt: now,
    expiresAt: now + 86_400_000,
    size: 300,
    contentType: 'application/vnd.wap.multipart.mixed',
    deliveryReport: false,
    readReport: false,
    recipients: [
      {
        address: `+1666${String(n).padStart(7, '0')}/TYPE=PLMN`,
        field: 'To',
        route: 'local',
        msisdn: `1666${String(n).padStart(7, '0')}`,
        token: newToken(),
        notifyTransactionId: newTransactionId('N'),
        status: 'pending',
        updatedAt: now,
      },
    ],
    conf: { responseStatus: 'Ok' },
    state: 'active',
  };
}

const n = Number(process.argv[2] ?? 50_000);
const dir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-residency-'));
const pdu = new Uint8Array(300);
try {
  const before = heap();
  let backend = await openStoreBackend(dir, { fsync: false, lock: false });
  let store: MessageStore | undefined = await MessageStore.open(backend, {
    cacheMessages: 0,
    cachePduBytes: 0,
  });
  const ids: string[] = [];
  for (let at = 0; at < n; at += 500) {
    const batch: Promise<unknown>[] = [];
    for (let i = at; i < Math.min(n, at + 500); i++) {
      const m = message(i);
      ids.push(m.id);
      batch.push(store!.create(m, pdu));
    }
    await Promise.all(batch);
  }
  const created = heap();
  for (let at = 0; at < n; at += 500) {
    await Promise.all(
      ids.slice(at, at + 500).map((id) =>
        store!.updateRecipient(id, 0, (r) => {
          r.status = 'notified';
          r.updatedAt = Date.now();
        }),
      ),
    );
  }
  const updated = heap();
  const idsBytes = ids.length * 40;
  console.log(
    `store residency: ${n} messages: ${((created - before - idsBytes) / n).toFixed(0)} B/message after create, ${((updated - before - idsBytes) / n).toFixed(0)} B/message after one recipient change each`,
  );
  await backend.close();
  ids.length = 0;
  store = undefined;
  const closed = heap();
  const t0 = performance.now();
  backend = await openStoreBackend(dir, { fsync: false, lock: false });
  store = await MessageStore.open(backend);
  const openMs = performance.now() - t0;
  const reopened = heap();
  console.log(
    `store residency: reopened (${store.size} messages) in ${openMs.toFixed(0)} ms: ${((reopened - closed) / n).toFixed(0)} B/message, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
  );
  // churn: as many messages again go through the reopened store (created, a recipient change,
  // removed) while it holds the first n; memory must not grow with them
  const live = store;
  const fifo: string[] = [];
  for (const round of [1, 2]) {
    const churnStart = heap();
    for (let at = 0; at < n; at += 500) {
      const batch: StoredMessage[] = [];
      for (let i = at; i < Math.min(n, at + 500); i++) batch.push(message(n * (round + 1) + i));
      await Promise.all(batch.map((m) => live.create(m, pdu)));
      await Promise.all(batch.map((m) => live.updateRecipient(m.id, 0, (r) => void (r.status = 'notified'))));
      for (const m of batch) fifo.push(m.id);
      // keep at most 5,000 of them: the oldest go
      await Promise.all(fifo.splice(0, Math.max(0, fifo.length - 5000)).map((id) => live.remove(id)));
    }
    await Promise.all(fifo.splice(0).map((id) => live.remove(id)));
    const churnEnd = heap();
    console.log(
      `store residency: churn round ${round}: ${n} more messages created, changed and removed: ${((churnEnd - churnStart) / n).toFixed(1)} B/message left behind (${live.size} stored; round 1 includes tables and caches growing to their high-water mark)`,
    );
  }
  await backend.close();
} finally {
  if (!process.env.KEEP) await rm(dir, { recursive: true, force: true });
  else console.log(dir);
}
