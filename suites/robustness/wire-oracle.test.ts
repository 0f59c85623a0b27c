import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Independent oracle for robustness.mm1.*: Wireshark's MMSE dissector (shared/tools/mmse-decode.sh)
 * must agree that each PDU the suite calls undecodable really is malformed (or not an MMS PDU
 * at all), and that the well-formed control PDU is clean — so the cases test what they claim.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const decoder = path.resolve(repoRoot, '../shared/tools/mmse-decode.sh');
const why = !existsSync(decoder)
  ? `${decoder} absent (shared/tools not mounted)`
  : !['/usr/bin/tshark', '/usr/local/bin/tshark'].some((p) => existsSync(p))
    ? 'tshark not installed'
    : undefined;
if (why) console.warn(`[suites/robustness wire oracle] skipped: ${why}`);

interface Row {
  n: string;
  pdu: string;
}

async function verdict(base64: string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-rob-'));
  const file = path.join(dir, 'pdu.bin');
  writeFileSync(file, Buffer.from(base64, 'base64'));
  try {
    const { stdout } = await promisify(execFile)(decoder, ['-f', 'summary', file], { timeout: 60_000 });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    return { code: err.code ?? -1, out: err.stdout ?? '' };
  }
}

describe.skipIf(why !== undefined)('robustness.mm1 PDUs as tshark sees them', () => {
  const suite = parse(readFileSync(path.join(repoRoot, 'suites/robustness/mm1.yaml'), 'utf8')) as {
    cases: { each?: Row[] }[];
  };
  const undecodable = suite.cases[0].each ?? [];
  const misordered = (suite.cases[1].each ?? []).find((r) => r.n === '006');

  it('finds every "undecodable" m-send-req malformed, the misordered one invalid', async () => {
    expect(undecodable.length).toBe(5);
    for (const row of undecodable) {
      const v = await verdict(row.pdu);
      expect(v.code, `robustness.mm1.${row.n}: ${v.out}`).toBe(1);
      expect(v.out, `robustness.mm1.${row.n}`).toMatch(/verdict: MALFORMED/);
    }
    const v = await verdict(misordered?.pdu ?? '');
    expect(v.out, 'robustness.mm1.006').toMatch(/verdict: INVALID/);
  }, 120_000);

  it('finds the same m-send-req without the damage clean (control)', async () => {
    // 8C 80 98 "rob-15" 00 8D 92 89 01 81 97 "+15550009999/TYPE=PLMN" 00 84 A3 01 04 05 03 83 81 EA "hello"
    const v = await verdict('jICYcm9iLTE1AI2SiQGBlysxNTU1MDAwOTk5OS9UWVBFPVBMTU4AhKMBBAUDg4HqaGVsbG8=');
    expect(v.code, v.out).toBe(0);
    expect(v.out).toMatch(/verdict: OK/);
  }, 60_000);
});
