import net from 'node:net';
import type { PDU } from 'smpp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSmsc, smppRouteTo } from '../../../test/support/fake-smsc.ts';
import { buildPdu, encodeMms } from '../../codec/mms/index.ts';
import type { SmppRouteConfig } from '../config.ts';
import { MmscObserver } from '../observer.ts';
import { RetryLater } from '../store/outbox.ts';
import { SmppPushSender } from './smpp-push-sender.ts';

let smsc: FakeSmsc;
let sender: SmppPushSender | undefined;

const route = (over: Partial<SmppRouteConfig> = {}): SmppRouteConfig => smppRouteTo(smsc.port, over);

beforeEach(async () => {
  smsc = new FakeSmsc();
  await smsc.start();
});
afterEach(async () => {
  await sender?.stop();
  sender = undefined;
  await smsc.stop();
});

/** An m-notification-ind too long for one SMS (three segments with the UDH). */
const notification = encodeMms(
  buildPdu('m-notification-ind', {
    'X-Mms-Transaction-Id': 'T1',
    'X-Mms-MMS-Version': '1.3',
    'X-Mms-Message-Class': 'Personal',
    'X-Mms-Message-Size': 1000,
    'X-Mms-Expiry': { relative: 3600 },
    'X-Mms-Content-Location': `http://mmsc.example/mms/${'a'.repeat(240)}`,
  }),
);

describe('SmppPushSender', () => {
  it('writes every segment of a push before the first submit_sm_resp (one round trip, not one per segment)', async () => {
    sender = new SmppPushSender(route({ responseTimeoutMs: 300 }), new MmscObserver('mmsc'));
    sender.start();
    for (let i = 0; i < 150 && !sender.client.bound; i++) await new Promise((r) => setTimeout(r, 20));
    const arrived: number[] = [];
    for (const s of smsc.sessions)
      s.on('pdu', (p: PDU) => {
        if (p.command === 'submit_sm') arrived.push(Number(p.sequence_number));
      });
    smsc.silent = true; // no submit_sm_resp at all: what reaches the SMSC was sent without one
    await expect(sender.push('15550001', notification, 'notify.m1')).rejects.toBeInstanceOf(RetryLater);
    expect(arrived.length).toBeGreaterThanOrEqual(3);
    // in order on the one session
    expect(arrived).toEqual([...arrived].sort((a, b) => a - b));
  });

  it('delivers such a push whole, and its submit_sm go out with Nagle off', async () => {
    const noDelay = vi.spyOn(net.Socket.prototype, 'setNoDelay');
    try {
      sender = new SmppPushSender(route(), new MmscObserver('mmsc'));
      sender.start();
      await sender.push('15550001', notification, 'notify.m1');
      const [push] = await smsc.waitForPushes(1);
      expect(push.segments).toBeGreaterThanOrEqual(3);
      expect(Buffer.from(push.raw).equals(Buffer.from(notification))).toBe(true);
      expect(noDelay.mock.calls.some(([on]) => on === true || on === undefined)).toBe(true);
    } finally {
      noDelay.mockRestore();
    }
  });
});
