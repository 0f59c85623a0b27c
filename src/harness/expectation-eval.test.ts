import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../util/json.ts';
import { Timeline } from '../wire/timeline.ts';
import { awaitAnyOf, awaitExpectation, nearestCandidates } from './expectation-eval.ts';
import type { Expectation } from './suite-schema.ts';

function msg(
  t: Timeline,
  node: string,
  type: string,
  fields: JsonObject,
  direction: 'in' | 'out' = 'in',
): void {
  t.publish({ kind: 'message', node, role: 'ue', iface: 'MM1', direction, type, fields });
}
function ev(t: Timeline, node: string, name: string, detail: JsonObject): void {
  t.publish({ kind: 'event', node, role: 'ue', iface: 'MM1', direction: 'local', name, detail });
}

describe('nearestCandidates: an unmet expect names what it saw instead', () => {
  const e: Expectation = {
    message: 'm-notification-ind',
    node: 'ue.bob',
    where: { 'X-Mms-Message-Size': { present: true } },
  };

  it('the same message with the fields that differed, the same type elsewhere, then what tells of trouble', () => {
    const t = new Timeline();
    msg(t, 'smsc', 'm-notification-ind', {});
    msg(t, 'ue.bob', 'm-notification-ind', { 'X-Mms-Message-Class': 'Personal' });
    ev(t, 'smsc', 'encoding-defect', {
      messageType: 'm-notification-ind',
      line: 'offset 34: X-Mms-Message-Size: Long-integer length 244 not in 1..30',
    });
    ev(t, 'ue.bob', 'encoding-defect', {
      messageType: 'm-notification-ind',
      line: 'offset 34: X-Mms-Message-Size: Long-integer length 244 not in 1..30',
    });
    ev(t, 'ue.bob', 'retrieval-failed', { status: 404, contentLocation: 'http://x/1' });
    msg(t, 'ue.alice', 'm-send-conf', { 'X-Mms-Response-Status': 'Error-service-denied' });
    ev(t, 'ue.alice', 'http-response', { status: 500 });
    expect(nearestCandidates(e, t.all(), 10)).toEqual([
      'm-notification-ind at ue.bob (in): X-Mms-Message-Size absent (expected present)',
      'm-notification-ind at smsc (in) on MM1',
      'encoding-defect at smsc (local): m-notification-ind offset 34: X-Mms-Message-Size: Long-integer length 244 not in 1..30',
      'retrieval-failed at ue.bob (local): {"status":404,"contentLocation":"http://x/1"}',
      'm-send-conf at ue.alice (in) with X-Mms-Response-Status Error-service-denied',
      'http-response at ue.alice (local): {"status":500}',
    ]);
  });

  it('SOAP faults, SMTP refusals and SMPP error statuses count as trouble; ordinary traffic does not', () => {
    const t = new Timeline();
    msg(t, 'vasp', 'RSErrorRsp', { StatusCode: '3001' });
    ev(t, 'mail', 'smtp-refused', { code: 550, text: 'no such user' });
    msg(t, 'smsc', 'submit_sm_resp', { command_status: 'ESME_RTHROTTLED' });
    msg(t, 'mail', 'email', { result: { ok: false, code: 550, response: '550 5.1.1 unknown user' } }, 'out');
    msg(t, 'smsc', 'submit_sm_resp', { command_status: 'ESME_ROK' });
    msg(t, 'ue.alice', 'm-send-conf', { 'X-Mms-Response-Status': 'Ok' });
    expect(nearestCandidates({ message: 'DeliverReq' }, t.all(), 10)).toEqual([
      'RSErrorRsp at vasp (in): {"StatusCode":"3001"}',
      'smtp-refused at mail (local): {"code":550,"text":"no such user"}',
      'submit_sm_resp at smsc (in) with command_status ESME_RTHROTTLED',
      'email at mail (out) answered SMTP 550 550 5.1.1 unknown user',
    ]);
  });

  it('an unmet expect says so in its message', async () => {
    const t = new Timeline();
    msg(t, 'ue.bob', 'm-notification-ind', {});
    const out = await awaitExpectation(t, { ...e, within: '20ms' }, { since: 0 });
    expect(out.ok).toBe(false);
    if (!out.ok)
      expect(out.message).toBe(
        'no matching observation within 20 ms; nearest: m-notification-ind at ue.bob (in): X-Mms-Message-Size absent (expected present)',
      );
  });
});

describe('awaitAnyOf: the first alternative met satisfies the step', () => {
  const refused: Expectation = {
    message: 'email',
    node: 'mail',
    where: { 'result.code': { range: [500, 599] } },
    within: 50,
  };
  const dsn: Expectation = { message: 'dsn', node: 'mail', where: { action: 'failed' }, within: 300 };

  it('passes on the later alternative while the earlier one has failed its deadline', async () => {
    const t = new Timeline();
    msg(t, 'mail', 'email', { 'result.code': 250 }, 'out');
    setTimeout(() => msg(t, 'mail', 'dsn', { action: 'failed', status: '5.1.1' }), 120);
    const r = await awaitAnyOf(
      t,
      [
        { e: refused, since: 0 },
        { e: dsn, since: 0 },
      ],
      {},
    );
    expect(r.ok).toBe(true);
    expect(r.alternative).toBe(1);
  });

  it('passes at once on an alternative already seen, and stops waiting for the others', async () => {
    const t = new Timeline();
    t.publish({
      kind: 'message',
      node: 'mail',
      role: 'mta',
      iface: 'MM3',
      direction: 'out',
      type: 'email',
      fields: { result: { code: 550 } },
    });
    const started = Date.now();
    const r = await awaitAnyOf(
      t,
      [
        { e: { ...refused, where: { 'result.code': 550 } }, since: 0 },
        { e: dsn, since: 0 },
      ],
      {},
    );
    expect(r).toMatchObject({ ok: true, alternative: 0 });
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('fails only when every alternative failed, saying what each expected', async () => {
    const t = new Timeline();
    const r = await awaitAnyOf(
      t,
      [
        { e: refused, since: 0 },
        { e: { ...dsn, within: 60 }, since: 0 },
      ],
      {},
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.expected).toMatch(/^any of: email .* \| dsn /);
    expect(r.message).toMatch(/^no alternative met: \(1\) .*; \(2\) /);
  });

  it('ends with the case (abort)', async () => {
    const t = new Timeline();
    const ac = new AbortController();
    const p = awaitAnyOf(
      t,
      [
        { e: refused, since: 0 },
        { e: dsn, since: 0 },
      ],
      { signal: ac.signal },
    );
    ac.abort(new Error('case over'));
    await expect(p).rejects.toThrow('case over');
  });
});
