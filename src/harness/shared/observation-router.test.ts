import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../util/json.ts';
import { type MessageObservation, Timeline } from '../../wire/timeline.ts';
import { ObservationRouter } from './observation-router.ts';

const SHARED = new Set(['smsc', 'vasp']);

function setup() {
  const shared = new Timeline();
  const router = new ObservationRouter(shared, (n) => (SHARED.has(n) ? n : undefined));
  const a = new Timeline();
  const b = new Timeline();
  router.register('a', a, { kinds: ['smsc', 'vasp'], keys: ['n:15550000001'] });
  router.register('b', b, { kinds: ['smsc'], keys: ['n:15550000002'] });
  const smsc = (type: string, direction: 'in' | 'out', fields: JsonObject, conn = 'bind') =>
    shared.publish({
      kind: 'message',
      node: 'smsc',
      role: 'smsc',
      iface: 'SMPP',
      direction,
      conn,
      type,
      fields,
    });
  const types = (t: Timeline) => t.messages().map((o: MessageObservation) => o.type);
  return { shared, router, a, b, smsc, types };
}

describe('observation router', () => {
  it('hands a submit to the case of its destination, and its response by sequence number', () => {
    const { a, b, smsc, types } = setup();
    smsc('submit_sm', 'in', { sequence_number: 1, destination_addr: '15550000001' });
    smsc('submit_sm', 'in', { sequence_number: 2, destination_addr: '15550000002' });
    smsc('submit_sm_resp', 'out', { sequence_number: 2, message_id: '0000000002' });
    smsc('submit_sm_resp', 'out', { sequence_number: 1, message_id: '0000000001' });
    expect(types(a)).toEqual(['submit_sm', 'submit_sm_resp']);
    expect(types(b)).toEqual(['submit_sm', 'submit_sm_resp']);
    expect((b.messages()[1].fields as JsonObject).message_id).toBe('0000000002');
    // the learned message_id routes the receipt
    smsc('deliver_sm', 'out', { sequence_number: 9, receipted_message_id: '0000000001' });
    expect(types(a)).toEqual(['submit_sm', 'submit_sm_resp', 'deliver_sm']);
  });

  it('gives what its actions started to the case, connections whole', () => {
    const { shared, router, a, b } = setup();
    router.run('a', () => {
      shared.publish({
        kind: 'conn',
        conn: 'c1',
        transport: 'tcp',
        event: 'open',
        client: { node: 'vasp', role: 'vasp', port: 1 },
        server: { node: 'mmsc', role: 'mmsc', port: 2 },
        node: 'vasp',
        role: 'vasp',
        iface: 'MM7',
        direction: 'out',
      });
      shared.publish({
        kind: 'bytes',
        conn: 'c1',
        raw: new Uint8Array([1]),
        node: 'vasp',
        role: 'vasp',
        iface: 'MM7',
        direction: 'out',
      });
    });
    // the answer comes later, outside the action, on the same connection
    shared.publish({
      kind: 'bytes',
      conn: 'c1',
      raw: new Uint8Array([2]),
      node: 'vasp',
      role: 'vasp',
      iface: 'MM7',
      direction: 'in',
    });
    expect(a.all().map((o) => o.kind)).toEqual(['conn', 'bytes', 'bytes']);
    expect(b.length).toBe(0);
    expect(router.sharedNodesOf('a')).toEqual([]);
  });

  it('records what belongs to no running case as a late arrival, and what follows it', () => {
    const { router, a, b, smsc } = setup();
    router.unregister('a');
    smsc('submit_sm', 'in', { sequence_number: 3, destination_addr: '15550000001' });
    smsc('submit_sm_resp', 'out', { sequence_number: 3, message_id: '0000000003' });
    // no identity at all (the bind's own traffic): run-wide, not late
    smsc('enquire_link', 'in', { sequence_number: 4 });
    expect(a.length + b.length).toBe(0);
    expect(router.lateArrivals.map((l) => [l.what, l.reason])).toEqual([
      ['submit_sm', 'it carries the identities of a case that has ended'],
      ['submit_sm_resp', 'it follows a late arrival on its connection'],
    ]);
  });

  it('prefers an identity one case owns to one several cases share', () => {
    const { router, a, b, smsc, types } = setup();
    // both cases' handsets used the same transaction id (their own first send: `alice-1`)
    router.register('a', a, { kinds: ['smsc'], keys: ['n:15550000001', 'id:alice-1'] });
    router.register('b', b, { kinds: ['smsc'], keys: ['n:15550000002', 'id:alice-1'] });
    smsc('deliver_sm', 'out', { sequence_number: 5, source_addr: '15550000002', transaction_id: 'alice-1' });
    expect(types(a)).toEqual([]);
    expect(types(b)).toEqual(['deliver_sm']);
    smsc('deliver_sm', 'out', { sequence_number: 6, transaction_id: 'alice-1' });
    expect(types(a)).toEqual(['deliver_sm']);
    expect(types(b)).toEqual(['deliver_sm', 'deliver_sm']);
  });

  it("does not hand an ended case's traffic to a running case that merely named the same number", () => {
    const { router, a, b, smsc, types } = setup();
    // both sent to the same foreign number (a literal of their suite): a weak key of each
    a.publish({
      kind: 'event',
      name: 'action',
      node: 'harness',
      role: 'harness',
      iface: 'HARNESS',
      direction: 'local',
      detail: { params: { to: '+15557770001' } },
    });
    b.publish({
      kind: 'event',
      name: 'action',
      node: 'harness',
      role: 'harness',
      iface: 'HARNESS',
      direction: 'local',
      detail: { params: { to: '+15557770001' } },
    });
    router.unregister('a');
    smsc('submit_sm', 'in', {
      sequence_number: 7,
      source_addr: '15550000001',
      destination_addr: '15557770001',
    });
    expect(types(b)).toEqual([]);
    expect(router.lateArrivals.map((l) => [l.what, l.case])).toEqual([['submit_sm', 'a']]);
    // what only the number both named carries goes to the running one
    smsc('submit_sm', 'in', { sequence_number: 8, destination_addr: '15557770001' });
    expect(types(b)).toEqual(['submit_sm']);
  });

  it("shows every sharing case the target's bind, also a case that starts after it", () => {
    const { shared, router, a, b, smsc, types } = setup();
    smsc('bind_transceiver', 'in', { sequence_number: 1, system_id: 'mmsc' });
    smsc('bind_transceiver_resp', 'out', { sequence_number: 1, system_id: 'mmscert' });
    expect(types(a)).toEqual(['bind_transceiver', 'bind_transceiver_resp']);
    expect(types(b)).toEqual(['bind_transceiver', 'bind_transceiver_resp']);
    const c = new Timeline();
    router.register('c', c, { kinds: ['smsc'], keys: [] });
    expect(types(c)).toEqual(['bind_transceiver', 'bind_transceiver_resp']);
    // that session closes: a case starting later sees no bind
    shared.publish({
      kind: 'conn',
      conn: 'bind',
      transport: 'tcp',
      event: 'close',
      client: { node: 'mmsc', role: 'mmsc', port: 1 },
      server: { node: 'smsc', role: 'smsc', port: 2 },
      node: 'smsc',
      role: 'smsc',
      iface: 'SMPP',
      direction: 'local',
    });
    const d = new Timeline();
    router.register('d', d, { kinds: ['smsc'], keys: [] });
    expect(d.length).toBe(0);
  });

  it('gives what carries no identity (an enquire_link on the bind) to a case running alone, else to none', () => {
    const { router, a, b, smsc, types } = setup();
    smsc('enquire_link', 'in', { sequence_number: 3 });
    expect(types(a)).toEqual([]);
    expect(types(b)).toEqual([]);
    router.unregister('a');
    router.unregister('b');
    const c = new Timeline();
    router.register('c', c, { kinds: ['smsc'], keys: ['n:15550000003'], alone: true });
    smsc('enquire_link', 'in', { sequence_number: 4 });
    smsc('enquire_link_resp', 'out', { sequence_number: 4 });
    expect(types(c)).toEqual(['enquire_link', 'enquire_link_resp']);
    // what carries another identity is still no business of it
    smsc('submit_sm', 'in', { sequence_number: 5, destination_addr: '15550000009' });
    expect(types(c)).toEqual(['enquire_link', 'enquire_link_resp']);
  });

  it('shows a case only the shared kinds it declares', () => {
    const { shared, b } = setup();
    shared.publish({
      kind: 'message',
      node: 'vasp',
      role: 'vasp',
      iface: 'MM7',
      direction: 'in',
      type: 'DeliverReq',
      fields: { Recipients: { To: { Number: ['+15550000002'] } } },
    });
    expect(b.length).toBe(0);
  });
});
