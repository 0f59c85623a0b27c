import * as smpp from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeUdh } from '../../src/codec/push/udh.ts';
import { wapPushToSms } from '../../src/codec/push/wap-push-sms.ts';
import { SMPP_STATUS } from '../../src/codec/smpp/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { type MessageObservation, Timeline } from '../../src/wire/timeline.ts';
import {
  bindBody,
  connectEsme,
  connectRaw,
  cstr,
  type Esme,
  notificationInd,
  rawPdu,
} from '../../test/support/smpp-test-helpers.ts';
import { AirInterface, type MtSms } from '../air-interface.ts';
import { PeerConfigError } from '../peer.ts';
import { parseReceipt } from './delivery-receipt.ts';
import { SmscPeer, smscConfigFromJson } from './smsc-peer.ts';

const S = SMPP_STATUS;
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function startSmsc(config: ConstructorParameters<typeof SmscPeer>[0] = {}) {
  const timeline = new Timeline();
  const air = new AirInterface();
  const peer = new SmscPeer(config, { air });
  const [ep] = await peer.start({ timeline, host: '127.0.0.1' });
  cleanup.push(() => peer.stop());
  const received: MtSms[] = [];
  const handset = (msisdn: string) => air.register(msisdn, (sms) => void received.push(sms));
  const esme = async (systemId = 'mmsc', password = 'secret', command = 'bind_transceiver') => {
    const e = await connectEsme(peer.port);
    cleanup.push(() => e.close());
    const r = await e.call(command, { system_id: systemId, password });
    return { e, status: r.command_status };
  };
  const bound = async (
    systemId = 'mmsc',
    password = 'secret',
    command = 'bind_transceiver',
  ): Promise<Esme> => {
    const { e, status } = await esme(systemId, password, command);
    expect(status).toBe(0);
    return e;
  };
  const waitFor = (match: (o: MessageObservation) => boolean) =>
    timeline.waitFor<MessageObservation>((o) => o.kind === 'message' && match(o as MessageObservation), {
      timeoutMs: 5000,
    });
  return { timeline, air, peer, ep, received, handset, esme, bound, waitFor };
}

describe('SMSC binds', () => {
  it('accepts any bind when started bare, and says so on its endpoint', async () => {
    const { ep, esme } = await startSmsc();
    expect(ep).toMatchObject({ peer: 'smsc', protocol: 'smpp', note: '(any bind accepted)' });
    expect(ep.url).toMatch(/^smpp:\/\/127\.0\.0\.1:\d+$/);
    for (const cmd of ['bind_transmitter', 'bind_receiver', 'bind_transceiver']) {
      expect((await esme('anyone', 'x', cmd)).status).toBe(0);
    }
  });

  it('checks system_id and password', async () => {
    const { ep, esme } = await startSmsc({ systemId: 'mmsc', password: 'secret' });
    expect(ep.note).toBeUndefined();
    expect((await esme('other', 'secret')).status).toBe(S.ESME_RINVSYSID);
    expect((await esme('mmsc', 'wrong')).status).toBe(S.ESME_RINVPASWD);
    expect((await esme('mmsc', 'secret')).status).toBe(0);
  });

  it('answers a bind with the wrong system_type ESME_RINVSYSTYP, then a second bind ESME_RALYBND', async () => {
    const { peer } = await startSmsc({ systemId: 'mmsc', password: 'secret', systemType: 'MMS' });
    const e = await connectEsme(peer.port);
    cleanup.push(() => e.close());
    expect(
      (await e.call('bind_transceiver', { system_id: 'mmsc', password: 'secret', system_type: 'XX' }))
        .command_status,
    ).toBe(S.ESME_RINVSYSTYP);
    const ok = await e.call('bind_transceiver', {
      system_id: 'mmsc',
      password: 'secret',
      system_type: 'MMS',
    });
    expect(ok.command_status).toBe(0);
    expect(ok.system_id).toBe('mmscert');
    expect(
      (await e.call('bind_transmitter', { system_id: 'mmsc', password: 'secret', system_type: 'MMS' }))
        .command_status,
    ).toBe(S.ESME_RALYBND);
  });

  it('refuse-binds: ESME_RBINDFAIL by default, or the given status; reset restores', async () => {
    const { peer, esme } = await startSmsc();
    peer.use({ kind: 'refuse-binds' });
    expect((await esme()).status).toBe(S.ESME_RBINDFAIL);
    peer.resetBehaviours();
    peer.use({ kind: 'refuse-binds', status: 'ESME_RSYSERR' });
    expect((await esme()).status).toBe(S.ESME_RSYSERR);
    peer.resetBehaviours();
    expect((await esme()).status).toBe(0);
  });
});

