import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../codec-error.ts';
import { buildMime, mimePart } from './build-mime.ts';
import { formatContentType, parseContentType, parseParams } from './content-type.ts';
import { decodeEncodedWords, encodeEncodedWord } from './encoded-word.ts';
import type { MimeEntity } from './mime-entity.ts';
import { mimeToJson } from './mime-to-json.ts';
import { parseHeaderBlock, parseMime, parseMimeBody } from './parse-mime.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('Content-Type (RFC 2045 §5.1)', () => {
  it.each([
    ['text/plain', { type: 'text/plain', params: {} }],
    [
      'Multipart/Related; Type="application/smil"; Start="<a b>"; boundary=x;',
      { type: 'multipart/related', params: { type: 'application/smil', start: '<a b>', boundary: 'x' } },
    ],
    [
      'text/plain;charset="utf-8" ; name="a \\"q\\" ;b"',
      { type: 'text/plain', params: { charset: 'utf-8', name: 'a "q" ;b' } },
    ],
    ['image/gif; ', { type: 'image/gif', params: {} }],
  ])('%s', (v, expected) => expect(parseContentType(v)).toEqual(expected));
  it.each(['', 'text', '/plain', 'text/', 'te xt/plain'])('refuses %j', (v) =>
    expect(parseContentType(v)).toBeNull(),
  );
  it('formats with quotes only where tspecials demand', () => {
    expect(
      formatContentType('multipart/related', { type: 'application/smil', start: '<smil>', boundary: 'a_b' }),
    ).toBe('multipart/related; type="application/smil"; start="<smil>"; boundary=a_b');
    expect(parseParams('inline; filename="a;b.txt"')).toEqual({
      value: 'inline',
      params: { filename: 'a;b.txt' },
    });
  });
});

describe('RFC 2047 encoded words', () => {
  it.each([
    ['=?UTF-8?B?R3LDvMOfZQ==?=', 'Grüße'],
    ['=?iso-8859-1?q?Gr=FC=DFe_aus?= K=F6ln', 'Grüe aus K=F6ln'.replace('Grüe', 'Grüße')],
    ['=?UTF-8?Q?a?= =?UTF-8?Q?b?=', 'ab'],
    ['=?x-unknown?B?YQ==?=', '=?x-unknown?B?YQ==?='],
    ['=?UTF-8?B?not base64!?=', '=?UTF-8?B?not base64!?='],
    ['plain', 'plain'],
  ])('%s', (v, expected) => expect(decodeEncodedWords(v)).toBe(expected));
  it('encodes long non-ASCII text as words of at most 75 characters that decode back', () => {
    const s = 'Ünïcödé ☂ '.repeat(12);
    const e = encodeEncodedWord(s);
    for (const w of e.split('\r\n ')) expect(w.length).toBeLessThanOrEqual(75);
    expect(decodeEncodedWords(e.replace(/\r\n /g, ' '))).toBe(s);
    expect(encodeEncodedWord('plain ascii')).toBe('plain ascii');
  });
});

