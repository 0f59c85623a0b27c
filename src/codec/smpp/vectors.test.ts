import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tcpDialoguePcapng } from '../../../test/support/tcp-dialogue.ts';
import { tsharkOracleReady } from '../../../test/support/tshark.ts';
import { tsharkText } from '../../wire/tshark.ts';
import {
  decodeSmpp,
  encodeSmpp,
  encodingLengthSmpp,
  relativeSmppTime,
  type SmppPduInit,
  tlv,
  validateSmpp,
} from './index.ts';

/**
 * shared/vectors/smpp holds Wireshark's decode of real submit_sm PDUs (text, long octet fields cut
 * with "…", see its PROVENANCE.md), not their octets. So the oracle runs the other way: each
 * decoded PDU is written again by our encoder from the fields the trace shows, and
 * - its encodingLengthSmpp and octet count are the trace's command_length (every field's size right);
 * - our decoder reads every field back;
 * - tshark's SMPP dissector, run on our octets, prints the trace's SMPP lines again, word for word
 *   (the message bytes line included: our short_message starts with the octets the trace shows and
 *   its "…" hides the rest).
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const vectors = path.resolve(repoRoot, '../shared/vectors/smpp/smpp-client-traces');
const present = existsSync(vectors);
if (!present)
  console.log(`[vectors-smpp] ${vectors} absent (../shared beside the repo): SMPP trace tests skipped`);

interface TraceBlock {
  file: string;
  /** The SMPP layer's lines, trimmed of the indentation. */
  lines: string[];
  /** Each line's depth in the tree (0: the layer, 1: its fields). */
  depth: number[];
  pdu: SmppPduInit;
  length: number;
}

const hexOf = (line: string | undefined) => line?.match(/\(0x([0-9a-f]+)\)\s*$/i)?.[1] ?? '';
const num = (line: string | undefined) => Number.parseInt(hexOf(line), 16);

function parseBlocks(file: string): TraceBlock[] {
  const text = readFileSync(file, 'utf8');
  const blocks: TraceBlock[] = [];
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    if (!all[i].startsWith('Short Message Peer to Peer')) continue;
    let j = i + 1;
    while (j < all.length && all[j].startsWith(' ')) j++;
    const lines = all.slice(i, j).map((l) => l.trim());
    const depth = all.slice(i, j).map((l) => (l.length - l.trimStart().length) / 4);
    const get = (label: string) => lines.find((l) => l.startsWith(label));
    const value = (label: string) => get(label)?.slice(label.length).trim() ?? '';
    const bits = (label: string) => {
      const l = lines.find((x) => x.includes(`= ${label}:`));
      return num(l);
    };
    const prefix = Buffer.from(value('Message bytes:').replace('…', ''), 'hex');
    const smLength = Number(value('Message length:'));
    const sm = Buffer.alloc(smLength, 0x20);
    prefix.copy(sm);
    const validity = value('Validity period:');
    const tlvs = lines
      .filter((l) => l.startsWith('Tag: 0x'))
      .map((l) => {
        const tag = Number.parseInt(l.slice('Tag: '.length), 16);
        const len = Number(lines[lines.indexOf(l) + 1].slice('Length: '.length));
        return { tag, value: new Uint8Array(len).fill(0x20) };
      });
    const service = value('Service type:');
    blocks.push({
      file: path.basename(file),
      lines,
      depth,
      length: Number(value('Length:')),
      pdu: {
        command: 'submit_sm',
        sequenceNumber: Number(value('Sequence #:')),
        params: {
          service_type: service === '(Default)' ? '' : service,
          source_addr_ton: num(get('Type of number (originator)')),
          source_addr_npi: num(get('Numbering plan indicator (originator)')),
          source_addr: value('Originator address:'),
          dest_addr_ton: num(get('Type of number (recipient)')),
          dest_addr_npi: num(get('Numbering plan indicator (recipient)')),
          destination_addr: value('Recipient address:'),
          // SMPP 3.4 §5.2.12: messaging mode bits 1-0, message type bits 5-2, GSM features bits 7-6
          esm_class: bits('Messaging mode') | (bits('Message type') << 2) | (bits('GSM features') << 6),
          protocol_id: Number.parseInt(value('Protocol id.:'), 16),
          priority_flag: num(get('Priority level:')),
          schedule_delivery_time: value('Scheduled delivery time:') === 'Immediate delivery' ? '' : '?',
          validity_period: validity.endsWith(' seconds') ? relativeSmppTime(Number.parseFloat(validity)) : '',
          // SMPP 3.4 §5.2.17: receipt bits 1-0, SME acknowledgement bits 3-2, intermediate bit 4
          registered_delivery:
            bits('Delivery receipt') |
            (num(lines.filter((l) => l.includes('= Message type:'))[1]) << 2) |
            (bits('Intermediate notif') << 4),
          replace_if_present_flag: bits('Replace'),
          data_coding: Number.parseInt(value('Data coding:'), 16),
          sm_default_msg_id: Number(value('Predefined message:')),
          short_message: new Uint8Array(sm),
        },
        tlvs,
      },
    });
    i = j - 1;
  }
  return blocks;
}