describe('SMSC session state machine', () => {
  it('refuses submit_sm before bind with ESME_RINVBNDSTS and keeps serving', async () => {
    const { peer } = await startSmsc();
    const e = await connectEsme(peer.port);
    cleanup.push(() => e.close());
    expect(
      (await e.call('submit_sm', { destination_addr: '15550001', short_message: Buffer.from('hi') }))
        .command_status,
    ).toBe(S.ESME_RINVBNDSTS);
    expect((await e.call('enquire_link')).command_status).toBe(0);
    expect((await e.call('bind_transceiver', { system_id: 'a', password: 'b' })).command_status).toBe(0);
    expect(
      (await e.call('submit_sm', { destination_addr: '15550001', short_message: Buffer.from('hi') }))
        .command_status,
    ).toBe(0);
  });

  it('a receiver may not submit; a transmitter gets no deliver_sm', async () => {
    const { bound } = await startSmsc();
    const rx = await bound('mmsc', 'secret', 'bind_receiver');
    expect(
      (await rx.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('x') })).command_status,
    ).toBe(S.ESME_RINVBNDSTS);
    const tx = await bound('mmsc', 'secret', 'bind_transmitter');
    expect(
      (await tx.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('x') })).command_status,
    ).toBe(0);
  });

  it('answers enquire_link and unbind (then closes)', async () => {
    const { bound } = await startSmsc();
    const e = await bound();
    expect((await e.call('enquire_link')).command).toBe('enquire_link_resp');
    const r = await e.call('unbind');
    expect(r.command).toBe('unbind_resp');
    await e.closed;
  });
});

