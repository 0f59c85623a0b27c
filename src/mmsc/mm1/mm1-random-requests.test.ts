import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSmsc } from '../../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../../test/support/mm1-client.ts';
import { randomPdu, rng } from '../../../test/support/random-pdu.ts';
import { encodeMms, getHeader, type MmsMessageType, validateMms } from '../../codec/mms/index.ts';
import { type RunningMmsc, startReferenceMmsc } from '../index.ts';

/**
 * Every request a client may POST, with random but well-formed field values (seeded): the MMSC
 * answers each with its own conf PDU (valid by the codec's table) or an HTTP 2xx/4xx, never a 500,
 * and keeps serving a normal submission afterwards.
 */

const CLIENT_REQUESTS: MmsMessageType[] = [
  'm-send-req',
  'm-notifyresp-ind',
  'm-acknowledge-ind',
  'm-read-rec-ind',
  'm-forward-req',
  'm-mbox-store-req',
  'm-mbox-view-req',
  'm-mbox-upload-req',
  'm-mbox-delete-req',
  'm-delete-req',
  'm-cancel-conf',
];
const CONF: Partial<Record<MmsMessageType, MmsMessageType>> = {
  'm-send-req': 'm-send-conf',
  'm-forward-req': 'm-forward-conf',
  'm-mbox-store-req': 'm-mbox-store-conf',
  'm-mbox-view-req': 'm-mbox-view-conf',
  'm-mbox-upload-req': 'm-mbox-upload-conf',
  'm-mbox-delete-req': 'm-mbox-delete-conf',
  'm-delete-req': 'm-delete-conf',
};

let smsc: FakeSmsc;
let mmsc: RunningMmsc;
let client: Mm1Client;

beforeEach(async () => {
  smsc = new FakeSmsc();
  await smsc.start();
  mmsc = await startReferenceMmsc({ notification: smsc.route() });
  client = new Mm1Client(mmsc.endpoints[0].url);
});
afterEach(async () => {
  client.close();
  await mmsc.stop();
  await smsc.stop();
});

describe('random well-formed client requests', () => {
  it('are answered by their conf or a 2xx/4xx, never a 500, and the MMSC keeps serving', async () => {
    const r = rng(0x6d6d7363);
    const seen = new Map<string, number>();
    for (const type of CLIENT_REQUESTS) {
      for (let i = 0; i < 25; i++) {
        const pdu = randomPdu(type, r);
        const res = await client.post(
          encodeMms(pdu, { validate: false }),
          i % 5 === 0 ? undefined : '15550001',
        );
        const key = `${type} ${res.status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        expect(res.status, `${type} #${i}`).toBeLessThan(500);
        const conf = CONF[type];
        if (conf && res.status === 200) {
          expect(res.pdu?.type, `${type} #${i}`).toBe(conf);
          expect(getHeader(res.pdu!, 'X-Mms-Transaction-Id'), `${type} #${i}`).toBe(
            getHeader(pdu, 'X-Mms-Transaction-Id'),
          );
          expect(
            validateMms(res.pdu!).map((e) => e.toLine()),
            `${type} #${i}`,
          ).toEqual([]);
        }
      }
    }
    // every request type got an answer of its own kind at least once
    for (const type of Object.keys(CONF))
      expect(
        [...seen.keys()].some((k) => k === `${type} 200`),
        type,
      ).toBe(true);
    const ok = await client.postPdu(
      sendReq('after-random', ['+15550002/TYPE=PLMN'], {}, 'still here'),
      '15550001',
    );
    expect(getHeader(ok.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
  }, 60_000);
});
