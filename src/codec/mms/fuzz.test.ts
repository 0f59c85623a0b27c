import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomPdu, rng } from '../../../test/support/random-pdu.ts';
import { ByteReader } from '../bytes.ts';
import { DecodeError } from '../codec-error.ts';
import {
  readContentType,
  readEncodedString,
  readHeaders,
  readInteger,
  readMultipart,
  readTextString,
  readUintvar,
  readValueLength,
} from '../wsp/index.ts';
import { decodeMms, encodeMms, MMS_MESSAGE_TYPES, mmsToJson } from './index.ts';

/** Every decoder under test: each must return a value or throw exactly one DecodeError. */
const DECODERS: Array<[string, (b: Uint8Array) => unknown]> = [
  ['decodeMms', (b) => decodeMms(b)],
  ['readHeaders', (b) => readHeaders(new ByteReader(b))],
  ['readMultipart', (b) => readMultipart(new ByteReader(b))],
  ['readContentType', (b) => readContentType(new ByteReader(b))],
  ['readEncodedString', (b) => readEncodedString(new ByteReader(b), 'f')],
  ['readTextString', (b) => readTextString(new ByteReader(b), 'f')],
  ['readValueLength', (b) => readValueLength(new ByteReader(b), 'f')],
  ['readUintvar', (b) => readUintvar(new ByteReader(b))],
  ['readInteger', (b) => readInteger(new ByteReader(b), 'f')],
];

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const r = rng(7);
  for (const t of MMS_MESSAGE_TYPES) for (let i = 0; i < 3; i++) out.push(encodeMms(randomPdu(t, r)));
  const dir = path.resolve(import.meta.dirname, '../../../../shared/vectors/mms-pdus');
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!/\.(txt|md)$/.test(n) && statSync(p).size < 4096) out.push(new Uint8Array(readFileSync(p)));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  const k = Math.floor(r() * 4);
  if (k === 0) return b.subarray(0, Math.floor(r() * b.length));
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * b.length);
    if (k === 1) b[at] ^= 1 << Math.floor(r() * 8);
    else if (k === 2) b[at] = Math.floor(r() * 256);
    else b[at] = [0x00, 0x1f, 0x7f, 0x80, 0xff, 0x1e, 0x22][Math.floor(r() * 7)];
  }
  return b;
}

describe('fuzz: every decoder is total (a value or one DecodeError)', () => {
  it('>= 100,000 random and mutated inputs', () => {
    const r = rng(0xf022);
    const corpus = seeds();
    let runs = 0;
    const failures: string[] = [];
    const feed = (b: Uint8Array) => {
      for (const [name, decode] of DECODERS) {
        runs++;
        try {
          decode(b);
        } catch (e) {
          if (!(e instanceof DecodeError) && failures.length < 5) {
            failures.push(
              `${name}(${Buffer.from(b.subarray(0, 64)).toString('hex')}): ${(e as Error).stack}`,
            );
          }
        }
      }
    };
    for (let i = 0; i < 6000; i++) {
      const b = new Uint8Array(Math.floor(r() * 48));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(r() * 256);
      if (b.length > 0 && r() < 0.5) b[0] = 0x8c;
      feed(b);
    }
    for (let i = 0; i < 6000; i++) feed(mutate(corpus[Math.floor(r() * corpus.length)], r));
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(100_000);
  }, 60_000);

  it('whatever decodes re-encodes to bytes that decode to the same JSON', () => {
    const r = rng(0xbeef);
    const corpus = seeds();
    let decoded = 0;
    const bad: string[] = [];
    for (let i = 0; i < 20_000 && bad.length < 3; i++) {
      const b = mutate(corpus[Math.floor(r() * corpus.length)], r);
      let pdu: ReturnType<typeof decodeMms>;
      try {
        pdu = decodeMms(b);
      } catch {
        continue;
      }
      decoded++;
      try {
        const again = decodeMms(encodeMms(pdu, { validate: false }));
        if (JSON.stringify(mmsToJson(again)) !== JSON.stringify(mmsToJson(pdu))) {
          bad.push(
            `${Buffer.from(b).toString('hex')}\n${JSON.stringify(mmsToJson(pdu))}\n${JSON.stringify(mmsToJson(again))}`,
          );
        }
      } catch (e) {
        bad.push(`${Buffer.from(b).toString('hex')}: ${(e as Error).message}`);
      }
    }
    expect(bad).toEqual([]);
    expect(decoded).toBeGreaterThan(1000);
  }, 60_000);
});