describe('SMSC submits', () => {
  it('accepts a text submit_sm, publishes it decoded and routes it to the handset', async () => {
    const { bound, handset, received, timeline, waitFor } = await startSmsc();
    handset('+15550001');
    const e = await bound();
    const r = await e.call('submit_sm', {
      source_addr: '15550009',
      destination_addr: '15550001',
      data_coding: 0,
      short_message: Buffer.from('hello'),
    });
    expect(r.command_status).toBe(0);
    expect(r.message_id).toMatch(/^\d{10}$/);
    const obs = await waitFor((o) => o.type === 'submit_sm' && o.direction === 'in');
    expect(obs.iface).toBe('SMPP');
    expect(obs.fields).toMatchObject({
      destination_addr: '15550001',
      source_addr: '15550009',
      short_message: { $base64: 'aGVsbG8=' },
    });
    expect(obs.raw?.length).toBeGreaterThan(16);
    await timeline.waitFor((o) => o.kind === 'event' && o.name === 'sms-delivered', { timeoutMs: 5000 });
    expect(received).toHaveLength(1);
    expect(Buffer.from(received[0].payload).toString()).toBe('hello');
    expect(received[0]).toMatchObject({ from: '15550009', to: '15550001', dataCoding: 0 });
  });

  it('decodes a WAP push (two 8-bit concatenated segments) to the WSP push and the m-notification-ind', async () => {
    const { bound, handset, received, waitFor, timeline } = await startSmsc();
    handset('15550001');
    const e = await bound();
    const ind = notificationInd('T-abc-123', 'http://127.0.0.1:8002/mms/0001', '+15550002/TYPE=PLMN');
    const long = new Uint8Array(Buffer.concat([ind, Buffer.alloc(0)]));
    const segments = wapPushToSms(long, { ref: 7, maxOctets: 60 });
    expect(segments.length).toBeGreaterThan(1);
    for (const seg of segments) {
      const r = await e.call('submit_sm', {
        destination_addr: '15550001',
        esm_class: 0x40,
        data_coding: 0x04,
        short_message: Buffer.from(seg),
      });
      expect(r.command_status).toBe(0);
    }
    const push = await waitFor((o) => o.iface === 'WAP-PUSH');
    expect(push.type).toBe('wsp-push');
    expect(push.fields).toMatchObject({
      contentType: 'application/vnd.wap.mms-message',
      applicationId: 4,
      ports: { destination: 2948, source: 9200 },
    });
    const mms = await waitFor((o) => o.iface === 'MM1');
    expect(mms.type).toBe('m-notification-ind');
    // order on the timeline: the submits, then the push, then the notification inside it
    const submits = timeline.messages({ type: 'submit_sm', direction: 'in' });
    expect(submits).toHaveLength(segments.length);
    expect(push.seq).toBeGreaterThan(submits.at(-1)!.seq);
    expect(mms.seq).toBeGreaterThan(push.seq);
    const f = mms.fields as JsonObject;
    expect(f['X-Mms-Transaction-Id']).toBe('T-abc-123');
    expect([f['X-Mms-Content-Location']].flat()).toEqual(['http://127.0.0.1:8002/mms/0001']);
    await expect.poll(() => received.length).toBe(1);
    expect(received[0].segments).toHaveLength(segments.length);
    expect(received[0].ports).toEqual({ source: 9200, destination: 2948 });
    expect(Buffer.from(received[0].payload)[1]).toBe(0x06); // WSP Push PDU type after the TID
  });

  it('reassembles 16-bit UDH references, sar_* TLVs and message_payload, out of order', async () => {
    const { bound, handset, received } = await startSmsc();
    handset('15550001');
    const e = await bound();
    const part = (i: number) => Buffer.from(`part-${i};`);
    // 16-bit reference UDH (TS 23.040 §9.2.3.24.8), segments sent 2, 1
    for (const seq of [2, 1]) {
      const udh = encodeUdh({ elements: [{ kind: 'concat16', ref: 0x1234, total: 2, seq }] });
      await e.call('submit_sm', {
        destination_addr: '15550001',
        esm_class: 0x40,
        data_coding: 4,
        short_message: Buffer.concat([udh, part(seq)]),
      });
    }
    // sar_* TLVs, 3 segments, sent 3, 1, 2
    for (const seq of [3, 1, 2]) {
      await e.call('submit_sm', {
        destination_addr: '15550001',
        data_coding: 4,
        short_message: part(seq),
        sar_msg_ref_num: 77,
        sar_total_segments: 3,
        sar_segment_seqnum: seq,
      });
    }
    // message_payload (no short_message), one message
    await e.call('submit_sm', {
      destination_addr: '15550001',
      data_coding: 4,
      message_payload: Buffer.from('payload-tlv'),
    });
    await expect.poll(() => received.length).toBe(3);
    expect(received.map((r) => Buffer.from(r.payload).toString())).toEqual([
      'part-1;part-2;',
      'part-1;part-2;part-3;',
      'payload-tlv',
    ]);
  });

  it('submit_multi reaches every SME address; data_sm is answered with a message_id', async () => {
    const { bound, handset, received } = await startSmsc();
    handset('15550001');
    handset('15550002');
    const e = await bound();
    const r = await e.call('submit_multi', {
      dest_address: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '15550001' },
        { destination_addr: '15550002' },
        { dl_name: 'friends' },
      ],
      short_message: Buffer.from('multi'),
    });
    expect(r.command_status).toBe(0);
    expect(r.unsuccess_sme).toEqual([
      { dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: 'friends', error_status_code: 0x34 },
    ]);
    expect(r.message_id).toMatch(/^\d{10}$/);
    await expect.poll(() => received.length).toBe(2);
    expect(received.map((x) => x.to).sort()).toEqual(['15550001', '15550002']);
    const d = await e.call('data_sm', { destination_addr: '15550001', message_payload: Buffer.from('data') });
    expect(d.command_status).toBe(0);
    expect(d.message_id).toMatch(/^\d{10}$/);
    await expect.poll(() => received.length).toBe(3);
  });
});

describe('SMSC absent subscribers', () => {
  it("absentSubscriber 'delivered' counts a message for an unknown MSISDN as delivered (standalone use)", async () => {
    const { bound } = await startSmsc({ absentSubscriber: 'delivered' });
    const e = await bound();
    await e.call('submit_sm', {
      destination_addr: '15559999',
      registered_delivery: 1,
      short_message: Buffer.from('x'),
    });
    expect((await e.next('deliver_sm')).message_state).toBe(2);
    expect(() => smscConfigFromJson({ absentSubscriber: 'maybe' })).toThrow(PeerConfigError);
    expect(smscConfigFromJson({ absentSubscriber: 'delivered' }).absentSubscriber).toBe('delivered');
  });
});

