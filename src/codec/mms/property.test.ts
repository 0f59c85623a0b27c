import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolsDir, tsharkOracleReady } from '../../../test/support/tshark.ts';
import {
  decodeMms,
  encodeMms,
  MMS_MESSAGE_TYPES,
  mmsFromJson,
  mmsSummary,
  mmsToJson,
  validateMms,
} from './index.ts';
import { randomPdu, rng } from './random-pdu.ts';
import { compareWithTshark, pdmlToSummaries } from './tshark-oracle.ts';

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

const tools = toolsDir;
const tshark = tsharkOracleReady('[mms property] Wireshark cross-check', ['mkpcap.py', 'mmse-decode.sh']);

describe.skipIf(!tshark)('random PDUs agree with Wireshark field by field', () => {
  it('one sample of every type, decoded by tshark', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mms-prop-'));
    try {
      const r = rng(20261122);
      const pdus = new Map<string, ReturnType<typeof randomPdu>>();
      for (const type of MMS_MESSAGE_TYPES) {
        for (let k = 0; k < 2; k++) {
          const pdu = randomPdu(type, r);
          const name = `${type}-${k}.mms`;
          writeFileSync(path.join(dir, name), encodeMms(pdu));
          pdus.set(name, pdu);
        }
      }
      const pcap = path.join(dir, 'all.pcap');
      const names = [...pdus.keys()];
      execFileSync('python3', [path.join(tools, 'mkpcap.py'), 'mmse', pcap, ...names], {
        cwd: dir,
        stdio: 'ignore',
      });
      const out = execFileSync('tshark', ['-n', '-C', 'Default', '-r', pcap, '-T', 'pdml'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 << 20,
      });
      const summaries = pdmlToSummaries(out);
      expect(summaries.length).toBe(pdus.size);
      let compared = 0;
      for (const s of summaries) {
        const name = names[Number(s.file) - 1];
        const pdu = pdus.get(name)!;
        expect(s.verdict, name).toBeUndefined();
        expect(compareWithTshark(pdu, s), name).toEqual([]);
        compared += s.fields.length;
      }
      expect(compared).toBeGreaterThan(pdus.size * 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
