import { describe, expect, it } from 'vitest';
import { resolveMmscConfig } from '../../mmsc/config.ts';
import { embeddedIcs } from '../targets/embedded.ts';
import { IcsFileError, parseIcs } from './ics-file.ts';
import { icsTemplate } from './ics-template.ts';
import { REFERENCE_PROVISIONING, referenceIcs } from './reference-ics.ts';

const template = icsTemplate(embeddedIcs());
const lineOf = (needle: string) => template.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('ICS files', () => {
  it('the template (mmscert ics init) is documented and reads back to the same ICS', () => {
    expect(template).toMatch(/^# .*implementation conformance statement/);
    expect(template).toContain('# MMS versions the target speaks on MM1');
    expect(parseIcs(template, 'x.yaml')).toEqual(embeddedIcs());
  });

  it.each([
    [
      'unknown item',
      (t: string) => t.replace('  mmbox: true', '  mmbx: true'),
      /^f\.yaml:(\d+):3: mm1: unknown ICS item "mmbx"$/,
      '  mmbox: true',
    ],
    [
      'wrong type',
      (t: string) => t.replace('  mmbox: true', '  mmbox: 3'),
      /^f\.yaml:(\d+):10: mm1\.mmbox: .*expected boolean/,
      '  mmbox: true',
    ],
    [
      'bad value',
      (t: string) => t.replace('subscribers: "+1555000"', 'subscribers: "1555000"'),
      /^f\.yaml:(\d+):\d+: provisioning\.subscribers: a \+E\.164 prefix/,
      'subscribers: "+1555000"',
    ],
    [
      'YAML error',
      (t: string) => t.replace('  mmbox: true', '  mmbox: [true'),
      /^f\.yaml:\d+:\d+: YAML: /,
      '',
    ],
  ])('%s: one file:line:col line', (_name, edit, re, at) => {
    let e: unknown;
    try {
      parseIcs(edit(template), 'f.yaml');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(IcsFileError);
    const m = re.exec((e as Error).message);
    expect(m, (e as Error).message).not.toBeNull();
    if (at && m?.[1]) expect(Number(m[1])).toBe(lineOf(at));
  });
});

describe('the reference MMSC ICS, derived from its config', () => {
  it('follows what the config sets', () => {
    const ics = referenceIcs(
      resolveMmscConfig({
        mmsVersion: '1.1',
        maxMessageSize: 1000,
        mmbox: { enabled: true, quotaMessages: 1, quotaBytes: 1 },
        domains: ['mms.mnc005.mcc999.gprs'],
        vasps: [{ vaspId: 'V', username: 'u', password: 'p', shortCodes: ['4242'] }],
      }),
    );
    expect(ics.mm1.versions).toEqual(['1.0', '1.1']);
    expect(ics.mm1.mmbox).toBe(false); // MMBox is MMS 1.2
    expect(ics.mm1.cancel).toBe(false);
    // m-cancel-req / m-cancel-conf are MMS 1.3 PDUs (MMS 1.2 ends at m-mbox-descr): a 1.2 MMSC has none
    expect(referenceIcs(resolveMmscConfig({ mmsVersion: '1.2' })).mm1.cancel).toBe(false);
    expect(referenceIcs(resolveMmscConfig({ mmsVersion: '1.3' })).mm1.cancel).toBe(true);
    expect(ics.mm1.maxMessageSize).toBe(1000);
    expect(ics.provisioning.domain).toBe('mms.mnc005.mcc999.gprs');
    expect(ics.provisioning.vasps).toEqual({
      main: { vaspId: 'V', username: 'u', password: 'p', shortCode: '4242' },
    });
    expect(ics.mm4.outbound).toBe(false);
    expect(ics.provisioning.subscribers).toBe(REFERENCE_PROVISIONING.subscribers);
  });
});