describe('SMSC reassembly timeout', () => {
  it('a concatenated message missing a segment expires: EXPIRED receipt, nothing delivered', async () => {
    const { bound, handset, received, timeline } = await startSmsc({ reassemblyTimeoutMs: 200 });
    handset('15550001');
    const e = await bound();
    const udh = encodeUdh({ elements: [{ kind: 'concat8', ref: 5, total: 2, seq: 1 }] });
    const r = await e.call('submit_sm', {
      destination_addr: '15550001',
      esm_class: 0x40,
      registered_delivery: 1,
      short_message: Buffer.concat([udh, Buffer.from('half')]),
    });
    const dr = await e.next('deliver_sm');
    expect(dr.receipted_message_id).toBe(r.message_id);
    expect(dr.message_state).toBe(3);
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'sms-reassembly-expired')).toHaveLength(1);
    expect(received).toHaveLength(0);
  });
});

describe('SMSC delivery receipts', () => {
  it('sends deliver_sm receipts (esm_class 0x04, receipted_message_id, message_state, Appendix B text)', async () => {
    const { bound, handset } = await startSmsc();
    handset('15550001');
    const e = await bound();
    const r = await e.call('submit_sm', {
      source_addr: '15550009',
      destination_addr: '15550001',
      registered_delivery: 1,
      short_message: Buffer.from('receipt me'),
    });
    const dr = await e.next('deliver_sm');
    expect(dr.esm_class).toBe(0x04);
    expect(dr.receipted_message_id).toBe(r.message_id);
    expect(dr.message_state).toBe(2);
    expect(dr.source_addr).toBe('15550001');
    expect(dr.destination_addr).toBe('15550009');
    const text = Buffer.from((dr.short_message as { message: string }).message, 'latin1').toString('latin1');
    const parsed = parseReceipt(text);
    expect(parsed).toMatchObject({
      id: r.message_id,
      sub: 1,
      dlvrd: 1,
      stat: 'DELIVRD',
      err: 0,
      text: 'receipt me',
    });
    expect(parsed?.submitDate).toMatch(/^\d{10}$/);
  });

  it('fail-delivery: UNDELIV receipt; absent handset: UNDELIV err 001; query_sm reports the state', async () => {
    const { bound, peer, handset, timeline } = await startSmsc();
    handset('15550001');
    const e = await bound();
    peer.use({ kind: 'fail-delivery', state: 'EXPIRED' });
    const r = await e.call('submit_sm', {
      destination_addr: '15550001',
      registered_delivery: 1,
      short_message: Buffer.from('x'),
    });
    const dr = await e.next('deliver_sm');
    expect(dr.message_state).toBe(3);
    expect(parseReceipt((dr.short_message as { message: string }).message)?.stat).toBe('EXPIRED');
    const q = await e.call('query_sm', { message_id: r.message_id });
    expect(q.message_state).toBe(3);
    const qr = timeline.messages({ type: 'query_sm_resp', direction: 'out' }).at(-1);
    expect((qr!.fields as JsonObject).final_date).toMatch(/^\d{12}000\+$/);
    peer.resetBehaviours();
    // no handset answers for 15559999: undeliverable, receipt on failure (registered_delivery 2)
    await e.call('submit_sm', {
      destination_addr: '15559999',
      registered_delivery: 2,
      short_message: Buffer.from('y'),
    });
    const dr2 = await e.next('deliver_sm');
    expect(dr2.message_state).toBe(5);
    expect(parseReceipt((dr2.short_message as { message: string }).message)).toMatchObject({
      stat: 'UNDELIV',
      err: 1,
    });
  });

  it('keeps receipts until a receiver of the same system_id binds', async () => {
    const { bound, handset } = await startSmsc();
    handset('15550001');
    const tx = await bound('mmsc', 's', 'bind_transmitter');
    const r = await tx.call('submit_sm', {
      destination_addr: '15550001',
      registered_delivery: 1,
      short_message: Buffer.from('z'),
    });
    const other = await bound('someone-else', 's', 'bind_receiver');
    const rx = await bound('mmsc', 's', 'bind_receiver');
    const dr = await rx.next('deliver_sm');
    expect(dr.receipted_message_id).toBe(r.message_id);
    expect(other.inbox).toHaveLength(0);
  });

  it('accept-never-deliver: message stays ENROUTE, cancel_sm deletes it; cancel of a delivered one fails', async () => {
    const { bound, peer, handset, received } = await startSmsc();
    handset('15550001');
    const e = await bound();
    peer.use({ kind: 'accept-never-deliver' });
    const r = await e.call('submit_sm', { destination_addr: '15550001', short_message: Buffer.from('held') });
    expect((await e.call('query_sm', { message_id: r.message_id })).message_state).toBe(1);
    expect((await e.call('cancel_sm', { message_id: r.message_id })).command_status).toBe(0);
    expect((await e.call('query_sm', { message_id: r.message_id })).message_state).toBe(4);
    expect(received).toHaveLength(0);
    peer.resetBehaviours();
    const r2 = await e.call('submit_sm', { destination_addr: '15550001', short_message: Buffer.from('go') });
    await expect.poll(() => received.length).toBe(1);
    expect((await e.call('cancel_sm', { message_id: r2.message_id })).command_status).toBe(
      S.ESME_RCANCELFAIL,
    );
    expect((await e.call('query_sm', { message_id: '9999999999' })).command_status).toBe(S.ESME_RQUERYFAIL);
  });
});