const blocks = present
  ? readdirSync(vectors)
      .filter((n) => n.endsWith('.txt'))
      .sort()
      .flatMap((n) => parseBlocks(path.join(vectors, n)))
  : [];

describe.skipIf(!present)('SMPP trace vectors (shared/vectors/smpp)', () => {
  it('finds every submit_sm of the eight traces', () => {
    expect(new Set(blocks.map((b) => b.file)).size).toBe(8);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it.each(blocks.map((b, i) => [`${b.file} #${i}`, b] as const))(
    '%s: encodingLengthSmpp and octets are the traced command_length; decode gives the fields back',
    (_, b) => {
      expect(encodingLengthSmpp(b.pdu)).toBe(b.length);
      const bytes = encodeSmpp(b.pdu);
      expect(bytes.length).toBe(b.length);
      expect(validateSmpp(b.pdu).map((e) => e.toLine())).toEqual([]);
      const back = decodeSmpp(bytes);
      expect(back.commandLength).toBe(b.length);
      expect(back.sequenceNumber).toBe(b.pdu.sequenceNumber);
      expect(back.params).toEqual({
        ...b.pdu.params,
        sm_length: (b.pdu.params?.short_message as Uint8Array | undefined)?.length,
      });
      for (const t of b.pdu.tlvs ?? [])
        expect(back.tlvs.find((x) => x.tag === t.tag)?.value).toEqual(t.value);
      expect(encodeSmpp(back)).toEqual(bytes);
      if (b.pdu.tlvs?.length) expect(tlv(back, 'message_payload')).toBeDefined();
    },
  );
});

const tshark = present && tsharkOracleReady('[vectors-smpp] tshark re-dissection');

describe.skipIf(!tshark)('tshark reads our re-encoded trace PDUs as the trace shows them', () => {
  const dir = present ? mkdtempSync(path.join(tmpdir(), 'mmscert-smpp-vectors-')) : '';
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every SMPP line of every trace, word for word', () => {
    const file = path.join(dir, 'vectors.pcapng');
    writeFileSync(
      file,
      tcpDialoguePcapng(
        blocks.map((b) => ({ from: 'client' as const, data: encodeSmpp(b.pdu) })),
        {
          port: 2775,
          client: { node: 'mmsc', role: 'mmsc', port: 40775 },
          server: { node: 'smsc', role: 'smsc' },
        },
      ),
    );
    const text = tsharkText(['-n', '-r', file, '-d', 'tcp.port==2775,smpp', '-O', 'smpp', '-V']);
    const ours: string[][] = [];
    const out = text.split('\n');
    for (let i = 0; i < out.length; i++) {
      if (!out[i].startsWith('Short Message Peer to Peer')) continue;
      let j = i + 1;
      while (j < out.length && out[j].startsWith(' ')) j++;
      ours.push(out.slice(i, j).map((l) => l.trim()));
      i = j - 1;
    }
    expect(ours.length).toBe(blocks.length);
    blocks.forEach((b, k) => {
      // The traces come from an older tshark: its data coding subtree is laid out differently
      // (4.0 names 0xf0 and splits the DCS otherwise), and it stops at "Payload" inside
      // message_payload (PROVENANCE.md). Every other field line of the trace must appear, in order.
      const dcs = (ls: string[]) =>
        ls.find((l) => l.startsWith('Data coding:'))?.match(/0x([0-9a-f]{2})\)?$/)?.[1];
      expect(dcs(ours[k]), b.file).toBe(dcs(b.lines));
      const expected = b.lines.filter(
        (l, n) => b.depth[n] <= 1 && !l.startsWith('Data coding:') && l !== 'Payload',
      );
      expect(expected.length, b.file).toBeGreaterThanOrEqual(24);
      const seen = ours[k].filter((l) => expected.includes(l));
      expect(seen, b.file).toEqual(expected);
    });
  });
});
