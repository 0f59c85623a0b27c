import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { tcpDialoguePcapng } from '../../../test/support/tcp-dialogue.ts';
import { tsharkFields, tsharkOracleReady } from '../../../test/support/tshark.ts';
import { EncodeError } from '../codec-error.ts';
import {
  type DestAddress,
  decodeSmpp,
  encodeSmpp,
  encodingLengthSmpp,
  SMPP_COMMANDS,
  SMPP_TLVS,
  type SmppCommandRow,
  type SmppPduInit,
  type SmppTlv,
  type SmppValue,
  smppPdu,
  validateSmpp,
} from './index.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const theirs = (command: string, options: Record<string, unknown>) =>
  new Uint8Array(new smpp.PDU(command, options).toBuffer());

/**
 * Byte for byte what the smpp package (an independent implementation, and what the SMSC mock and the
 * MMSC's push client sent before) writes for the PDUs they send.
 */
const SAME_AS_PACKAGE: Array<[string, string, number, number, Record<string, unknown>]> = [
  [
    'bind_transceiver_resp',
    'bind_transceiver_resp',
    1,
    0,
    { system_id: 'mmscert', sc_interface_version: 0x34 },
  ],
  ['bind_transmitter_resp', 'bind_transmitter_resp', 2, 0, { system_id: 'smsc', sc_interface_version: 0x34 }],
  ['refused bind (header only, §3.3)', 'bind_receiver_resp', 3, 0x0e, {}],
  ['submit_sm_resp', 'submit_sm_resp', 0x7fffffff, 0, { message_id: '0000000042' }],
  [
    'submit_multi_resp with unsuccess_sme',
    'submit_multi_resp',
    5,
    0,
    {
      message_id: '7',
      no_unsuccess: 1,
      unsuccess_sme: [
        { dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: 'list', error_status_code: 0x34 },
      ],
    },
  ],
  [
    'query_sm_resp',
    'query_sm_resp',
    6,
    0,
    { message_id: '1', final_date: '261207033000000+', message_state: 2, error_code: 0 },
  ],
  [
    'query_sm_resp, not final',
    'query_sm_resp',
    7,
    0,
    { message_id: '1', final_date: '', message_state: 1, error_code: 0 },
  ],
  ['generic_nack', 'generic_nack', 8, 0x03, {}],
  ['enquire_link_resp', 'enquire_link_resp', 9, 0, {}],
  ['unbind_resp', 'unbind_resp', 10, 0, {}],
  ['cancel_sm_resp', 'cancel_sm_resp', 11, 0, {}],
  [
    'deliver_sm receipt (TLVs receipted_message_id, message_state)',
    'deliver_sm',
    12,
    0,
    {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '15550001',
      dest_addr_ton: 5,
      dest_addr_npi: 0,
      destination_addr: 'MMSC',
      esm_class: 0x04,
      data_coding: 0,
      short_message: Buffer.from('id:0000000001 sub:001 dlvrd:001 stat:DELIVRD err:000 text:', 'latin1'),
      receipted_message_id: '0000000001',
      message_state: 2,
    },
  ],
  [
    'deliver_sm MO',
    'deliver_sm',
    13,
    0,
    {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '15550002',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '15550001',
      esm_class: 0,
      data_coding: 0,
      short_message: Buffer.from('hello'),
    },
  ],
  [
    'submit_sm, WAP push segment with sar_ and port TLVs',
    'submit_sm',
    14,
    0,
    {
      service_type: 'WAP',
      source_addr_ton: 5,
      source_addr: 'MMSC',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '15550001',
      esm_class: 0x40,
      registered_delivery: 1,
      data_coding: 4,
      short_message: Buffer.from([6, 5, 4, 0x0b, 0x84, 0x23, 0xf0, 1, 2, 3]),
      sar_msg_ref_num: 0x1234,
      sar_total_segments: 2,
      sar_segment_seqnum: 1,
    },
  ],
  [
    'data_sm with message_payload',
    'data_sm',
    15,
    0,
    { destination_addr: '3', message_payload: Buffer.from('payload') },
  ],
  [
    'bind_transceiver',
    'bind_transceiver',
    16,
    0,
    { system_id: 'mmsc', password: 'secret', system_type: 'MMS', interface_version: 0x34 },
  ],
  [
    'submit_multi with an SME and a list',
    'submit_multi',
    17,
    0,
    {
      number_of_dests: 2,
      dest_address: [
        { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '111' },
        { dest_flag: 2, dl_name: 'list' },
      ],
      short_message: Buffer.from('x'),
    },
  ],
];

