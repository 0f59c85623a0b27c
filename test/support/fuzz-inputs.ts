/**
 * Deterministic input generators for decoder fuzz tests: random octet strings and
 * mutations (flip, insert, delete, duplicate, truncate, splice of protocol tokens) of
 * valid seeds. The project's seeded PRNG (mulberry32) keeps every run identical.
 */
import { mulberry32 } from '../../src/util/prng.ts';

export const rng = mulberry32;

export function randomBytes(r: () => number, maxLen: number): Uint8Array {
  const n = Math.floor(r() * maxLen);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

export function mutate(r: () => number, seed: Uint8Array, tokens: readonly string[]): Uint8Array {
  const b = [...seed];
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0:
        if (b.length) b[at % b.length] = Math.floor(r() * 256);
        break;
      case 1:
        b.splice(at, 0, Math.floor(r() * 256));
        break;
      case 2:
        b.splice(at, 1 + Math.floor(r() * 16));
        break;
      case 3:
        b.length = Math.min(b.length, at);
        break;
      case 4: {
        const t = tokens[Math.floor(r() * tokens.length)] ?? '';
        b.splice(at, 0, ...Buffer.from(t, 'utf8'));
        break;
      }
      default: {
        const from = Math.floor(r() * b.length);
        b.splice(at, 0, ...b.slice(from, from + Math.floor(r() * 32)));
      }
    }
  }
  return Uint8Array.from(b);
}
