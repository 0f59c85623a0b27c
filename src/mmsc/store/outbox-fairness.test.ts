import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Job, Outbox } from './outbox.ts';
import { openStoreBackend, type StoreBackend } from './store-backend.ts';

/**
 * Fair service across messages: a message with 2,000 due deliveries does not make the one
 * delivery of a message queued after it wait for all of them.
 */

let dir: string;
const backends: StoreBackend[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-fair-test-'));
});
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(fair: boolean): Promise<{ before: number; perMessageMax: number }> {
  const backend = await openStoreBackend(dir, { lock: false, fsync: false });
  backends.push(backend);
  const outbox = await Outbox.open(backend, {
    maxAttempts: 3,
    baseDelayMs: 10,
    maxDelayMs: 10,
    concurrency: 8,
    fair,
  });
  const order: string[] = [];
  let runningBig = 0;
  let perMessageMax = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  outbox.handle('deliver', async (job: Job) => {
    const big = job.payload.messageId === 'big';
    if (big) perMessageMax = Math.max(perMessageMax, ++runningBig);
    await new Promise((r) => setTimeout(r, 1)); // a submit_sm round trip
    if (big) runningBig--;
    order.push(String(job.payload.messageId));
    if (job.payload.messageId === 'small') done();
  });
  const t = Date.now() - 1;
  await Promise.all(
    Array.from({ length: 2000 }, (_, i) =>
      outbox.enqueue('deliver', `deliver.big.${i}`, { messageId: 'big', index: i }, t),
    ),
  );
  outbox.start();
  await new Promise((r) => setTimeout(r, 20)); // the fan-out is under way
  await outbox.enqueue('deliver', 'deliver.small.0', { messageId: 'small', index: 0 });
  await finished;
  await outbox.stop();
  return { before: order.indexOf('small'), perMessageMax };
}

describe('Outbox fairness across messages', () => {
  it('round-robin: the ordinary message runs within a few jobs of being queued, the big one holds at most its quota', async () => {
    const { before, perMessageMax } = await run(true);
    expect(before).toBeLessThan(200);
    expect(perMessageMax).toBeLessThanOrEqual(2); // concurrency 8 / 4
  });

  it('unfair (the deviation): the ordinary message waits behind the whole fan-out', async () => {
    const { before } = await run(false);
    expect(before).toBeGreaterThan(1900);
  });
});
