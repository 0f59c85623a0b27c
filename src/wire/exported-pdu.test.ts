import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlocks } from '../../test/support/pcapng-reader.ts';
import { haveTshark } from '../../test/support/tshark.ts';
import { buildPdu, encodeMms } from '../codec/mms/index.ts';
import {
  exportedPduFrame,
  LINKTYPE_WIRESHARK_UPPER_PDU,
  MMSE_HEURISTIC,
  upperPduPcapng,
} from './exported-pdu.ts';
import { tsharkSync } from './tshark.ts';

const notification = (tid: string) =>
  encodeMms(
    buildPdu('m-notification-ind', {
      'X-Mms-Transaction-Id': tid,
      'X-Mms-MMS-Version': '1.2',
      From: '+15550001234/TYPE=PLMN',
      'X-Mms-Message-Class': 'Personal',
      'X-Mms-Message-Size': 302144,
      'X-Mms-Expiry': { relative: 604800 },
      'X-Mms-Content-Location': 'http://mmsc.example.net/mms/retrieve?id=0123456789abcdef',
    }),
  );

describe('exportedPduFrame', () => {
  it('puts the NUL-terminated, 32-bit padded name tag and the END tag before the payload', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const f = exportedPduFrame(payload, MMSE_HEURISTIC);
    // tag 13 (heuristic name), length 12 = "mmse_wsp" + NUL padded to 12
    expect([...f.subarray(0, 4)]).toEqual([0, 13, 0, 12]);
    expect(Buffer.from(f.subarray(4, 16)).toString('latin1')).toBe('mmse_wsp\0\0\0\0');
    expect([...f.subarray(16, 20)]).toEqual([0, 0, 0, 0]);
    expect([...f.subarray(20)]).toEqual([1, 2, 3]);
    // a name whose length + NUL is already a multiple of 4 gets no extra padding
    const g = exportedPduFrame(payload, { dissector: 'wsp' });
    expect([...g.subarray(0, 8)]).toEqual([0, 12, 0, 4, 0x77, 0x73, 0x70, 0]);
    expect(g.length).toBe(8 + 4 + 3);
  });

  it('writes a PCAPNG whose interface is LINKTYPE_WIRESHARK_UPPER_PDU, one frame per payload', () => {
    const file = upperPduPcapng([notification('A1'), notification('B2')], MMSE_HEURISTIC, {
      comments: ['first', 'second'],
    });
    const blocks = readBlocks(file);
    const idb = blocks.find((b) => b.type === 1)!;
    expect(idb.body.getUint16(0, true)).toBe(LINKTYPE_WIRESHARK_UPPER_PDU);
    const epbs = blocks.filter((b) => b.type === 6);
    expect(epbs.length).toBe(2);
    expect(Buffer.from(epbs[1].options.get(1)![0]).toString()).toBe('second');
  });
});

describe.skipIf(!haveTshark)('tshark reads the exported PDUs with the named dissector', () => {
  it('hands bare MMS PDUs to Wireshark MMSE dissector, fields intact', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'upper-pdu-'));
    try {
      const file = path.join(dir, 'n.pcapng');
      writeFileSync(file, upperPduPcapng([notification('A1'), notification('B2')], MMSE_HEURISTIC));
      const r = tsharkSync([
        '-n',
        '-r',
        file,
        '-T',
        'fields',
        '-e',
        'frame.protocols',
        '-e',
        'mmse.transaction_id',
        '-e',
        'mmse.message_size',
      ]);
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      expect(rows).toEqual([
        ['exported_pdu:mmse', 'A1', '302144'],
        ['exported_pdu:mmse', 'B2', '302144'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
if (!haveTshark)
  console.warn('[exported-pdu] tshark check SKIPPED: tshark is not installed (apt-get install tshark)');
