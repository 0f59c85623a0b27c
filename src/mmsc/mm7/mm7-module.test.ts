import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emittedByMmsc,
  type Mm7Stack,
  startMm7Stack,
  until,
  VASP_PASS,
  VASP_USER,
} from '../../../test/support/mm7-test-stack.ts';
import {
  decodeMm7,
  encodeMm7,
  MM7_VERSIONS,
  type Mm7Message,
  type Mm7VersionId,
  mm7Address,
  mm7Version,
  validateMm7XmlBatch,
} from '../../codec/mm7/index.ts';
import { decodeMms } from '../../codec/mms/index.ts';
import type { JsonObject } from '../../util/json.ts';

/**
 * The MM7 module end to end over loopback against the VASP mock (someone else's MM7 client
 * and server on the same codec) and the handset / SMSC mocks. Every MM7 message the MMSC
 * emits during the file is validated against its version's schema at the end (xmllint).
 */
let s: Mm7Stack;

beforeAll(async () => {
  s = await startMm7Stack();
}, 30_000);

afterAll(async () => {
  await s?.stop();
});

type Result = JsonObject & { ok?: boolean; statusCode?: number; messageId?: string | null };

const submit = (p: JsonObject) => s.vasp.actions.submit(p) as Promise<Result>;
const cancel = (p: JsonObject) => s.vasp.actions.cancel(p) as Promise<Result>;
const replace = (p: JsonObject) => s.vasp.actions.replace(p) as Promise<Result>;

/** POSTs raw bytes to the MMSC's MM7 endpoint. */
async function post(
  body: string | Uint8Array,
  opts: { contentType?: string; auth?: string | null; method?: string; path?: string } = {},
): Promise<{ status: number; headers: Headers; body: Uint8Array; contentType: string }> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'text/xml; charset="utf-8"' };
  const auth = opts.auth === undefined ? `${VASP_USER}:${VASP_PASS}` : opts.auth;
  if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  const url = new URL(s.mm7Url);
  if (opts.path) url.pathname = opts.path;
  const r = await fetch(url, {
    method: opts.method ?? 'POST',
    headers,
    ...(opts.method === 'GET' ? {} : { body: typeof body === 'string' ? body : Buffer.from(body) }),
  });
  return {
    status: r.status,
    headers: r.headers,
    body: new Uint8Array(await r.arrayBuffer()),
    contentType: r.headers.get('content-type') ?? '',
  };
}

function submitReq(tid: string, version: Mm7VersionId, over: Partial<Mm7Message['fields']> = {}): Mm7Message {
  return {
    type: 'SubmitReq',
    transactionId: tid,
    version,
    fields: {
      MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
      SenderIdentification: { VASPID: 'VASP1' },
      Recipients: { To: mm7Address('+15559100') },
      ...over,
    },
  };
}

function statusOf(m: Mm7Message): number {
  const st = m.fields.Status as { StatusCode?: string } | undefined;
  return Number(st?.StatusCode);
}