describe('SMSC behaviours', () => {
  it('throttle {after: 2}: the third submit gets ESME_RTHROTTLED', async () => {
    const { bound, peer } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'throttle', after: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await e.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('t') }))
          .command_status,
      );
    }
    expect(statuses).toEqual([0, 0, S.ESME_RTHROTTLED, S.ESME_RTHROTTLED]);
  });

  it('reject-submits {status}', async () => {
    const { bound, peer } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'reject-submits', status: 'ESME_RSYSERR' });
    expect(
      (await e.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('t') })).command_status,
    ).toBe(S.ESME_RSYSERR);
    peer.use({ kind: 'reject-submits', status: 0x45 });
    expect(
      (await e.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('t') })).command_status,
    ).toBe(0x45);
  });

  it('reject-submits {status, count} refuses the first N submits only', async () => {
    const { bound, peer } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'reject-submits', status: 'ESME_RMSGQFUL', count: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await e.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('t') }))
          .command_status,
      );
    expect(statuses).toEqual([S.ESME_RMSGQFUL, S.ESME_RMSGQFUL, 0]);
  });

  it('delay {ms} holds the response at least that long', async () => {
    const { bound, peer } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'delay', ms: 120 });
    const t0 = performance.now();
    expect((await e.call('enquire_link')).command_status).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it('drop-connection {after: 1}: the second submit closes the link unanswered; others keep serving', async () => {
    const { bound, peer } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'drop-connection', after: 1 });
    expect(
      (await e.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('a') })).command_status,
    ).toBe(0);
    e.session.send(new smpp.PDU('submit_sm', { destination_addr: '1', short_message: Buffer.from('b') }));
    await e.closed;
    peer.resetBehaviours();
    const e2 = await bound();
    expect(
      (await e2.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('c') })).command_status,
    ).toBe(0);
  });

  it('refuses unknown behaviours and bad parameters with PeerConfigError', async () => {
    const { peer } = await startSmsc();
    expect(() => peer.use({ kind: 'explode' })).toThrow(PeerConfigError);
    expect(() => peer.use({ kind: 'throttle', after: -1 })).toThrow(PeerConfigError);
    expect(() => peer.use({ kind: 'fail-delivery', state: 'DELIVRD' })).toThrow(PeerConfigError);
    expect(() => peer.use({ kind: 'reject-submits', status: 'ESME_NOPE' })).toThrow(PeerConfigError);
  });
});

describe('SMSC actions', () => {
  it('deliver-mo sends a deliver_sm to a bound receiver; status counts', async () => {
    const { bound, peer } = await startSmsc();
    expect(await peer.actions['deliver-mo']({ from: '15550001', to: '1234', text: 'MO' })).toMatchObject({
      sent: false,
    });
    const e = await bound();
    const result = await peer.actions['deliver-mo']({ from: '15550001', to: '1234', text: 'MO text' });
    expect(result).toMatchObject({ sent: true, commandStatus: 0 });
    const mo = await e.next('deliver_sm');
    expect(mo.source_addr).toBe('15550001');
    expect(mo.esm_class).toBe(0);
    const status = (await peer.actions.status({})) as JsonObject;
    expect(status).toMatchObject({ binds: 1, mo: 1, sessions: 1 });
  });
});

