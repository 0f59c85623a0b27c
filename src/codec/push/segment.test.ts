import { describe, expect, it } from 'vitest';
import { EncodeError } from '../codec-error.ts';
import { SmsReassembler } from './reassembler.ts';
import { segmentSms, WAP_PUSH_PORT, WAP_WSP_SOURCE_PORT } from './segment.ts';
import { decodeSmsUserData } from './sms-user-data.ts';

const ports = { source: WAP_WSP_SOURCE_PORT, destination: WAP_PUSH_PORT };
const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe('segmentSms', () => {
  it('sends a short payload as one SMS with only the port element', () => {
    const [one, ...rest] = segmentSms(payload(100), { ports, ref: 1 });
    expect(rest).toEqual([]);
    expect(Buffer.from(one.subarray(0, 7)).toString('hex')).toBe('0605040b8423f0');
    expect(one.length).toBe(107);
  });

  it.each([8, 16] as const)('splits into <= 140-octet segments with %i-bit references', (refBits) => {
    const p = payload(400);
    const segs = segmentSms(p, { ports, ref: refBits === 8 ? 0xab : 0xabcd, refBits });
    const room = refBits === 8 ? 128 : 127;
    expect(segs).toHaveLength(Math.ceil(400 / room));
    for (const [i, s] of segs.entries()) {
      expect(s.length).toBeLessThanOrEqual(140);
      const ud = decodeSmsUserData(s);
      expect(ud.ports).toEqual(ports);
      expect(ud.concat).toEqual({
        ref: refBits === 8 ? 0xab : 0xabcd,
        refBits,
        total: segs.length,
        seq: i + 1,
      });
    }
  });

  it('refuses references that do not fit and payloads needing more than 255 segments', () => {
    expect(() => segmentSms(payload(300), { ports, ref: 256 })).toThrow(EncodeError);
    expect(() => segmentSms(payload(128 * 256), { ports, ref: 1 })).toThrow(EncodeError);
  });
});

describe('SmsReassembler', () => {
  it('reassembles out-of-order and duplicated segments into the original payload', () => {
    const p = payload(1000);
    const segs = segmentSms(p, { ports, ref: 77 }).map((s) => decodeSmsUserData(s));
    const order = [3, 0, 5, 0, 7, 1, 2, 4, 6];
    const r = new SmsReassembler(10_000);
    const results = order.filter((i) => i < segs.length).map((i) => r.add('a>b', segs[i], 0));
    expect(results.filter((x) => x.status === 'duplicate')).toHaveLength(1);
    const done = results.find((x) => x.status === 'complete');
    expect(done?.status).toBe('complete');
    if (done?.status === 'complete') {
      expect(Buffer.from(done.message.payload).equals(Buffer.from(p))).toBe(true);
      expect(done.message.ports).toEqual(ports);
    }
    expect(r.pending).toBe(0);
  });

  it('keeps references from different originators apart and times out missing segments', () => {
    const segs = segmentSms(payload(300), { ports, ref: 5 }).map((s) => decodeSmsUserData(s));
    const r = new SmsReassembler(1000);
    r.add('x>y', segs[0], 0);
    r.add('z>y', segs[1], 10);
    expect(r.pending).toBe(2);
    expect(r.sweep(500)).toEqual([]);
    const expired = r.sweep(1005);
    expect(expired).toEqual([{ key: 'x>y|8:5:3', total: 3, received: [1] }]);
    expect(r.sweep(1010)).toHaveLength(1);
    expect(r.pending).toBe(0);
  });
});
