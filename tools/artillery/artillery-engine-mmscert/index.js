// The package Artillery resolves for `engines: { mmscert: ... }` (it requires
// `artillery-engine-<name>`; tools/artillery/package.json links it into Artillery's node_modules).
// The engine itself is TypeScript in the project (src/load/artillery-engine.ts): tsx, one of
// mmscert's own dependencies (resolved from here up to the project root's node_modules: Artillery
// brings no tsx), loads it. Artillery imports this file in each of its worker threads.
import { register } from 'tsx/esm/api';

register();
const { MmscertEngine } = await import(new URL('../../../src/load/artillery-engine.ts', import.meta.url).href);

export default MmscertEngine;
