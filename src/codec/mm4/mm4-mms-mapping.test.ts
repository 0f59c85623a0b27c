import { describe, expect, it } from 'vitest';
import { EncodeError } from '../codec-error.ts';
import { buildPdu, decodeMms, encodeMms, getHeader, validateMms } from '../mms/index.ts';
import { getMm4Header } from './build-mm4.ts';
import { decodeMm4 } from './decode-mm4.ts';
import { encodeMm4 } from './encode-mm4.ts';
import { mm4FromMms, mmsFromMm4 } from './mm4-mms-mapping.ts';
import { validateMm4 } from './validate-mm4.ts';

const CTX = {
  recipientDomain: 'mms.mnc002.mcc262.gprs',
  originatorDomain: 'mms.mnc001.mcc262.gprs',
  transactionId: 'tx-42',
  messageId: 'mid-42',
  date: new Date(Date.UTC(2026, 10, 22, 3, 0, 0)),
};
const enc = (s: string) => new TextEncoder().encode(s);

function sendReq() {
  const pdu = buildPdu(
    'm-send-req',
    {
      'X-Mms-Transaction-Id': 'T1',
      From: '+15550001111/TYPE=PLMN',
      To: ['+491711234567/TYPE=PLMN', 'alice@example.org'],
      Bcc: '+491710000000/TYPE=PLMN',
      Subject: 'Grüße',
      'X-Mms-Message-Class': 'Personal',
      'X-Mms-Priority': 'High',
      'X-Mms-Delivery-Report': 'Yes',
      'X-Mms-Read-Report': 'No',
      'X-Mms-Expiry': { relative: 3600 },
      'Content-Type': {
        mediaType: 'application/vnd.wap.multipart.related',
        params: [
          { name: 'type', value: 'application/smil' },
          { name: 'start', value: '<smil>' },
        ],
      },
    },
    [
      {
        contentType: { mediaType: 'application/smil', params: [] },
        headers: [{ name: 'Content-ID', value: '<smil>' }],
        data: enc('<smil/>'),
      },
      {
        contentType: { mediaType: 'text/plain', params: [{ name: 'charset', value: 106 }] },
        headers: [{ name: 'Content-Location', value: 'hi.txt' }],
        data: enc('Hallo Köln'),
      },
    ],
  );
  // through the binary codec, so the mapping sees what a real MM1 decoder returns
  return decodeMms(encodeMms(pdu));
}

describe('MM1 → MM4 → MM1 (TS 23.140 §8.4)', () => {
  it('m-send-req becomes a valid MM4_forward.REQ and comes back as m-retrieve-conf', () => {
    const fwd = mm4FromMms(sendReq(), CTX);
    expect(validateMm4(fwd)).toEqual([]);
    expect(getMm4Header(fwd, 'To')).toBe('+491711234567/TYPE=PLMN@mms.mnc002.mcc262.gprs, alice@example.org');
    expect(getMm4Header(fwd, 'From')).toBe('+15550001111/TYPE=PLMN@mms.mnc001.mcc262.gprs');
    expect(getMm4Header(fwd, 'Bcc')).toBeUndefined();
    expect(getMm4Header(fwd, 'X-Mms-Read-Reply')).toBe('No');
    expect(getMm4Header(fwd, 'X-Mms-Expiry')).toBe('3600');
    expect(getMm4Header(fwd, 'Message-ID')).toBe('<mid-42@mms.mnc001.mcc262.gprs>');
    expect(fwd.content?.contentType).toBe('multipart/related');
    expect(fwd.content?.params).toMatchObject({ type: 'application/smil', start: '<smil>' });
    expect(fwd.content?.parts?.[1].params.charset).toBe('utf-8');

    const wire = decodeMm4(encodeMm4(fwd));
    const conf = mmsFromMm4(wire);
    expect(conf.type).toBe('m-retrieve-conf');
    expect(getHeader(conf, 'From')).toBe('+15550001111/TYPE=PLMN');
    expect(getHeader(conf, 'Message-ID')).toBe('mid-42');
    expect(conf.headers.filter((h) => h.name === 'To').map((h) => h.value)).toEqual([
      '+491711234567/TYPE=PLMN',
      'alice@example.org',
    ]);
    expect(getHeader(conf, 'Date')).toBe(Date.UTC(2026, 10, 22, 3, 0, 0) / 1000);
    expect(conf.parts?.map((p) => p.contentType.mediaType)).toEqual(['application/smil', 'text/plain']);
    expect(new TextDecoder().decode(conf.parts?.[1].data)).toBe('Hallo Köln');
    // the MM1 codec accepts what the mapping produced
    expect(decodeMms(encodeMms(conf, { validate: false })).type).toBe('m-retrieve-conf');
    expect(validateMms(conf).filter((i) => !/Transaction|Version/i.test(JSON.stringify(i)))).toEqual([]);
  });

  it('m-delivery-ind ↔ MM4_delivery_report.REQ', () => {
    const ind = buildPdu('m-delivery-ind', {
      'Message-ID': 'mid-42',
      To: '+491711234567/TYPE=PLMN',
      Date: 1_795_000_000,
      'X-Mms-Status': 'Retrieved',
    });
    const rep = mm4FromMms(ind, { ...CTX, originator: '+15550001111/TYPE=PLMN' });
    expect(validateMm4(rep)).toEqual([]);
    expect(getMm4Header(rep, 'X-Mms-MMS-Status')).toBe('Retrieved');
    const back = mmsFromMm4(decodeMm4(encodeMm4(rep)));
    expect(back.type).toBe('m-delivery-ind');
    expect(getHeader(back, 'X-Mms-Status')).toBe('Retrieved');
    expect(getHeader(back, 'To')).toBe('+491711234567/TYPE=PLMN');
  });

  it('m-read-rec-ind ↔ MM4_read_reply_report.REQ (read status spelling differs)', () => {
    const ind = buildPdu('m-read-rec-ind', {
      'Message-ID': 'mid-42',
      To: '+15550001111/TYPE=PLMN',
      From: '+491711234567/TYPE=PLMN',
      'X-Mms-Read-Status': 'Deleted-without-being-read',
    });
    const rep = mm4FromMms(ind, CTX);
    expect(validateMm4(rep)).toEqual([]);
    expect(getMm4Header(rep, 'X-Mms-Read-Status')).toBe('Deleted without being read');
    const back = mmsFromMm4(decodeMm4(encodeMm4(rep)));
    expect(back.type).toBe('m-read-orig-ind');
    expect(getHeader(back, 'X-Mms-Read-Status')).toBe('Deleted-without-being-read');
  });

  it('refuses what has no counterpart', () => {
    expect(() => mm4FromMms(buildPdu('m-send-conf', { 'X-Mms-Response-Status': 'Ok' }), CTX)).toThrow(
      EncodeError,
    );
    expect(() => mmsFromMm4({ type: 'MM4_forward.RES', headers: [] })).toThrow(EncodeError);
    const insert = buildPdu(
      'm-send-req',
      { From: { insertAddress: true }, To: '+1555/TYPE=PLMN', 'Content-Type': 'text/plain' },
      enc('x'),
    );
    expect(() => mm4FromMms(insert, CTX)).toThrow(/ctx.from/);
    expect(getMm4Header(mm4FromMms(insert, { ...CTX, from: '+1666/TYPE=PLMN' }), 'From')).toBe(
      '+1666/TYPE=PLMN@mms.mnc001.mcc262.gprs',
    );
  });
});
