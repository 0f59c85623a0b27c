import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithTshark, parseTsharkSummaries } from '../../../test/support/mms-tshark-oracle.ts';
import { DecodeError } from '../codec-error.ts';
import { decodeMms, encodeMms, mmsFromJson, mmsToJson, validateMms } from './index.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const vectors = path.resolve(repoRoot, '../shared/vectors/mms-pdus');
const present = existsSync(vectors);
if (!present) console.log(`[vectors-mms] ${vectors} absent: real-PDU oracle tests skipped`);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return walk(p);
    return /\.(txt|md)$/.test(n) ? [] : [p];
  });
}

/** Vectors whose encoding is not the canonical one this encoder writes (see README "decode/encode"). */
const NON_CANONICAL = new Set([
  'mmsd/rc-mms-1-3-con-211.mms', // Subject: Length-quote for a length of 30, no Quote before the UTF-8 BOM
  'mms-engine/test_mms_codec/data/m-retrieve_9.conf', // Subject: no Quote before a UTF-8 octet >= 128
]);
/**
 * Real PDUs that break OMA-TS-MMS_ENC-V1_3 as validateMms reads it (all others validate clean):
 * alphanumeric or national-format senders without /TYPE= (§8), Sender-Visibility in m-retrieve-conf and
 * Transaction-Id in m-delivery-ind (§6 tables), 1.1 fields in a 1.0 PDU.
 */
const INVALID: Record<string, string[]> = {
  'python-messaging/gallery2test.mms': ['To'],
  'mmsd/test-mmsutil-arrays/mms_m_notify_ind_1.bin': ['From'],
  'mmsd/test-mmsutil-arrays/mms_m_retrieve_conf_2.bin': ['X-Mms-Sender-Visibility'],
  'mmsd/test-mmsutil-arrays/mms_m_retrieve_conf_3.bin': ['X-Mms-Sender-Visibility'],
  'mms-engine/test_mms_codec/data/m-retrieve_1.conf': ['X-Mms-Retrieve-Status', 'X-Mms-Retrieve-Text'],
  'mms-engine/test_mms_codec/data/m-retrieve_4.conf': ['From'],
  'mms-engine/test_mms_codec/data/m-retrieve_9.conf': ['From'],
  'mms-engine/test_mms_codec/data/m-delivery_2.ind': ['X-Mms-Transaction-Id'],
  'mms-engine/test_mms_codec/data/m-notification_4.ind': ['From'],
  'sample-mms-composer/Sample.mms': ['From', 'X-Mms-Sender-Visibility'],
};
const MALFORMED = 'mms-engine/test_retrieve/data/Success2/m-notification.ind';

/**
 * expect(a).toEqual(b) for byte arrays, without its element-by-element walk when they are equal
 * (13 s for the 1 MB Sample.mms): a mismatch still goes through toEqual for its message and diff.
 */
function expectSameBytes(a: Uint8Array, b: Uint8Array): void {
  if (a.constructor === b.constructor && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)) return;
  expect(a).toEqual(b);
}

describe.skipIf(!present)('MMS vectors (shared/vectors/mms-pdus) against Wireshark', () => {
  const files = present ? walk(vectors) : [];
  it('finds the vectors', () => {
    expect(files.length).toBeGreaterThanOrEqual(86);
  });
  for (const file of files) {
    const rel = path.relative(vectors, file);
    it(rel, () => {
      const buf = new Uint8Array(readFileSync(file));
      if (rel === MALFORMED) {
        // real PDU with trailing junk 0x81 0x00 0x00 (empty Bcc then NUL): one typed error at the NUL
        expect(() => decodeMms(buf)).toThrowError(DecodeError);
        try {
          decodeMms(buf);
        } catch (e) {
          expect((e as DecodeError).toLine()).toBe(
            'offset 116: header: octet 0x00 is neither a field code nor a token',
          );
        }
        return;
      }
      const pdu = decodeMms(buf);
      const [summary] = parseTsharkSummaries(readFileSync(`${file}.tshark.txt`, 'latin1'));
      expect(summary.fields.length).toBeGreaterThan(2);
      expect(compareWithTshark(pdu, summary, !NON_CANONICAL.has(rel))).toEqual([]);
      expect(validateMms(pdu).map((e) => e.field)).toEqual(INVALID[rel] ?? []);
      const out = encodeMms(pdu, { validate: false });
      if (!NON_CANONICAL.has(rel)) expect(Buffer.from(out).equals(Buffer.from(buf))).toBe(true);
      else expect(Buffer.from(out).equals(Buffer.from(buf))).toBe(false);
      // decode → encode → decode gives the same JSON, and so does a JSON round trip
      const again = decodeMms(out);
      expect(mmsToJson(again)).toEqual(mmsToJson(pdu));
      expectSameBytes(
        encodeMms(mmsFromJson(JSON.parse(JSON.stringify(mmsToJson(pdu)))), { validate: false }),
        out,
      );
    });
  }
  it('decodes without copying part bodies', () => {
    const file = path.join(vectors, 'mms-engine/test_mms_codec/data/m-send_2.req');
    const buf = new Uint8Array(readFileSync(file));
    const pdu = decodeMms(buf);
    for (const p of pdu.parts ?? []) expect(p.data.buffer).toBe(buf.buffer);
  });
});
