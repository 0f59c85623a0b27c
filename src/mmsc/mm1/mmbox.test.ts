import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSmsc, type ReceivedPush } from '../../../test/support/fake-smsc.ts';
import { Mm1Client, sendReq } from '../../../test/support/mm1-client.ts';
import {
  buildPdu,
  decodeMms,
  encodeMms,
  getHeader,
  getHeaders,
  type MmsPdu,
  type MmsValue,
  validateMms,
} from '../../codec/mms/index.ts';
import { type RunningMmsc, startReferenceMmsc } from '../index.ts';

/** MMBox end to end over loopback: HTTP MM1 client -> reference MMSC (durable store) -> SMPP push. */

const A = '15550001';
const B = '15550002';
const plmn = (m: string) => `+${m}/TYPE=PLMN`;

let smsc: FakeSmsc;
let mmsc: RunningMmsc | undefined;
let client: Mm1Client;
let storeDir: string;

async function start(extra: Record<string, unknown> = {}) {
  mmsc = await startReferenceMmsc({
    storeDir,
    notification: smsc.route(),
    ...extra,
  });
  client = new Mm1Client(mmsc.endpoints[0].url);
}

beforeEach(async () => {
  smsc = new FakeSmsc();
  await smsc.start();
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'mmbox-'));
});

afterEach(async () => {
  client?.close();
  await mmsc?.stop();
  mmsc = undefined;
  await smsc.stop();
  await rm(storeDir, { recursive: true, force: true });
});

/** Every PDU the MMSC answers with is valid by the codec's table (presence, order, values). */
const h = (pdu: MmsPdu | undefined, name: string) => {
  if (pdu)
    expect(
      validateMms(pdu).map((e) => e.toLine()),
      pdu.type,
    ).toEqual([]);
  return pdu ? getHeader(pdu, name) : undefined;
};
const all = (pdu: MmsPdu | undefined, name: string) => (pdu ? getHeaders(pdu, name) : []);

const waitPush = (pred: (p: ReceivedPush) => boolean, timeoutMs = 5000) => smsc.waitPush(pred, timeoutMs);

const req = (
  type: Parameters<typeof buildPdu>[0],
  tid: string,
  fields: Record<string, MmsValue | MmsValue[]>,
) => buildPdu(type, { 'X-Mms-Transaction-Id': tid, 'X-Mms-MMS-Version': '1.3', ...fields });

async function view(msisdn: string, fields: Record<string, MmsValue | MmsValue[]> = {}) {
  const r = await client.postPdu(req('m-mbox-view-req', `v-${Math.random()}`, fields), msisdn);
  expect(r.status).toBe(200);
  expect(r.pdu!.type).toBe('m-mbox-view-conf');
  expect(validateMms(r.pdu!).map((e) => e.toLine())).toEqual([]);
  const descrs = (r.pdu!.parts ?? []).map((p) => decodeMms(p.data));
  return { conf: r.pdu!, descrs };
}

