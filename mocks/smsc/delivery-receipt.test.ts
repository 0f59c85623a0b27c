import { describe, expect, it } from 'vitest';
import { messageState } from '../../src/codec/smpp/index.ts';
import { formatReceipt, parseReceipt, receiptDate } from './delivery-receipt.ts';

describe('delivery receipt text (SMPP 3.4 Appendix B)', () => {
  it('formats the common text and parses it back', () => {
    const text = formatReceipt({
      messageId: '0000000042',
      submitted: new Date(Date.UTC(2026, 10, 22, 3, 4, 5)),
      done: new Date(Date.UTC(2026, 10, 22, 3, 5, 0)),
      state: messageState('DELIVERED')!,
      text: new Uint8Array(Buffer.from('Hello\x01world, this is longer than twenty')),
    });
    expect(text).toBe(
      'id:0000000042 sub:001 dlvrd:001 submit date:2611220304 done date:2611220305 stat:DELIVRD err:000 text:Hello.world, this is',
    );
    expect(parseReceipt(text)).toEqual({
      id: '0000000042',
      sub: 1,
      dlvrd: 1,
      submitDate: '2611220304',
      doneDate: '2611220305',
      stat: 'DELIVRD',
      err: 0,
      text: 'Hello.world, this is',
    });
  });

  it('a failed delivery says dlvrd:000 and the state word', () => {
    const text = formatReceipt({
      messageId: '1',
      submitted: new Date(0),
      done: new Date(0),
      state: messageState('UNDELIV')!,
      err: 1,
    });
    expect(text).toContain('dlvrd:000');
    expect(text).toContain('stat:UNDELIV err:001');
    expect(receiptDate(new Date(0))).toBe('7001010000');
    expect(parseReceipt('not a receipt')).toBeUndefined();
  });
});
