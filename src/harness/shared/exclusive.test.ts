import { describe, expect, it } from 'vitest';
import type { LoadedCase, LoadedStep } from '../case-model.ts';
import type { Step } from '../suite-schema.ts';
import { embeddedIcs } from '../targets/embedded.ts';
import { exclusiveReason } from './exclusive.ts';

const SHARED = new Set(['smsc', 'hlr', 'remote-mmsc', 'mail', 'vasp']);
const ICS = embeddedIcs();

function kase(peers: LoadedCase['peers'], steps: Step[] = []): LoadedCase {
  const source = { file: 'x.yaml', line: 1, col: 1 };
  return {
    id: 'x.001',
    title: 'x',
    requirements: [],
    level: 'SHALL',
    interfaces: [],
    peers,
    timeoutMs: 1000,
    tags: [],
    steps: steps.map(
      (spec, index): LoadedStep => ({
        index,
        kind: Object.keys(spec)[0] as LoadedStep['kind'],
        label: `step ${index}`,
        spec,
        source,
      }),
    ),
    suite: 'x',
    source,
    ics: [],
    scope: 'target',
  };
}

describe('exclusiveReason', () => {
  it('lets a case share the peers when it only uses them', () => {
    expect(exclusiveReason(kase({ smsc: true, hlr: true, ue: ['alice'] }), SHARED, ICS)).toBeUndefined();
    // identities the target's ICS imposes anyway are no config of the case's own
    expect(
      exclusiveReason(kase({ vasp: { shortCodes: ['12345'], user: 'u', pass: 'p' } }), SHARED, ICS),
    ).toBeUndefined();
    // behaviours on its own handsets concern nobody else
    const own = kase({ smsc: true, ue: ['bob'] }, [
      { behaviour: { peer: 'ue.bob', kind: 'retrieval', mode: 'deferred' } } as Step,
    ]);
    expect(exclusiveReason(own, SHARED, ICS)).toBeUndefined();
  });

  it('runs alone a case that changes a shared peer', () => {
    const b = kase({ hlr: true }, [{ behaviour: { peer: 'hlr', kind: 'servfail' } } as Step]);
    expect(exclusiveReason(b, SHARED, ICS)).toBe('behaviour servfail on the shared hlr');
    expect(exclusiveReason(kase({ 'remote-mmsc': { deliveryStatus: 'Rejected' } }), SHARED, ICS)).toBe(
      'its own remote-mmsc config (deliveryStatus)',
    );
    expect(exclusiveReason(kase({ 'remote-mmsc': ['a', 'b'] }), SHARED, ICS)).toBe(
      'named remote-mmsc peers (a, b)',
    );
  });
});
