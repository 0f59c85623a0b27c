import { describe, expect, it } from 'vitest';
import { withPlainEnv } from './with-plain-env.ts';

describe('withPlainEnv', () => {
  it('reads the same values through a plain stand-in and puts the real process.env back, also after a throw', () => {
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

  it('holds the hot variables as plain own properties, set or not, and finds the others through the real one', () => {
    const real = process.env;
    real.MMSCERT_PLAIN_ENV_TEST = 'x';
    try {
      const seen = withPlainEnv(
        () => ({
          own: Object.hasOwn(process.env, 'MMSCERT_PLAIN_ENV_TEST'),
          hot: process.env.MMSCERT_PLAIN_ENV_TEST,
          unsetOwn: Object.hasOwn(process.env, 'MMSCERT_PLAIN_ENV_UNSET'),
          other: process.env.PATH,
        }),
        ['MMSCERT_PLAIN_ENV_TEST', 'MMSCERT_PLAIN_ENV_UNSET'],
      );
      expect(seen).toEqual({ own: true, hot: 'x', unsetOwn: true, other: real.PATH });
    } finally {
      delete real.MMSCERT_PLAIN_ENV_TEST;
    }
  });
});