describe('SMSC bad input', () => {
  it('command_length out of range: generic_nack ESME_RINVCMDLEN and close; other connections keep serving', async () => {
    const { bound, peer, timeline } = await startSmsc();
    for (const len of [0, 8, 15, 16385, 0xffffffff]) {
      const raw = await connectRaw(peer.port);
      raw.write(rawPdu(0x15, 9, new Uint8Array(), len));
      const nack = await raw.next();
      expect(nack).not.toBe('closed');
      const b = nack as Buffer;
      expect(b.readUInt32BE(4)).toBe(0x80000000);
      expect(b.readUInt32BE(8)).toBe(S.ESME_RINVCMDLEN);
      expect(await raw.next()).toBe('closed');
    }
    const e = await bound();
    expect((await e.call('enquire_link')).command_status).toBe(0);
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'smpp-framing-error')).toHaveLength(5);
  });

  it('unknown command, truncated and malformed bodies: generic_nack, session keeps serving', async () => {
    const { peer } = await startSmsc();
    const raw = await connectRaw(peer.port);
    cleanup.push(() => raw.close());
    const expectNack = async (status: number, seq: number) => {
      const b = (await raw.next()) as Buffer;
      expect(b).not.toBe('closed');
      expect([b.readUInt32BE(4), b.readUInt32BE(8), b.readUInt32BE(12)]).toEqual([0x80000000, status, seq]);
    };
    raw.write(rawPdu(0x00000099, 1)); // unknown command_id
    await expectNack(S.ESME_RINVCMDID, 1);
    raw.write(rawPdu(0x09, 2, Buffer.from('mm'))); // bind_transceiver, body cut inside system_id
    await expectNack(S.ESME_RINVCMDLEN, 2);
    raw.write(rawPdu(0x09, 3, bindBody('mmsc', 'pw')));
    const bindResp = (await raw.next()) as Buffer;
    expect([bindResp.readUInt32BE(4), bindResp.readUInt32BE(8)]).toEqual([0x80000009, 0]);
    /** submit_sm mandatory body (SMPP 3.4 §4.4.1) from 1 to 2, `sm_length` as given, then `text`. */
    const submitBody = (smLength: number, text: string) =>
      Buffer.concat([
        cstr(''),
        Buffer.from([1, 1]),
        cstr('1'),
        Buffer.from([1, 1]),
        cstr('2'),
        Buffer.from([0, 0, 0]),
        cstr(''),
        cstr(''),
        Buffer.from([0, 0, 0, 0, smLength]),
        Buffer.from(text),
      ]);
    // submit_sm whose sm_length promises more octets than there are
    raw.write(rawPdu(0x04, 4, submitBody(50, 'short')));
    await expectNack(S.ESME_RINVCMDLEN, 4);
    // a 2-octet TLV (destination_port) cut to 1 octet, last in the PDU: smpp@0.5.1 itself throws here
    const okBody = submitBody(2, 'ok');
    raw.write(rawPdu(0x04, 5, Buffer.concat([okBody, Buffer.from([0x02, 0x0b, 0x00, 0x01, 0x00])])));
    await expectNack(S.ESME_RINVTLVLEN, 5);
    // TLV header promising more than is left
    raw.write(rawPdu(0x04, 6, Buffer.concat([okBody, Buffer.from([0x04, 0x24, 0x00, 0x10, 0x41])])));
    await expectNack(S.ESME_RINVTLVLEN, 6);
    // and the session is still in step and bound
    raw.write(rawPdu(0x04, 7, okBody));
    const resp = (await raw.next()) as Buffer;
    expect([resp.readUInt32BE(4), resp.readUInt32BE(8), resp.readUInt32BE(12)]).toEqual([0x80000004, 0, 7]);
    raw.write(rawPdu(0x15, 8));
    expect(((await raw.next()) as Buffer).readUInt32BE(4)).toBe(0x80000015);
  });

  it('a bad message_payload + short_message combination is refused with ESME_RINVMSGLEN', async () => {
    const { bound } = await startSmsc();
    const e = await bound();
    const r = await e.call('submit_sm', {
      destination_addr: '1',
      short_message: Buffer.from('a'),
      message_payload: Buffer.from('b'),
    });
    expect(r.command_status).toBe(S.ESME_RINVMSGLEN);
  });
});

