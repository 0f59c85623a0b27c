import { describe, expect, it } from 'vitest';
import { headerText } from './mm3-module.ts';

describe('headerText (no header injection, RFC 5322 §2.2)', () => {
  it.each([
    ['hi\r\nBcc: x@example.com', 'hi Bcc: x@example.com'],
    ['a\nb\rc\u0000d\u007fe', 'a b c d e'],
    ['  tabs\tinside  ', 'tabs inside'],
    ['Grüße', 'Grüße'],
  ])('%j -> %j', (input, want) => {
    expect(headerText(input)).toBe(want);
  });

  it('bounds the length', () => {
    expect(headerText('x'.repeat(5000)).length).toBe(900);
  });
});
