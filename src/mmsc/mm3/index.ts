import type { MmscModule } from '../module.ts';
import { Mm3Module } from './mm3-module.ts';

/** The MM3 (e-mail) interface module of the reference MMSC (loaded by `mmscert serve` and the embedded target). */
export function createModule(): MmscModule {
  return new Mm3Module();
}

export { headerText, Mm3Module } from './mm3-module.ts';