describe('MMBox (CTR 1.3 §8.8)', () => {
  it("X-Mms-Store: Yes keeps the sender's copy as Sent; view, retrieve and delete it", async () => {
    await start();
    const conf = await client.postPdu(
      sendReq('tx-s1', [plmn(B)], { Subject: 'keep me', 'X-Mms-Store': 'Yes' }, 'hello'),
      A,
    );
    expect(h(conf.pdu, 'X-Mms-Response-Status')).toBe('Ok');
    expect(h(conf.pdu, 'X-Mms-Store-Status')).toBe('Success');
    const location = String(h(conf.pdu, 'X-Mms-Content-Location'));
    expect(location).toMatch(/\/mms\/[A-Za-z0-9_-]{22,}$/);

    const { conf: vc, descrs } = await view(A, { 'X-Mms-Totals': 'Yes', 'X-Mms-Quotas': 'Yes' });
    expect(h(vc, 'X-Mms-Response-Status')).toBe('Ok');
    expect(h(vc, 'X-Mms-Message-Count')).toBe(1);
    expect(all(vc, 'X-Mms-Mbox-Totals')).toEqual([
      { unit: 'messages', value: 1 },
      { unit: 'bytes', value: expect.any(Number) },
    ]);
    expect(all(vc, 'X-Mms-Mbox-Quotas')).toEqual([
      { unit: 'messages', value: 500 },
      { unit: 'bytes', value: 50 * 1024 * 1024 },
    ]);
    expect(descrs.map((d) => d.type)).toEqual(['m-mbox-descr']);
    expect(h(descrs[0], 'X-Mms-Content-Location')).toBe(location);
    expect(h(descrs[0], 'Message-ID')).toBe(h(conf.pdu, 'Message-ID'));
    expect(h(descrs[0], 'X-Mms-MM-State')).toBe('Sent');
    expect(h(descrs[0], 'Subject')).toBe('keep me');
    expect(h(descrs[0], 'From')).toBe(plmn(A));

    // B's MMBox is B's alone
    expect((await view(B)).descrs).toEqual([]);
    expect((await client.get(location, B)).status).toBe(403);

    const got = await client.get(location, A);
    expect(got.pdu!.type).toBe('m-retrieve-conf');
    expect(h(got.pdu, 'X-Mms-MM-State')).toBe('Sent');
    expect(new TextDecoder().decode(got.pdu!.parts![0].data)).toBe('hello');

    const del = await client.postPdu(
      req('m-mbox-delete-req', 'd1', { 'X-Mms-Content-Location': [location, `${location}x`] }),
      A,
    );
    expect(del.pdu!.type).toBe('m-mbox-delete-conf');
    // the first is deleted; the second (never ours) is reported by its index
    expect(all(del.pdu, 'X-Mms-Content-Location')).toEqual([{ index: 1, value: `${location}x` }]);
    expect(all(del.pdu, 'X-Mms-Response-Status')).toEqual([
      { index: 1, value: 'Error-permanent-message-not-found' },
    ]);
    expect((await view(A)).descrs).toEqual([]);
    expect((await client.get(location, A)).status).toBe(404);
    // the recipient's delivery is untouched by the sender's MMBox
    const push = await waitPush((p) => p.to === B);
    const loc = String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]);
    expect((await client.get(loc, B)).status).toBe(200);
  });

  it('m-mbox-store-req keeps a notified message as New, flags change, and survives a restart', async () => {
    await start();
    await client.postPdu(sendReq('tx-s2', [plmn(B)], { Subject: 'for later' }, 'text'), A);
    const push = await waitPush((p) => p.to === B);
    const notified = String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]);

    // someone else cannot store B's message
    const stolen = await client.postPdu(
      req('m-mbox-store-req', 'st0', { 'X-Mms-Content-Location': notified }),
      A,
    );
    expect(h(stolen.pdu, 'X-Mms-Store-Status')).toBe('Error-permanent-message-not-found');

    const st = await client.postPdu(
      req('m-mbox-store-req', 'st1', {
        'X-Mms-Content-Location': notified,
        'X-Mms-MM-Flags': { op: 'Add', flag: 'important' },
      }),
      B,
    );
    expect(st.pdu!.type).toBe('m-mbox-store-conf');
    expect(h(st.pdu, 'X-Mms-Store-Status')).toBe('Success');
    const stored = String(h(st.pdu, 'X-Mms-Content-Location'));
    expect(stored).not.toBe(notified);

    // change state and flags through the stored location
    const upd = await client.postPdu(
      req('m-mbox-store-req', 'st2', {
        'X-Mms-Content-Location': stored,
        'X-Mms-MM-State': 'Retrieved',
        'X-Mms-MM-Flags': [
          { op: 'Add', flag: 'work' },
          { op: 'Remove', flag: 'important' },
        ],
      }),
      B,
    );
    expect(h(upd.pdu, 'X-Mms-Content-Location')).toBe(stored);

    await mmsc!.stop();
    mmsc = undefined;
    client.close();
    await start();
    const { descrs } = await view(B, { 'X-Mms-MM-State': 'Retrieved' });
    expect(descrs.length).toBe(1);
    // the new process listens on another ephemeral port: the token is what persists
    const after = String(h(descrs[0], 'X-Mms-Content-Location'));
    expect(after.slice(after.lastIndexOf('/'))).toBe(stored.slice(stored.lastIndexOf('/')));
    expect(all(descrs[0], 'X-Mms-MM-Flags')).toEqual([{ op: 'Add', flag: 'work' }]);
    expect((await view(B, { 'X-Mms-MM-State': 'New' })).descrs).toEqual([]);
    const got = await client.get(after, B);
    expect(got.status).toBe(200);
    expect(all(got.pdu, 'X-Mms-MM-Flags')).toEqual([{ op: 'Add', flag: 'work' }]);
  });

  it('m-mbox-upload-req stores a draft; view filters by flag and pages with Start / Limit', async () => {
    await start();
    const locations: string[] = [];
    for (let i = 0; i < 3; i++) {
      const draft = encodeMms(
        buildPdu(
          'm-mbox-descr',
          {
            'X-Mms-MMS-Version': '1.3',
            'Message-ID': `draft-${i}`,
            'X-Mms-Content-Location': 'http://unused/',
            To: plmn(B),
            Subject: `draft ${i}`,
            'Content-Type': 'text/plain',
          },
          new TextEncoder().encode(`body ${i}`),
        ),
      );
      const up = await client.postPdu(
        buildPdu(
          'm-mbox-upload-req',
          {
            'X-Mms-Transaction-Id': `up-${i}`,
            'X-Mms-MMS-Version': '1.3',
            'X-Mms-MM-Flags': { op: 'Add', flag: i === 1 ? 'odd' : 'even' },
            'Content-Type': 'application/vnd.wap.mms-message',
          },
          draft,
        ),
        A,
      );
      expect(up.pdu!.type).toBe('m-mbox-upload-conf');
      expect(h(up.pdu, 'X-Mms-Store-Status')).toBe('Success');
      locations.push(String(h(up.pdu, 'X-Mms-Content-Location')));
    }
    // the same transaction again is the same upload
    expect(new Set(locations).size).toBe(3);

    const even = await view(A, { 'X-Mms-MM-Flags': { op: 'Filter', flag: 'even' } });
    expect(even.descrs.map((d) => h(d, 'Subject'))).toEqual(['draft 0', 'draft 2']);
    expect(even.descrs.every((d) => h(d, 'X-Mms-MM-State') === 'Draft')).toBe(true);
    const page = await view(A, { 'X-Mms-Start': 1, 'X-Mms-Limit': 1, 'X-Mms-Attributes': ['Subject'] });
    expect(h(page.conf, 'X-Mms-Message-Count')).toBe(1);
    expect(page.descrs.map((d) => h(d, 'Subject'))).toEqual(['draft 1']);
    // only the asked attribute besides the mandatory Message-ID and Content-Location
    expect(page.descrs[0].headers.map((x) => x.name)).toEqual([
      'X-Mms-Message-Type',
      'X-Mms-MMS-Version',
      'Message-ID',
      'X-Mms-Content-Location',
      'Subject',
    ]);
    const got = await client.get(locations[2], A);
    expect(h(got.pdu, 'Subject')).toBe('draft 2');
    expect(new TextDecoder().decode(got.pdu!.body!)).toBe('body 2');
  });

  it('refuses when full, without a subscriber identity, and when MMBox is off', async () => {
    await start({ mmbox: { enabled: true, quotaMessages: 1, quotaBytes: 1_000_000 } });
    const first = await client.postPdu(sendReq('q1', [plmn(B)], { 'X-Mms-Store': 'Yes' }, 'one'), A);
    expect(h(first.pdu, 'X-Mms-Store-Status')).toBe('Success');
    const second = await client.postPdu(sendReq('q2', [plmn(B)], { 'X-Mms-Store': 'Yes' }, 'two'), A);
    // the message is still sent; only the MMBox copy is refused
    expect(h(second.pdu, 'X-Mms-Response-Status')).toBe('Ok');
    expect(h(second.pdu, 'X-Mms-Store-Status')).toBe('Error-permanent-mmbox-full');
    expect(h(second.pdu, 'X-Mms-Content-Location')).toBeUndefined();

    const anon = await client.postPdu(req('m-mbox-view-req', 'v0', {}));
    expect(h(anon.pdu, 'X-Mms-Response-Status')).toBe('Error-permanent-service-denied');

    await mmsc!.stop();
    client.close();
    mmsc = undefined;
    await start({ mmbox: { enabled: false, quotaMessages: 1, quotaBytes: 1 } });
    const off = await client.postPdu(req('m-mbox-view-req', 'v1', {}), A);
    expect(h(off.pdu, 'X-Mms-Response-Status')).toBe('Error-permanent-service-denied');
  });

  it('hides Bcc from a recipient copy, answers one location to concurrent stores, ignores non-content attributes', async () => {
    await start();
    const conf = await client.postPdu(
      sendReq('tx-bcc', [plmn(B)], { Bcc: plmn('15550009'), Subject: 'bcc', 'X-Mms-Store': 'Yes' }, 'x'),
      A,
    );
    const push = await waitPush((p) => p.to === B);
    const notified = String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]);
    const [s1, s2] = await Promise.all(
      ['c1', 'c2'].map((tid) =>
        client.postPdu(req('m-mbox-store-req', tid, { 'X-Mms-Content-Location': notified }), B),
      ),
    );
    expect(h(s1.pdu, 'X-Mms-Store-Status')).toBe('Success');
    expect(h(s2.pdu, 'X-Mms-Store-Status')).toBe('Success');
    expect(all(s1.pdu, 'X-Mms-Content-Location')).toEqual(all(s2.pdu, 'X-Mms-Content-Location'));
    const attrs = {
      'X-Mms-Attributes': [
        'To',
        'Bcc',
        'X-Mms-Message-Type',
        'X-Mms-MMS-Version',
        'Message-ID',
        'Content-Type',
      ],
    };
    const bob = await view(B, attrs);
    expect(h(bob.conf, 'X-Mms-Response-Status')).toBe('Ok');
    expect(bob.descrs).toHaveLength(1);
    expect(all(bob.descrs[0], 'Bcc')).toEqual([]);
    expect(all(bob.descrs[0], 'Message-ID')).toHaveLength(1);
    expect(all(bob.descrs[0], 'X-Mms-Message-Type')).toHaveLength(1);
    const alice = await view(A, attrs);
    expect(all(alice.descrs[0], 'Bcc')).toEqual([plmn('15550009')]);
    expect(h(alice.descrs[0], 'Message-ID')).toBe(h(conf.pdu, 'Message-ID'));
  });
});
