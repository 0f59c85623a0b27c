import { describe, expect, it } from 'vitest';
import { mm7Submit, TARGETS } from '../../../test/fuzz/targets.ts';
import { mutate, randomBytes, rng } from '../../../test/support/fuzz-inputs.ts';
import { DecodeError } from '../codec-error.ts';
import { decodeMm7 } from './decode-mm7.ts';
import { mm7ToJson } from './mm7-to-json.ts';

// the fuzz job's MM7 row (test/fuzz/targets.ts) gives the seeds (HTTP POST, multipart, bare
// SOAP response, in that order) and the dictionary; this is its bounded slice beside the codec
const MM7 = TARGETS.find((t) => t.name === 'mm7');
if (!MM7) throw new Error('no mm7 fuzz target');
const submit = mm7Submit();
const SEEDS = MM7.seeds();
const TOKENS = MM7.dictionary;

function only(input: Uint8Array, ct?: string): 'ok' | 'error' {
  try {
    JSON.stringify(mm7ToJson(decodeMm7(input, ct)));
    return 'ok';
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(Number.isInteger(e.offset) && e.offset >= 0).toBe(true);
    return 'error';
  }
}

describe('decodeMm7 is total (bounded fuzz)', () => {
  it('20,000 random inputs, with and without a Content-Type', () => {
    const r = rng(0x4d4d37);
    for (let i = 0; i < 20_000; i++) only(randomBytes(r, 200), i % 2 ? submit.contentType : undefined);
  }, 120_000);
  it('20,000 mutations of valid HTTP / multipart / bare SOAP messages', () => {
    const r = rng(0x4d4d38);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 20_000; i++) {
      const k = i % SEEDS.length;
      seen[only(mutate(r, SEEDS[k], TOKENS), k === 1 ? submit.contentType : undefined)]++;
    }
    expect(seen.ok).toBeGreaterThan(1000);
    expect(seen.error).toBeGreaterThan(1000);
  }, 120_000);
});
