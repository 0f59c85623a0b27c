import { describe, expect, it } from 'vitest';
import { decodeCharset } from '../../src/codec/charsets.ts';
import { decodeMms } from '../../src/codec/mms/index.ts';
import { contentTypeToString } from '../../src/codec/wsp/index.ts';
import { cancelConf, sendReq } from './mms-pdus.ts';

const base = { to: '+15550002', transactionId: 't-1', version: '1.2' as const };

describe('sendReq parts', () => {
  it('encodes text in the charset it declares (shift_jis, utf-16, iso-8859-7)', () => {
    const rows = [
      { charset: 'shift_jis', mib: 17, text: '日本語のテキスト' },
      { charset: 'utf-16', mib: 1015, text: 'Grüße – ☃' },
      { charset: 'iso-8859-7', mib: 10, text: 'Καλημέρα' },
    ];
    for (const r of rows) {
      const pdu = decodeMms(
        sendReq(
          { ...base, parts: [{ contentType: 'text/plain', text: r.text, charset: r.charset }] },
          'ue.t',
        ),
      );
      const part = pdu.parts?.[0];
      expect(part).toBeDefined();
      expect(contentTypeToString(part!.contentType)).toContain(`charset=${r.charset}`);
      expect(decodeCharset(part!.data, r.mib)).toBe(r.text);
      // Not UTF-8 on the wire (the charset really changed the octets).
      expect(Buffer.from(part!.data).toString('utf8')).not.toBe(r.text);
    }
  });

  it('keeps utf-8 as the default charset', () => {
    const pdu = decodeMms(sendReq({ ...base, parts: [{ contentType: 'text/plain', text: 'é' }] }, 'ue.t'));
    expect(contentTypeToString(pdu.parts![0].contentType)).toContain('charset=utf-8');
    expect([...pdu.parts![0].data]).toEqual([0xc3, 0xa9]);
  });

  it('fills a part of the requested size', () => {
    const pdu = decodeMms(
      sendReq({ ...base, parts: [{ contentType: 'application/octet-stream', size: 1000 }] }, 'ue.t'),
    );
    expect(pdu.parts![0].data.length).toBe(1000);
    expect(pdu.parts![0].data[0]).toBe(0x21);
  });

  it('refuses an unknown charset, a charset without text and a bad size', () => {
    const bad = [
      { contentType: 'text/plain', text: 'x', charset: 'klingon-1' },
      { contentType: 'text/plain', base64: 'AA==', charset: 'utf-8' },
      { contentType: 'text/plain', size: -1 },
      { contentType: 'text/plain', size: 1.5 },
    ];
    for (const p of bad) expect(() => sendReq({ ...base, parts: [p] }, 'ue.t')).toThrow(/part 0/);
  });
});

describe('cancelConf', () => {
  it('is an m-cancel-conf of MMS 1.3 with the Transaction-ID and X-Mms-Cancel-Status', () => {
    const pdu = decodeMms(
      cancelConf({ transactionId: 'T-9', version: '1.3', status: 'Cancel-request-corrupted' }),
    );
    expect(pdu.type).toBe('m-cancel-conf');
    const h = Object.fromEntries(pdu.headers.map((x) => [x.name, x.value]));
    expect(h['X-Mms-Transaction-Id']).toBe('T-9');
    expect(h['X-Mms-Cancel-Status']).toBe('Cancel-request-corrupted');
  });
});
