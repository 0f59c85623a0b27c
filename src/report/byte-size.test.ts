import { describe, expect, it } from 'vitest';
import { formatBytes, parseByteSize } from './byte-size.ts';

describe('--max-output sizes', () => {
  it.each([
    ['10MB', 10_000_000],
    ['500kB', 500_000],
    ['2MiB', 2 * 1024 * 1024],
    ['1.5 mb', 1_500_000],
    ['1048576', 1_048_576],
    ['0', 0],
  ])('%s is %d bytes', (text, n) => expect(parseByteSize(text)).toBe(n));

  it.each(['', 'ten', '10 parsecs', '-1MB', '1e6'])('%j is not a size', (text) =>
    expect(parseByteSize(text)).toBeUndefined(),
  );

  it('prints kB below a megabyte, MB above', () => {
    expect(formatBytes(350_000)).toBe('350 kB');
    expect(formatBytes(10_000_000)).toBe('10.0 MB');
    expect(formatBytes(9_449_000)).toBe('9.4 MB');
  });
});
