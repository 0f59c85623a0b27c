import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../codec-error.ts';
import { decodeMms, encodeMms, mmsFromJson, mmsToJson } from './index.ts';
import { compareWithTshark, parseTsharkSummaries } from './tshark-oracle.ts';

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
  'python-messaging/gallery2test.mms', // part Content-Type text/plain in text form with parameters
  'python-messaging/openwave.mms', // same
  'mmsd/rc-mms-1-3-con-211.mms', // Subject: Length-quote for a length of 30, no Quote before UTF-8 BOM
  'mmsd/rc-mms-1-3-con-216.mms', // part Content-Type in general form without parameters
  'mmsd/rc-mms-1-3-con-220.mms',
  'mmsd/rc-mms-1-3-con-224.mms',
  'mmsd/rc-mms-1-3-con-228.mms',
  'mmsd/rc-mms-1-3-con-271.mms',
  'mmsd/rc-mms-1-3-con-281.mms',
  'mmsd/rc-mms-1-3-con-282.mms',
  'mmsd/sr-mms-related-multi-to.mms',
  'mms-engine/test_mms_codec/data/m-retrieve_9.conf', // Subject: no Quote before a UTF-8 octet >= 128
]);
const MALFORMED = 'mms-engine/test_retrieve/data/Success2/m-notification.ind';

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
      const out = encodeMms(pdu, { validate: false });
      if (!NON_CANONICAL.has(rel)) expect(Buffer.from(out).equals(Buffer.from(buf))).toBe(true);
      else expect(Buffer.from(out).equals(Buffer.from(buf))).toBe(false);
      // decode → encode → decode gives the same JSON, and so does a JSON round trip
      const again = decodeMms(out);
      expect(mmsToJson(again)).toEqual(mmsToJson(pdu));
      expect(encodeMms(mmsFromJson(JSON.parse(JSON.stringify(mmsToJson(pdu)))), { validate: false })).toEqual(
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
