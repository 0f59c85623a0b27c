import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMmsc, startReferenceMmsc } from './index.ts';
import { createModule as mm3Module } from './mm3/index.ts';
import { createModule as mm7Module } from './mm7/index.ts';

/**
 * The reference MMSC's transport limits (config `connections`) over real loopback sockets, with
 * short timeouts: MM1 and MM7 answer a slowloris request and a stalled body 408 (RFC 9110
 * §15.5.9) and free the socket although the client never closes its side; MM3 answers an idle
 * client 421 (RFC 5321 §4.5.3.2); a listener beyond its cap answers 503; meanwhile an ordinary
 * client of each interface is served.
 */
let mmsc: RunningMmsc;
const port = (iface: string) =>
  Number(new URL(mmsc.endpoints.find((e) => e.iface === iface)!.url.replace('smtp:', 'http:')).port);

beforeAll(async () => {
  mmsc = await startReferenceMmsc(
    {
      fsync: false,
      vasps: [{ vaspId: 'v1', shortCodes: ['1234'] }],
      connections: {
        httpHeadersTimeoutMs: 400,
        httpRequestTimeoutMs: 900,
        httpKeepAliveTimeoutMs: 300,
        smtpIdleTimeoutMs: 600,
        maxPerListener: 30,
      },
    },
    { modules: [mm3Module(), mm7Module()] },
  );
}, 30_000);
afterAll(async () => {
  await mmsc?.stop();
});

/** A client that never closes its side; resolves with what it got and when the server closed. */
function hostile(p: number, first: string, dribble = false): Promise<{ text: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ port: p, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    s.on('connect', () => {
      if (first) s.write(first);
      if (dribble) timer = setInterval(() => s.writable && s.write('X-Slow: 1\r\n'), 100);
    });
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    s.on('error', () => undefined);
    const done = () => {
      clearInterval(timer);
      resolve({ text, ms: Date.now() - t0 });
    };
    s.on('end', done);
    s.on('close', done);
  });
}

/** An ordinary client: writes `text` (after the greeting when `greeted`), waits for `waitFor`. */
function ordinary(p: number, text: string, waitFor: RegExp, greeted = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(p, '127.0.0.1', () => !greeted && s.write(text));
    let got = '';
    s.on('data', (d: Buffer) => {
      if (greeted && got === '') s.write(text);
      got += d.toString('latin1');
      if (waitFor.test(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', reject);
    setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer: ${JSON.stringify(got)}`));
    }, 3000);
  });
}

describe('reference MMSC connection limits', () => {
  it.each(['MM1', 'MM7'])(
    '%s: slowloris headers get 408 and are closed; others are served meanwhile',
    async (iface) => {
      const p = port(iface);
      const slow = hostile(p, 'POST /x HTTP/1.1\r\nHost: x\r\n', true);
      const ok = await ordinary(
        p,
        'GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        /^HTTP\/1\.1 \d{3} /,
      );
      expect(ok).toMatch(/^HTTP\/1\.1 4\d\d /);
      const r = await slow;
      expect(r.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(r.ms).toBeLessThan(4000);
    },
  );

  it('MM1: a stalled body gets 408 after the request timeout', async () => {
    const r = await hostile(
      port('MM1'),
      'POST /mms HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.wap.mms-message\r\nContent-Length: 5000\r\n\r\nab',
    );
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.ms).toBeGreaterThanOrEqual(800);
  });

  it('MM3: an idle SMTP client gets 421 and is closed; another is served meanwhile', async () => {
    const idle = hostile(port('MM3'), '');
    const ok = await ordinary(port('MM3'), 'EHLO ordinary.example\r\n', /\r\n250 /, true);
    expect(ok).toMatch(/^220 /);
    const r = await idle;
    expect(r.text).toMatch(/^220 [^\r]*\r\n421 /);
  });

  it('MM1: connections beyond the cap get 503 at once and MM7 is unaffected', async () => {
    const sockets: net.Socket[] = [];
    const statuses: string[] = [];
    for (let i = 0; i < 45; i++) {
      const s = net.connect({ port: port('MM1'), host: '127.0.0.1', allowHalfOpen: true });
      s.on('error', () => undefined);
      s.on('data', (d: Buffer) => statuses.push(d.toString('latin1').slice(9, 12)));
      sockets.push(s);
      await new Promise((r) => s.once('connect', r));
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(statuses.filter((x) => x === '503').length).toBeGreaterThanOrEqual(10);
    const ok = await ordinary(
      port('MM7'),
      'GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      /^HTTP\/1\.1 \d{3} /,
    );
    expect(ok).toMatch(/^HTTP\/1\.1 4\d\d /);
    for (const s of sockets) s.destroy();
  });
});