describe('SMPP encoder against the smpp package', () => {
  for (const [what, command, seq, status, fields] of SAME_AS_PACKAGE) {
    it(what, () => {
      const pdu = smppPdu(command, seq, status, status === 0 ? fields : {});
      const ours = encodeSmpp(pdu);
      expect(hex(ours)).toBe(
        hex(theirs(command, { ...fields, sequence_number: seq, command_status: status })),
      );
      expect(encodingLengthSmpp(pdu)).toBe(ours.length);
      expect(validateSmpp(pdu).map((e) => e.toLine())).toEqual([]);
      // the decoded PDU is itself an encoder input that gives the same octets
      expect(hex(encodeSmpp(decodeSmpp(ours)))).toBe(hex(ours));
    });
  }
});

// ---- property tests: any PDU the table describes ---------------------------------------------

const cstr = (max: number) =>
  fc.string({
    unit: fc.integer({ min: 1, max: 0xff }).map((c) => String.fromCharCode(c)),
    maxLength: max - 1,
  });
const octets = (max: number) => fc.uint8Array({ maxLength: max });
const INT = { u8: 0xff, u16: 0xffff, u32: 0xffffffff } as const;

function paramsArb(row: SmppCommandRow): fc.Arbitrary<Record<string, SmppValue>> {
  const shape: Record<string, fc.Arbitrary<SmppValue>> = {};
  for (const p of row.body) {
    switch (p.type.t) {
      case 'u8':
      case 'u16':
      case 'u32':
        shape[p.name] = fc.integer({ min: 0, max: INT[p.type.t] });
        break;
      case 'cstring':
        shape[p.name] = cstr(p.type.max);
        break;
      case 'octets':
        shape[p.name] = octets(254);
        break;
      case 'dest_addresses':
        shape[p.name] = fc.array(
          fc.oneof(
            fc.record({
              dest_flag: fc.constant(1),
              dest_addr_ton: fc.integer({ min: 0, max: 255 }),
              dest_addr_npi: fc.integer({ min: 0, max: 255 }),
              destination_addr: cstr(21),
            }),
            fc.record({ dest_flag: fc.constant(2), dl_name: cstr(21) }),
          ) as fc.Arbitrary<DestAddress>,
          { maxLength: 5 },
        );
        break;
      case 'unsuccess_smes':
        shape[p.name] = fc.array(
          fc.record({
            dest_addr_ton: fc.integer({ min: 0, max: 255 }),
            dest_addr_npi: fc.integer({ min: 0, max: 255 }),
            destination_addr: cstr(21),
            error_status_code: fc.integer({ min: 0, max: 0xffffffff }),
          }),
          { maxLength: 5 },
        );
        break;
    }
  }
  // counts and lengths agree with what they count (decode reads them so)
  return fc.record(shape).map((params) => {
    for (const p of row.body) {
      if (p.type.t === 'octets') params[p.type.lengthFrom] = (params[p.name] as Uint8Array).length;
      if (p.type.t === 'dest_addresses' || p.type.t === 'unsuccess_smes')
        params[p.type.countFrom] = (params[p.name] as unknown[]).length;
    }
    return params;
  });
}

const tlvArb = fc.constantFrom(...SMPP_TLVS).chain((row): fc.Arbitrary<SmppTlv> => {
  switch (row.type) {
    case 'u8':
    case 'u16':
    case 'u32':
      return fc
        .integer({ min: 0, max: INT[row.type] })
        .map((value) => ({ tag: row.tag, name: row.name, value }));
    case 'cstring':
      return cstr(65).map((value) => ({ tag: row.tag, name: row.name, value }));
    case 'empty':
      return fc.constant<SmppTlv>({ tag: row.tag, name: row.name, value: true });
    case 'octets':
      return octets(row.length ?? 40)
        .filter((v) => row.length === undefined || v.length === row.length)
        .map((value) => ({ tag: row.tag, name: row.name, value }));
  }
});

