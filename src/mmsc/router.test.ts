import { afterEach, describe, expect, it } from 'vitest';
import { FakeSmsc } from '../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../test/support/mm1-client.ts';
import { getHeader } from '../codec/mms/index.ts';
import {
  type DeliveryOutcome,
  type MmscModule,
  type OriginReport,
  type OutboundDelivery,
  RetryLater,
  type RunningMmsc,
  startReferenceMmsc,
} from './index.ts';
import type { MmscCore } from './mmsc-core.ts';

/**
 * The extension point: an interface module plugged into the router receives the recipients
 * of its route from the durable queue (retried when it asks), and takes reports for
 * messages that came in through it.
 */
class RecordingModule implements MmscModule {
  readonly name = 'mm3';
  readonly iface = 'MM3' as const;
  readonly routes = ['mm3'] as const;
  core!: MmscCore;
  readonly delivered: OutboundDelivery[] = [];
  readonly reports: OriginReport[] = [];
  failFirst = 0;
  async start(core: MmscCore) {
    this.core = core;
    return [{ iface: 'MM3' as const, url: 'smtp://127.0.0.1:1' }];
  }
  async stop() {}
  async deliver(d: OutboundDelivery): Promise<DeliveryOutcome> {
    if (this.failFirst-- > 0) throw new RetryLater('peer busy', 20);
    this.delivered.push(d);
    return { status: 'sent' };
  }
  async report(r: OriginReport) {
    this.reports.push(r);
  }
}

let mmsc: RunningMmsc | undefined;
let smsc: FakeSmsc | undefined;
afterEach(async () => {
  await mmsc?.stop();
  await smsc?.stop();
});

describe('router', () => {
  it('hands e-mail recipients to the MM3 module (with retries) and MM1 ones to MM1', async () => {
    smsc = new FakeSmsc();
    await smsc.start();
    const mm3 = new RecordingModule();
    mm3.failFirst = 2;
    mmsc = await startReferenceMmsc(
      {
        notification: {
          route: 'smpp',
          host: '127.0.0.1',
          port: smsc.port,
          systemId: 'mmsc',
          password: 'secret',
        },
        retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 50 },
      },
      { modules: [mm3] },
    );
    expect(mmsc.endpoints.map((e) => e.iface)).toEqual(['MM1', 'MM3']);
    const client = new Mm1Client(mmsc.endpoints[0].url);
    const conf = await client.postPdu(
      sendReq('r1', ['bob@example.org', '+15550002/TYPE=PLMN'], { 'X-Mms-Delivery-Report': 'Yes' }),
      '15550001',
    );
    client.close();
    expect(getHeader(conf.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
    await smsc.waitForPushes(1);
    const deadline = Date.now() + 5000;
    while (mm3.delivered.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(mm3.delivered).toHaveLength(1);
    expect(mm3.delivered[0].recipient).toMatchObject({ address: 'bob@example.org', route: 'mm3' });
    expect((await mm3.delivered[0].pdu())[0]).toBe(0x8c);
    // forwarded to MM3 -> the MM1 sender gets a Forwarded delivery report
    const dr = await smsc.waitForPushes(2);
    expect(getHeader(dr[1].pdu, 'X-Mms-Status')).toBe('Forwarded');
  });

  it('without a module for a route, those recipients are unresolved', async () => {
    mmsc = await startReferenceMmsc({});
    const client = new Mm1Client(mmsc.endpoints[0].url);
    const conf = await client.postPdu(sendReq('r2', 'bob@example.org'), '15550001');
    client.close();
    expect(getHeader(conf.pdu!, 'X-Mms-Response-Status')).toBe('Error-permanent-sending-address-unresolved');
  });

  it('reports for a message accepted through a module go back through it', async () => {
    const mm3 = new RecordingModule();
    mmsc = await startReferenceMmsc(
      { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 } },
      { modules: [mm3] },
    );
    const r = await mmsc.core.accept({
      origin: 'mm3',
      sender: 'alice@example.org',
      transactionId: 'mail-1',
      mmsVersion: '1.3',
      pdu: new Uint8Array([0x8c, 0x80]),
      recipients: [{ address: '+15550002/TYPE=PLMN', field: 'To' }],
      contentType: 'text/plain',
      deliveryReport: true,
      readReport: false,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    await mmsc.core.setRecipientStatus(r.message.id, 0, 'retrieved');
    const deadline = Date.now() + 3000;
    while (mm3.reports.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(mm3.reports[0]).toMatchObject({ kind: 'delivery', status: 'Retrieved' });
  });
});
