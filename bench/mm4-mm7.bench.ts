import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { mimePart } from '../src/codec/mime/index.ts';
import { buildMm4, decodeMm4, encodeMm4 } from '../src/codec/mm4/index.ts';
import type { Mm7Message } from '../src/codec/mm7/index.ts';
import { decodeMm7, encodeMm7, encodeMm7Xml, mm7Address, validateMm7Xml } from '../src/codec/mm7/index.ts';

/**
 * MM4 / MM7 codecs: messages per second for encode and decode of a typical MM4_forward.REQ
 * (SMIL + text + 20 KB image) and MM7 SubmitReq with the same content, MB/s decoding the
 * 406 KB real DeliverReq from the shared vectors (when present), and the cost of one
 * xmllint-wasm schema validation. Bounded loops.
 */
function rate(label: string, n: number, f: () => void, bytes?: number): void {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  const s = (performance.now() - t0) / 1000;
  const extra = bytes ? `, ${((bytes * n) / s / 1e6).toFixed(1)} MB/s` : '';
  console.log(`${label}: ${(n / s).toFixed(0)} msg/s (${((s / n) * 1000).toFixed(3)} ms each${extra})`);
}

export async function run(): Promise<void> {
  const image = new Uint8Array(20_000).map((_, i) => (i * 31) & 0xff);
  const content = {
    headers: [],
    contentType: 'multipart/related',
    params: { type: 'application/smil', start: '<smil>' },
    body: new Uint8Array(0),
    parts: [
      mimePart('application/smil', '<smil><body><par><img src="cid:i"/></par></body></smil>', {
        contentId: 'smil',
      }),
      mimePart('text/plain', 'Grüße aus Köln'),
      mimePart('image/jpeg', image, { contentId: 'i' }),
    ],
  };
  const fwd = buildMm4(
    'MM4_forward.REQ',
    {
      'X-Mms-3GPP-MMS-Version': '6.16.0',
      'X-Mms-Transaction-ID': 't',
      'X-Mms-Message-ID': 'm',
      Sender: 'mms@a.example',
      From: '+15550001/TYPE=PLMN@a.example',
      To: '+15550002/TYPE=PLMN@b.example',
      Date: 'Sun, 22 Nov 2026 02:58:52 +0000',
      Subject: 'Grüße',
    },
    content,
  );
  const raw4 = encodeMm4(fwd);
  rate('MM4 encode forward.REQ (27 KB)', 2000, () => encodeMm4(fwd), raw4.length);
  rate('MM4 decode forward.REQ (27 KB)', 2000, () => decodeMm4(raw4), raw4.length);

  const sub: Mm7Message = {
    type: 'SubmitReq',
    transactionId: 'tx',
    version: 'REL-6-MM7-1-4',
    fields: {
      MM7Version: '6.8.0',
      Recipients: { To: mm7Address('+15550001', '+15550002') },
      Subject: 'Grüße',
    },
    content,
  };
  const enc7 = encodeMm7(sub);
  rate('MM7 encode SubmitReq (27 KB)', 2000, () => encodeMm7(sub), enc7.body.length);
  rate('MM7 decode SubmitReq (27 KB)', 2000, () => decodeMm7(enc7.body, enc7.contentType), enc7.body.length);

  const big = path.resolve(import.meta.dirname, '../../shared/vectors/mm7/instantcom-mm7/deliver-req4.txt');
  if (existsSync(big)) {
    const b = new Uint8Array(readFileSync(big));
    rate('MM7 decode deliver-req4 (406 KB, real)', 100, () => decodeMm7(b), b.length);
  } else console.log('MM7 406 KB vector: ../shared absent, skipped');

  const xml = encodeMm7Xml(sub);
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await validateMm7Xml(xml, 'REL-6-MM7-1-4');
  console.log(`validateMm7Xml (xmllint-wasm): ${((performance.now() - t0) / 5).toFixed(0)} ms a call`);
}
