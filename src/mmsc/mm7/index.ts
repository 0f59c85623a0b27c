import type { MmscModule } from '../module.ts';
import { Mm7Module, type Mm7ModuleOptions } from './mm7-module.ts';

/**
 * The reference MMSC's MM7 module (TS 23.140 §8.7): `createModule()` is what `mmscert serve`
 * and the harness's embedded target plug into the core. See README.md.
 */
export { Mm7Module, type Mm7ModuleOptions } from './mm7-module.ts';
export { authenticateTransport, identifyVasp, parseBasicAuth } from './vasp-auth.ts';

export function createModule(opts: Mm7ModuleOptions = {}): MmscModule {
  return new Mm7Module(opts);
}
