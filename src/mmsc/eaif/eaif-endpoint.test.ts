import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPdu, decodeMms, encodeMms } from '../../codec/mms/index.ts';
import { Timeline } from '../../wire/timeline.ts';
import { type RunningMmsc, startReferenceMmsc } from '../index.ts';
import { createModule } from '../mm7/index.ts';

/**
 * The EAIF endpoint of the reference MMSC over a real socket (NOKIA-EAIF §4.2, §5, §3.2): a
 * submission answered 204 + X-NOKIA-MMSC-Message-Id; hostile input (no or wrong credentials, an
 * MM7 account's credentials, another content type, a truncated PDU, a malformed header, a body
 * of the wrong type, GET) answered with HTTP's own error while the endpoint keeps serving; a
 * delivery report the application asked for POSTed back as a DeliveryReport carrying the
 * m-delivery-ind.
 */
const timeline = new Timeline();
let mmsc: RunningMmsc;
let app: http.Server;
let url: string;
const got: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
const AUTH = `Basic ${Buffer.from('eaif-app:pw').toString('base64')}`;

beforeAll(async () => {
  app = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const appPort = (app.address() as AddressInfo).port;
  mmsc = await startReferenceMmsc(
    {
      fsync: false,
      retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 },
      vasps: [
        { vaspId: 'VASP1', username: 'vasp-one', password: 'x', shortCodes: ['12345'] },
        {
          vaspId: 'EAIF1',
          username: 'eaif-app',
          password: 'pw',
          shortCodes: ['4444'],
          dialect: 'eaif',
          callbackUrl: `http://127.0.0.1:${appPort}/eaif`,
        },
      ],
    },
    { modules: [createModule()], timeline },
  );
  url = mmsc.endpoints.find((e) => e.iface === 'EAIF')?.url ?? '';
}, 20_000);

afterAll(async () => {
  await mmsc?.stop();
  await new Promise((r) => app?.close(r));
});

function sendReq(tid: string, extra: Record<string, string> = {}): Uint8Array {
  return encodeMms(
    buildPdu(
      'm-send-req',
      {
        'X-Mms-Transaction-Id': tid,
        From: '4444/TYPE=PLMN',
        To: '+15550001/TYPE=PLMN',
        'Content-Type': 'text/plain',
        ...extra,
      },
      new TextEncoder().encode('hello'),
    ),
  );
}

async function post(body: Uint8Array, headers: Record<string, string> = {}, method = 'POST') {
  const r = await fetch(url, {
    method,
    headers: {
      authorization: AUTH,
      'content-type': 'application/vnd.wap.mms-message',
      'x-nokia-mmsc-version': '1.0',
      'x-nokia-mmsc-message-type': 'MultiMediaMessage',
      ...headers,
    },
    ...(method === 'GET' ? {} : { body: Buffer.from(body) }),
  });
  await r.arrayBuffer();
  return { status: r.status, id: r.headers.get('x-nokia-mmsc-message-id') };
}

describe('EAIF endpoint of the reference MMSC', () => {
  it('answers a submission 204 with X-NOKIA-MMSC-Message-Id, and hostile input with HTTP errors while serving on', async () => {
    const ok = await post(sendReq('t1'));
    expect(ok.status).toBe(204);
    expect(ok.id).toMatch(/\S/);
    const cases: [string, Promise<{ status: number }>, number][] = [
      ['no credentials', post(sendReq('t2'), { authorization: '' }), 401],
      [
        'an MM7 account',
        post(sendReq('t3'), { authorization: `Basic ${Buffer.from('vasp-one:x').toString('base64')}` }),
        401,
      ],
      ['another content type', post(sendReq('t4'), { 'content-type': 'text/xml' }), 415],
      ['a truncated PDU', post(sendReq('t5').subarray(0, 12)), 400],
      ['a malformed header', post(sendReq('t6'), { 'x-nokia-mmsc-version': 'v1' }), 400],
      ['a bad recipient header', post(sendReq('t7'), { 'x-nokia-mmsc-to': '<script>' }), 400],
      [
        'a DeliveryReport submitted',
        post(sendReq('t8'), { 'x-nokia-mmsc-message-type': 'DeliveryReport' }),
        400,
      ],
      ['GET', post(new Uint8Array(0), {}, 'GET'), 405],
    ];
    for (const [what, p, status] of cases) expect((await p).status, what).toBe(status);
    expect((await post(sendReq('t9'))).status).toBe(204);
  });

  it('X-NOKIA-MMSC-To replaces the PDU recipients; a delivery report comes back as a DeliveryReport', async () => {
    const r = await post(sendReq('t10', { 'X-Mms-Delivery-Report': 'Yes' }), {
      'x-nokia-mmsc-to': '+15550002',
    });
    expect(r.status).toBe(204);
    const id = r.id ?? '';
    const m = mmsc.core.store.get(id);
    expect(m?.recipients.map((x) => x.address)).toEqual(['+15550002/TYPE=PLMN']);
    await mmsc.core.setRecipientStatus(id, 0, 'retrieved');
    const deadline = Date.now() + 3000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((x) => setTimeout(x, 20));
    expect(got[0]?.headers['x-nokia-mmsc-message-type']).toBe('DeliveryReport');
    expect(got[0]?.headers['x-nokia-mmsc-message-id']).toBe(id);
    const pdu = decodeMms(new Uint8Array(got[0]?.body ?? []));
    expect(pdu.type).toBe('m-delivery-ind');
  });
});
