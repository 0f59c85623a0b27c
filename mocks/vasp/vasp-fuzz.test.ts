import * as http from 'node:http';
import { describe, expect, it } from 'vitest';
import { decodeMm7, encodeMm7, mm7Address } from '../../src/codec/mm7/index.ts';
import { mm7HttpPost } from '../../src/net/mm7-http-post.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { Vasp } from './vasp.ts';

/**
 * Robustness: mutated DeliverReq bodies (bit flips, truncation, inserted markup and bytes).
 * Every answer must be MM7: 200 with a decodable Rsp, or 500 with a decodable SOAP Fault
 * carrying VASPErrorRsp — never a bare 500 from a handler that threw. Bounded: 300 requests.
 */

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(base: Buffer, r: () => number): Buffer {
  const b = Buffer.from(base);
  const at = Math.floor(r() * b.length);
  switch (Math.floor(r() * 4)) {
    case 0:
      for (let i = 0; i < 1 + Math.floor(r() * 6); i++)
        b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
      return b;
    case 1:
      return b.subarray(0, at);
    case 2: {
      const junk = [
        '<',
        '>',
        '</x>',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        '&e;',
        '\u0000',
        ']]>',
        '\r\n--',
      ];
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.from(junk[Math.floor(r() * junk.length)]),
        b.subarray(at),
      ]);
    }
    default:
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.from(Array.from({ length: 1 + Math.floor(r() * 32) }, () => Math.floor(r() * 256))),
        b.subarray(at),
      ]);
  }
}

describe('Vasp under mutated MM7 input', () => {
  it('answers 300 mutated DeliverReq posts with an Rsp or a SOAP Fault, never a crash', async () => {
    const timeline = new Timeline();
    const vasp = new Vasp();
    const [{ url }] = await vasp.start({ timeline, host: '127.0.0.1' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const base = encodeMm7({
      type: 'DeliverReq',
      transactionId: 'fz',
      version: 'REL-6-MM7-1-4',
      fields: { MM7Version: '6.8.0', Sender: mm7Address('+15550001'), Subject: 'fuzz' },
      content: {
        headers: [],
        contentType: 'text/plain',
        params: {},
        contentId: 'c',
        body: new TextEncoder().encode('hello'),
      },
    });
    const r = rng(7);
    const seen = new Map<number, number>();
    try {
      for (let n = 0; n < 300; n++) {
        const a = await mm7HttpPost({
          url,
          contentType: base.contentType,
          body: mutate(Buffer.from(base.body), r),
          agent,
        });
        seen.set(a.status, (seen.get(a.status) ?? 0) + 1);
        expect([200, 500], `request ${n}`).toContain(a.status);
        const rsp = decodeMm7(a.body, a.contentType);
        expect(a.status === 200 ? 'DeliverRsp' : 'VASPErrorRsp').toBe(rsp.type);
      }
    } finally {
      agent.destroy();
      await vasp.stop();
    }
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'peer-error')).toEqual([]);
    expect(seen.get(200) ?? 0).toBeGreaterThan(0);
    expect(seen.get(500) ?? 0).toBeGreaterThan(0);
  });
});
