import net from 'node:net';
import type { PDU } from 'smpp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSmsc, smppRouteTo } from '../../../test/support/fake-smsc.ts';
import { buildPdu, encodeMms } from '../../codec/mms/index.ts';
import { wapPushToSms } from '../../codec/push/index.ts';
import type { SmppRouteConfig } from '../config.ts';
import { MmscObserver } from '../observer.ts';
import { SmppPushClient } from './smpp-push-client.ts';

/** Submits awaiting their submit_sm_resp when the SMSC goes quiet or away. */

let smsc: FakeSmsc;
let client: SmppPushClient | undefined;

const route = (over: Partial<SmppRouteConfig> = {}): SmppRouteConfig => smppRouteTo(smsc.port, over);

beforeEach(async () => {
  smsc = new FakeSmsc();
  await smsc.start();
});
afterEach(async () => {
  await client?.stop();
  client = undefined;
  await smsc.stop();
});

/** One SMS of a real WAP push (FakeSmsc decodes what it receives). */
const [ud] = wapPushToSms(
  encodeMms(
    buildPdu('m-delivery-ind', {
      'X-Mms-MMS-Version': '1.3',
      'Message-ID': 'm1',
      To: '+15550001/TYPE=PLMN',
      Date: 1_700_000_000,
      'X-Mms-Status': 'Retrieved',
    }),
  ),
  { ref: 1 },
);

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SmppPushClient enquire_link (SMPP 3.4 §4.11)', () => {
  it('probes an idle bind, keeps it while answered, binds again when a probe goes unanswered', async () => {
    client = new SmppPushClient({
      route: route({ enquireLinkMs: 40, enquireLinkTimeoutMs: 80 }),
      observer: new MmscObserver('mmsc'),
    });
    client.start();
    await until(() => smsc.enquireLinks >= 3);
    expect(smsc.binds).toBe(1); // answered probes: the same session
    smsc.muteEnquireLink = true;
    await until(() => smsc.binds >= 2);
    smsc.muteEnquireLink = false;
    expect(await client.submitSegment('15550001', ud, true)).toMatch(/^\d+$/);
  });

  it('never probes with enquireLinkMs 0 (the default)', async () => {
    client = new SmppPushClient({ route: route(), observer: new MmscObserver('mmsc') });
    client.start();
    await client.submitSegment('15550001', ud, true);
    await new Promise((r) => setTimeout(r, 150));
    expect(smsc.enquireLinks).toBe(0);
  });
});

