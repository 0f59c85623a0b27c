import { describe, expect, it } from 'vitest';
import { mutate, randomBytes, rng } from '../../../test/support/fuzz-inputs.ts';
import { DecodeError } from '../codec-error.ts';
import { mimePart } from '../mime/build-mime.ts';
import { decodeMm7 } from './decode-mm7.ts';
import { encodeMm7 } from './encode-mm7.ts';
import { mm7Address, mm7Status } from './mm7-builders.ts';
import { mm7ToJson } from './mm7-to-json.ts';

const submit = encodeMm7(
  {
    type: 'SubmitReq',
    transactionId: 'tx',
    version: 'REL-6-MM7-1-4',
    fields: { MM7Version: '6.8.0', Recipients: { To: mm7Address('+15550001') }, Subject: 'a&b' },
    content: mimePart('text/plain', 'hello'),
  },
  { boundary: 'bb' },
);
const rsp = encodeMm7({
  type: 'SubmitRsp',
  transactionId: 'tx',
  version: 'REL-5-MM7-1-0',
  fields: { MM7Version: '5.3.0', Status: mm7Status(1000), MessageID: 'm' },
});
const http = Buffer.concat([
  Buffer.from(
    `POST /mm7 HTTP/1.1\r\nContent-Type: ${submit.contentType}\r\nContent-Length: ${submit.body.length}\r\n\r\n`,
  ),
  submit.body,
]);
const SEEDS = [new Uint8Array(http), submit.body, rsp.body];
const TOKENS = [
  '<',
  '>',
  '/>',
  '</',
  '"',
  '&amp;',
  '&#x',
  ':',
  'xmlns:a="x"',
  'env:',
  '<!DOCTYPE x>',
  '<![CDATA[',
  ']]>',
  '--bb',
  '--bb--',
  '\r\n',
  'cid:',
  '<?xml?>',
  'Transfer-Encoding: chunked\r\n',
];

function only(input: Uint8Array, ct?: string): 'ok' | 'error' {
  try {
    JSON.stringify(mm7ToJson(decodeMm7(input, ct)));
    return 'ok';
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(Number.isInteger(e.offset) && e.offset >= 0).toBe(true);
    return 'error';
  }
}

describe('decodeMm7 is total (bounded fuzz)', () => {
  it('20,000 random inputs, with and without a Content-Type', () => {
    const r = rng(0x4d4d37);
    for (let i = 0; i < 20_000; i++) only(randomBytes(r, 200), i % 2 ? submit.contentType : undefined);
  }, 120_000);
  it('20,000 mutations of valid HTTP / multipart / bare SOAP messages', () => {
    const r = rng(0x4d4d38);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 20_000; i++) {
      const k = i % SEEDS.length;
      seen[only(mutate(r, SEEDS[k], TOKENS), k === 1 ? submit.contentType : undefined)]++;
    }
    expect(seen.ok).toBeGreaterThan(1000);
    expect(seen.error).toBeGreaterThan(1000);
  }, 120_000);
});
