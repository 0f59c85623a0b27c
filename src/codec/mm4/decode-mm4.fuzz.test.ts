import { describe, expect, it } from 'vitest';
import { mutate, randomBytes, rng } from '../../../test/support/fuzz-inputs.ts';
import { DecodeError } from '../codec-error.ts';
import { mimePart } from '../mime/build-mime.ts';
import { buildMm4 } from './build-mm4.ts';
import { decodeMm4 } from './decode-mm4.ts';
import { encodeMm4 } from './encode-mm4.ts';
import { mm4ToJson } from './mm4-to-json.ts';
import { validateMm4 } from './validate-mm4.ts';

const seed = encodeMm4(
  buildMm4(
    'MM4_forward.REQ',
    {
      'X-Mms-3GPP-MMS-Version': '6.16.0',
      'X-Mms-Transaction-ID': 't',
      'X-Mms-Message-ID': 'm',
      Sender: 's@x.y',
      From: '+1555/TYPE=PLMN@x.y',
      To: '+1556/TYPE=PLMN@z.y',
      Date: 'Sun, 22 Nov 2026 02:58:52 +0000',
      Subject: 'Grüße',
    },
    {
      headers: [],
      contentType: 'multipart/related',
      params: { boundary: 'bb', type: 'application/smil' },
      body: new Uint8Array(0),
      parts: [mimePart('text/plain', 'hi'), mimePart('image/gif', new Uint8Array([0, 1, 255]))],
    },
  ),
);
const TOKENS = [
  '\r\n',
  '\n',
  ': ',
  '--bb',
  '--bb--',
  '=?UTF-8?B?',
  '?=',
  'Content-Type: multipart/mixed; boundary=bb\r\n',
  'Content-Transfer-Encoding: base64\r\n',
  'X-Mms-Message-Type: MM4_forward.RES\r\n',
  ' ',
  '\t',
  '"',
  '<',
  '>',
  ';',
  '=',
];

function only(input: Uint8Array): 'ok' | 'error' {
  try {
    const m = decodeMm4(input);
    validateMm4(m);
    JSON.stringify(mm4ToJson(m));
    return 'ok';
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= input.length).toBe(true);
    return 'error';
  }
}

describe('decodeMm4 is total (bounded fuzz)', () => {
  it('20,000 random inputs: a value or one DecodeError', () => {
    const r = rng(0x4d4d34);
    for (let i = 0; i < 20_000; i++) only(randomBytes(r, 200));
  }, 120_000);
  it('20,000 mutations of a valid MM4_forward.REQ: a value or one DecodeError', () => {
    const r = rng(0x4d4d35);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 20_000; i++) seen[only(mutate(r, seed, TOKENS))]++;
    expect(seen.ok).toBeGreaterThan(1000);
    expect(seen.error).toBeGreaterThan(100);
  }, 120_000);
});