describe('MM7 operations in every supported schema version', () => {
  for (const v of MM7_VERSIONS) {
    it(`${v.id}: SubmitReq, ReplaceReq, CancelReq answered in ${v.id} with the TransactionID echoed`, async () => {
      // +1555920x has no handset on the air: the notification goes out but nobody retrieves.
      const to = `+155592${String(v.rank).padStart(2, '0')}`;
      const sub = await submit({
        to,
        text: `hello ${v.id}`,
        subject: 's',
        version: v.id,
        transactionId: `t-${v.id}`,
      });
      expect(sub).toMatchObject({
        ok: true,
        httpStatus: 200,
        type: 'SubmitRsp',
        statusCode: 1000,
        version: v.id,
      });
      expect(sub.transactionIdEcho).toBe(`t-${v.id}`);
      expect(typeof sub.messageId).toBe('string');
      const messageId = String(sub.messageId);

      const rep = await replace({ messageId, text: `replaced ${v.id}`, version: v.id });
      expect(rep).toMatchObject({ ok: true, type: 'ReplaceRsp', statusCode: 1000, version: v.id });
      expect(rep.transactionIdEcho).toBe(rep.transactionId);
      // The replacement is what a retrieval now gets.
      const current = [...s.mmsc.core.store.all()].find(
        (m) => m.originInfo?.vaspMessageId === messageId && m.state === 'active',
      );
      expect(current).toBeDefined();
      const pdu = decodeMms(await s.mmsc.core.store.readPdu(current?.id ?? ''));
      expect(Buffer.from(pdu.parts?.[0]?.data ?? []).toString()).toBe(`replaced ${v.id}`);

      const can = await cancel({ messageId, version: v.id });
      expect(can).toMatchObject({ ok: true, type: 'CancelRsp', statusCode: 1000, version: v.id });
      expect(s.mmsc.core.store.get(current?.id ?? '')?.state).toBe('cancelled');

      // A new CancelReq for a cancelled MM: 3001 Not Possible (no longer available for cancel).
      const again = await cancel({ messageId, version: v.id });
      expect(again).toMatchObject({ ok: false, type: 'CancelRsp', statusCode: 3001, version: v.id });
    });
  }
});

describe('MM7 requests from the MMSC in every supported schema version', () => {
  for (const v of MM7_VERSIONS) {
    it(`${v.id}: DeliveryReportReq in the SubmitReq's version; DeliverReq in the VASP's last version`, async () => {
      const sub = await submit({ to: '+15550002', text: `dr ${v.id}`, deliveryReport: true, version: v.id });
      expect(sub).toMatchObject({ ok: true, statusCode: 1000, version: v.id });
      const dr = await until(`DeliveryReportReq ${v.id}`, () =>
        s.vasp
          .inbox()
          .find((r) => r.type === 'DeliveryReportReq' && r.message.fields.MessageID === sub.messageId),
      );
      expect(dr.message.version).toBe(v.id);
      expect(dr.message.fields.MMStatus).toBe('Retrieved');
      const sent = (await s.alice.actions.send({
        to: '12345/TYPE=PLMN',
        parts: [{ contentType: 'text/plain', text: `mo ${v.id}` }],
      })) as JsonObject;
      const dreq = await until(`DeliverReq ${v.id}`, () =>
        s.vasp.inbox().find((r) => r.type === 'DeliverReq' && r.message.fields.LinkedID === sent.messageId),
      );
      expect(dreq.message.version).toBe(v.id);
      expect(dreq.message.fields.MM7Version).toBe(v.mm7Version);
    }, 20_000);
  }
});

