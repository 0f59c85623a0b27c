import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSmsc, type ReceivedPush } from '../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../test/support/mm1-client.ts';
import { getHeader, getHeaders } from '../codec/mms/index.ts';
import { Timeline } from '../wire/timeline.ts';
import { type RunningMmsc, startReferenceMmsc } from './index.ts';

/** Retention: finished messages leave the store after `retention.finishedSeconds`; the rest stay. */

const plmn = (m: string) => `+${m}/TYPE=PLMN`;
let smsc: FakeSmsc;
let mmsc: RunningMmsc | undefined;
let client: Mm1Client;
let storeDir: string;
let timeline: Timeline;

async function start() {
  mmsc = await startReferenceMmsc(
    { storeDir, notification: smsc.route(), retention: { finishedSeconds: 0.3 } },
    { timeline },
  );
  client = new Mm1Client(mmsc.endpoints[0].url);
}

beforeEach(async () => {
  smsc = new FakeSmsc();
  await smsc.start();
  timeline = new Timeline();
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'retention-'));
});
afterEach(async () => {
  client?.close();
  await mmsc?.stop();
  mmsc = undefined;
  await smsc.stop();
  await rm(storeDir, { recursive: true, force: true });
});

const waitPush = (pred: (p: ReceivedPush) => boolean, timeoutMs = 5000) => smsc.waitPush(pred, timeoutMs);

async function until(cond: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('retention', () => {
  it('purges a finished message after the retention period, durably; keeps unfinished ones and MMBox copies', async () => {
    await start();
    const send = async (tid: string, to: string, extra = {}) => {
      const conf = await client.postPdu(sendReq(tid, [plmn(to)], extra, tid), '15550001');
      return String(getHeader(conf.pdu!, 'Message-ID'));
    };
    const done = await send('t-done', '15550002');
    const open = await send('t-open', '15550003');
    const kept = await send('t-kept', '15550004', { 'X-Mms-Store': 'Yes' });
    for (const to of ['15550002', '15550004']) {
      const push = await waitPush((p) => p.to === to);
      const loc = String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]);
      expect((await client.get(loc, to)).status).toBe(200);
      const tid = String(getHeader(push.pdu, 'X-Mms-Transaction-Id'));
      const ack = await client.postPdu(
        {
          type: 'm-notifyresp-ind',
          headers: [
            { name: 'X-Mms-Message-Type', value: 'm-notifyresp-ind' },
            { name: 'X-Mms-Transaction-Id', value: tid },
            { name: 'X-Mms-MMS-Version', value: '1.3' },
            { name: 'X-Mms-Status', value: 'Retrieved' },
          ],
        },
        to,
      );
      expect(ack.status).toBe(204);
    }
    await waitPush((p) => p.to === '15550003'); // notified, never answers: not finished
    const store = mmsc!.core.store;
    expect(store.get(done)).toBeDefined();
    await until(() => store.get(done) === undefined);
    expect(store.get(open)).toBeDefined();
    expect(store.get(kept)).toBeDefined(); // the sender keeps a copy in her MMBox
    await until(() => timeline.query((o) => o.kind === 'event' && o.name === 'purged').length > 0);

    // durable: a restart does not bring it back
    await mmsc!.stop();
    mmsc = undefined;
    client.close();
    await start();
    expect(mmsc!.core.store.get(done)).toBeUndefined();
    expect(mmsc!.core.store.get(open)).toBeDefined();
    expect(mmsc!.core.store.get(kept)).toBeDefined();
  });
});
