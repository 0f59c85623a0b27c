import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSmsc } from '../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../test/support/mm1-client.ts';
import { getHeader } from '../codec/mms/index.ts';
import { type RunningMmsc, startReferenceMmsc } from './index.ts';
import { JournalBackend } from './store/journal-backend.ts';

/** What accepting a message costs the store: one commit for the message and its delivery jobs. */

let smsc: FakeSmsc | undefined;
let mmsc: RunningMmsc | undefined;
let client: Mm1Client | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  client?.close();
  await mmsc?.stop();
  await smsc?.stop();
  mmsc = undefined;
  smsc = undefined;
});

describe('accepting an m-send-req', () => {
  it('commits the message with its delivery jobs in one record before m-send-conf, and the jobs then run', async () => {
    smsc = new FakeSmsc();
    await smsc.start();
    mmsc = await startReferenceMmsc({ notification: smsc.route() });
    const create = vi.spyOn(JournalBackend.prototype, 'createMessage');
    const putJob = vi.spyOn(JournalBackend.prototype, 'putJob');
    client = new Mm1Client(mmsc.endpoints[0].url);
    const conf = await client.postPdu(
      sendReq('t-one-commit', ['+15550002/TYPE=PLMN', '+15550003/TYPE=PLMN']),
      '15550001',
    );
    expect(getHeader(conf.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
    const id = String(getHeader(conf.pdu!, 'Message-ID'));
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0][3]?.map((j) => j.id)).toEqual([`deliver.${id}.0`, `deliver.${id}.1`]);
    expect(putJob).not.toHaveBeenCalled();
    const pushes = await smsc.waitForPushes(2);
    expect(pushes.map((p) => p.to).sort()).toEqual(['15550002', '15550003']);
  });
});
