import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWithTshark, pdmlToSummaries } from '../../../test/support/mms-tshark-oracle.ts';
import { randomPdu, rng } from '../../../test/support/random-pdu.ts';
import { tsharkOracleReady } from '../../../test/support/tshark.ts';
import { MMSE_HEURISTIC, upperPduPcapng } from '../../wire/exported-pdu.ts';
import { tsharkText } from '../../wire/tshark.ts';
import {
  decodeMms,
  encodeMms,
  encodingLengthMms,
  MMS_MESSAGE_TYPES,
  mmsFromJson,
  mmsSummary,
  mmsToJson,
  validateMms,
} from './index.ts';

describe('random valid PDUs of every type round-trip (seeded)', () => {
  for (const type of MMS_MESSAGE_TYPES) {
    it(type, () => {
      const r = rng(0x5eed ^ type.length);
      for (let i = 0; i < 60; i++) {
        const pdu = randomPdu(type, r);
        expect(validateMms(pdu).map((e) => e.toLine())).toEqual([]);
        const bytes = encodeMms(pdu);
        const back = decodeMms(bytes);
        expect(mmsToJson(back)).toEqual(mmsToJson(pdu));
        expect(encodeMms(back)).toEqual(bytes);
        expect(encodeMms(mmsFromJson(JSON.parse(JSON.stringify(mmsToJson(back)))))).toEqual(bytes);
        expect(mmsSummary(back)['X-Mms-Message-Type']).toBe(type);
      }
    });
  }
});

describe('encodingLengthMms (the dns-packet convention, fast-check)', () => {
  it('encodingLengthMms(x) === encodeMms(x).length for random PDUs of every type, bodies and parts included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MMS_MESSAGE_TYPES),
        fc.integer({ min: 0, max: 0x7fffffff }),
        (type, seed) => {
          const pdu = randomPdu(type, rng(seed));
          expect(encodingLengthMms(pdu)).toBe(encodeMms(pdu).length);
        },
      ),
      { numRuns: 600, seed: 1211 },
    );
  });

  it('also for a PDU encodeMms writes unvalidated (headers out of §7.1 order, an unknown code)', () => {
    const pdu = randomPdu('m-send-req', rng(5));
    const odd = {
      ...pdu,
      headers: [...pdu.headers].reverse().concat([{ name: 'Unknown-0x7F', value: new Uint8Array([1, 2]) }]),
    };
    expect(encodingLengthMms(odd)).toBe(encodeMms(odd, { validate: false }).length);
  });
});

// Our own exported-PDU capture (src/wire) hands each PDU to Wireshark's MMSE dissector: tshark is the only
// outside part, so this runs wherever tshark is installed (CI installs it).
const tshark = tsharkOracleReady('[mms property] Wireshark cross-check');
const PER_TYPE = 20;

/**
 * Wireshark 4.0 reads X-Mms-Response-Status only in its plain form: the indexed form of
 * m-mbox-delete-conf (Value-length Index Response-status-value, ENC 1.3 §7.3.48) makes it read the
 * length octet as the status and lose its place in the rest of the PDU. Such samples are drawn again.
 */
const tsharkCanRead = (pdu: ReturnType<typeof randomPdu>) =>
  !pdu.headers.some(
    (h) => h.name === 'X-Mms-Response-Status' && typeof h.value === 'object' && 'index' in h.value,
  );

describe.skipIf(!tshark)('random PDUs agree with Wireshark field by field', () => {
  it(`${PER_TYPE} samples of every type, decoded by tshark`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mms-prop-'));
    try {
      const r = rng(20261122);
      const pdus = new Map<string, ReturnType<typeof randomPdu>>();
      const bytes: Uint8Array[] = [];
      for (const type of MMS_MESSAGE_TYPES) {
        for (let k = 0; k < PER_TYPE; k++) {
          let pdu = randomPdu(type, r);
          for (let tries = 0; !tsharkCanRead(pdu) && tries < 50; tries++) pdu = randomPdu(type, r);
          const name = `${type}-${k}`;
          bytes.push(encodeMms(pdu));
          pdus.set(name, pdu);
        }
      }
      const pcap = path.join(dir, 'all.pcapng');
      const names = [...pdus.keys()];
      writeFileSync(pcap, upperPduPcapng(bytes, MMSE_HEURISTIC, { comments: names }));
      const out = tsharkText(['-n', '-r', pcap, '-T', 'pdml'], { maxBuffer: 256 << 20 });
      const summaries = pdmlToSummaries(out);
      expect(summaries.length).toBe(pdus.size);
      let compared = 0;
      const problems: string[] = [];
      summaries.forEach((s, i) => {
        const name = names[Number(s.file) - 1];
        const pdu = pdus.get(name)!;
        // Wireshark 4.0 flags a PDU whose last octet is 0x84 as malformed (a known false positive,
        // src/codec/mms/README.md): the fields are still compared.
        if (s.verdict !== undefined && bytes[i].at(-1) !== 0x84) problems.push(`${name}: ${s.verdict}`);
        problems.push(...compareWithTshark(pdu, s).map((p) => `${name}: ${p}`));
        compared += s.fields.length;
      });
      expect(problems).toEqual([]);
      expect(compared).toBeGreaterThan(pdus.size * 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
