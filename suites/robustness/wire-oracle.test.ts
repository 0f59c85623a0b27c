import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mmseVerdicts } from '../../test/support/mmse-verdict.ts';
import { tsharkOracleReady } from '../../test/support/tshark.ts';

/**
 * Independent oracle for robustness.mm1.*: Wireshark's MMSE dissector (tshark on exported-PDU
 * frames for the `mmse_wsp` heuristic, HTTP when the heuristic refuses; test/support/mmse-verdict.ts)
 * must agree that each PDU the suite calls undecodable really is malformed, and that the well-formed
 * control PDU is clean — so the cases test what they claim.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ready = tsharkOracleReady('[suites/robustness wire oracle]');

interface Row {
  n: string;
  pdu: string;
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

describe.skipIf(!ready)('robustness.mm1 PDUs as tshark sees them', () => {
  const suite = parse(readFileSync(path.join(repoRoot, 'suites/robustness/mm1.yaml'), 'utf8')) as {
    cases: { each?: Row[] }[];
  };
  const undecodable = suite.cases[0].each ?? [];
  const misordered = (suite.cases[1].each ?? []).find((r) => r.n === '006');

  it('finds every "undecodable" m-send-req malformed, the misordered one invalid', () => {
    expect(undecodable.length).toBe(5);
    const verdicts = mmseVerdicts(
      undecodable.map((r) => bytes(r.pdu)),
      { labels: undecodable.map((r) => `robustness.mm1.${r.n}`) },
    );
    undecodable.forEach((row, i) => {
      const v = verdicts[i];
      const why = `robustness.mm1.${row.n}: ${JSON.stringify(v)}`;
      // read by the heuristic as the m-send-req its first octets announce, and the MMSE
      // dissector itself breaks on it (not a media dissector inside a part)
      expect(v, why).toMatchObject({ kind: 'malformed', wrapper: 'exported-pdu', messageType: '0x80' });
      expect(v.complaints.join('\n'), why).toContain('[Malformed Packet: MMSE]');
    });
    expect(misordered?.pdu).toBeDefined();
    const [v] = mmseVerdicts([bytes(misordered?.pdu ?? '')], { labels: ['robustness.mm1.006'] });
    // 0x98 first: the heuristic refuses it; forced over HTTP, MMSE reads no known message type
    expect(v, `robustness.mm1.006: ${JSON.stringify(v)}`).toMatchObject({ kind: 'invalid', wrapper: 'http' });
    expect(v.messageType).not.toBe('0x80');
  }, 120_000);

  it('finds the same m-send-req without the damage clean (control)', () => {
    // 8C 80 98 "rob-15" 00 8D 92 89 01 81 97 "+15550009999/TYPE=PLMN" 00 84 A3 01 04 05 03 83 81 EA "hello"
    const [v] = mmseVerdicts([
      bytes('jICYcm9iLTE1AI2SiQGBlysxNTU1MDAwOTk5OS9UWVBFPVBMTU4AhKMBBAUDg4HqaGVsbG8='),
    ]);
    expect(v, JSON.stringify(v)).toEqual({
      kind: 'clean',
      wrapper: 'exported-pdu',
      messageType: '0x80',
      info: 'MMS m-send-req (text/plain)',
      complaints: [],
    });
  }, 60_000);
});