const pduArb: fc.Arbitrary<SmppPduInit> = fc.constantFrom(...SMPP_COMMANDS).chain((row) =>
  fc.record({
    command: fc.constant(row.name),
    commandStatus: fc.constant(0),
    sequenceNumber: fc.integer({ min: 0, max: 0x7fffffff }),
    params: paramsArb(row),
    tlvs: row.tlvs ? fc.array(tlvArb, { maxLength: 4 }) : fc.constant<SmppTlv[]>([]),
  }),
);

describe('SMPP codec properties (fast-check)', () => {
  it('encodingLengthSmpp(x) === encode(x).length, decode(encode(x)) gives x back, validate is clean', () => {
    fc.assert(
      fc.property(pduArb, (pdu) => {
        const bytes = encodeSmpp(pdu);
        expect(encodingLengthSmpp(pdu)).toBe(bytes.length);
        expect(validateSmpp(pdu).map((e) => e.toLine())).toEqual([]);
        const back = decodeSmpp(bytes);
        expect(back.command).toBe(pdu.command);
        expect(back.sequenceNumber).toBe(pdu.sequenceNumber);
        expect(back.params).toEqual(pdu.params);
        expect(back.tlvs).toEqual(pdu.tlvs);
        expect(encodeSmpp(back)).toEqual(bytes);
      }),
      { numRuns: 1500, seed: 20261207 },
    );
  });

  it('an unknown command keeps its body octets both ways', () => {
    const pdu: SmppPduInit = {
      command: 'unknown',
      commandId: 0x99,
      sequenceNumber: 4,
      body: new Uint8Array([1, 2, 3]),
    };
    const bytes = encodeSmpp(pdu);
    expect(hex(bytes)).toBe('00000013000000990000000000000004010203');
    expect(decodeSmpp(bytes).body).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('writes what the spec forbids when asked (encode never repairs)', () => {
    const lying = encodeSmpp({
      command: 'submit_sm',
      sequenceNumber: 1,
      commandLength: 9999,
      params: { sm_length: 9, short_message: new Uint8Array([1]) },
    });
    expect(new DataView(lying.buffer).getUint32(0)).toBe(9999);
    expect(lying.at(-2)).toBe(9); // sm_length as given
    expect(
      encodingLengthSmpp({
        command: 'submit_sm',
        sequenceNumber: 1,
        params: { short_message: new Uint8Array(300) },
      }),
    ).toBe(16 + 1 + 2 + 1 + 2 + 1 + 3 + 1 + 1 + 4 + 1 + 300);
  });
});

describe('SMPP encoder refuses what the wire cannot carry (one EncodeError each)', () => {
  const cases: Array<[string, SmppPduInit, string]> = [
    ['unknown command name', { command: 'submit_xx', sequenceNumber: 1 }, 'command_id'],
    ['unknown command without an id', { command: 'unknown', sequenceNumber: 1 }, 'command_id'],
    ['u8 out of range', { command: 'submit_sm', sequenceNumber: 1, params: { esm_class: 256 } }, 'esm_class'],
    ['negative sequence', { command: 'enquire_link', sequenceNumber: -1 }, 'sequence_number'],
    [
      'C-Octet String not a string',
      { command: 'submit_sm', sequenceNumber: 1, params: { source_addr: 5 } },
      'source_addr',
    ],
    [
      'TLV name outside the table',
      { command: 'submit_sm', sequenceNumber: 1, tlvs: [{ name: 'nope', value: 1 }] },
      'nope',
    ],
    [
      'number for an octets TLV',
      { command: 'submit_sm', sequenceNumber: 1, tlvs: [{ name: 'message_payload', value: 1 }] },
      'message_payload',
    ],
    [
      'u16 TLV out of range',
      { command: 'submit_sm', sequenceNumber: 1, tlvs: [{ name: 'destination_port', value: 70000 }] },
      'destination_port',
    ],
  ];
  for (const [what, pdu, field] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        encodeSmpp(pdu as SmppPduInit);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
    });
  }
  it('smppPdu refuses a field that is neither a parameter nor an allowed TLV', () => {
    expect(() => smppPdu('enquire_link_resp', 1, 0, { message_id: 'x' })).toThrow(EncodeError);
    expect(() => smppPdu('submit_sm_resp', 1, 0, { sc_interface_version: 0x34 })).toThrow(EncodeError);
  });
});

