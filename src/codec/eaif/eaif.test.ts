import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../codec-error.ts';
import { buildPdu } from '../mms/build-pdu.ts';
import { encodeMms } from '../mms/encode-mms.ts';
import {
  decodeEaif,
  EAIF_HEADERS,
  type EaifMessage,
  eaifRecipients,
  eaifToJson,
  encodeEaif,
  validateEaif,
} from './index.ts';

const sendReq = encodeMms(
  buildPdu(
    'm-send-req',
    {
      'X-Mms-Transaction-Id': 'T1',
      From: '4444/TYPE=PLMN',
      To: '+15550001/TYPE=PLMN',
      'Content-Type': 'text/plain',
    },
    new TextEncoder().encode('hi'),
  ),
);
const deliveryInd = encodeMms(
  buildPdu('m-delivery-ind', {
    'Message-ID': 'M1',
    To: '+15550001/TYPE=PLMN',
    Date: 1_700_000_000,
    'X-Mms-Status': 'Retrieved',
  }),
);

function request(
  headers: [string, string][],
  body: Uint8Array = sendReq,
  ct = 'application/vnd.wap.mms-message',
) {
  const raw = [['Content-Type', ct], ...headers].flat();
  return decodeEaif({ kind: 'request', rawHeaders: raw, body });
}

const GOOD: [string, string][] = [
  ['X-NOKIA-MMSC-To', '+15550001/TYPE=PLMN, +15550002'],
  ['X-NOKIA-MMSC-From', '4444'],
  ['X-NOKIA-MMSC-Version', '3.0'],
  ['X-NOKIA-MMSC-Message-Type', 'MultiMediaMessage'],
];

describe('EAIF codec (NOKIA-EAIF §4.2)', () => {
  it('decodes a submission: headers, recipients, the m-send-req body; JSON by the table spelling', () => {
    const m = request([...GOOD, ['x-nokia-mmsc-charging', '100'], ['X-Other', 'x']]);
    expect(m.pdu?.type).toBe('m-send-req');
    expect(eaifRecipients(m)).toEqual(['+15550001/TYPE=PLMN', '+15550002']);
    expect(validateEaif(m)).toEqual([]);
    const j = eaifToJson(m);
    expect(j).toMatchObject({
      kind: 'request',
      messageType: 'MultiMediaMessage',
      headers: { 'X-NOKIA-MMSC-From': '4444', 'X-NOKIA-MMSC-Charging': '100' },
      pdu: { 'X-Mms-Message-Type': 'm-send-req' },
    });
    expect(j.headers).not.toHaveProperty('X-Other');
  });

  it('round-trips: encode then decode gives the same headers and body', () => {
    const msg: EaifMessage = {
      kind: 'request',
      contentType: 'application/vnd.wap.mms-message',
      headers: GOOD.map(([name, value]) => ({ name, value })),
      body: sendReq,
    };
    const http = encodeEaif(msg);
    const back = decodeEaif({ kind: 'request', rawHeaders: http.headers.flat(), body: http.body });
    expect(back.headers).toEqual(msg.headers);
    expect(back.body).toEqual(sendReq);
    const ans = encodeEaif({
      kind: 'response',
      status: 204,
      contentType: '',
      headers: [{ name: 'X-NOKIA-MMSC-Message-Id', value: 'abc@mmsc' }],
      body: new Uint8Array(0),
    });
    expect(ans.headers).toEqual([['X-NOKIA-MMSC-Message-Id', 'abc@mmsc']]);
  });

  // one line per malformed input: the field and the offset of the fault
  const at = (hs: [string, string][]) => hs.reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  const ctLine = 'Content-Type'.length + 'application/vnd.wap.mms-message'.length + 4;
  it.each([
    ['bad version', [['X-NOKIA-MMSC-Version', 'three']], 'X-NOKIA-MMSC-Version', ctLine],
    [
      'bad message type',
      [...GOOD.slice(0, 3), ['X-NOKIA-MMSC-Message-Type', 'Hello']],
      'X-NOKIA-MMSC-Message-Type',
      ctLine + at(GOOD.slice(0, 3)),
    ],
    ['bad recipient', [['X-NOKIA-MMSC-To', '+1555, <evil>']], 'X-NOKIA-MMSC-To', ctLine],
    ['empty From', [['X-NOKIA-MMSC-From', '']], 'X-NOKIA-MMSC-From', ctLine],
    ['bad status', [['X-NOKIA-MMSC-Status', '2OO']], 'X-NOKIA-MMSC-Status', ctLine],
  ] as const)('%s -> one DecodeError', (_what, hs, field, offset) => {
    const e = (() => {
      try {
        request(hs as unknown as [string, string][]);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).field).toBe(field);
    expect((e as DecodeError).offset).toBe(offset);
  });

  it('refuses another content type, an empty body and a truncated PDU', () => {
    expect(() => request(GOOD, sendReq, 'text/plain')).toThrow(/Content-Type: an EAIF body is/);
    expect(() => request(GOOD, new Uint8Array(0))).toThrow(/offset 0: body: an EAIF request carries/);
    expect(() => request(GOOD, sendReq.subarray(0, 9))).toThrow(DecodeError);
    expect(() => request(GOOD, sendReq.subarray(0, 9))).toThrow(/body\//);
  });

  it('validation: a body of the wrong PDU type, a missing Message-Type, a request header in an answer', () => {
    const dr = request([...GOOD.slice(0, 3), ['X-NOKIA-MMSC-Message-Type', 'DeliveryReport']], sendReq);
    expect(validateEaif(dr).map((i) => i.field)).toEqual(['body']);
    expect(validateEaif(request(GOOD.slice(0, 3))).map((i) => `${i.field} ${i.reason}`)).toEqual([
      'X-NOKIA-MMSC-Message-Type missing',
    ]);
    const ok = request([...GOOD.slice(0, 3), ['X-NOKIA-MMSC-Message-Type', 'DeliveryReport']], deliveryInd);
    expect(validateEaif(ok)).toEqual([]);
    const ans: EaifMessage = {
      kind: 'response',
      status: 204,
      contentType: '',
      headers: [{ name: 'X-NOKIA-MMSC-To', value: '+15550001' }],
      body: new Uint8Array(0),
    };
    expect(() => encodeEaif(ans)).toThrow(EncodeError);
    expect(encodeEaif(ans, { validate: false }).headers).toEqual([['X-NOKIA-MMSC-To', '+15550001']]);
  });

  it('every row names its clause in the guide and a known codec', () => {
    for (const r of EAIF_HEADERS) {
      expect(r.name).toMatch(/^X-NOKIA-MMSC-/);
      expect(r.clause).toMatch(/^NOKIA-EAIF/);
    }
  });
});
