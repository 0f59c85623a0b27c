import { describe, expect, it } from 'vitest';
import { embeddedIcs } from '../targets/embedded.ts';
import { IcsSchema } from './ics-schema.ts';
import { applicability, IcsTermError, icsPathKnown, parseIcsTerm } from './ics-select.ts';

const ics = embeddedIcs();
const without = { ...ics, mm1: { ...ics.mm1, mmbox: false, versions: ['1.0' as const] } };

describe('ICS selection terms', () => {
  it.each([
    ['mm7.supported', true],
    ['!mm1.mmbox', false],
    ['mm1.versions has 1.3', true],
    ['mm7.versions has REL-5-MM7-1-2', true],
    ['notification.via == smpp', true],
    ['notification.via != smpp', false],
    ['mm1.maxMessageSize >= 300000', true],
    ['mm1.maxMessageSize < 1000', false],
    ['provisioning.vasps.second.shortCode == 7777', true],
  ])('%s holds for the reference MMSC: %s', (term, holds) => {
    expect(applicability(ics, [term]).applicable).toBe(holds);
  });

  it('gives every reason a case does not apply, naming the item and its declared value', () => {
    const r = applicability(without, ['mm1.mmbox', 'mm1.versions has 1.3', 'mm7.supported']);
    expect(r.applicable).toBe(false);
    expect(r.reasons).toEqual([
      'ICS mm1.mmbox is false (case needs mm1.mmbox)',
      'ICS mm1.versions is ["1.0"] (case needs mm1.versions has 1.3)',
    ]);
  });

  it.each(['', 'mm1.', '!mm1.x == 3', 'mm1.maxMessageSize >= big', '1abc'])(
    'refuses the malformed term "%s"',
    (t) => {
      expect(() => parseIcsTerm(t)).toThrow(IcsTermError);
    },
  );

  it('knows the schema paths, records included', () => {
    expect(icsPathKnown(IcsSchema, ['mm1', 'mmbox'])).toBe(true);
    expect(icsPathKnown(IcsSchema, ['provisioning', 'vasps', 'anything', 'shortCode'])).toBe(true);
    expect(icsPathKnown(IcsSchema, ['mm3', 'mtaFronted'])).toBe(true);
    expect(icsPathKnown(IcsSchema, ['mm1', 'mmbx'])).toBe(false);
    expect(icsPathKnown(IcsSchema, ['mm9'])).toBe(false);
  });
});
