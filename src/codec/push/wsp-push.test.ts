import { describe, expect, it } from 'vitest';
import { DecodeError } from '../codec-error.ts';
import { mediaTypeText } from '../wsp/index.ts';
import { SmsReassembler } from './reassembler.ts';
import { decodeSmsUserData } from './sms-user-data.ts';
import { wapPushToSms } from './wap-push-sms.ts';
import {
  decodeWspPush,
  decodeWspPushLenient,
  encodeWspPush,
  isMmsPush,
  mmsNotificationPush,
  pushApplicationId,
} from './wsp-push.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
// A minimal m-notification-ind head: Message-Type m-notification-ind, Transaction-Id "T1", MMS-Version 1.2
const notif = hex('8C82 98 543100 8D92 8A80 8E0203E8 8805810303F480 83 687474703A2F2F782F7900');

describe('WSP connectionless push (WAP-230 §8.2.4.1)', () => {
  it('encodes the MMS notification push as phones expect: TID 06 03 BE AF 84', () => {
    const bytes = encodeWspPush(mmsNotificationPush(notif, 0x2a));
    expect(Buffer.from(bytes.subarray(0, 6)).toString('hex')).toBe('2a0603beaf84');
    expect(Buffer.from(bytes.subarray(6)).equals(Buffer.from(notif))).toBe(true);
  });

  it('decodes it back: content type, application id, body view', () => {
    const push = decodeWspPush(encodeWspPush(mmsNotificationPush(notif, 7)));
    expect(push.tid).toBe(7);
    expect(push.pduType).toBe('Push');
    expect(mediaTypeText(push.contentType)).toBe('application/vnd.wap.mms-message');
    expect(pushApplicationId(push)).toBe(4);
    expect(isMmsPush(push)).toBe(true);
    expect(Buffer.from(push.body).equals(Buffer.from(notif))).toBe(true);
  });

  it('decodes a push with a textual content type and a URI application id', () => {
    const text = Buffer.from('application/vnd.wap.mms-message\0', 'ascii').toString('hex');
    const appid = `af${Buffer.from('x-wap-application:mms.ua\0').toString('hex')}`;
    const len = (text.length + appid.length) / 2;
    const push = decodeWspPush(hex(`01 06 ${len.toString(16).padStart(2, '0')} ${text} ${appid} 8c82`));
    expect(isMmsPush(push)).toBe(true);
    expect(pushApplicationId(push)).toBe('x-wap-application:mms.ua');
  });

  it.each([
    ['empty', '', 'TID'],
    ['not a push', '01 04 00', 'PDU-Type'],
    ['headers past the end', '01 06 09 BE', 'Headers'],
    ['bad uintvar', '01 06 FFFFFFFFFF', 'HeadersLen'],
  ])('%s -> one DecodeError', (_n, input, field) => {
    try {
      decodeWspPush(hex(input));
      expect.fail('decoded');
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).field).toBe(field);
    }
  });

  it('a long notification travels as concatenated SMS and comes back whole', () => {
    const long = new Uint8Array(420).map((_, i) => i & 0xff);
    long.set(notif);
    const segs = wapPushToSms(long, { ref: 0x99 });
    expect(segs.length).toBe(4);
    const r = new SmsReassembler();
    let result: ReturnType<SmsReassembler['add']> | undefined;
    for (const s of [...segs].reverse()) result = r.add('o', decodeSmsUserData(s));
    expect(result?.status).toBe('complete');
    if (result?.status !== 'complete') return;
    expect(result.message.ports).toEqual({ source: 9200, destination: 2948 });
    const push = decodeWspPush(result.message.payload);
    expect(Buffer.from(push.body).equals(Buffer.from(long))).toBe(true);
  });
});

describe('decodeWspPushLenient: one line per malformed push (what is recovered, which defects)', () => {
  const cases: Array<[string, string, { ct?: string; appId?: number; body?: string; defects: string[] }]> = [
    [
      'well-formed',
      '2a 06 03 be af84 8c82',
      { ct: 'application/vnd.wap.mms-message', appId: 4, body: '8c82', defects: [] },
    ],
    [
      'Content-Type with a bad Long-integer in its Value-length: stepped over, the MMS UA application id decides',
      '2a 06 05 02 1f 01 af84 8c82',
      {
        ct: 'application/vnd.wap.mms-message',
        appId: 4,
        body: '8c82',
        defects: ['offset 4: Content-Type: Long-integer length 31 not in 1..30'],
      },
    ],
    [
      'Content-Type text without NUL: nothing after it can be read, the data still can',
      '2a 06 04 4142 af84 8c82',
      {
        ct: 'application/octet-stream',
        body: '8c82',
        defects: ['offset 3: Content-Type: Text-string without End-of-string (NUL)'],
      },
    ],
    [
      'a header that breaks the header grammar ends the headers',
      '2a 06 05 be 00 41 af84 8c82',
      {
        ct: 'application/vnd.wap.mms-message',
        body: '8c82',
        defects: ['offset 4: Headers: octet 0x00 is neither a header code nor a header name'],
      },
    ],
    [
      'not a push PDU type: nothing',
      '2a 08 03 beaf84 8c82',
      { defects: ['offset 1: PDU-Type: 0x8 is not Push (0x06) or ConfirmedPush (0x07)'] },
    ],
    [
      'HeadersLen beyond the PDU: nothing',
      '2a 06 09 be af84 8c82',
      { defects: ['offset 3: Headers: needs 9 octet(s), 5 left'] },
    ],
  ];
  it.each(cases)('%s', (_label, bytes, want) => {
    const l = decodeWspPushLenient(hex(bytes));
    const appId = l.push ? pushApplicationId(l.push) : undefined;
    expect({
      ...(l.push
        ? { ct: mediaTypeText(l.push.contentType), body: Buffer.from(l.push.body).toString('hex') }
        : {}),
      ...(typeof appId === 'number' ? { appId } : {}),
      defects: l.defects.map((d) => d.toLine()),
    }).toEqual(want);
  });
});