describe('parseMime', () => {
  it('unfolds headers, keeps order, accepts bare LF', () => {
    const { headers, bodyStart } = parseHeaderBlock(enc('A: 1\n  2\r\nB:3\n\nbody'));
    expect(headers).toEqual([
      { name: 'A', value: '1 2' },
      { name: 'B', value: '3' },
    ]);
    expect(bodyStart).toBe(15);
  });

  it('multipart with preamble, transport padding, epilogue, nested parts, base64 and quoted-printable', () => {
    const raw = [
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble to ignore',
      '--outer  ',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=C3=BC=C3=9Fe, soft=',
      ' break=3D',
      '--outer',
      'Content-Type: multipart/related; boundary=inner; type="application/smil"',
      'Content-ID: <rel@x>',
      '',
      '--inner',
      'Content-Type: image/gif',
      'Content-Transfer-Encoding: base64',
      'Content-Location: a.gif',
      '',
      'R0lG',
      'ODlh',
      '--inner--',
      '--outer--',
      'epilogue',
    ].join('\r\n');
    const e = parseMime(enc(raw));
    expect(e.contentType).toBe('multipart/mixed');
    expect(e.parts?.length).toBe(2);
    expect(dec(e.parts?.[0].body)).toBe('Grüße, soft break=');
    const rel = e.parts?.[1];
    expect(rel?.contentId).toBe('rel@x');
    expect(rel?.parts?.[0]).toMatchObject({ contentType: 'image/gif', contentLocation: 'a.gif' });
    expect(dec(rel?.parts?.[0].body)).toBe('GIF89a');
    expect(mimeToJson(e)).toMatchObject({
      parts: [
        { text: 'Grüße, soft break=' },
        { contentId: 'rel@x', parts: [{ body: { $base64: 'R0lGODlh' } }] },
      ],
    });
  });

  it('a body without its header given the Content-Type from outside, boundary not closed', () => {
    const e = parseMimeBody(
      enc('--b\r\n\r\none\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>'),
      'multipart/related; boundary=b',
    );
    expect(e.parts?.map((p) => [p.contentType, dec(p.body)])).toEqual([
      ['text/plain', 'one'],
      ['text/html', '<p>'],
    ]);
  });

  it.each([
    ['header line without colon', 'no colon here\r\n\r\n', 'header', 0],
    ['continuation before any field', ' x\r\n\r\n', 'header', 0],
    ['bad media type', 'Content-Type: nonsense\r\n\r\n', 'Content-Type', 0],
    ['multipart without boundary', 'Content-Type: multipart/mixed\r\n\r\nx', 'Content-Type', 33],
    ['boundary never found', 'Content-Type: multipart/mixed; boundary=q\r\n\r\nabc', 'multipart', 45],
    [
      'illegal base64 octet',
      'Content-Transfer-Encoding: base64\r\n\r\nAB!C',
      'Content-Transfer-Encoding',
      39,
    ],
  ])('%s → one DecodeError at its offset', (_n, raw, field, offset) => {
    try {
      parseMime(enc(raw));
      throw new Error('expected a DecodeError');
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect(e).toMatchObject({ field, offset });
    }
  });

  it('refuses nesting deeper than 16', () => {
    let raw = 'leaf';
    for (let i = 0; i < 20; i++)
      raw = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${raw}\r\n--b${i}--`;
    expect(() => parseMime(enc(raw))).toThrow(DecodeError);
  });
});

describe('buildMime', () => {
  const tree: MimeEntity = {
    headers: [{ name: 'X-Extra', value: 'kept' }],
    contentType: 'multipart/related',
    params: { type: 'application/smil', start: '<s>', boundary: 'B_1' },
    body: new Uint8Array(0),
    parts: [
      mimePart('application/smil', '<smil/>', { contentId: 's' }),
      mimePart('text/plain', 'line1\nline2 ü'),
      mimePart(
        'application/octet-stream',
        new Uint8Array(300).map((_, i) => i % 256),
      ),
    ],
  };
  it('round trips through parseMime, base64 where 7bit is not safe, CRLF everywhere', () => {
    const raw = buildMime(tree);
    const text = Buffer.from(raw).toString('latin1');
    expect(text).toContain(
      'Content-Type: multipart/related; type="application/smil"; start="<s>"; boundary=B_1\r\n',
    );
    expect(/[^\r]\n/.test(text)).toBe(false);
    const back = parseMime(raw);
    expect(back.headers[0]).toEqual({ name: 'X-Extra', value: 'kept' });
    expect(back.parts?.map((p) => [p.contentType, p.contentId])).toEqual([
      ['application/smil', 's'],
      ['text/plain', undefined],
      ['application/octet-stream', undefined],
    ]);
    expect(dec(back.parts?.[1].body)).toBe('line1\nline2 ü');
    expect([...(back.parts?.[2].body ?? [])]).toEqual([...(tree.parts?.[2].body ?? [])]);
  });
  it('postal-mime reads what we build', async () => {
    const email = await PostalMime.parse(
      Buffer.concat([Buffer.from('From: a@b.c\r\nMIME-Version: 1.0\r\n'), buildMime(tree)]),
    );
    expect(email.attachments.map((a) => a.mimeType)).toContain('application/octet-stream');
    expect(email.text).toContain('line2 ü');
  });
  it.each([
    ['bad media type', { ...tree, contentType: 'nope' }],
    ['parts on a leaf type', { ...tree, contentType: 'text/plain' }],
    ['boundary too long', { ...tree, params: { boundary: 'x'.repeat(71) } }],
  ])('refuses %s', (_n, e) => expect(() => buildMime(e as MimeEntity)).toThrow(EncodeError));
});

describe('buildMime transfer encodings', () => {
  const part = mimePart('text/xml', '<a>Grüße</a>');
  it('base64 by default (safe for SMTP without 8BITMIME), 8bit on request for UTF-8 text', () => {
    expect(Buffer.from(buildMime(part)).toString()).toContain('Content-Transfer-Encoding: base64\r\n');
    const eight = Buffer.from(buildMime(part, { eightBitText: true })).toString();
    expect(eight).toContain('Content-Transfer-Encoding: 8bit\r\n');
    expect(eight).toContain('<a>Grüße</a>');
    const bin = mimePart('image/gif', new Uint8Array([0xc3, 0xbc]));
    expect(Buffer.from(buildMime(bin, { eightBitText: true })).toString()).toContain('base64');
  });
});

describe('buildMime on 8-bit clean transports', () => {
  it('binary when a UTF-8 line exceeds 998 octets', () => {
    const long = Buffer.from(
      buildMime(mimePart('text/xml', `<a>${'ü'.repeat(600)}</a>`), { eightBitText: true }),
    ).toString();
    expect(long).toContain('Content-Transfer-Encoding: binary\r\n');
    expect(parseMime(enc(long)).body.length).toBe(1207);
  });
});
