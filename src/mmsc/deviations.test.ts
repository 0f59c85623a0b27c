import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSmsc } from '../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../test/support/mm1-client.ts';
import { getHeader, getHeaders } from '../codec/mms/index.ts';
import { decodeSmsUserData, decodeWspPush, portsOf } from '../codec/push/index.ts';
import { MmscConfigError, resolveMmscConfig } from './config.ts';
import { DEVIATION_NAMES, DEVIATIONS, deviates, formatDeviations, probeOf } from './deviations.ts';
import { type RunningMmsc, startReferenceMmsc } from './index.ts';
import { createModule as createMm7Module } from './mm7/index.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Every product file of src/mmsc but the table itself (no tests, no test support). */
function productSources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'testing') out.push(...productSources(p));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'deviations.ts')
      out.push(p);
  }
  return out;
}

describe('the deviation table', () => {
  it('has at least 40 rows with unique kebab-case names, a description and a clause each', () => {
    expect(DEVIATIONS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(DEVIATION_NAMES).size).toBe(DEVIATIONS.length);
    for (const d of DEVIATIONS) {
      expect(d.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.description).not.toMatch(/\n/);
      expect(d.clause).toMatch(/§|RFC|SMPP|SOAP|IR\.52|Annex/);
    }
  });

  it('covers MM1, MM3, MM4, MM5, MM7 and the SMPP / WAP push', () => {
    const ifaces = new Set(DEVIATIONS.map((d) => d.interface));
    expect([...ifaces].sort()).toEqual(['MM1', 'MM3', 'MM4', 'MM5', 'MM7', 'SMPP-push']);
  });

  it('names only deviations some code of src/mmsc checks (outside the table)', () => {
    const text = productSources(HERE)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = DEVIATION_NAMES.filter((n) => !text.includes(`'${n}'`));
    expect(unused).toEqual([]);
  });

  it('gives every row a probe and prints one line a row', () => {
    for (const d of DEVIATIONS) expect(probeOf(d)).not.toBe('');
    expect(formatDeviations().split('\n')).toHaveLength(DEVIATIONS.length);
  });

  it('is off by default and refuses unknown names, listing the valid ones', () => {
    expect(resolveMmscConfig({}).deviate).toEqual([]);
    expect(resolveMmscConfig({ deviate: ['omit-date'] }).deviate).toEqual(['omit-date']);
    expect(() => resolveMmscConfig({ deviate: ['omit-date', 'no-such-thing'] })).toThrow(MmscConfigError);
    expect(() => resolveMmscConfig({ deviate: ['no-such-thing'] })).toThrow(
      /unknown deviation\(s\) no-such-thing \(valid: wrong-tid-echo, .*omit-date/,
    );
    expect(deviates({ deviate: [] }, 'omit-date')).toBe(false);
    expect(deviates({ deviate: ['omit-date'] }, 'omit-date')).toBe(true);
    expect(deviates({}, 'omit-date')).toBe(false);
  });
});

// ---------------------------------------------------------------- the wire really changes

const A = '15550001';
const B = '15550002';
const plmn = (m: string) => `+${m}/TYPE=PLMN`;

let smsc: FakeSmsc | undefined;
let mmsc: RunningMmsc | undefined;
let client: Mm1Client | undefined;

afterEach(async () => {
  client?.close();
  await mmsc?.stop();
  await smsc?.stop();
  client = undefined;
  mmsc = undefined;
  smsc = undefined;
});

async function startWith(deviate: string[], extra: Record<string, unknown> = {}) {
  smsc = new FakeSmsc();
  await smsc.start();
  mmsc = await startReferenceMmsc({
    notification: smsc.route(),
    retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    deviate,
    ...extra,
  });
  client = new Mm1Client(mmsc.endpoints[0].url);
  return { smsc, mmsc, client };
}

/** The user data of a submit_sm as sent (smpp@0.5.1 splits off the UDH elements; see FakeSmsc). */
function userData(sm: unknown): Uint8Array {
  if (Buffer.isBuffer(sm)) return new Uint8Array(sm);
  const { message, udh = [] } = sm as { message: Buffer; udh?: Buffer[] };
  const len = udh.reduce((n, b) => n + b.length, 0);
  return new Uint8Array(Buffer.concat([...(udh.length ? [Buffer.from([len])] : []), ...udh, message]));
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

describe('deviations on the wire', () => {
  it('without deviations m-send-conf echoes the Transaction-ID and gives a Message-ID', async () => {
    const { client } = await startWith([]);
    const conf = await client.postPdu(sendReq('tx-conform', plmn(B)), A);
    expect(getHeader(conf.pdu!, 'X-Mms-Transaction-Id')).toBe('tx-conform');
    expect(getHeader(conf.pdu!, 'Message-ID')).toBeDefined();
  });

  it('wrong-tid-echo and no-message-id: m-send-conf Ok with another Transaction-ID and no Message-ID', async () => {
    const { client } = await startWith(['wrong-tid-echo', 'no-message-id']);
    const conf = await client.postPdu(sendReq('tx-dev', plmn(B)), A);
    expect(getHeader(conf.pdu!, 'X-Mms-Response-Status')).toBe('Ok');
    expect(getHeader(conf.pdu!, 'X-Mms-Transaction-Id')).not.toBe('tx-dev');
    expect(getHeader(conf.pdu!, 'Message-ID')).toBeUndefined();
  });

  it('notification-no-size, omit-date: the notification and the m-retrieve-conf lack them', async () => {
    const { smsc, client } = await startWith(['notification-no-size', 'omit-date']);
    await client.postPdu(sendReq('tx-n', plmn(B)), A);
    const push = await smsc.waitPush((p) => p.to === B);
    expect(getHeader(push.pdu, 'X-Mms-Message-Size')).toBeUndefined();
    expect(getHeader(push.pdu, 'X-Mms-Expiry')).toBeDefined();
    const got = await client.get(String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]), B);
    expect(got.pdu?.type).toBe('m-retrieve-conf');
    expect(getHeader(got.pdu!, 'Date')).toBeUndefined();
    expect(getHeader(got.pdu!, 'Message-ID')).toBeDefined();
  });

  it('serve-foreign-location: another subscriber gets the message instead of 403', async () => {
    const { smsc, client } = await startWith(['serve-foreign-location']);
    await client.postPdu(sendReq('tx-f', plmn(B)), A);
    const push = await smsc.waitPush((p) => p.to === B);
    const got = await client.get(String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]), '15559999');
    expect(got.status).toBe(200);
  });

  it('data-coding-text, no-udhi: the submit_sm carries them', async () => {
    const { smsc, client } = await startWith(['data-coding-text', 'no-udhi']);
    await client.postPdu(sendReq('tx-s', plmn(B)), A);
    await until(() => smsc.submits.length > 0);
    const sm = smsc.submits[0];
    expect(Number(sm.data_coding)).toBe(0);
    expect(Number(sm.esm_class) & 0x40).toBe(0);
  });

  it('wrong-wdp-port and wrong-push-app-id: port 2949 and the WSP push to wml.ua (0x02)', async () => {
    const { smsc, client } = await startWith(['wrong-wdp-port', 'wrong-push-app-id']);
    await client.postPdu(sendReq('tx-a', plmn(B)), A);
    await until(() => smsc.submits.length > 0);
    const ud = decodeSmsUserData(userData(smsc.submits[0].short_message), true);
    expect(ud.udh && portsOf(ud.udh)).toEqual({ source: 9200, destination: 2949 });
    const push = decodeWspPush(ud.payload);
    expect(push.headers.find((h) => h.name === 'X-Wap-Application-Id')?.value).toBe(0x02);
  });

  it('mm7-tid-not-echoed and mm7-fault-as-200: an RSErrorRsp with HTTP 200 and another TransactionID', async () => {
    const body =
      '<?xml version="1.0"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">' +
      '<env:Header><mm7:TransactionID xmlns:mm7="x" env:mustUnderstand="1">tid-77</mm7:TransactionID>' +
      '</env:Header><env:Body><broken>';
    const post = async (deviate: string[]) => {
      const vasps = [{ vaspId: 'VASP1', shortCodes: ['12345'] }];
      mmsc = await startReferenceMmsc({ deviate, vasps }, { modules: [createMm7Module()] });
      const url = mmsc.endpoints.find((e) => e.iface === 'MM7')!.url;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      const text = await res.text();
      await mmsc.stop();
      mmsc = undefined;
      return { status: res.status, text };
    };
    const conform = await post([]);
    expect(conform.status).toBe(500);
    expect(conform.text).toContain('tid-77');
    const deviating = await post(['mm7-tid-not-echoed', 'mm7-fault-as-200']);
    expect(deviating.status).toBe(200);
    expect(deviating.text).toContain('RSErrorRsp');
    expect(deviating.text).not.toContain('tid-77');
  });
});
