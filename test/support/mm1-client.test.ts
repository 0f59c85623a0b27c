import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPdu, getHeader, getHeaders } from '../../src/codec/mms/index.ts';
import { type RunningMmsc, startReferenceMmsc } from '../../src/mmsc/index.ts';
import { FakeSmsc } from './fake-smsc.ts';
import { Mm1Client, sendReq } from './mm1-client.ts';

/** The bench's client setting (lean) and the tests' (node's http) see the same MM1 answers. */

let smsc: FakeSmsc;
let mmsc: RunningMmsc;

beforeEach(async () => {
  smsc = new FakeSmsc();
  await smsc.start();
  mmsc = await startReferenceMmsc({
    notification: { route: 'smpp', host: '127.0.0.1', port: smsc.port, systemId: 'mmsc', password: 'secret' },
  });
});

afterEach(async () => {
  await mmsc.stop();
  await smsc.stop();
});

describe('Mm1Client', () => {
  for (const lean of [false, true]) {
    it(`runs a whole MM1 flow (${lean ? 'lean' : 'node'} HTTP client)`, async () => {
      const client = new Mm1Client(mmsc.endpoints[0].url, 'X-MSISDN', { lean });
      try {
        const to = lean ? '15550012' : '15550011';
        const conf = await client.postPdu(sendReq(`t-${lean}`, `+${to}/TYPE=PLMN`), '15550001');
        expect(conf.status).toBe(200);
        expect(conf.pdu?.type).toBe('m-send-conf');
        expect(getHeader(conf.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
        const [push] = await smsc.waitForPushes(1);
        expect(push.to).toBe(to);
        const location = String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]);
        const got = await client.get(location, to);
        expect(got.status).toBe(200);
        expect(got.pdu?.type).toBe('m-retrieve-conf');
        expect(getHeader(got.pdu!, 'Message-ID')).toBe(getHeader(conf.pdu!, 'Message-ID'));
        const nr = await client.postPdu(
          buildPdu('m-notifyresp-ind', {
            'X-Mms-Transaction-Id': String(getHeader(push.pdu, 'X-Mms-Transaction-Id')),
            'X-Mms-MMS-Version': '1.3',
            'X-Mms-Status': 'Retrieved',
          }),
          to,
        );
        expect(nr.status).toBe(204);
        expect(nr.body.length).toBe(0);
        expect((await client.get(`${location}x`, to)).status).toBe(404);
        const refused = await client.post(new Uint8Array([1, 2, 3]), to, 'text/plain');
        expect(refused.status).toBe(415);
        expect(refused.body.toString()).toMatch(/Content-Type must be/);
      } finally {
        client.close();
      }
    });
  }
});
