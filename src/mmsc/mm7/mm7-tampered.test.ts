import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mm7Stack, startMm7Stack, VASP_PASS, VASP_USER } from '../../../test/support/mm7-test-stack.ts';
import { decodeMm7, encodeMm7, mm7Address, peekSoapFault } from '../../codec/mm7/index.ts';
import type { JsonObject } from '../../util/json.ts';
import type { DeviationName } from '../deviations.ts';

/**
 * Issue 19 (MM7): tampered requests the MMSC used to answer 1000 Success. Each goes out from the
 * VASP mock over a real socket (its `tamper` action parameter: one defect, the rest conforming);
 * the test asserts the MM7 answer on the wire, that bob (the recipient) is never notified, and
 * that an ordinary SubmitReq right after is accepted (1000). Then each deviation that restores the
 * lax behaviour is shown to answer 1000 again (what `npm run mutation` makes the suites catch).
 */
type Result = JsonObject & {
  ok?: boolean;
  httpStatus?: number;
  type?: string;
  statusCode?: number | null;
  messageId?: string | null;
  fault?: { faultcode: string; faultstring: string };
};

const BOB = '+15550002';

async function notifiedSince(s: Mm7Stack, seq: number, waitMs: number): Promise<boolean> {
  await new Promise((r) => setTimeout(r, waitMs));
  return s.timeline.messages({ node: 'bob', type: 'm-notification-ind' }, seq).length > 0;
}

async function stillServes(s: Mm7Stack): Promise<void> {
  const r = (await s.vasp.actions.submit({ to: BOB, text: 'still serving?' })) as Result;
  expect(r).toMatchObject({ ok: true, statusCode: 1000, httpStatus: 200 });
}

const NAMESPACE_BENDS = ['trailing-slash', 'https', 'upper-case', 'trailing-space', 'other-host'];

