import { describe, expect, it } from 'vitest';
import { keysOfJson, keysOfString, numberKey } from './identity-keys.ts';

describe('identity keys', () => {
  it.each([
    ['155500047064', undefined, ['n:155500047064']],
    ['+155500047064', undefined, ['n:155500047064']],
    ['+155500016171/TYPE=PLMN@mms.mnc001.mcc310.gprs', undefined, ['n:155500016171']],
    ['Alice <+155500016171/TYPE=PLMN>', undefined, ['n:155500016171']],
    ['4.6.0.7.4.0.0.0.5.5.5.1.e164.arpa', undefined, ['n:155500047064']],
    ['/hlr/v1/subscribers/15550009999', undefined, ['n:15550009999']],
    ['Carol@Example.com', undefined, ['a:carol@example.com']],
    ['tx-mxcdnrma-2', 'transactionId', ['id:tx-mxcdnrma-2']],
    ['mxcdnrng-GW', 'X-Mms-Message-ID', ['id:mxcdnrng-GW']],
    ['0000000001', 'receipted_message_id', ['id:0000000001']],
    ['12345', undefined, []],
    ['MMSC', undefined, []],
    ['2026-12-06T21:52:45Z', undefined, []],
  ])('%s (%s) -> %j', (value, field, keys) => {
    expect(keysOfString(value, field)).toEqual(keys);
  });

  it('walks JSON, carrying field names to list items, skipping bytes', () => {
    const keys = keysOfJson({
      destination_addr: '155500047064',
      messageIds: ['0000000001', '0000000002'],
      Recipients: { To: { Number: ['+155500044465'] } },
      raw: { $base64: 'MTU1NTAwMDQ3MDY0' },
      sequence_number: 7,
    });
    expect([...keys].sort()).toEqual(['id:0000000001', 'id:0000000002', 'n:155500044465', 'n:155500047064']);
  });

  it('finds e-mail addresses in a long text in linear time', () => {
    // 400 kB of address characters without `@`, then an address: quadratic scanning takes minutes
    const text = `${'ah'.repeat(200_000)} to x.y+z@mail.example.org, more`;
    const t0 = performance.now();
    expect(keysOfString(text)).toEqual(['a:x.y+z@mail.example.org']);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(keysOfString('a@b.com; c.d@e.org')).toEqual(['a:a@b.com', 'a:c.d@e.org']);
  });

  it('numberKey drops + and spaces', () => {
    expect(numberKey('+1 555 000 47064')).toBe('n:155500047064');
  });
});
