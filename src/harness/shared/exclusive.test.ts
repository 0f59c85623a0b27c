import { describe, expect, it } from 'vitest';
import type { LoadedCase, LoadedStep } from '../case-model.ts';
import type { Step } from '../suite-schema.ts';
import { embeddedIcs } from '../targets/embedded.ts';
import { sharingOf } from './exclusive.ts';

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

describe('sharingOf', () => {
  it("runs a case alone that ends the target's SMPP session (an action marked alone)", () => {
    const unbind = kase({ smsc: true }, [{ do: 'smsc.request', with: { command: 'unbind' } } as Step]);
    expect(sharingOf(unbind, SHARED, ICS)).toMatchObject({
      mode: 'alone',
      reason: /smsc\.request on the shared smsc/,
    });
    const status = kase({ smsc: true }, [{ do: 'smsc.status' } as Step]);
    expect(sharingOf(status, SHARED, ICS)).toEqual({ mode: 'shared' });
  });

  it('lets a case share the peers when it only uses them', () => {
    expect(sharingOf(kase({ smsc: true, hlr: true, ue: ['alice'] }), SHARED, ICS)).toEqual({
      mode: 'shared',
    });
    // identities the target's ICS imposes anyway are no config of the case's own
    expect(sharingOf(kase({ vasp: { shortCodes: ['12345'], user: 'u', pass: 'p' } }), SHARED, ICS)).toEqual({
      mode: 'shared',
    });
    // behaviours on its own handsets concern nobody else
    const own = kase({ smsc: true, ue: ['bob'] }, [
      { behaviour: { peer: 'ue.bob', kind: 'retrieval', mode: 'deferred' } } as Step,
    ]);
    expect(sharingOf(own, SHARED, ICS)).toEqual({ mode: 'shared' });
  });

  it('groups the cases of one own literal config for a shared peer', () => {
    const a = sharingOf(kase({ 'remote-mmsc': { autoReports: false }, smsc: true }), SHARED, ICS);
    const b = sharingOf(kase({ 'remote-mmsc': { autoReports: false } }), SHARED, ICS);
    expect(a).toEqual({
      mode: 'config',
      reason: 'its own remote-mmsc config (autoReports)',
      overlay: { 'remote-mmsc': { autoReports: false } },
      key: '[["remote-mmsc",{"autoReports":false}]]',
    });
    expect(b.mode === 'config' && a.mode === 'config' && b.key === a.key).toBe(true);
  });

  it('runs alone a case that changes a shared peer', () => {
    const b = kase({ hlr: true }, [{ behaviour: { peer: 'hlr', kind: 'servfail' } } as Step]);
    expect(sharingOf(b, SHARED, ICS)).toEqual({
      mode: 'alone',
      reason: 'behaviour servfail on the shared hlr',
    });
    expect(sharingOf(kase({ 'remote-mmsc': { deliveryStatus: '{{each.status}}' } }), SHARED, ICS)).toEqual({
      mode: 'alone',
      reason: 'its own templated remote-mmsc config (deliveryStatus)',
    });
    expect(sharingOf(kase({ 'remote-mmsc': ['a', 'b'] }), SHARED, ICS)).toEqual({
      mode: 'alone',
      reason: 'named remote-mmsc peers (a, b)',
    });
  });
});
