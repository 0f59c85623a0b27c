import { describe, expect, it } from 'vitest';
import { checkFlowCounters, flowLatencyLines } from './artillery-report.ts';

const good = () => ({
  aggregate: {
    counters: {
      'vusers.created': 3,
      'vusers.completed': 3,
      'vusers.failed': 0,
      'mmscert.flows.mm1-mt.ok': 2,
      'mmscert.flows.mm4-in.ok': 1,
    },
    summaries: {
      'mmscert.flow.mm1-mt': { count: 2, p50: 20, p99: 31.5, max: 32 } as { count: number; p99?: number },
      'mmscert.flow.mm4-in': { count: 1, p50: 9, p99: 9, max: 9 } as { count: number; p99?: number },
    },
  },
});

describe('checkFlowCounters', () => {
  it('accepts a run whose flows all succeeded and were all measured', () => {
    expect(checkFlowCounters(good(), { kinds: ['mm1-mt', 'mm4-in'], users: 3 })).toEqual([]);
    expect(flowLatencyLines(good())).toEqual([
      'mm1-mt: 2 flows, p50 20.0 p99 31.5 max 32.0 ms',
      'mm4-in: 1 flows, p50 9.0 p99 9.0 max 9.0 ms',
    ]);
  });

  it('wants as many virtual users as the phases create, and a p99 for each flow kind', () => {
    const r = good();
    delete r.aggregate.summaries['mmscert.flow.mm4-in'].p99;
    expect(checkFlowCounters(r, { kinds: [], users: 4 })).toEqual([
      'vusers.created 3 != 4 the phases create',
      'mmscert.flow.mm4-in has no p99',
    ]);
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
