import { en, Faker, SimpleFaker } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { englishFaker } from './english-faker.ts';

describe('englishFaker', () => {
  it('draws what the package index Faker with the English locale draws for the same seed', () => {
    const ref = new Faker({ locale: [en] });
    ref.seed(42);
    const ours = englishFaker(42);
    const draw = (f: Faker) => [
      f.person.fullName(),
      f.internet.email(),
      f.lorem.sentence(),
      f.location.city(),
    ];
    expect(draw(ours)).toEqual(draw(ref));
    const simple = new SimpleFaker();
    simple.seed(7);
    const other = englishFaker(7);
    expect(other.string.numeric({ length: 9, allowLeadingZeros: true })).toBe(
      simple.string.numeric({ length: 9, allowLeadingZeros: true }),
    );
  });

  it('gives independent instances', () => {
    const a = englishFaker(1);
    const b = englishFaker(1);
    a.string.numeric(20);
    expect(b.string.numeric(5)).toBe(englishFaker(1).string.numeric(5));
  });
});
