import { describe, expect, it } from 'vitest';
import type { VaspConfig } from '../config.ts';
import { authenticateTransport, identifyVasp, parseBasicAuth } from './vasp-auth.ts';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
const A: VaspConfig = { vaspId: 'A', username: 'ua', password: 'pa', shortCodes: ['111'], vasId: 'svc' };
const B: VaspConfig = { vaspId: 'B', username: 'ub', password: 'pb', shortCodes: [] };
const OPEN: VaspConfig = { vaspId: 'O', shortCodes: [] };

describe('parseBasicAuth', () => {
  it.each([
    [basic('u:p'), { user: 'u', pass: 'p' }],
    [basic('u:p:q'), { user: 'u', pass: 'p:q' }],
    [basic('u:'), { user: 'u', pass: '' }],
    [`basic ${Buffer.from('u:p').toString('base64')}`, { user: 'u', pass: 'p' }],
    [basic('nocolon'), undefined],
    ['Bearer abc', undefined],
    ['Basic !!!', undefined],
    [undefined, undefined],
  ])('%s', (h, want) => expect(parseBasicAuth(h)).toEqual(want));
});

describe('authenticateTransport (step 1, HTTP Basic)', () => {
  it.each([
    ['right credentials', basic('ua:pa'), [A, B], 'authenticated'],
    ['wrong password', basic('ua:pb'), [A, B], 'refused'],
    ['unknown user', basic('zz:pa'), [A, B], 'refused'],
    ['malformed header', 'Basic', [A, B], 'refused'],
    ['no header, every VASP has credentials', undefined, [A, B], 'refused'],
    ['no header, a VASP without credentials exists', undefined, [A, OPEN], 'anonymous'],
    ['no VASPs at all', undefined, [], 'refused'],
  ] as const)('%s -> %s', (_name, header, vasps, kind) => {
    expect(authenticateTransport(header, vasps).kind).toBe(kind);
  });
});

describe('identifyVasp (step 2, SenderIdentification)', () => {
  const authed = { kind: 'authenticated' as const, vasps: [A] };
  const anon = { kind: 'anonymous' as const };
  it.each([
    ['authenticated, its VASPID', authed, 'A', undefined, 'A'],
    ['authenticated, no VASPID', authed, undefined, undefined, 'A'],
    ['authenticated, its VASPID and VASID', authed, 'A', 'svc', 'A'],
    ['authenticated, another VASPID', authed, 'B', undefined, 4001],
    ['authenticated, a foreign VASID', authed, 'A', 'other', 4001],
    ['anonymous, open VASP', anon, 'O', undefined, 'O'],
    ['anonymous, a VASP with credentials', anon, 'A', undefined, 401],
    ['anonymous, unknown VASPID', anon, 'Z', undefined, 4001],
    ['anonymous, no VASPID', anon, undefined, undefined, 4001],
  ] as const)('%s', (_name, auth, vaspId, vasId, want) => {
    const r = identifyVasp(auth, [A, B, OPEN], vaspId, vasId);
    if (typeof want === 'string') expect(r).toMatchObject({ ok: true, vasp: { vaspId: want } });
    else expect(r).toMatchObject({ ok: false, status: want });
  });
});
