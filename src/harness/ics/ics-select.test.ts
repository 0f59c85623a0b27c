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
    ['mm7.deliverVersion in as-vasp, REL-5-MM7-1-0', true],
    ['mm7.deliverVersion in REL-5-MM7-1-0,REL-6-MM7-1-4', false],
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

  it('in: one of the listed values; a fixed value admits only itself; an undeclared item none', () => {
    const fixed = { ...ics, mm7: { ...ics.mm7, deliverVersion: 'REL-5-MM7-1-2' as const } };
    expect(applicability(fixed, ['mm7.deliverVersion in as-vasp, REL-5-MM7-1-2']).applicable).toBe(true);
    expect(applicability(fixed, ['mm7.deliverVersion in as-vasp, REL-6-MM7-1-0']).reasons).toEqual([
      'ICS mm7.deliverVersion is "REL-5-MM7-1-2" (case needs mm7.deliverVersion in as-vasp, REL-6-MM7-1-0)',
    ]);
    const { deliverVersion: _d, ...undeclared } = ics.mm7;
    expect(applicability({ ...ics, mm7: undeclared }, ['mm7.deliverVersion in as-vasp']).applicable).toBe(
      false,
    );
    // `in` is a word: a path ending in the letters i-n is no `in` term
    expect(() => parseIcsTerm('mm7.maxin 5')).toThrow(IcsTermError);
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
