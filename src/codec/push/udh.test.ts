import { describe, expect, it } from 'vitest';
import { ByteReader } from '../bytes.ts';
import { DecodeError } from '../codec-error.ts';
import { decodeSmsUserData } from './sms-user-data.ts';
import { encodeUdh, readUdh } from './udh.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('UDH (TS 23.040 §9.2.3.24)', () => {
  it('decodes WAP push ports + 8-bit concatenation as real handsets send them', () => {
    // UDHL 0B; IE 05 (16-bit ports) 0B84 <- 23F0; IE 00 (concat 8) ref 0x2A, 3 parts, part 2
    const ud = decodeSmsUserData(hex('0B 05040B8423F0 00032A0302 DEADBEEF'));
    expect(ud.ports).toEqual({ destination: 2948, source: 9200 });
    expect(ud.concat).toEqual({ ref: 0x2a, refBits: 8, total: 3, seq: 2 });
    expect([...ud.payload]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });

  it('decodes 16-bit references and keeps unknown IEs byte-exact', () => {
    const bytes = hex('0B 0804BEEF0201 2403010203');
    const r = new ByteReader(bytes);
    const udh = readUdh(r);
    expect(udh.elements[0]).toEqual({ kind: 'concat16', ref: 0xbeef, total: 2, seq: 1 });
    expect(udh.elements[1]).toMatchObject({ kind: 'other', iei: 0x24 });
    expect(Buffer.from(encodeUdh(udh)).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
  });

  it.each([
    ['UDHL beyond the data', '05 0003', 'UDH'],
    ['IE longer than the header', '03 0005 01', 'UDH.IE'],
    ['wrong IEDL for concat8', '04 0002 0102', 'UDH.concat8'],
    ['sequence 0', '05 00 03 01 02 00', 'UDH.concat.seq'],
    ['sequence above total', '05 00 03 01 02 03', 'UDH.concat.seq'],
    ['empty input', '', 'UDHL'],
  ])('%s -> one DecodeError', (_name, input, field) => {
    try {
      decodeSmsUserData(hex(input));
      expect.fail('decoded');
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).field).toBe(field);
    }
  });
});
