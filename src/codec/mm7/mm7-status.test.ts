import { describe, expect, it } from 'vitest';
import {
  MM7_STATUS,
  mm7StatusClass,
  mm7StatusEffective,
  mm7StatusInfo,
  mm7StatusText,
} from './mm7-status.ts';

/**
 * One table pins every MM7 status code's text and class (3GPP TS 23.140 §8.7, table of status
 * codes and status texts; REL-6 adds 2008, 2009, 3004, 4008). A change of meaning in
 * mm7-status.ts fails here. Issue 18 found 4008 taken for "message format corrupt": that is 2007.
 */
const EXPECTED: ReadonlyArray<
  [number, string, 'success' | 'client' | 'server' | 'service', 'REL-5' | 'REL-6']
> = [
  [1000, 'Success', 'success', 'REL-5'],
  [1100, 'Partial success', 'success', 'REL-5'],
  [2000, 'Client error', 'client', 'REL-5'],
  [2001, 'Operation restricted', 'client', 'REL-5'],
  [2002, 'Address Error', 'client', 'REL-5'],
  [2003, 'Address Not Found', 'client', 'REL-5'],
  [2004, 'Multimedia content refused', 'client', 'REL-5'],
  [2005, 'Message ID Not found', 'client', 'REL-5'],
  [2006, 'LinkedID not found', 'client', 'REL-5'],
  [2007, 'Message format corrupt', 'client', 'REL-5'],
  [2008, 'Application ID not found', 'client', 'REL-6'],
  [2009, 'Reply Application ID not found', 'client', 'REL-6'],
  [3000, 'Server Error', 'server', 'REL-5'],
  [3001, 'Not Possible', 'server', 'REL-5'],
  [3002, 'Message rejected', 'server', 'REL-5'],
  [3003, 'Multiple addresses not supported', 'server', 'REL-5'],
  [3004, 'Application Addressing not supported', 'server', 'REL-6'],
  [4000, 'General service error', 'service', 'REL-5'],
  [4001, 'Improper identification', 'service', 'REL-5'],
  [4002, 'Unsupported version', 'service', 'REL-5'],
  [4003, 'Unsupported operation', 'service', 'REL-5'],
  [4004, 'Validation error', 'service', 'REL-5'],
  [4005, 'Service error', 'service', 'REL-5'],
  [4006, 'Service unavailable', 'service', 'REL-5'],
  [4007, 'Service denied', 'service', 'REL-5'],
  [4008, 'Application denied', 'service', 'REL-6'],
];

describe('MM7 status codes (TS 23.140 §8.7 status codes)', () => {
  it('the table holds exactly the assigned codes, in order', () => {
    expect(MM7_STATUS.map((r) => r.code)).toEqual(EXPECTED.map(([c]) => c));
  });

  it.each(EXPECTED)('%i is "%s", class %s, since %s', (code, text, cls, since) => {
    const row = mm7StatusInfo(code);
    expect(row).toMatchObject({ code, text, class: cls, since });
    expect(row?.meaning.length).toBeGreaterThan(10);
    expect(mm7StatusText(code)).toBe(text);
    expect(mm7StatusClass(code)).toBe(cls);
  });

  it('meanings that were confused stay apart: 2007 is a corrupt format, 4008 an application denied', () => {
    expect(mm7StatusInfo(2007)?.meaning).toMatch(/format/);
    expect(mm7StatusInfo(4008)?.meaning).toMatch(/application is not authorised/);
    expect(mm7StatusInfo(4008)?.meaning).not.toMatch(/format/);
    expect(mm7StatusInfo(4004)?.meaning).toMatch(/mandatory field is missing/);
  });

  it('an unknown code is read as the x000 of its class, one outside the classes as 3000', () => {
    expect(mm7StatusEffective(2007)).toBe(2007);
    expect(mm7StatusEffective(2550)).toBe(2000);
    expect(mm7StatusEffective(1999)).toBe(1000);
    expect(mm7StatusEffective(4999)).toBe(4000);
    expect(mm7StatusEffective(5000)).toBe(3000);
    expect(mm7StatusEffective(999)).toBe(3000);
    expect(mm7StatusClass(5000)).toBeUndefined();
  });
});
