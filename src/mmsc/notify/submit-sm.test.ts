import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { wapPushToSms } from '../../codec/push/index.ts';
import { decodeSmpp, tlv } from '../../codec/smpp/index.ts';
import { SubmitSm, type SubmitSmFields } from './submit-sm.ts';

/** Held to the smpp package's own submit_sm encoder (what the MMSC sent before) and decoder. */

function fields(over: Partial<SubmitSmFields> = {}): SubmitSmFields {
  return {
    service_type: '',
    source_addr_ton: 5,
    source_addr_npi: 0,
    source_addr: 'MMSC',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: '15550001',
    esm_class: 0x40,
    protocol_id: 0,
    priority_flag: 0,
    registered_delivery: 0,
    data_coding: 0x04,
    short_message: Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 1, 2, 3]),
    ...over,
  };
}

const segments = wapPushToSms(
  new Uint8Array(300).map((_, i) => i & 0xff),
  { ref: 7 },
);

const CASES: Array<[string, Partial<SubmitSmFields>, number]> = [
  ['alphanumeric source, UDHI', {}, 1],
  [
    'numeric source, no UDHI',
    { source_addr: '15550000', source_addr_ton: 1, source_addr_npi: 1, esm_class: 0 },
    2,
  ],
  [
    'service type and delivery receipts',
    { service_type: 'WAP', registered_delivery: 1, priority_flag: 1 },
    0x7fffffff,
  ],
  ['empty user data', { short_message: Buffer.alloc(0) }, 3],
  ['a full 140-octet segment', { short_message: Buffer.from(segments[0]) }, 4],
  ['last segment', { short_message: Buffer.from(segments[segments.length - 1]) }, 5],
  ['20-character source', { source_addr: 'ABCDEFGHIJKLMNOPQRST' }, 6],
  ['a relative validity period (SMPP 3.4 §7.1.1)', { validity_period: '000001000000000R' }, 7],
];

describe('SubmitSm', () => {
  for (const [name, over, seq] of CASES) {
    it(`${name}: the octets the smpp package writes`, () => {
      const f = fields(over);
      const ours = new SubmitSm(f);
      ours.sequence_number = seq;
      const theirs = new smpp.PDU('submit_sm', { ...f, sequence_number: seq });
      const bytes = ours.toBuffer();
      expect(bytes.toString('hex')).toBe(theirs.toBuffer().toString('hex'));
      expect(ours.command_length).toBe(bytes.length);
      const back = smpp.PDU.fromBuffer(bytes);
      expect(back).not.toBe(false);
      if (!back) return;
      expect(back.command).toBe('submit_sm');
      expect(back.sequence_number).toBe(seq);
      expect(back.destination_addr).toBe(f.destination_addr);
      expect(back.source_addr).toBe(f.source_addr);
      expect(back.esm_class).toBe(f.esm_class);
      expect(back.data_coding).toBe(f.data_coding);
      // the smpp package reads times as Dates: the text is read back with src/codec/smpp
      expect(decodeSmpp(bytes).params.validity_period).toBe(f.validity_period ?? '');
    });
  }

  it('writes the optional parameters of a SAR segment after the mandatory ones (SMPP 3.4 §5.3.2.20-24)', () => {
    const tlvs = {
      source_port: 9200,
      destination_port: 2948,
      sar_msg_ref_num: 0x1234,
      sar_total_segments: 3,
      sar_segment_seqnum: 2,
    };
    const ours = new SubmitSm(fields({ esm_class: 0, tlvs }));
    ours.sequence_number = 8;
    const back = decodeSmpp(ours.toBuffer());
    expect(Buffer.from(back.params.short_message as Uint8Array)).toEqual(fields().short_message);
    for (const [name, value] of Object.entries(tlvs)) expect(tlv(back, name)).toBe(value);
  });

  it('is sent by an smpp session like its own PDUs (sequence assigned, response matched)', () => {
    const ours = new SubmitSm(fields()).asPdu();
    expect(ours.isResponse()).toBe(false);
    expect(ours.command).toBe('submit_sm');
  });

  it('refuses user data an sm_length octet cannot carry', () => {
    expect(() => new SubmitSm(fields({ short_message: Buffer.alloc(255) }))).toThrow(RangeError);
  });
});
