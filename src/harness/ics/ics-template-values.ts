import type { JsonObject } from '../../util/json.ts';
import type { Ics } from './ics-schema.ts';

/**
 * The ICS as suites see it in templates (`{{ics.timers.minExpiry}}`, `{{ics.provisioning.domain}}`).
 * A timer the ICS gives as a bare number of milliseconds is rendered as `Nms`, so a placeholder
 * always renders to a duration text whatever form the ICS used: a handset parameter such as
 * `expiry` reads it as a duration, never a bare number in its own unit (seconds).
 */
export function icsTemplateValues(ics: Ics): JsonObject {
  const timers: JsonObject = {};
  for (const [k, v] of Object.entries(ics.timers)) timers[k] = typeof v === 'number' ? `${v}ms` : v;
  return { ...(ics as unknown as JsonObject), timers };
}
