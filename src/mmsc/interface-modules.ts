import { createModule as createMm3Module } from './mm3/index.ts';
import { createModule as createMm4Module } from './mm4/index.ts';
import { createModule as createMm7Module } from './mm7/index.ts';
import type { MmscModule } from './module.ts';

/**
 * The interface modules the reference MMSC runs besides MM1, one row each: the one list both
 * `mmscert serve` and the harness's embedded target plug in (`startReferenceMmsc(config,
 * { modules: createInterfaceModules() })`). Adding an interface is one row here.
 */
export const INTERFACE_MODULES: readonly { name: string; create: () => MmscModule }[] = [
  { name: 'mm4', create: () => createMm4Module() },
  { name: 'mm3', create: () => createMm3Module() },
  { name: 'mm7', create: () => createMm7Module() },
];

/** Fresh instances of every interface module (a module is started and stopped once). */
export function createInterfaceModules(): MmscModule[] {
  return INTERFACE_MODULES.map((m) => m.create());
}
