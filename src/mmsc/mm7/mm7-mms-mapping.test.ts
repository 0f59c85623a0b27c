import { describe, expect, it } from 'vitest';
import type { MimeEntity } from '../../codec/mime/index.ts';
import { decodeMms, encodeMms } from '../../codec/mms/index.ts';
import {
  mimeContentOf,
  mm7Addresses,
  mm7AddressOf,
  mm7Time,
  mmsAddressOf,
  mmsBodyOf,
  xsDateTime,
} from './mm7-mms-mapping.ts';

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
const enc = new TextEncoder();

describe('addresses', () => {
  it.each([
    ['Number', '+4915112345', '+4915112345/TYPE=PLMN'],
    ['Number', '4915112345', '4915112345/TYPE=PLMN'],
    ['Number', '+49 151-12345', '+4915112345/TYPE=PLMN'],
    ['ShortCode', '12345', '12345/TYPE=PLMN'],
    ['RFC2822Address', 'a@b.example', 'a@b.example'],
    ['RFC2822Address', 'Alice <a@b.example>', 'a@b.example'],
    ['RFC2822Address', 'no-at-sign', undefined],
    ['Number', 'not a number', undefined],
    ['ShortCode', 'ABC', undefined],
  ] as const)('%s %s -> %s', (kind, value, want) => {
    expect(mmsAddressOf({ kind, value })).toBe(want);
  });

  it.each([
    ['+15550001/TYPE=PLMN', { Number: ['+15550001'] }],
    ['12345/TYPE=PLMN', { ShortCode: ['12345'] }],
    ['a@b.example', { RFC2822Address: ['a@b.example'] }],
  ])('%s as an MM7 address', (a, want) => expect(mm7AddressOf(a)).toEqual(want));

  it('reads every address kind, attributes and displayOnly', () => {
    expect(
      mm7Addresses({
        Number: ['+1555', { '@displayOnly': 'true', '#text': '+1666' }],
        ShortCode: ['777'],
      }),
    ).toEqual([
      { kind: 'Number', value: '+1555', displayOnly: false },
      { kind: 'Number', value: '+1666', displayOnly: true },
      { kind: 'ShortCode', value: '777', displayOnly: false },
    ]);
    expect(mm7Addresses('text')).toEqual([]);
  });
});

describe('relativeOrAbsoluteDate (§8.7.1 ExpiryDate)', () => {
  it.each([
    ['2026-01-02T00:00:00Z', Date.UTC(2026, 0, 2)],
    ['2026-01-01T02:00:00+02:00', NOW],
    ['P1D', NOW + 86_400_000],
    ['PT1H30M', NOW + 5_400_000],
    ['PT0.5S', NOW + 500],
    ['P', undefined],
    ['PT', undefined],
    ['tomorrow', undefined],
    [undefined, undefined],
  ])('%s', (s, want) => expect(mm7Time(s, NOW)).toBe(want));
  it('xs:dateTime out', () => expect(xsDateTime(NOW + 1234)).toBe('2026-01-01T00:00:01Z'));
});

describe('content both ways', () => {
  const smil: MimeEntity = {
    headers: [],
    contentType: 'application/smil',
    params: {},
    contentId: 'smil',
    body: enc.encode('<smil/>'),
  };
  const text: MimeEntity = {
    headers: [],
    contentType: 'text/plain',
    params: { charset: 'utf-8' },
    contentId: 'txt',
    contentLocation: 'a.txt',
    body: enc.encode('héllo'),
  };
  const related: MimeEntity = {
    headers: [],
    contentType: 'multipart/related',
    params: { type: 'application/smil', start: '<smil>', boundary: 'b' },
    body: new Uint8Array(0),
    parts: [smil, text],
  };

  it('multipart/related attachment -> WAP multipart.related MM -> the same MIME structure back', () => {
    const body = mmsBodyOf(related);
    expect(body.contentType).toEqual({
      mediaType: 'application/vnd.wap.multipart.related',
      params: [
        { name: 'type', value: 'application/smil' },
        { name: 'start', value: '<smil>' },
      ],
    });
    const pdu = decodeMms(
      encodeMms(
        {
          type: 'm-send-req',
          headers: [
            { name: 'X-Mms-Message-Type', value: 'm-send-req' },
            { name: 'X-Mms-Transaction-Id', value: 't' },
            { name: 'X-Mms-MMS-Version', value: '1.3' },
            { name: 'To', value: '+1555/TYPE=PLMN' },
            { name: 'Content-Type', value: body.contentType },
          ],
          parts: body.parts,
        },
        { validate: false },
      ),
    );
    const back = mimeContentOf(pdu, 'c');
    expect(back?.contentType).toBe('multipart/related');
    expect(back?.params).toEqual({ type: 'application/smil', start: '<smil>' });
    expect(back?.parts?.map((p) => [p.contentType, p.contentId, Buffer.from(p.body).toString()])).toEqual([
      ['application/smil', 'smil', '<smil/>'],
      ['text/plain', 'txt', 'héllo'],
    ]);
    expect(back?.parts?.[1].params.charset).toBe('utf-8');
    expect(back?.parts?.[1].contentLocation).toBe('a.txt');
  });

  it('a single media object becomes a one-part mixed MM; none an empty one', () => {
    expect(mmsBodyOf(text).parts).toHaveLength(1);
    expect(mmsBodyOf(text).contentType.mediaType).toBe('application/vnd.wap.multipart.mixed');
    expect(mmsBodyOf(undefined).parts).toEqual([]);
  });
});