describe('tampered MM7 requests are refused, and the MMSC keeps serving', () => {
  let s: Mm7Stack;
  beforeAll(async () => {
    s = await startMm7Stack();
  }, 30_000);
  afterAll(async () => {
    await s?.stop();
  });

  const tampered = async (tamper: JsonObject, extra: JsonObject = {}) => {
    const seq = s.timeline.length;
    const r = (await s.vasp.actions.submit({ to: BOB, text: 'tampered', tamper, ...extra })) as Result;
    expect(await notifiedSince(s, seq, 300), 'bob notified').toBe(false);
    return r;
  };

  it.each(NAMESPACE_BENDS)(
    'a namespace bent (%s): RSErrorRsp 4004 Validation error in a SOAP Fault, HTTP 500',
    async (bend) => {
      const r = await tampered({ namespace: bend });
      expect(r).toMatchObject({ ok: false, httpStatus: 500, type: 'RSErrorRsp', statusCode: 4004 });
      expect(r.fault?.faultcode).toBe('env:Client');
      expect(r.messageId).toBeNull();
      expect(r.transactionIdEcho).toBe(r.transactionId);
      await stillServes(s);
    },
  );

  it('a well-formed namespace of a schema version we lack (REL-7-MM7-1-0): 4002 Unsupported version', async () => {
    const xml = encodeMm7({
      type: 'SubmitReq',
      transactionId: 'rel7',
      version: 'REL-6-MM7-1-4',
      fields: {
        MM7Version: '6.8.0',
        SenderIdentification: { VASPID: 'VASP1' },
        Recipients: { To: mm7Address(BOB) },
      },
    });
    const body = Buffer.from(xml.body).toString('utf8').split('REL-6-MM7-1-4').join('REL-7-MM7-1-0');
    const r = (await s.vasp.actions.post({ body })) as Result;
    expect(r).toMatchObject({ httpStatus: 500, type: 'RSErrorRsp', statusCode: 4002 });
    await stillServes(s);
  });

  it('a SOAP 1.2 envelope: a SOAP 1.1 VersionMismatch fault (SOAP 1.1 §4.1.2, §4.4.1), HTTP 500', async () => {
    const seq = s.timeline.length;
    const r = await tampered({ envelope: 'soap12' });
    expect(r).toMatchObject({ ok: false, httpStatus: 500 });
    expect(r.fault?.faultcode).toBe('env:VersionMismatch');
    const answer = s.timeline
      .all()
      .slice(seq)
      .find((o) => o.kind === 'event' && o.name === 'mm7-answer');
    expect(answer?.kind === 'event' ? answer.detail : undefined).toMatchObject({
      httpStatus: 500,
      ok: false,
      soapFault: {
        envelopeNs: 'http://schemas.xmlsoap.org/soap/envelope/',
        faultcode: 'env:VersionMismatch',
      },
    });
    await stillServes(s);
  });

  it('a SOAP 1.2 envelope posted raw: the answer is a SOAP 1.1 envelope whatever the request spoke', async () => {
    const enc = encodeMm7({
      type: 'SubmitReq',
      transactionId: 'raw-12',
      version: 'REL-5-MM7-1-2',
      fields: {
        MM7Version: '5.6.0',
        SenderIdentification: { VASPID: 'VASP1' },
        Recipients: { To: mm7Address(BOB) },
      },
    });
    const body = Buffer.from(enc.body)
      .toString('utf8')
      .replace('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope');
    const res = await fetch(s.mm7Url, {
      method: 'POST',
      headers: {
        'content-type': 'application/soap+xml; charset=utf-8',
        authorization: `Basic ${Buffer.from(`${VASP_USER}:${VASP_PASS}`).toString('base64')}`,
      },
      body,
    });
    const raw = new Uint8Array(await res.arrayBuffer());
    expect(res.status).toBe(500);
    const ct = res.headers.get('content-type') ?? '';
    expect(peekSoapFault(raw, ct)).toMatchObject({
      envelopeNs: 'http://schemas.xmlsoap.org/soap/envelope/',
      faultcode: 'env:VersionMismatch',
    });
    // The detail's RSErrorRsp echoes the TransactionID, in the request's schema version.
    expect(decodeMm7(raw, ct)).toMatchObject({
      type: 'RSErrorRsp',
      transactionId: 'raw-12',
      version: 'REL-5-MM7-1-2',
    });
    await stillServes(s);
  });

  it('a Content@href naming no part (another part attached): SubmitRsp 2007 Message format corrupt', async () => {
    const r = await tampered({ href: 'cid:no-such-part@vasp' });
    expect(r).toMatchObject({
      ok: false,
      httpStatus: 200,
      type: 'SubmitRsp',
      statusCode: 2007,
      messageId: null,
    });
    await stillServes(s);
  });

  it('a Content@href naming no part of a multipart content: 2007 too', async () => {
    const r = await tampered(
      { href: 'cid:missing' },
      {
        parts: [
          { contentType: 'text/plain', content: 'one' },
          { contentType: 'text/plain', content: 'two' },
        ],
      },
    );
    expect(r).toMatchObject({ ok: false, type: 'SubmitRsp', statusCode: 2007 });
    await stillServes(s);
  });

  it('a ReplaceReq whose href names no part: ReplaceRsp 2007', async () => {
    const sub = (await s.vasp.actions.submit({ to: '+15559111', text: 'to replace' })) as Result;
    expect(sub.statusCode).toBe(1000);
    const r = (await s.vasp.actions.replace({
      messageId: sub.messageId ?? '',
      text: 'new',
      tamper: { href: 'cid:gone' },
    })) as Result;
    expect(r).toMatchObject({ ok: false, type: 'ReplaceRsp', statusCode: 2007 });
  });

  it('a multipart without its close-delimiter: RSErrorRsp 2007 in a SOAP Fault, HTTP 500', async () => {
    const r = await tampered({ unclosed: true });
    expect(r).toMatchObject({ ok: false, httpStatus: 500, type: 'RSErrorRsp', statusCode: 2007 });
    expect(r.fault?.faultcode).toBe('env:Client');
    expect(r.transactionIdEcho).toBe(r.transactionId);
    await stillServes(s);
  });

  it('the tamper parameter refuses what it cannot bend (no content to unclose or re-href)', async () => {
    await expect(s.vasp.actions.cancel({ messageId: 'x', tamper: { unclosed: true } })).rejects.toThrow(
      /no multipart/,
    );
    await expect(s.vasp.actions.submit({ to: BOB, tamper: { href: 'cid:x' } })).rejects.toThrow(/no Content/);
    await expect(s.vasp.actions.submit({ to: BOB, tamper: { namespace: 'sideways' } })).rejects.toThrow(
      /tamper\.namespace/,
    );
  });
});

describe('each deviation restores one lax answer (1000 Success)', () => {
  const cases: Array<[DeviationName, JsonObject]> = [
    ['mm7-any-namespace', { namespace: 'https' }],
    ['mm7-any-namespace', { namespace: 'trailing-space' }],
    ['mm7-soap12-accepted', { envelope: 'soap12' }],
    ['mm7-dangling-href', { href: 'cid:nothing' }],
    ['mm7-unclosed-multipart', { unclosed: true }],
  ];
  it.each(cases)(
    '%s: %j is accepted',
    async (name, tamper) => {
      const s = await startMm7Stack({ deviate: [name] });
      try {
        const r = (await s.vasp.actions.submit({ to: BOB, text: 'lax', tamper })) as Result;
        expect(r.statusCode).toBe(1000);
      } finally {
        await s.stop();
      }
    },
    30_000,
  );
});
