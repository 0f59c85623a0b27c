import { describe, expect, it } from 'vitest';
import { evaluateSlo, parseSlo, type SloFigures, SloSyntaxError, sloLine } from './slo.ts';

describe('parseSlo', () => {
  it('reads latency, share, count and throughput gates with their units', () => {
    expect(parseSlo('flow.p99<500ms, errors<0.1%')).toEqual([
      { text: 'flow.p99<500ms', metric: 'flow.p99', op: '<', limit: 500 },
      { text: 'errors<0.1%', metric: 'errors', op: '<', limit: 0.001, share: true },
    ]);
    expect(parseSlo('mm1-mt.p99.9<=2s')[0]).toMatchObject({ metric: 'mm1-mt.p99.9', op: '<=', limit: 2000 });
    expect(parseSlo('step.push.p50<20')[0]).toMatchObject({ metric: 'step.push.p50', limit: 20 });
    expect(parseSlo('timeouts<=3')[0]).toMatchObject({ limit: 3, share: false });
    expect(parseSlo('throughput>=450/s')[0]).toMatchObject({ op: '>=', limit: 450 });
  });

  it.each([
    ['', 'an empty SLO'],
    ['flow.p99 500ms', 'expected'],
    ['flow.p100<5ms', 'between 0 and 100'],
    ['flow.p99<5%', 'ms or s'],
    ['errors<5ms', 'share'],
    ['throughput>5ms', '/s'],
    ['latency<5ms', "unknown figure 'latency'"],
  ])('refuses %j', (text, why) => {
    expect(() => parseSlo(text)).toThrow(SloSyntaxError);
    expect(() => parseSlo(text)).toThrow(why);
  });
});

describe('evaluateSlo', () => {
  const figures: SloFigures = {
    flows: 1000,
    errors: 2,
    timeouts: 1,
    throughput: 480,
    latency: (m) => ({ 'flow.p99': 420, 'mm1-mt.p50': 12 })[m],
  };

  it('meets or breaches each gate on the figures', () => {
    const v = evaluateSlo(
      parseSlo('flow.p99<500ms,errors<0.1%,timeouts<=1,throughput>=500/s,mm1-mt.p50<10'),
      figures,
    );
    expect(v.map((x) => x.ok)).toEqual([true, false, true, false, false]);
    expect(v[1].actual).toBeCloseTo(0.002);
    expect(sloLine(v[1])).toBe('errors<0.1%  0.200%  BREACHED');
    expect(sloLine(v[0])).toBe('flow.p99<500ms  420.0 ms  ok');
  });

  it('a gate on a figure the run lacks (no flow of that kind, no flows at all) is breached', () => {
    const v = evaluateSlo(parseSlo('mm4-in.p99<1s,errors<1%'), { ...figures, flows: 0 });
    expect(v.every((x) => !x.ok && x.actual === undefined)).toBe(true);
    expect(sloLine(v[0])).toContain('no data');
  });
});
