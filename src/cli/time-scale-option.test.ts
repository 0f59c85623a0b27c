import { describe, expect, it } from 'vitest';
import { resolveTimeScale } from './time-scale-option.ts';

describe('--time-scale (run, interop)', () => {
  it('takes a factor 0.1..100 as given, without a note', async () => {
    expect(await resolveTimeScale('2.5')).toEqual({ scale: 2.5, note: '' });
  });
  it.each(['0', '0.05', '101', '-1', 'fast', ''])('refuses %j with exit 2', async (v) => {
    await expect(resolveTimeScale(v)).rejects.toMatchObject({ exitCode: 2 });
  });
  it('auto measures: a factor from 1 to 5, with a note only when it is not 1', async () => {
    const { scale, note } = await resolveTimeScale('auto');
    expect(scale).toBeGreaterThanOrEqual(1);
    expect(scale).toBeLessThanOrEqual(5);
    expect(note === '').toBe(scale === 1);
  });
});
