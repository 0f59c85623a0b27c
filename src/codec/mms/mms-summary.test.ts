import { describe, expect, it } from 'vitest';
import { buildPdu } from './build-pdu.ts';
import { decodeMms } from './decode-mms.ts';
import { encodeMms } from './encode-mms.ts';
import { mmsSummary } from './mms-summary.ts';

describe('mmsSummary', () => {
  it('publishes the Content-Type parameters of the PDU and of each part (charset by name)', () => {
    const pdu = buildPdu(
      'm-retrieve-conf',
      {
        'X-Mms-Transaction-Id': 't1',
        'X-Mms-MMS-Version': '1.3',
        Date: 1_700_000_000,
        'Content-Type': {
          mediaType: 'application/vnd.wap.multipart.related',
          params: [
            { name: 'start', value: '<s>' },
            { name: 'type', value: 'application/smil' },
          ],
        },
      },
      [
        {
          contentType: { mediaType: 'application/smil', params: [] },
          headers: [{ name: 'Content-ID', value: '<s>' }],
          data: new TextEncoder().encode('<smil/>'),
        },
        {
          contentType: {
            mediaType: 'text/plain',
            params: [
              { name: 'charset', value: 106 },
              { name: 'name', value: 'a.txt' },
            ],
          },
          headers: [],
          data: new TextEncoder().encode('hi'),
        },
      ],
    );
    // through the wire form, as a handset sees it
    const s = mmsSummary(decodeMms(encodeMms(pdu)));
    expect(s.contentTypeParams).toEqual({ start: '<s>', type: 'application/smil' });
    expect(s.parts).toEqual([
      { contentType: 'application/smil', contentId: '<s>', size: 7, head: '3c736d696c2f3e' },
      {
        contentType: 'text/plain',
        params: { charset: 'utf-8', name: 'a.txt' },
        size: 2,
        head: '6869',
        charset: 'utf-8',
        text: 'hi',
      },
    ]);
  });
});
