import { describe, expect, it } from 'vitest';
import type { LoadedCase } from './case-model.ts';
import { boundTime, scheduleOrder } from './schedule.ts';

const step = (kind: string, spec: Record<string, unknown>) =>
  ({ kind, spec }) as unknown as LoadedCase['steps'][number];
const kase = (id: string, steps: LoadedCase['steps']) => ({ id, steps }) as unknown as LoadedCase;

const cases = [
  kase('a', [step('do', { do: 'ue.alice.send' })]),
  kase('b', [step('wait', { wait: '1s' }), step('expect-none', { 'expect-none': { message: 'x' } })]),
  kase('c', [step('expect-none', { 'expect-none': { message: 'x', within: '500ms' } })]),
  kase('d', [step('wait', { wait: '{{saved.delay}}' })]),
];

describe('schedule', () => {
  it('bounds a case by its waits and its expect-none windows (default 2 s)', () => {
    expect(cases.map(boundTime)).toEqual([0, 3000, 500, 0]);
  });

  it('starts the longest expected first, ties in load order', () => {
    expect(scheduleOrder(cases)).toEqual([1, 2, 0, 3]);
  });

  it("prefers the last run's durations where it has them", () => {
    expect(scheduleOrder(cases, { a: 5000, d: 600 })).toEqual([0, 1, 3, 2]);
  });
});
