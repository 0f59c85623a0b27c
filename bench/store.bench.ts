import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageStore, type StoredMessage } from '../src/mmsc/store/message-store.ts';
import { Outbox } from '../src/mmsc/store/outbox.ts';
import { openStoreBackend, type StoreLayout } from '../src/mmsc/store/store-backend.ts';

/**
 * The durable store alone, as an MM1 flow uses it: commit a message (600-byte PDU + state)
 * and its delivery job, then three state updates (notified, retrieved, acknowledged) and
 * the job's deletion — 64 flows in flight, fsync on, for each layout. Also: the cost of an
 * inode creation on this file system, which decides the directories layout's ceiling.
 */

function meta(id: string): StoredMessage {
  return {
    id,
    sender: '+15550001/TYPE=PLMN',
    origin: 'mm1',
    transactionId: `t-${id}`,
    mmsVersion: '1.3',
    receivedAt: Date.now(),
    expiresAt: Date.now() + 86_400_000,
    size: 600,
    contentType: 'application/vnd.wap.multipart.related',
    subject: 'bench',
    deliveryReport: true,
    readReport: false,
    recipients: [
      {
        address: '+15550002/TYPE=PLMN',
        field: 'To',
        route: 'local',
        msisdn: '15550002',
        token: `tok${id}`,
        notifyTransactionId: `N${id}`,
        status: 'pending',
        updatedAt: Date.now(),
      },
    ],
    conf: { responseStatus: 'Ok' },
    state: 'active',
  };
}

async function flows(layout: StoreLayout, seconds: number): Promise<string> {
  const root = await mkdtemp(
    path.join(process.env.MMSC_BENCH_STORE_ROOT ?? os.tmpdir(), 'mmscert-store-bench-'),
  );
  const backend = await openStoreBackend(root, { layout, fsync: true });
  const store = await MessageStore.open(backend);
  const outbox = await Outbox.open(backend, { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 });
  const pdu = new Uint8Array(600).fill(0x41);
  let n = 0;
  let seq = 0;
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) {
        const id = `msg-${String(seq++).padStart(8, '0')}`;
        const s = performance.now();
        await store.create(meta(id), pdu);
        await outbox.enqueue('deliver', `deliver.${id}.0`, { id });
        lat.push(performance.now() - s); // what m-send-conf waits for
        for (const status of ['notified', 'retrieved', 'retrieved'] as const) {
          await store.update(id, (m) => {
            m.recipients[0].status = status;
            m.recipients[0].updatedAt = Date.now();
          });
        }
        await outbox.cancel(`deliver.${id}.0`);
        n += 1;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await outbox.stop();
  await backend.close();
  await rm(root, { recursive: true, force: true });
  lat.sort((a, b) => a - b);
  const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(1);
  return `store ${layout}: ${(n / secs).toFixed(0)} flows/s (create+job, 3 updates, job done; 64 in flight, fsync on), commit-to-accept p50 ${p(0.5)} ms p99 ${p(0.99)} ms, ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms CPU per flow`;
}

export async function run(): Promise<void> {
  const seconds = Number(process.env.STORE_BENCH_SECONDS ?? 3);
  console.log(await flows('journal', seconds));
  console.log(await flows('directories', seconds));
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
