import { describe, expect, it } from 'vitest';
import { withPlainEnv } from './with-plain-env.ts';

describe('withPlainEnv', () => {
  it('reads the same values through a plain copy and puts the real process.env back, also after a throw', () => {
    const real = process.env;
    const key = Object.keys(real)[0];
    let seen: { plain: boolean; value: string | undefined } | undefined;
    expect(
      withPlainEnv(() => {
        seen = { plain: process.env !== real, value: process.env[key] };
        return 7;
      }),
    ).toBe(7);
    expect(seen).toEqual({ plain: true, value: real[key] });
    expect(process.env).toBe(real);
    expect(() =>
      withPlainEnv(() => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(process.env).toBe(real);
  });
});
