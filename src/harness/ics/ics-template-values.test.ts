import { describe, expect, it } from 'vitest';
import type { Ics } from './ics-schema.ts';
import { icsTemplateValues } from './ics-template-values.ts';
import { REFERENCE_PROVISIONING } from './reference-ics.ts';

describe('icsTemplateValues', () => {
  it('renders every timer as a duration text, numbers as milliseconds', () => {
    const ics = {
      timers: { notificationRetry: 1500, minExpiry: '2s', mm4ResponseTimeout: '5s', deliveryReport: 3000 },
      provisioning: REFERENCE_PROVISIONING,
    } as unknown as Ics;
    const v = icsTemplateValues(ics);
    expect(v.timers).toEqual({
      notificationRetry: '1500ms',
      minExpiry: '2s',
      mm4ResponseTimeout: '5s',
      deliveryReport: '3000ms',
    });
    expect((v.provisioning as { domain: string }).domain).toBe(REFERENCE_PROVISIONING.domain);
  });
});