describe('SmppPushClient', () => {
  it('submits and resolves with the message id', async () => {
    client = new SmppPushClient({ route: route(), observer: new MmscObserver('mmsc') });
    client.start();
    expect(await client.submitSegment('15550001', ud, true)).toMatch(/^\d+$/);
    expect(smsc.submits.length).toBe(1);
  });

  it('rejects every submit awaiting its response when the connection drops, at once', async () => {
    client = new SmppPushClient({ route: route({ window: 8 }), observer: new MmscObserver('mmsc') });
    client.start();
    await client.submitSegment('15550001', ud, true); // bound
    smsc.silent = true;
    const waiting = Array.from({ length: 5 }, (_, i) => client!.submitSegment(`1555000${i}`, ud, true));
    const settled = Promise.allSettled(waiting);
    await new Promise((r) => setTimeout(r, 50));
    smsc.dropAll();
    const t0 = Date.now();
    const results = await settled;
    expect(Date.now() - t0).toBeLessThan(5000); // not the 10 s response timeout
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason.message)).toMatch(
        /connection lost before submit_sm_resp/,
      );
    }
    // and the client reconnects and serves again
    smsc.silent = false;
    expect(await client.submitSegment('15550009', ud, true)).toMatch(/^\d+$/);
  });

  it('answers a header whose command_length is shorter than a header with generic_nack ESME_RINVCMDLEN, then binds again (SMPP 3.4 §4.3)', async () => {
    client = new SmppPushClient({ route: route(), observer: new MmscObserver('mmsc') });
    client.start();
    await client.submitSegment('15550001', ud, true); // bound
    const [session] = [...smsc.sessions];
    const nacks: PDU[] = [];
    session!.on('pdu', (p: PDU) => {
      if (p.command === 'generic_nack') nacks.push(p);
    });
    const header = Buffer.alloc(16);
    header.writeUInt32BE(8, 0); // command_length 8 < 16
    header.writeUInt32BE(0x15, 4); // enquire_link
    header.writeUInt32BE(77, 12);
    (session as unknown as { socket: net.Socket }).socket.write(header);
    await until(() => nacks.length === 1);
    expect(nacks[0]!.command_status).toBe(0x02);
    expect(nacks[0]!.sequence_number).toBe(77);
    // the rest of that stream cannot be framed: a new connection, and pushes go on
    await until(() => smsc.binds === 2);
    expect(await client.submitSegment('15550002', ud, true)).toMatch(/^\d+$/);
  });

  it('binds as transmitter on the same connection when bind_transceiver is refused with ESME_RINVCMDID', async () => {
    smsc.refuseTransceiver = 0x03;
    client = new SmppPushClient({ route: route(), observer: new MmscObserver('mmsc') });
    client.start();
    expect(await client.submitSegment('15550001', ud, true)).toMatch(/^\d+$/);
    expect(smsc.bindCommands).toEqual(['bind_transceiver', 'bind_transmitter']);
  });

  it("with the 'smpp-no-bind-fallback' deviation it keeps asking for a transceiver bind", async () => {
    smsc.refuseTransceiver = 0x03;
    client = new SmppPushClient({
      route: route(),
      deviate: ['smpp-no-bind-fallback'],
      observer: new MmscObserver('mmsc'),
    });
    client.start();
    await until(() => smsc.bindCommands.length >= 2);
    expect(new Set(smsc.bindCommands)).toEqual(new Set(['bind_transceiver']));
  });

  it("with the 'smpp-bad-length-dropped' deviation the connection ends without generic_nack", async () => {
    client = new SmppPushClient({
      route: route(),
      deviate: ['smpp-bad-length-dropped'],
      observer: new MmscObserver('mmsc'),
    });
    client.start();
    await client.submitSegment('15550001', ud, true);
    const [session] = [...smsc.sessions];
    const nacks: PDU[] = [];
    session!.on('pdu', (p: PDU) => {
      if (p.command === 'generic_nack') nacks.push(p);
    });
    const header = Buffer.alloc(16);
    header.writeUInt32BE(8, 0);
    header.writeUInt32BE(0x15, 4);
    (session as unknown as { socket: net.Socket }).socket.write(header);
    await until(() => smsc.binds === 2);
    expect(nacks).toEqual([]);
  });

  it('rejects a submit the SMSC never answers after responseTimeoutMs and drops that connection', async () => {
    client = new SmppPushClient({
      route: route({ responseTimeoutMs: 150 }),
      observer: new MmscObserver('mmsc'),
    });
    client.start();
    await client.submitSegment('15550001', ud, true);
    const binds = smsc.binds;
    smsc.silent = true;
    await expect(client.submitSegment('15550002', ud, true)).rejects.toThrow(/no submit_sm_resp in time/);
    smsc.silent = false;
    // the dropped connection closes and the client binds again (a submit before that is refused)
    let id: string | undefined;
    for (let i = 0; i < 50 && id === undefined; i++) {
      id = await client.submitSegment('15550003', ud, true).catch(() => undefined);
      if (id === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    expect(id).toMatch(/^\d+$/);
    expect(smsc.binds).toBeGreaterThan(binds);
  });

  it('sends submits made ready in one tick in one socket write', async () => {
    client = new SmppPushClient({ route: route({ window: 16 }), observer: new MmscObserver('mmsc') });
    client.start();
    await client.submitSegment('15550001', ud, true); // bound
    const writes: number[] = [];
    const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>;
    const spies = (['_write', '_writev'] as const).map((m) => {
      const orig = proto[m];
      return vi.spyOn(proto, m).mockImplementation(function (this: net.Socket, ...a: unknown[]) {
        if (this.remotePort === smsc.port) writes.push(m === '_writev' ? (a[0] as unknown[]).length : 1);
        return orig.apply(this, a);
      });
    });
    try {
      const ids = await Promise.all(
        Array.from({ length: 6 }, (_, i) => client!.submitSegment(`1555010${i}`, ud, true)),
      );
      expect(ids.every((id) => /^\d+$/.test(id))).toBe(true);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(writes).toEqual([6]);
  });

  /** The order in which the SMSC received submits of a fan-out (lane 'big') and of one other message. */
  async function arrivalOfOther(deviate: string[]): Promise<number> {
    client = new SmppPushClient({ route: route({ window: 1 }), observer: new MmscObserver('mmsc'), deviate });
    client.start();
    await client.submitSegment('15550001', ud, true); // bound
    const before = smsc.submits.length;
    const all = [
      ...Array.from({ length: 12 }, (_, i) =>
        client!.submitSegment(`155502${String(i).padStart(2, '0')}`, ud, true, 'big'),
      ),
      client.submitSegment('15550999', ud, true, 'other'),
    ];
    await Promise.all(all);
    const order = smsc.submits.slice(before).map((p) => String(p.destination_addr));
    expect(order).toHaveLength(13);
    return order.indexOf('15550999');
  }

  it('serves the submit queue fairly across messages: one fan-out does not hold another behind it', async () => {
    // window 1: the fan-out's first submit takes the slot, the other message's goes next
    expect(await arrivalOfOther([])).toBeLessThanOrEqual(2);
  });

  it("with the 'unfair-dispatch' deviation the queue is first come first served (the other message last)", async () => {
    expect(await arrivalOfOther(['unfair-dispatch'])).toBe(12);
  });
});
