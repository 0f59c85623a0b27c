import * as http from 'node:http';
import { describe, expect, it } from 'vitest';
import { decodeMm7, encodeMm7, mm7Address } from '../../src/codec/mm7/index.ts';
import { mm7HttpPost } from '../../src/net/mm7-http-post.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import {
  flipBits,
  insertOneOf,
  insertRandomBytes,
  mulberry32,
  mutate,
  truncate,
} from '../../test/support/fuzz.ts';
import { Vasp } from './vasp.ts';

/**
 * Robustness: mutated DeliverReq bodies (bit flips, truncation, inserted markup and bytes).
 * Every answer must be MM7: 200 with a decodable Rsp, or 500 with a decodable SOAP Fault
 * carrying VASPErrorRsp — never a bare 500 from a handler that threw. Bounded: 300 requests.
 */

/** What a broken relay can do to an MM7 body: bits, truncation, markup (XXE included), raw bytes. */
const MM7_DAMAGE = [
  flipBits(6),
  truncate,
  insertOneOf([
    '<',
    '>',
    '</x>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '&e;',
    '\u0000',
    ']]>',
    '\r\n--',
  ]),
  insertRandomBytes(1, 32),
];

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
    const r = mulberry32(7);
    const seen = new Map<number, number>();
    try {
      for (let n = 0; n < 300; n++) {
        const a = await mm7HttpPost({
          url,
          contentType: base.contentType,
          body: mutate(base.body, r, MM7_DAMAGE),
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
