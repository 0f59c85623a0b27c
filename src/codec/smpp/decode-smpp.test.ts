import * as smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../codec-error.ts';
import { decodeSmpp, smppToJson, tlv } from './decode-smpp.ts';
import { COMMAND_BY_NAME, SMPP_COMMANDS, statusName, statusValue } from './smpp-table.ts';

/** The smpp package's encoder is an independent implementation: what it writes, we must read. */
const enc = (command: string, options: Record<string, unknown>) =>
  new Uint8Array(new smpp.PDU(command, options).toBuffer());

describe('SMPP decoder', () => {
  it('reads submit_sm as the smpp package encodes it, TLVs included', () => {
    const pdu = decodeSmpp(
      enc('submit_sm', {
        sequence_number: 77,
        service_type: 'WAP',
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: '15550009',
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
        user_message_reference: 9,
        receipted_message_id: 'abc',
      }),
    );
    expect(pdu).toMatchObject({ command: 'submit_sm', commandId: 4, sequenceNumber: 77, commandStatus: 0 });
    expect(pdu.params).toMatchObject({
      service_type: 'WAP',
      source_addr: '15550009',
      destination_addr: '15550001',
      esm_class: 0x40,
      registered_delivery: 1,
      data_coding: 4,
      sm_length: 10,
    });
    expect(Array.from(pdu.params.short_message as Uint8Array)).toEqual([
      6, 5, 4, 0x0b, 0x84, 0x23, 0xf0, 1, 2, 3,
    ]);
    expect(tlv(pdu, 'sar_msg_ref_num')).toBe(0x1234);
    expect(tlv(pdu, 'sar_total_segments')).toBe(2);
    expect(tlv(pdu, 'user_message_reference')).toBe(9);
    expect(tlv(pdu, 'receipted_message_id')).toBe('abc');
    expect(smppToJson(pdu)).toMatchObject({
      command_id: '0x00000004',
      command_status: 'ESME_ROK',
      sequence_number: 77,
    });
  });

  it('reads binds, submit_multi, query_sm, cancel_sm, data_sm, deliver_sm_resp, unknown commands', () => {
    expect(
      decodeSmpp(
        enc('bind_transceiver', {
          system_id: 'sys',
          password: 'pw',
          system_type: 'T',
          interface_version: 0x34,
        }),
      ).params,
    ).toMatchObject({
      system_id: 'sys',
      password: 'pw',
      system_type: 'T',
      interface_version: 0x34,
    });
    const multi = decodeSmpp(
      enc('submit_multi', {
        dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '111' }, { dl_name: 'list' }],
        short_message: Buffer.from('x'),
      }),
    );
    expect(multi.params.dest_address).toEqual([
      { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '111' },
      { dest_flag: 2, dl_name: 'list' },
    ]);
    expect(
      decodeSmpp(enc('query_sm', { message_id: '0000000001', source_addr: '1' })).params.message_id,
    ).toBe('0000000001');
    expect(decodeSmpp(enc('cancel_sm', { message_id: '7', destination_addr: '2' })).params).toMatchObject({
      message_id: '7',
      destination_addr: '2',
    });
    const data = decodeSmpp(
      enc('data_sm', { destination_addr: '3', message_payload: Buffer.from('payload') }),
    );
    expect(Buffer.from(tlv(data, 'message_payload') as Uint8Array).toString()).toBe('payload');
    expect(decodeSmpp(enc('deliver_sm_resp', { sequence_number: 5 })).command).toBe('deliver_sm_resp');
    const unknown = new Uint8Array([0, 0, 0, 20, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]);
    expect(decodeSmpp(unknown)).toMatchObject({ command: 'unknown', commandId: 0x99, params: {} });
    // an error response carries no body (SMPP 3.4 §3.3)
    expect(
      decodeSmpp(enc('submit_sm_resp', { command_status: 0x58, sequence_number: 3 })).commandStatus,
    ).toBe(0x58);
  });

  it('keeps unknown TLVs raw', () => {
    const base = Buffer.from(enc('data_sm', { destination_addr: '3' }));
    const withTlv = Buffer.concat([base, Buffer.from([0x14, 0x00, 0x00, 0x02, 0xaa, 0xbb])]);
    withTlv.writeUInt32BE(withTlv.length, 0);
    const pdu = decodeSmpp(new Uint8Array(withTlv));
    expect(pdu.tlvs.at(-1)).toMatchObject({ tag: 0x1400, name: 'tlv_0x1400' });
  });

  it('one DecodeError per malformed PDU', () => {
    const h = (id: number, body: number[], len?: number) => {
      const b = Buffer.alloc(16 + body.length);
      b.writeUInt32BE(len ?? b.length, 0);
      b.writeUInt32BE(id, 4);
      b.writeUInt32BE(1, 12);
      Buffer.from(body).copy(b, 16);
      return new Uint8Array(b);
    };
    const submitHead = [0, 1, 1, 0x31, 0, 1, 1, 0x32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const cases: Array<[string, Uint8Array, string]> = [
      ['too short', new Uint8Array([0, 0, 0]), 'command_length'],
      ['length below 16', h(0x15, [], 12), 'command_length'],
      ['length above 16384', h(0x15, [], 20000), 'command_length'],
      ['length disagrees with octets', h(0x15, [], 17), 'command_length'],
      ['system_id unterminated', h(0x09, [0x41, 0x42]), 'system_id'],
      ['system_id longer than 16', h(0x09, [...Buffer.from('A'.repeat(20)), 0]), 'system_id'],
      ['body after enquire_link', h(0x15, [1]), 'command_length'],
      ['short_message beyond the PDU', h(0x04, [...submitHead, 9, 1, 2]), 'short_message'],
      ['int TLV with wrong length', h(0x04, [...submitHead, 0, 0x02, 0x0b, 0, 1, 7]), 'destination_port'],
      ['TLV value past the end', h(0x04, [...submitHead, 0, 0x04, 0x24, 0, 9, 1]), 'message_payload'],
      ['half a TLV header', h(0x04, [...submitHead, 0, 0x04, 0x24]), 'tlv.length'],
      ['bad dest_flag', h(0x21, [0, 1, 1, 0x31, 0, 1, 3, 0]), 'dest_address[0].dest_flag'],
    ];
    for (const [what, bytes, field] of cases) {
      let err: unknown;
      try {
        decodeSmpp(bytes);
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).field, what).toBe(field);
    }
  });

  it('is total on 30,000 seeded random and mutated PDUs', () => {
    let seed = 99;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const seeds = SMPP_COMMANDS.filter((c) => c.body).map((c) =>
      enc(c.name, { short_message: Buffer.from('abc'), message_payload: Buffer.from('p') }),
    );
    for (let i = 0; i < 30_000; i++) {
      const src = seeds[rnd() % seeds.length];
      const buf = src.slice(0, 16 + (rnd() % Math.max(1, src.length - 15)));
      for (let k = 0; k < 3; k++) buf[16 + (rnd() % Math.max(1, buf.length - 16))] = rnd() & 0xff;
      new DataView(buf.buffer).setUint32(0, i % 7 === 0 ? rnd() : buf.length);
      try {
        decodeSmpp(buf);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }
  });

  it('names statuses both ways and has one row per command id', () => {
    expect(statusName(0x58)).toBe('ESME_RTHROTTLED');
    expect(statusName(0x400)).toBe('0x00000400');
    expect(statusValue('ESME_RBINDFAIL')).toBe(0x0d);
    expect(statusValue('0x45')).toBe(0x45);
    expect(statusValue('nope')).toBeUndefined();
    expect(new Set(SMPP_COMMANDS.map((c) => c.id)).size).toBe(SMPP_COMMANDS.length);
    for (const c of SMPP_COMMANDS) {
      const resp = COMMAND_BY_NAME.get(`${c.name}_resp`);
      if (resp) expect(resp.id).toBe((c.id | 0x80000000) >>> 0);
    }
  });
});