describe('SMSC-originated requests and link faults (action request, mute-enquire-link, refuse-connections)', () => {
  it('sends enquire_link, an unknown command and unbind to the bound session and returns the answers', async () => {
    const { peer, bound, timeline } = await startSmsc({ systemId: 'mmsc', password: 'secret' });
    const e = await bound();
    const probe = (await peer.actions.request({ command: 'enquire_link' })) as JsonObject;
    expect(probe).toMatchObject({
      sent: true,
      systemId: 'mmsc',
      command: 'enquire_link_resp',
      commandStatus: 0,
    });
    const odd = (await peer.actions.request({ command: 'unknown', commandId: 0x7f })) as JsonObject;
    expect(odd).toMatchObject({ command: 'generic_nack', commandStatus: S.ESME_RINVCMDID });
    // the answer carries the request's sequence_number (SMPP 3.4 §4.3)
    const nack = timeline
      .all()
      .find((o) => o.kind === 'message' && o.type === 'generic_nack' && o.direction === 'in');
    expect((nack as MessageObservation | undefined)?.fields).toMatchObject({
      sequence_number: odd.sequenceNumber,
    });
    const bye = (await peer.actions.request({ command: 'unbind' })) as JsonObject;
    expect(bye).toMatchObject({ command: 'unbind_resp', commandStatus: 0 });
    await e.closed;
  });

  it('bad-length: sends an enquire_link header with the command_length asked, without waiting', async () => {
    const { peer, bound, timeline } = await startSmsc();
    await bound();
    const r = (await peer.actions.request({ command: 'bad-length', commandLength: 8 })) as JsonObject;
    expect(r).toMatchObject({ sent: true, commandLength: 8 });
    const out = timeline
      .all()
      .find((o) => o.kind === 'message' && o.type === 'enquire_link' && o.direction === 'out') as
      | MessageObservation
      | undefined;
    expect(out?.fields).toMatchObject({ command_length: 8, sequence_number: r.sequenceNumber });
    expect(Buffer.from(out!.raw!).readUInt32BE(0)).toBe(8);
    expect(out!.raw!.length).toBe(16);
  });

  it('refuses a command it cannot send', async () => {
    const { peer } = await startSmsc();
    await expect(peer.actions.request({ command: 'deliver_sm' })).rejects.toThrow(
      /enquire_link, unbind, unknown or bad-length/,
    );
  });

  it('mute-enquire-link leaves enquire_link unanswered until cleared', async () => {
    const { peer, bound } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'mute-enquire-link' });
    await expect(
      Promise.race([
        e.call('enquire_link'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('unanswered')), 200)),
      ]),
    ).rejects.toThrow('unanswered');
    peer.resetBehaviours();
    expect((await e.call('enquire_link')).command_status).toBe(0);
  });

  it('hold-responses answers no submit until cleared, then all at once, last first; it counts its window', async () => {
    const { peer, bound, timeline } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'hold-responses', window: 2 });
    const answered: number[] = [];
    const calls = ['15550001', '15550002', '15550003'].map((to) =>
      e.call('submit_sm', { destination_addr: to, short_message: Buffer.from('x') }).then((r) => {
        answered.push(r.sequence_number);
        return r;
      }),
    );
    const exceeded = await timeline.waitFor((o) => o.kind === 'event' && o.name === 'window-exceeded', {
      timeoutMs: 5000,
    });
    expect(exceeded).toMatchObject({ detail: { window: 2, outstanding: 3 } });
    const held = timeline.all().filter((o) => o.kind === 'event' && o.name === 'response-held');
    expect(held).toHaveLength(3);
    expect(answered).toEqual([]);
    peer.resetBehaviours();
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.command_status)).toEqual([0, 0, 0]);
    // out of sequence (SMPP 3.4 §2.7): the last submit is answered first
    const sent = responses.map((r) => r.sequence_number);
    expect(answered).toEqual([...sent].sort((a, b) => b - a));
    // once cleared, a submit is answered at once again
    expect(
      (await e.call('submit_sm', { destination_addr: '1', short_message: Buffer.from('y') })).command_status,
    ).toBe(0);
    expect(() => peer.use({ kind: 'hold-responses', window: -1 })).toThrow(PeerConfigError);
  });

  it('refuse-connections ends open sessions and closes new connections until cleared', async () => {
    const { peer, bound, timeline } = await startSmsc();
    const e = await bound();
    peer.use({ kind: 'refuse-connections' });
    await e.closed;
    const raw = await connectRaw(peer.port);
    expect(await raw.next(2000)).toBe('closed');
    expect(timeline.all().some((o) => o.kind === 'event' && o.name === 'connection-refused')).toBe(true);
    peer.resetBehaviours();
    await bound();
  });
});
