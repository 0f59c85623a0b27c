/** Writes schema/<version>.xsd for every supported MM7 version (run with tsx). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MM7_VERSIONS } from './mm7-versions.ts';
import { mm7Xsd } from './mm7-xsd.ts';

for (const v of MM7_VERSIONS) {
  const file = fileURLToPath(new URL(`./schema/${v.id}.xsd`, import.meta.url));
  writeFileSync(file, mm7Xsd(v.id));
}