describe('MM7 chains through the MMSC', () => {
  it('VASP SubmitReq -> SMPP push -> MM1 retrieve -> DeliveryReportReq and ReadReplyReq to the VASP', async () => {
    const sub = await submit({
      to: '+15550002',
      subject: 'from the VASP',
      text: 'hello bob',
      deliveryReport: true,
      readReply: true,
    });
    expect(sub).toMatchObject({ ok: true, statusCode: 1000 });
    const messageId = String(sub.messageId);

    const dr = await until('DeliveryReportReq at the VASP', () =>
      s.vasp.inbox().find((r) => r.type === 'DeliveryReportReq' && r.message.fields.MessageID === messageId),
    );
    expect(dr.message.fields).toMatchObject({
      MessageID: messageId,
      MMStatus: 'Retrieved',
      Recipient: { Number: ['+15550002'] },
      Sender: { ShortCode: ['12345'] },
    });
    // bob's handset got the push over SMPP and retrieved the VASP's content over MM1.
    const smpp = s.timeline.messages({ node: 'mmsc', iface: 'SMPP', type: 'submit_sm' });
    expect(smpp.length).toBeGreaterThan(0);
    const retrieved = s.timeline
      .messages({ node: 'mmsc', iface: 'MM1', type: 'm-retrieve-conf' })
      .map((o) => JSON.stringify(o.fields));
    expect(retrieved.some((f) => f.includes(messageId) && f.includes('from the VASP'))).toBe(true);

    await s.bob.actions['read-report']({ messageId, to: '12345/TYPE=PLMN', status: 'Read' });
    const rr = await until('ReadReplyReq at the VASP', () =>
      s.vasp.inbox().find((r) => r.type === 'ReadReplyReq' && r.message.fields.MessageID === messageId),
    );
    expect(rr.message.fields).toMatchObject({ MMStatus: 'Read', Recipient: { Number: ['+15550002'] } });
  }, 20_000);

  it('a handset message to a VASP short code arrives at the VASP as DeliverReq', async () => {
    const sent = (await s.alice.actions.send({
      to: '12345/TYPE=PLMN',
      subject: 'to the service',
      parts: [{ contentType: 'text/plain', text: 'JOIN' }],
    })) as JsonObject;
    expect(sent.responseStatus).toBe('Ok');
    const dreq = await until('DeliverReq at the VASP', () =>
      s.vasp.inbox().find((r) => r.type === 'DeliverReq' && r.message.fields.LinkedID === sent.messageId),
    );
    expect(dreq.message.fields).toMatchObject({
      Sender: { Number: ['+15550001'] },
      Recipients: { To: { ShortCode: ['12345'] } },
      Subject: 'to the service',
    });
    const c = dreq.message.content;
    const leaf = c?.parts ? c.parts[0] : c;
    expect(Buffer.from(leaf?.body ?? []).toString()).toBe('JOIN');
    const id = String(sent.messageId);
    await until('recipient forwarded', () =>
      s.mmsc.core.store.get(id)?.recipients[0].status === 'forwarded' ? true : undefined,
    );
  }, 20_000);

  it('ReplaceReq after the recipient retrieved: 3001 Not Possible; CancelReq likewise', async () => {
    const sub = await submit({ to: '+15550002', text: 'first', deliveryReport: true });
    const messageId = String(sub.messageId);
    await until('retrieved', () =>
      s.mmsc.core.store.get(messageId)?.recipients[0].status === 'retrieved' ? true : undefined,
    );
    expect(await replace({ messageId, text: 'too late' })).toMatchObject({
      statusCode: 3001,
      type: 'ReplaceRsp',
    });
    expect(await cancel({ messageId })).toMatchObject({ statusCode: 3001, type: 'CancelRsp' });
    expect(await cancel({ messageId: 'no-such-message-id' })).toMatchObject({ statusCode: 2005 });
  }, 20_000);
});

describe('MM7 outbound failures go through the durable outbox', () => {
  it('a VASP fault (3000) on DeliverReq is retried until the VASP takes it', async () => {
    s.vasp.use({ kind: 'soap-fault', statusCode: 3000 });
    const sent = (await s.alice.actions.send({
      to: '12345/TYPE=PLMN',
      parts: [{ contentType: 'text/plain', text: 'retry me' }],
    })) as JsonObject;
    const id = String(sent.messageId);
    const deliveries = () =>
      s.vasp.inbox().filter((r) => r.type === 'DeliverReq' && r.message.fields.LinkedID === id);
    await until('a first, faulted DeliverReq', () => (deliveries().length >= 1 ? true : undefined));
    s.vasp.resetBehaviours();
    await until('recipient forwarded after a retry', () =>
      s.mmsc.core.store.get(id)?.recipients[0].status === 'forwarded' ? true : undefined,
    );
    expect(deliveries().length).toBeGreaterThanOrEqual(2);
    expect(s.timeline.query((o) => o.kind === 'event' && o.name === 'retry').length).toBeGreaterThan(0);
  }, 20_000);

  it('a permanent VASP status (2001) fails the recipient without retrying', async () => {
    s.vasp.use({ kind: 'error', statusCode: 2001 });
    try {
      const sent = (await s.alice.actions.send({
        to: '12345/TYPE=PLMN',
        parts: [{ contentType: 'text/plain', text: 'refused' }],
      })) as JsonObject;
      const id = String(sent.messageId);
      await until('recipient failed', () =>
        s.mmsc.core.store.get(id)?.recipients[0].status === 'failed' ? true : undefined,
      );
      expect(s.mmsc.core.store.get(id)?.recipients[0].reason).toMatch(/DeliverRsp 2001/);
      expect(s.vasp.inbox().filter((r) => r.message.fields.LinkedID === id)).toHaveLength(1);
    } finally {
      s.vasp.resetBehaviours();
    }
  }, 20_000);
});

