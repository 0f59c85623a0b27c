import { describe, expect, it } from 'vitest';
import { checkFlowCounters } from './artillery-report.ts';

const good = () => ({
  aggregate: {
    counters: {
      'vusers.created': 3,
      'vusers.completed': 3,
      'vusers.failed': 0,
      'mmscert.flows.mm1-mt.ok': 2,
      'mmscert.flows.mm4-in.ok': 1,
    },
    summaries: { 'mmscert.flow.mm1-mt': { count: 2 }, 'mmscert.flow.mm4-in': { count: 1 } },
  },
});

describe('checkFlowCounters', () => {
  it('accepts a run whose flows all succeeded and were all measured', () => {
    expect(checkFlowCounters(good(), { kinds: ['mm1-mt', 'mm4-in'] })).toEqual([]);
  });

  it('names each way a run can be wrong', () => {
    expect(checkFlowCounters({}, { kinds: [] })).toEqual(['no aggregate counters in the report']);
    const r = good();
    r.aggregate.counters['vusers.failed'] = 1;
    r.aggregate.counters['vusers.completed'] = 2;
    Object.assign(r.aggregate.counters, {
      'mmscert.flows.mm7-submit.failed': 1,
      'errors.mmscert.mm7-submit.timeout.push': 1,
    });
    r.aggregate.summaries['mmscert.flow.mm4-in'].count = 0;
    expect(checkFlowCounters(r, { kinds: ['mm1-mt', 'mm4-out'] })).toEqual([
      'vusers.failed = 1',
      'vusers.completed 2 != created 3',
      'mmscert.flows.mm7-submit.failed = 1',
      'errors.mmscert.mm7-submit.timeout.push = 1',
      'mmscert.flow.mm4-in has 0 latencies for 1 flows',
      'no mm4-out flow succeeded',
      '3 flows succeeded for 2 virtual users of 1 flow(s) each',
    ]);
    expect(checkFlowCounters({ aggregate: { counters: {} } }, { kinds: [] })).toContain(
      'no virtual user was created',
    );
  });
});
