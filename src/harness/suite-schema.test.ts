import { describe, expect, it } from 'vitest';
import { durationMs } from './duration.ts';
import { ExpectationSchema, WaitStepSchema } from './suite-schema.ts';
import { renderTemplate } from './template.ts';

describe('deadlines and pauses from the ICS timers', () => {
  it.each([
    '2s',
    1500,
    '{{ics.timers.minExpiry}}',
    '{{ ics.timers.deliveryReport }}',
    '{{ics.timers.minExpiry}} + 1s',
    '1s + 500ms',
  ])('accepts within / wait %j', (d) => {
    expect(ExpectationSchema.safeParse({ message: 'm-send-conf', within: d }).success).toBe(true);
    expect(WaitStepSchema.safeParse({ wait: d }).success).toBe(true);
  });

  it.each([
    '{{saved.x}}',
    '{{ics.provisioning.domain}}',
    '{{ics.timers.noSuchTimer}}',
    '{{ics.timers.minExpiry}} - 1s',
    '{{ics.timers.minExpiry}} +',
    '2 s',
  ])('refuses %j', (d) => {
    expect(ExpectationSchema.safeParse({ message: 'm-send-conf', within: d }).success).toBe(false);
    expect(WaitStepSchema.safeParse({ wait: d }).success).toBe(false);
  });

  it('renders to milliseconds with the timers of the ICS', () => {
    const values = { ics: { timers: { minExpiry: '1500ms', deliveryReport: '3s' } } };
    const rendered = renderTemplate('{{ics.timers.minExpiry}} + {{ics.timers.deliveryReport}} + 1s', {
      values,
    });
    expect(durationMs(rendered as string, 0)).toBe(5500);
  });
});
