import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The published self-signed test certificate (see README.md): STARTTLS on loopback mocks only. */
export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export const TEST_TLS: TlsMaterial = {
  key: readFileSync(here('./test-key.pem')),
  cert: readFileSync(here('./test-cert.pem')),
};
