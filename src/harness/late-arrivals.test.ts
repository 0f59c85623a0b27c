import { describe, expect, it } from 'vitest';
import { Timeline } from '../wire/timeline.ts';
import { IdentityRegistry, isLateArrival, watchLateArrivals } from './late-arrivals.ts';

const msg = (t: Timeline, direction: 'in' | 'out', fields: Record<string, unknown>) =>
  t.publish({
    kind: 'message',
    type: 'submit_sm',
    node: 'smsc',
    role: 'smsc',
    iface: 'SMPP',
    direction,
    fields: fields as never,
  });

describe('IdentityRegistry', () => {
  it('never gives two cases of a run the same MSISDN or transaction id', () => {
    const r = new IdentityRegistry();
    expect(r.claimMsisdn('a.1', '+15550001234')).toBe(true);
    expect(r.claimMsisdn('a.1', '+15550001234')).toBe(true);
    expect(r.claimMsisdn('a.2', '15550001234')).toBe(false);
    expect(r.claimId('a.1', 'tx0000000001')).toBe(true);
    expect(r.claimId('a.2', 'tx0000000001')).toBe(false);
    // a number the suite fixes is the case's from then on
    r.assignMsisdn('a.2', '+15550001234');
    expect(r.ownerOf('+15550001234')).toBe('a.2');
  });

  it('tags what our peers receive for an ended case only, and records the event', () => {
    const r = new IdentityRegistry();
    r.begin('a.1');
    r.claimMsisdn('a.1', '+15550001111');
    r.end('a.1');
    r.begin('a.2');
    r.claimMsisdn('a.2', '+15550002222');
    const t = new Timeline();
    const seen: string[] = [];
    watchLateArrivals(t, r, 'a.2', (o, l) => seen.push(`${o.seq} ${l.ofCase} ${l.identity}`));
    const stale = msg(t, 'in', { destination_addr: '15550001111', short_message: 'x' });
    const own = msg(t, 'in', { destination_addr: '15550002222' });
    // carries both: this case's identity wins
    const both = msg(t, 'in', { to: '+15550001111/TYPE=PLMN', cc: '+15550002222/TYPE=PLMN' });
    // what our own peer sends is never late
    const out = msg(t, 'out', { destination_addr: '15550001111' });
    expect([stale, own, both, out].map(isLateArrival)).toEqual([true, false, false, false]);
    expect(seen).toEqual(['0 a.1 15550001111']);
  });

  it('learns message ids: a report for an ended case is late even without a number', () => {
    const r = new IdentityRegistry();
    r.begin('a.1');
    const t1 = new Timeline();
    watchLateArrivals(t1, r, 'a.1', () => undefined);
    msg(t1, 'in', { 'Message-ID': '<mmsc-20261206-0001@mms.example>' });
    r.end('a.1');
    r.begin('a.2');
    const t2 = new Timeline();
    watchLateArrivals(t2, r, 'a.2', () => undefined);
    const report = msg(t2, 'in', { headers: { 'X-Mms-Message-ID': 'mmsc-20261206-0001@mms.example' } });
    // short ids (SMPP message_id 1, 2 ...) are shared by every case: not identities
    r.begin('a.3');
    const t3 = new Timeline();
    watchLateArrivals(t3, r, 'a.3', () => undefined);
    msg(t3, 'in', { message_id: '1' });
    r.end('a.3');
    const short = msg(t2, 'in', { message_id: '1' });
    // nor are counters, however long: every SMSC peer starts at 0000000001
    msg(t3, 'out', { message_id: '0000000001' });
    const counter = t2.publish({
      kind: 'event',
      name: 'sms-accepted',
      node: 'smsc',
      role: 'smsc',
      iface: 'SMPP',
      direction: 'local',
      detail: { messageId: '0000000001' },
    });
    expect(isLateArrival(counter)).toBe(false);
    expect(isLateArrival(report)).toBe(true);
    expect(isLateArrival(short)).toBe(false);
  });

  it('what a peer derives from a late message on its connection is late too, until own traffic', () => {
    const r = new IdentityRegistry();
    r.claimMsisdn('a.1', '+15550001111');
    r.begin('a.2');
    r.claimMsisdn('a.2', '+15550002222');
    const t = new Timeline();
    const events: number[] = [];
    watchLateArrivals(t, r, 'a.2', (o) => events.push(o.seq));
    const on = (direction: 'in' | 'out', type: string, fields: Record<string, unknown>) =>
      t.publish({
        kind: 'message',
        type,
        node: 'smsc',
        role: 'smsc',
        iface: 'SMPP',
        direction,
        conn: 'c1',
        fields: fields as never,
      });
    const submit = on('in', 'submit_sm', { destination_addr: '15550001111' });
    const accepted = t.publish({
      kind: 'event',
      name: 'sms-accepted',
      node: 'smsc',
      role: 'smsc',
      iface: 'SMPP',
      direction: 'local',
      conn: 'c1',
      detail: { messageId: '1' },
    });
    const resp = on('out', 'submit_sm_resp', { message_id: '1' });
    const push = on('in', 'wsp-push', { contentType: 'application/vnd.wap.mms-message' });
    const undeliverable = t.publish({
      kind: 'event',
      name: 'sms-undeliverable',
      node: 'smsc',
      role: 'smsc',
      iface: 'SMPP',
      direction: 'local',
      detail: { to: '15550001111' },
    });
    const own = on('in', 'submit_sm', { destination_addr: '15550002222' });
    const ownPush = on('in', 'wsp-push', { contentType: 'application/vnd.wap.mms-message' });
    expect([submit, accepted, resp, push, undeliverable, own, ownPush].map(isLateArrival)).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
      false,
    ]);
    // one late-arrival event per identity-bearing observation, not per derived one
    expect(events).toEqual([submit.seq, undeliverable.seq]);
  });

  it('an identity of a case still running is not late (cases side by side)', () => {
    const r = new IdentityRegistry();
    r.begin('a.1');
    r.claimMsisdn('a.1', '+15550001111');
    r.begin('a.2');
    const t = new Timeline();
    watchLateArrivals(t, r, 'a.2', () => undefined);
    expect(isLateArrival(msg(t, 'in', { destination_addr: '15550001111' }))).toBe(false);
  });
});
