import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

/**
 * A new Faker with the English locale. The package's index imports every locale (86 modules,
 * ~0.36 s of CPU at start-up, in every worker thread of a run); the `locale/en` entry loads
 * only English (~0.04 s). It exports an instance, not the class, so new instances (one per
 * case, each with its own seed and stream) are made through that instance's constructor.
 */
export function englishFaker(seed?: number): Faker {
  const FakerClass = english.constructor as new (options: { locale: Faker['rawDefinitions'][] }) => Faker;
  const f = new FakerClass({ locale: [english.rawDefinitions] });
  if (seed !== undefined) f.seed(seed);
  return f;
}
