import { describe, expect, it } from 'vitest';
import type { Json } from '../util/json.ts';
import { durationMs } from './duration.ts';
import { idGlob } from './id-glob.ts';
import { matchFields } from './matchers.ts';

const fields: Json = {
  'X-Mms-Response-Status': 'Ok',
  'X-Mms-Message-Id': 'abc123',
  Subject: 'Hi there',
  size: 1200,
  to: ['+15550001', '+15550002'],
  nested: { a: { b: 7 } },
  one: ['Ok'],
  parts: [
    { contentType: 'text/plain', params: { charset: 'utf-8' }, size: 5 },
    { contentType: 'image/gif', size: 42 },
    { contentType: 'text/plain', size: 18, head: '6f6e6520', text: 'one' },
    { contentType: 'image/png', size: 70 },
  ],
};

describe('matchFields', () => {
  it.each([
    [{ 'X-Mms-Response-Status': 'Ok' }, true],
    [{ 'x-mms-response-status': 'Ok' }, true],
    [{ 'X-Mms-Response-Status': 'Error-unspecified' }, false],
    [{ 'X-Mms-Message-Id': { present: true } }, true],
    [{ 'X-Mms-Expiry': { present: true } }, false],
    [{ 'X-Mms-Expiry': { present: false } }, true],
    [{ Subject: { pattern: '^Hi' } }, true],
    [{ Subject: { pattern: '^Bye' } }, false],
    [{ size: { range: [1, 300000] } }, true],
    [{ size: { range: [1, 100] } }, false],
    [{ size: '1200' }, true],
    [{ to: { contains: '+15550002' } }, true],
    // an object: an element with those fields (whatever else it has)
    [{ parts: { contains: { contentType: 'text/plain', size: 18 } } }, true],
    [{ parts: { contains: { contentType: 'image/png', size: 70 } } }, true],
    [{ parts: { contains: { contentType: 'text/plain', size: 70 } } }, false],
    [{ parts: { contains: { contentType: 'image/png', contentId: 'x' } } }, false],
    [{ to: { contains: { contentType: 'text/plain' } } }, false],
    [{ to: ['+15550001', '+15550002'] }, true],
    [{ 'nested.a.b': 7 }, true],
    [{ 'nested.a.c': { present: false } }, true],
    [{ 'X-Mms-Response-Status': { oneOf: ['Ok', 'Error-unspecified'] } }, true],
    [{ 'X-Mms-Response-Status': { not: 'Ok' } }, false],
    [{ nested: { equals: { a: { b: 7 } } } }, true],
    [{ one: 'Ok' }, true],
    // a header seen once decodes to a one-element list: oneOf and pattern match its value
    [{ one: { oneOf: ['Ok', 'Error-unspecified'] } }, true],
    [{ one: { oneOf: ['Error-unspecified'] } }, false],
    [{ one: { pattern: '^(Ok|Error-unspecified)$' } }, true],
    [{ to: { pattern: '^\\+15550001$' } }, false],
    [{ to: '+15550001' }, false],
    // contains with an object: an element having those fields (whatever else it carries)
    [{ parts: { contains: { contentType: 'text/plain', size: 5 } } }, true],
    [{ parts: { contains: { contentType: 'image/gif', size: 42 } } }, true],
    [{ parts: { contains: { contentType: 'text/plain', size: 6 } } }, false],
    [{ parts: { contains: { contentType: 'text/plain', params: { charset: 'utf-8' } } } }, true],
    [{ parts: { contains: { contentType: 'text/plain', params: {} } } }, false],
  ])('%j -> %s', (where, ok) => {
    expect(matchFields(where, fields).length === 0).toBe(ok);
  });

  it('says what was expected and what was observed', () => {
    expect(
      matchFields({ 'X-Mms-Response-Status': 'Error-unspecified', Missing: { present: true } }, fields),
    ).toEqual([
      { field: 'X-Mms-Response-Status', expected: '"Error-unspecified"', observed: 'Ok' },
      { field: 'Missing', expected: 'present', observed: undefined },
    ]);
  });

  it('falls back to the raw length for size', () => {
    expect(matchFields({ size: 3 }, {}, new Uint8Array(3))).toEqual([]);
  });
});

describe('durationMs and idGlob', () => {
  it('parses durations', () => {
    expect([
      durationMs('200ms', 0),
      durationMs('2s', 0),
      durationMs('1.5s', 0),
      durationMs('1m', 0),
      durationMs(5, 0),
      durationMs(undefined, 9),
    ]).toEqual([200, 2000, 1500, 60000, 5, 9]);
  });
  it('selects ids by glob', () => {
    const g = idGlob('mm1.send.*,mm4.?');
    expect(['mm1.send.001', 'mm1.send.status.ok', 'mm4.1', 'mm1.sendx', 'mm4.12', 'mm7.1'].filter(g)).toEqual(
      ['mm1.send.001', 'mm1.send.status.ok', 'mm4.1'],
    );
    expect(idGlob('')('anything')).toBe(true);
  });
});

describe('invalid patterns', () => {
  it('never match and say why, instead of throwing', () => {
    const mismatches = matchFields({ To: { pattern: '+15550001' } }, { To: '+15550001/TYPE=PLMN' });
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0].expected).toContain('not a valid regular expression');
  });
});
