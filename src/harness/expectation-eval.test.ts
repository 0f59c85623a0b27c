import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../util/json.ts';
import { Timeline } from '../wire/timeline.ts';
import { awaitExpectation, nearestCandidates } from './expectation-eval.ts';
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
