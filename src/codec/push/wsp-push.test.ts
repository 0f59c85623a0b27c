import { describe, expect, it } from 'vitest';
import { DecodeError } from '../codec-error.ts';
import { mediaTypeText } from '../wsp/index.ts';
import { SmsReassembler } from './reassembler.ts';
import { decodeSmsUserData } from './sms-user-data.ts';
import { wapPushToSms } from './wap-push-sms.ts';
import {
  decodeWspPush,
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