describe('MM7 partial success', () => {
  it('a recipient no interface serves -> SubmitRsp 1100 with Details, the same again for a duplicate', async () => {
    // No MM3 module is plugged in here: the e-mail recipient cannot be routed.
    const p = { to: '+15559700', cc: 'someone@mail.example', text: 'partial', transactionId: 'partial-1' };
    const a = await submit(p);
    expect(a).toMatchObject({ ok: true, statusCode: 1100, type: 'SubmitRsp' });
    const b = await submit(p);
    expect(b).toMatchObject({ statusCode: 1100, messageId: a.messageId });
    const rsp = emittedByMmsc(s.timeline).filter((x) => x.msg.transactionId === 'partial-1');
    expect(rsp).toHaveLength(2);
    expect(rsp.every((x) => JSON.stringify(x.msg.fields).includes('someone@mail.example'))).toBe(true);
  });
});

describe('MM7 authentication and VASP identification', () => {
  it('wrong password -> HTTP 401 with a Basic challenge', async () => {
    const r = await submit({ to: '+15559300', text: 'x', pass: 'wrong' });
    expect(r).toMatchObject({ ok: false, httpStatus: 401 });
    const raw = await post(encodeMm7(submitReq('auth-1', 'REL-6-MM7-1-4')).body, { auth: 'vasp:wrong' });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/^Basic realm="mmsc-mm7"/);
  });

  it('missing credentials for a VASP that has them -> 401; unknown VASPID without credentials -> 4001', async () => {
    const r = await post(encodeMm7(submitReq('auth-2', 'REL-6-MM7-1-4')).body, { auth: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
    const unknown = submitReq('auth-3', 'REL-5-MM7-1-2', { SenderIdentification: { VASPID: 'NOBODY' } });
    const u = await post(encodeMm7(unknown).body, { auth: null });
    expect(u.status).toBe(200);
    const rsp = decodeMm7(u.body, u.contentType);
    expect(rsp).toMatchObject({ type: 'SubmitRsp', transactionId: 'auth-3', version: 'REL-5-MM7-1-2' });
    expect(statusOf(rsp)).toBe(4001);
  });

  it('a known transport user naming another VASPID -> SubmitRsp 4001 Improper identification', async () => {
    const r = await submit({ to: '+15559301', text: 'x', vaspId: 'OPEN2' });
    expect(r).toMatchObject({ ok: false, httpStatus: 200, type: 'SubmitRsp', statusCode: 4001 });
    expect(r.transactionIdEcho).toBe(r.transactionId);
  });

  it('a VASP configured without credentials is identified by its VASPID', async () => {
    const req = submitReq('open-1', 'REL-6-MM7-1-3', { SenderIdentification: { VASPID: 'OPEN2' } });
    const r = await post(encodeMm7(req).body, { auth: null });
    const rsp = decodeMm7(r.body, r.contentType);
    expect(statusOf(rsp)).toBe(1000);
    expect(typeof rsp.fields.MessageID).toBe('string');
  });
});

describe('MM7 faults and bad input (the server keeps serving)', () => {
  const env = (body: string, tid = 'bad-1') =>
    `<?xml version="1.0"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header><mm7:TransactionID xmlns:mm7="http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-2" env:mustUnderstand="1">${tid}</mm7:TransactionID></env:Header><env:Body>${body}</env:Body></env:Envelope>`;

  async function fault(body: string | Uint8Array, contentType?: string) {
    const r = await post(body, contentType ? { contentType } : {});
    expect(r.status).toBe(500);
    const m = decodeMm7(r.body, r.contentType);
    expect(m.type).toBe('RSErrorRsp');
    expect(m.fault?.faultcode).toBe('env:Client');
    return { m, text: Buffer.from(r.body).toString() };
  }

  it('malformed XML -> RSErrorRsp 4004 in a SOAP Fault, TransactionID echoed, version of the request', async () => {
    const { m } = await fault(env('<SubmitReq><MM7Version>6.5.0</MM7Version>', 'broken-1'));
    expect(statusOf(m)).toBe(4004);
    expect(m.transactionId).toBe('broken-1');
    expect(m.version).toBe('REL-6-MM7-1-2');
    const { m: m2 } = await fault(new Uint8Array([0, 1, 2, 0xff, 0x3c]));
    expect(statusOf(m2)).toBe(4004);
  });

  it('XXE: a DOCTYPE with an external entity is refused, nothing is read', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${env(
      '<SubmitReq xmlns="http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-2"><MM7Version>6.5.0</MM7Version><Recipients><To><Number>&xxe;</Number></To></Recipients></SubmitReq>',
      'xxe-1',
    ).replace(/^<\?xml version="1.0"\?>/, '')}`;
    const { m, text } = await fault(xxe);
    expect(statusOf(m)).toBe(4004);
    expect(String((m.fields.Status as JsonObject).Details)).toMatch(/DTD|entity/i);
    expect(text).not.toMatch(/root:/);
  });

  it('missing mandatory element -> 4004; bad element value -> 2007; unknown version -> 4002; posted DeliverReq -> 4003', async () => {
    const noRcpt = submitReq('mand-1', 'REL-6-MM7-1-4');
    delete noRcpt.fields.Recipients;
    const a = await fault(encodeMm7(noRcpt, { validate: false }).body);
    expect(statusOf(a.m)).toBe(4004);
    expect(a.m.transactionId).toBe('mand-1');

    const badValue = submitReq('val-1', 'REL-6-MM7-1-4', { DeliveryReport: 'maybe' });
    const b = await fault(encodeMm7(badValue, { validate: false }).body);
    expect(statusOf(b.m)).toBe(2007);

    const xml = Buffer.from(encodeMm7(submitReq('ver-1', 'REL-6-MM7-1-4')).body)
      .toString()
      .replaceAll('REL-6-MM7-1-4', 'REL-9-MM7-9-9');
    const c = await fault(xml);
    expect(statusOf(c.m)).toBe(4002);
    expect(c.m.transactionId).toBe('ver-1');

    const deliver: Mm7Message = {
      type: 'DeliverReq',
      transactionId: 'op-1',
      version: 'REL-5-MM7-1-0',
      fields: { MM7Version: '5.3.0', Sender: mm7Address('+15550001') },
    };
    const d = await fault(encodeMm7(deliver).body);
    expect(statusOf(d.m)).toBe(4003);
    expect(d.m.version).toBe('REL-5-MM7-1-0');
  });

  it('an empty TransactionID -> RSErrorRsp 4004 echoing it as sent', async () => {
    const xml = Buffer.from(encodeMm7(submitReq('EMPTYTID', 'REL-6-MM7-1-1')).body)
      .toString()
      .replace('EMPTYTID', '');
    const { m } = await fault(xml);
    expect(statusOf(m)).toBe(4004);
    expect(m.transactionId).toBe('');
    expect(m.version).toBe('REL-6-MM7-1-1');
  });

  it('HTTP-level misuse: 404 path, 405 method, 415 content type', async () => {
    expect((await post('x', { path: '/other' })).status).toBe(404);
    expect((await post('', { method: 'GET' })).status).toBe(405);
    expect((await post('x', { contentType: 'application/json' })).status).toBe(415);
  });

  it('content refused by the MMSC -> SubmitRsp 2004; unaddressable recipient -> 2002', async () => {
    const r = await submit({
      to: '+15559400',
      parts: [{ contentType: 'application/x-msdownload', content: 'MZ' }],
    });
    expect(r).toMatchObject({ type: 'SubmitRsp', statusCode: 2004 });
    const bad = await submit({ to: 'not an address', text: 'x' });
    expect(bad).toMatchObject({ type: 'SubmitRsp', statusCode: 2002 });
  });

  it('more recipients than maxRecipients (100) -> SubmitRsp 3003, nothing stored; 100 are taken', async () => {
    const to = (n: number) => Array.from({ length: n }, (_, i) => `+1555950${String(i).padStart(4, '0')}`);
    const before = s.mmsc.core.store.size;
    expect(await submit({ to: to(101), text: 'too many' })).toMatchObject({
      type: 'SubmitRsp',
      statusCode: 3003,
    });
    expect(s.mmsc.core.store.size).toBe(before);
    expect(await submit({ to: to(100), text: 'a hundred' })).toMatchObject({ statusCode: 1000 });
  });

  it('after all of that a SubmitReq still succeeds', async () => {
    expect(await submit({ to: '+15559401', text: 'still here' })).toMatchObject({
      ok: true,
      statusCode: 1000,
    });
  });
});

describe('MM7 idempotency', () => {
  it('a repeated SubmitReq TransactionID from the same VASP gets the same SubmitRsp, stored once', async () => {
    const p = { to: '+15559500', text: 'once', transactionId: 'dup-submit-1' };
    const [a, b] = await Promise.all([submit(p), submit(p)]);
    const c = await submit(p);
    expect(a).toMatchObject({ ok: true, statusCode: 1000 });
    expect(b.messageId).toBe(a.messageId);
    expect(c.messageId).toBe(a.messageId);
    const stored = [...s.mmsc.core.store.all()].filter((m) => m.transactionId === 'VASP1:dup-submit-1');
    expect(stored).toHaveLength(1);
  });

  it('a repeated CancelReq TransactionID gets the same CancelRsp (1000, not 3001)', async () => {
    const sub = await submit({ to: '+15559501', text: 'to cancel' });
    const p = { messageId: String(sub.messageId), transactionId: 'dup-cancel-1' };
    const first = await cancel(p);
    const second = await cancel(p);
    expect(first).toMatchObject({ statusCode: 1000 });
    expect(second).toMatchObject({ statusCode: 1000, transactionIdEcho: 'dup-cancel-1' });
  });
});

describe('what the MMSC emitted on MM7', () => {
  it('every MM7 message validates against its version schema (xmllint)', async () => {
    const all = emittedByMmsc(s.timeline);
    const types = new Set(all.map((x) => x.msg.type));
    for (const t of [
      'SubmitRsp',
      'CancelRsp',
      'ReplaceRsp',
      'RSErrorRsp',
      'DeliverReq',
      'DeliveryReportReq',
      'ReadReplyReq',
    ])
      expect(types).toContain(t);
    const byVersion = new Map<string, string[]>();
    for (const x of all) byVersion.set(x.msg.version, [...(byVersion.get(x.msg.version) ?? []), x.xml]);
    expect(byVersion.size).toBe(MM7_VERSIONS.length);
    for (const [version, xmls] of byVersion) {
      const results = await validateMm7XmlBatch(xmls, version);
      const bad = results.flatMap((r, i) => (r.valid ? [] : [`${version} #${i}: ${r.errors.join(' | ')}`]));
      expect(bad).toEqual([]);
    }
  }, 60_000);
});