describe('validateSmpp: one line per violation', () => {
  const sm = (params: Record<string, SmppValue>, extra: Partial<SmppPduInit> = {}): SmppPduInit => ({
    command: 'submit_sm',
    sequenceNumber: 1,
    params,
    ...extra,
  });
  const cases: Array<[string, SmppPduInit, string]> = [
    ['source_addr over 21 octets with its NUL', sm({ source_addr: 'x'.repeat(21) }), 'source_addr'],
    ['NUL inside a C-Octet String', sm({ service_type: 'a\0b' }), 'service_type'],
    ['sm_length disagrees', sm({ sm_length: 3, short_message: new Uint8Array(2) }), 'sm_length'],
    ['short_message over 254 octets', sm({ short_message: new Uint8Array(255) }), 'short_message'],
    ['command_length disagrees', sm({}, { commandLength: 17 }), 'command_length'],
    ['a parameter of another PDU', sm({ system_id: 'x' }), 'system_id'],
    [
      'TLV on a PDU without optional parameters',
      { command: 'enquire_link', sequenceNumber: 1, tlvs: [{ name: 'message_state', value: 1 }] },
      'tlv',
    ],
    [
      'fixed-length TLV of the wrong size',
      sm({}, { tlvs: [{ name: 'network_error_code', value: new Uint8Array(2) }] }),
      'network_error_code',
    ],
    [
      'number_of_dests disagrees',
      { command: 'submit_multi', sequenceNumber: 1, params: { number_of_dests: 2, dest_address: [] } },
      'number_of_dests',
    ],
    [
      'bad dest_flag',
      { command: 'submit_multi', sequenceNumber: 1, params: { dest_address: [{ dest_flag: 3 }] } },
      'dest_address[0].dest_flag',
    ],
    ['unknown command', { command: 'nope', sequenceNumber: 1 }, 'command_id'],
  ];
  for (const [what, pdu, field] of cases) {
    it(what, () => {
      expect(validateSmpp(pdu).map((e) => e.field)).toEqual([field]);
    });
  }
});

const tshark = tsharkOracleReady('[smpp encoder] Wireshark cross-check');

describe.skipIf(!tshark)('tshark reads what the encoder writes', () => {
  it('200 random PDUs of every command: command, sequence, length and the addresses as we wrote them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-smpp-enc-'));
    try {
      // printable addresses: tshark shows C-Octet Strings as text
      const pdus = fc
        .sample(pduArb, { numRuns: 200, seed: 7 })
        .map((p, i) => ({ ...p, sequenceNumber: i + 1 }));
      const file = path.join(dir, 'enc.pcapng');
      writeFileSync(
        file,
        tcpDialoguePcapng(
          pdus.map((p) => ({ from: 'client' as const, data: encodeSmpp(p) })),
          {
            port: 2775,
            client: { node: 'mmsc', role: 'mmsc', port: 40775 },
            server: { node: 'smsc', role: 'smsc' },
          },
        ),
      );
      const rows = tsharkFields(
        file,
        'smpp',
        ['smpp.command_id', 'smpp.sequence_number', 'smpp.command_length'],
        {
          decodeAs: ['tcp.port==2775,smpp'],
          aggregator: ',',
        },
      ).flatMap((r) => {
        const ids = r[0].split(',');
        return ids.map((id, k) => [Number(id), Number(r[1].split(',')[k]), Number(r[2].split(',')[k])]);
      });
      expect(rows).toEqual(
        pdus.map((p) => [
          SMPP_COMMANDS.find((c) => c.name === p.command)?.id,
          p.sequenceNumber,
          encodingLengthSmpp(p),
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
