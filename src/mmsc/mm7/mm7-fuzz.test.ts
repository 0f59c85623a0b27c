import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMm7, encodeMm7, type Mm7Message, mm7Address } from '../../codec/mm7/index.ts';
import { mulberry32 as rng } from '../../util/prng.ts';
import { type RunningMmsc, startReferenceMmsc } from '../index.ts';
import { createModule } from './index.ts';

/**
 * Robustness: mutated SubmitReqs (byte flips, truncations, splices, duplicated spans; seeded,
 * 300 inputs) at the MM7 endpoint. Every answer is HTTP with a decodable SOAP body (SubmitRsp
 * or an RSErrorRsp in a Fault) — never a dropped connection or an internal error — and the
 * endpoint still accepts a valid SubmitReq afterwards.
 */
let mmsc: RunningMmsc;
let url: string;
beforeAll(async () => {
  mmsc = await startReferenceMmsc(
    { fsync: false, vasps: [{ vaspId: 'OPEN2', shortCodes: ['54321'] }] },
    { modules: [createModule()] },
  );
  url = mmsc.endpoints.find((e) => e.iface === 'MM7')?.url ?? '';
}, 30_000);
afterAll(async () => {
  await mmsc?.stop();
});

const valid = (tid: string): Mm7Message => ({
  type: 'SubmitReq',
  transactionId: tid,
  version: 'REL-6-MM7-1-4',
  fields: {
    MM7Version: '6.8.0',
    SenderIdentification: { VASPID: 'OPEN2', SenderAddress: mm7Address('54321') },
    Recipients: { To: mm7Address('+15559900'), Cc: mm7Address('a@mail.example') },
    DeliveryReport: 'true',
    Subject: 'fuzz & <stuff>',
    ExpiryDate: 'P1D',
  },
  content: {
    headers: [],
    contentType: 'multipart/related',
    params: { type: 'application/smil', start: '<s>' },
    contentId: 'mm',
    body: new Uint8Array(0),
    parts: [
      {
        headers: [],
        contentType: 'application/smil',
        params: {},
        contentId: 's',
        body: Buffer.from('<smil/>'),
      },
      {
        headers: [],
        contentType: 'text/plain',
        params: { charset: 'utf-8' },
        contentId: 't',
        body: Buffer.from('héllo'),
      },
    ],
  },
});

function mutate(base: Uint8Array, r: () => number): Uint8Array {
  const b = Buffer.from(base);
  const kind = Math.floor(r() * 4);
  if (kind === 0) {
    for (let i = 0; i < 1 + Math.floor(r() * 8); i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
    return b;
  }
  if (kind === 1) return b.subarray(0, Math.floor(r() * b.length));
  const at = Math.floor(r() * b.length);
  const len = Math.floor(r() * 64);
  if (kind === 2) return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + len))]);
  return Buffer.concat([
    b.subarray(0, at),
    b.subarray(at, at + len),
    b.subarray(at, at + len),
    b.subarray(at),
  ]);
}

describe('MM7 endpoint under mutated input', () => {
  it('answers every mutated SubmitReq with SOAP (or HTTP 4xx), then still serves', async () => {
    const r = rng(0x6d6d37);
    const { contentType, body } = encodeMm7(valid('fuzz-base'));
    const seen = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const input = mutate(body, r);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: Buffer.from(input),
      });
      const answer = new Uint8Array(await res.arrayBuffer());
      if (res.status >= 400 && res.status < 500) {
        seen.set(`HTTP ${res.status}`, (seen.get(`HTTP ${res.status}`) ?? 0) + 1);
        continue;
      }
      expect([200, 500]).toContain(res.status);
      const m = decodeMm7(answer, res.headers.get('content-type') ?? '');
      expect(['SubmitRsp', 'RSErrorRsp']).toContain(m.type);
      const code = (m.fields.Status as { StatusCode: string }).StatusCode;
      seen.set(`${m.type} ${code}`, (seen.get(`${m.type} ${code}`) ?? 0) + 1);
    }
    // The mutations reach past the XML parser (some answers are not 4004).
    expect([...seen.keys()].some((k) => !k.endsWith('4004'))).toBe(true);
    const { contentType: ct, body: ok } = encodeMm7(valid('fuzz-after'));
    const after = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': ct },
      body: Buffer.from(ok),
    });
    const m = decodeMm7(new Uint8Array(await after.arrayBuffer()), after.headers.get('content-type') ?? '');
    expect((m.fields.Status as { StatusCode: string }).StatusCode).toMatch(/^1[01]00$/);
  }, 120_000);
});
