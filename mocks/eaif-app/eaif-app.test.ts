import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPdu, decodeMms, encodeMms } from '../../src/codec/mms/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { AirInterface } from '../air-interface.ts';
import { EaifApp } from './eaif-app.ts';

/** The EAIF application mock over loopback: its client against a stand-in MMSC, its server answering the MMSC. */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function startApp(config: JsonObject = {}) {
  const timeline = new Timeline();
  const app = new EaifApp(config);
  const [ep] = await app.start({ timeline, air: new AirInterface() } as never);
  stops.push(() => app.stop());
  return { app, url: ep.url, timeline };
}

function post(url: string, headers: Record<string, string>, body: Uint8Array) {
  return fetch(url, { method: 'POST', headers, body: Buffer.from(body) });
}

describe('eaif-app peer (NOKIA-EAIF)', () => {
  it('its server takes a DeliveryReport (204) and answers what it cannot decode 400; http-status overrides', async () => {
    const { app, url } = await startApp();
    const ind = encodeMms(
      buildPdu('m-delivery-ind', {
        'Message-ID': 'M1',
        To: '+15550001/TYPE=PLMN',
        Date: 1,
        'X-Mms-Status': 'Retrieved',
      }),
    );
    const h = {
      'content-type': 'application/vnd.wap.mms-message',
      'x-nokia-mmsc-version': '1.0',
      'x-nokia-mmsc-message-type': 'DeliveryReport',
    };
    expect((await post(url, h, ind)).status).toBe(204);
    expect((await post(url, { ...h, 'content-type': 'text/plain' }, ind)).status).toBe(400);
    expect((await post(url, h, new TextEncoder().encode('junk'))).status).toBe(400);
    app.use({ kind: 'http-status', code: 503 });
    expect((await post(url, h, ind)).status).toBe(503);
    const got = (await app.actions.received({ type: 'DeliveryReport' })) as JsonObject;
    expect(got.count).toBe(2);
  });

  it('submit POSTs an m-send-req with the X-NOKIA-MMSC headers and Basic auth, and reads the Message-Id', async () => {
    const seen: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
    const mmsc = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204, { 'X-NOKIA-MMSC-Message-Id': 'mid-1' }).end();
      });
    });
    await new Promise<void>((r) => mmsc.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise((r) => mmsc.close(() => r())));
    const target = `http://127.0.0.1:${(mmsc.address() as AddressInfo).port}/eaif`;
    const { app } = await startApp({ target, user: 'u', pass: 'p', shortCodes: ['4444'] });
    const r = (await app.actions.submit({
      to: ['+15550001', '+15550002'],
      subject: 's',
      text: 'hi',
    })) as JsonObject;
    expect(r).toMatchObject({ ok: true, status: 204, messageId: 'mid-1' });
    const h = seen[0].headers;
    expect(h.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(h['x-nokia-mmsc-to']).toBe('+15550001,+15550002');
    expect(h['x-nokia-mmsc-from']).toBe('4444');
    expect(h['x-nokia-mmsc-message-type']).toBe('MultiMediaMessage');
    expect(decodeMms(new Uint8Array(seen[0].body)).type).toBe('m-send-req');
    await app.actions.submit({ to: '+15550001', toHeader: false, auth: false, truncate: 5 });
    expect(seen[1].headers['x-nokia-mmsc-to']).toBeUndefined();
    expect(seen[1].headers.authorization).toBeUndefined();
    expect(seen[1].body.length).toBe(5);
  });
});
