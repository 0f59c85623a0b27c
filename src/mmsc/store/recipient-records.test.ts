import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalBackend } from './journal-backend.ts';
import {
  MessageStore,
  RECORD_MIN_RECIPIENTS,
  type StoredMessage,
  type StoredRecipient,
} from './message-store.ts';
import { openStoreBackend, type StoreBackend, type StoreLayout } from './store-backend.ts';

/**
 * Per-recipient state changes (MessageStore.updateRecipient): one small record per change, applied
 * over the metadata at open; whole-message updates supersede them; ordering with update().
 */

let dir: string;
const backends: StoreBackend[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-rcpt-test-'));
});
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  await rm(dir, { recursive: true, force: true });
});

function recipient(i: number): StoredRecipient {
  return {
    address: `+1555000${String(i).padStart(4, '0')}/TYPE=PLMN`,
    field: 'To',
    route: 'local',
    msisdn: `1555000${String(i).padStart(4, '0')}`,
    token: `tok_tok_tok_tok_tok_${String(i).padStart(4, '0')}`,
    notifyTransactionId: `N${i}`,
    status: 'pending',
    updatedAt: 0,
  };
}

function meta(id: string, n: number): StoredMessage {
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
    recipients: Array.from({ length: n }, (_, i) => recipient(i)),
    conf: { responseStatus: 'Ok' },
    state: 'active',
  };
}

const LAYOUTS: StoreLayout[] = ['journal', 'directories'];

describe.each(LAYOUTS)('MessageStore.updateRecipient (%s layout)', (layout) => {
  const open = async () => {
    const b = await openStoreBackend(dir, { layout, lock: false, fsync: false });
    backends.push(b);
    return { store: await MessageStore.open(b), backend: b };
  };

  it('changes one recipient durably; concurrent changes of different recipients all land', async () => {
    const { store } = await open();
    await store.create(meta('msg-0001', 200), new Uint8Array([1, 2, 3]));
    const before = store.get('msg-0001')!;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.updateRecipient('msg-0001', i, (r) => {
          r.status = i % 2 ? 'notified' : 'failed';
          r.updatedAt = i;
        }),
      ),
    );
    // journal: the message object stays, each recipient object is a new one (directories: rewritten)
    if (layout === 'journal') expect(store.get('msg-0001')).toBe(before);
    else expect(store.get('msg-0001')).not.toBe(before);
    expect(store.get('msg-0001')!.recipients.filter((r) => r.status === 'notified')).toHaveLength(100);
    const again = await open();
    const m = again.store.get('msg-0001')!;
    expect(m.recipients.map((r) => r.status)).toEqual(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? 'notified' : 'failed')),
    );
    expect(again.store.byToken('tok_tok_tok_tok_tok_0007')?.index).toBe(7);
    expect(again.store.byNotifyTransaction('N9')?.index).toBe(9);
  });

  it('changes of one recipient run in order; a false mutate writes nothing', async () => {
    const { store } = await open();
    await store.create(meta('msg-0002', 3), new Uint8Array([1]));
    const seen: string[] = [];
    await Promise.all([
      store.updateRecipient('msg-0002', 1, (r) => {
        seen.push(r.status);
        r.status = 'notified';
      }),
      store.updateRecipient('msg-0002', 1, (r) => {
        seen.push(r.status);
        if (r.status !== 'notified') return false;
        r.status = 'retrieved';
      }),
      store.updateRecipient('msg-0002', 1, (r) => {
        seen.push(r.status);
        return false;
      }),
    ]);
    expect(seen).toEqual(['pending', 'notified', 'retrieved']);
    expect((await open()).store.get('msg-0002')!.recipients[1].status).toBe('retrieved');
  });

  it('orders with whole-message updates both ways, and a later metadata write supersedes the records', async () => {
    const { store } = await open();
    await store.create(meta('msg-0003', 3), new Uint8Array([1]));
    const order: string[] = [];
    await Promise.all([
      store.updateRecipient('msg-0003', 0, (r) => {
        order.push('r0');
        r.status = 'notified';
      }),
      store.update('msg-0003', (m) => {
        order.push(`whole sees ${m.recipients[0].status}`);
        m.state = 'cancelled';
      }),
      store.updateRecipient('msg-0003', 0, (r, m) => {
        order.push(`r0 sees ${m.state}`);
        r.status = 'expired';
      }),
    ]);
    expect(order).toEqual(['r0', 'whole sees notified', 'r0 sees cancelled']);
    const m = (await open()).store.get('msg-0003')!;
    expect(m.state).toBe('cancelled');
    expect(m.recipients[0].status).toBe('expired');
  });

  it('removal takes the recipient records with it', async () => {
    const { store, backend } = await open();
    await store.create(meta('msg-0004', 2), new Uint8Array([1]));
    await store.updateRecipient('msg-0004', 1, (r) => {
      r.status = 'notified';
    });
    await store.remove('msg-0004');
    if (backend instanceof JournalBackend) expect(await backend.recipientRecords()).toEqual([]);
    expect((await open()).store.get('msg-0004')).toBeUndefined();
  });
});

describe('recipient records in the journal', () => {
  it('a message with fewer than RECORD_MIN_RECIPIENTS recipients is rewritten whole: no record stays resident', async () => {
    const b = (await openStoreBackend(dir, { lock: false, fsync: false })) as JournalBackend;
    backends.push(b);
    const store = await MessageStore.open(b);
    await store.create(meta('msg-small', RECORD_MIN_RECIPIENTS - 1), new Uint8Array([1]));
    await Promise.all(
      Array.from({ length: RECORD_MIN_RECIPIENTS - 1 }, (_, i) =>
        store.updateRecipient('msg-small', i, (r) => {
          r.status = 'notified';
        }),
      ),
    );
    expect(await b.recipientRecords()).toEqual([]);
    await b.close();
    backends.pop();
    const again = await openStoreBackend(dir, { lock: false, fsync: false });
    backends.push(again);
    const m = (await MessageStore.open(again)).get('msg-small')!;
    expect(m.recipients.every((r) => r.status === 'notified')).toBe(true);
  });

  it('a status change writes a record of the recipient, not the message (bytes per change)', async () => {
    const b = (await openStoreBackend(dir, { lock: false, fsync: false })) as JournalBackend;
    backends.push(b);
    const store = await MessageStore.open(b);
    await store.create(meta('msg-0big', 2000), new Uint8Array([1]));
    const start = b.stats().bytes;
    for (let i = 0; i < 100; i++)
      await store.updateRecipient('msg-0big', i, (r) => {
        r.status = 'notified';
      });
    const perChange = (b.stats().bytes - start) / 100;
    expect(perChange).toBeLessThan(400); // the whole message's JSON is ~400 KB
    // a whole-message write carries every state and drops the records in one atomic record
    await store.update('msg-0big', (m) => {
      m.subject = 'x';
    });
    expect(await b.recipientRecords()).toEqual([]);
  });
});
