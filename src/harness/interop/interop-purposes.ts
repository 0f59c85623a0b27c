import type { RelayedMail } from '../../../mocks/mm4-relay/mm4-relay.ts';
import type { Handset } from '../../../mocks/ue/handset.ts';
import { decodeMm4, parseMm4Address, splitAddressList, validateMm4 } from '../../codec/mm4/index.ts';
import type { JsonObject } from '../../util/json.ts';
import type { MessageObservation } from '../../wire/timeline.ts';
import type { InteropParty, Side } from './interop-config.ts';
import type { InteropCheck, InteropPurposeInfo, InteropVerdict } from './interop-result.ts';

/**
 * The test purposes of a two-MMSC interop run, each run in both directions (A's subscriber to
 * B's, then B's to A's). Every check reads only what crossed the wire: the mails the relay
 * carried between the two MMSCs (as each side wrote them, with the other side's SMTP replies)
 * and the MM1 PDUs our handsets sent and received.
 *
 * A deliberately minimal list of our own (forward, delivery report, read reply: every MM4 PDU pair
 * of an ordinary person-to-person exchange). It does not read mmscert's MM4 inter-operator matrix
 * (suites/mm4/ir53-matrix.yaml, of a separate branch); `ir53` only names, as plain text, the rows
 * of that matrix a purpose overlaps. They are mmscert's row ids, not GSMA's numbering.
 */
export interface PurposeContext {
  from: InteropParty;
  to: InteropParty;
  sender: Handset;
  recipient: Handset;
  senderMsisdn: string;
  recipientMsisdn: string;
  /** Unique text of this run of the purpose (in the Subject): finds its mails among others. */
  token: string;
  /** Waits for a relayed mail (since the purpose started) matching `pred`; undefined at the deadline. */
  mail(pred: (m: RelayedMail) => boolean, timeoutMs: number): Promise<RelayedMail | undefined>;
  /** Waits for an MM1 PDU a handset received; undefined at the deadline. */
  pdu(
    node: string,
    type: string,
    pred: (f: JsonObject) => boolean,
    timeoutMs: number,
  ): Promise<MessageObservation | undefined>;
  /** A timer of a party's ICS in ms (plus room for the host), e.g. `notification`. */
  timer(side: Side, name: 'notification' | 'deliveryReport' | 'mm4ResponseTimeout'): number;
}

export interface InteropPurpose extends InteropPurposeInfo {
  run(ctx: PurposeContext): Promise<InteropCheck[]>;
}

const MM4 = '3GPP TS 23.140';

function header(m: RelayedMail | undefined, name: string): string | undefined {
  const h = (m?.fields?.headers as JsonObject | undefined)?.[name];
  if (h === undefined || h === null) return undefined;
  return Array.isArray(h) ? String(h[0]) : String(h);
}

const sameId = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.trim().replace(/^<|>$/g, '') === b.trim().replace(/^<|>$/g, '');

function check(
  name: string,
  clause: string,
  ok: boolean | undefined,
  expected: string,
  observed: string,
  extra: { precondition?: boolean; mails?: (RelayedMail | undefined)[] } = {},
): InteropCheck {
  const verdict: InteropVerdict = ok ? 'pass' : 'fail';
  const mails = (extra.mails ?? []).filter((m): m is RelayedMail => m !== undefined).map((m) => m.n);
  return {
    name,
    clause,
    verdict,
    expected,
    observed,
    ...(extra.precondition ? { precondition: true } : {}),
    ...(mails.length ? { mails } : {}),
  };
}

const digits = (s: string) => s.replace(/\D/g, '');
const mailText = (m: RelayedMail | undefined) =>
  m ? `mail #${m.n} ${m.type ?? 'undecodable'} (${m.from.toUpperCase()} -> ${m.to.toUpperCase()})` : 'none';

/** The originator's m-send-conf: the stimulus of every purpose (a precondition). */
function sendConfCheck(sent: JsonObject): InteropCheck {
  return check(
    'the originating MMSC accepts the submission (m-send-conf)',
    'OMA-TS-MMS_ENC-V1_3 §6.1.2',
    sent.responseStatus === 'Ok',
    'X-Mms-Response-Status Ok',
    `HTTP ${String(sent.status)}, X-Mms-Response-Status ${String(sent.responseStatus ?? 'none')}`,
    { precondition: true },
  );
}

interface Sent {
  sent: JsonObject;
  forward?: RelayedMail;
  checks: InteropCheck[];
}

/** Sends an MM from the originator to the recipient and finds its MM4_forward.REQ on the relay. */
async function sendAndForward(ctx: PurposeContext, opts: JsonObject, precondition: boolean): Promise<Sent> {
  const sent = (await ctx.sender.actions.send({
    to: ctx.recipientMsisdn,
    subject: `interop ${ctx.token}`,
    parts: [{ contentType: 'text/plain', text: `hello from ${ctx.from.side.toUpperCase()} ${ctx.token}` }],
    ...opts,
  })) as JsonObject;
  const checks = [sendConfCheck(sent)];
  if (sent.responseStatus !== 'Ok') return { sent, checks };
  const forward = await ctx.mail(
    (m) =>
      m.from === ctx.from.side &&
      m.type === 'MM4_forward.REQ' &&
      (header(m, 'Subject') ?? '').includes(ctx.token),
    ctx.timer(ctx.from.side, 'notification') + ctx.timer(ctx.from.side, 'mm4ResponseTimeout'),
  );
  checks.push(
    check(
      `${ctx.from.side.toUpperCase()} forwards the MM to ${ctx.to.side.toUpperCase()}'s domain over MM4`,
      `${MM4} §8.4.1.1`,
      forward !== undefined,
      `an MM4_forward.REQ from ${ctx.from.side.toUpperCase()} with the submitted Subject`,
      mailText(forward),
      { mails: [forward], precondition },
    ),
  );
  return { sent, forward, checks };
}

/** The MM4_forward.RES of a forward, when it asked for one (X-Mms-Ack-Request: Yes, §8.4.1.1). */
async function forwardRes(ctx: PurposeContext, fwd: RelayedMail): Promise<InteropCheck> {
  const ack = (header(fwd, 'X-Mms-Ack-Request') ?? 'No').toLowerCase() === 'yes';
  const tid = header(fwd, 'X-Mms-Transaction-ID');
  if (!ack)
    return check(
      `${ctx.to.side.toUpperCase()} answers MM4_forward.RES`,
      `${MM4} §8.4.1.2`,
      true,
      'a .RES only when X-Mms-Ack-Request is Yes',
      `not requested (X-Mms-Ack-Request ${header(fwd, 'X-Mms-Ack-Request') ?? 'absent'})`,
      { mails: [fwd] },
    );
  const res = await ctx.mail(
    (m) =>
      m.from === ctx.to.side &&
      m.type === 'MM4_forward.RES' &&
      sameId(header(m, 'X-Mms-Transaction-ID'), tid),
    ctx.timer(ctx.to.side, 'mm4ResponseTimeout'),
  );
  const status = header(res, 'X-Mms-Request-Status-Code');
  const ok =
    res !== undefined &&
    status?.toLowerCase() === 'ok' &&
    sameId(header(res, 'X-Mms-Message-ID'), header(fwd, 'X-Mms-Message-ID'));
  return check(
    `${ctx.to.side.toUpperCase()} answers MM4_forward.RES Ok with the forward's Transaction-ID and Message-ID`,
    `${MM4} §8.4.1.2`,
    ok,
    `MM4_forward.RES, X-Mms-Transaction-ID ${tid}, X-Mms-Message-ID ${header(fwd, 'X-Mms-Message-ID')}, X-Mms-Request-Status-Code Ok`,
    res
      ? `${mailText(res)}: Transaction-ID ${header(res, 'X-Mms-Transaction-ID')}, Message-ID ${header(res, 'X-Mms-Message-ID')}, Request-Status-Code ${status}`
      : 'none',
    { mails: [fwd, res] },
  );
}

/** The recipient handset's m-retrieve-conf of the purpose's MM. */
async function retrieved(
  ctx: PurposeContext,
  precondition: boolean,
): Promise<{ conf?: MessageObservation; check: InteropCheck }> {
  const conf = await ctx.pdu(
    ctx.recipient.name,
    'm-retrieve-conf',
    (f) => String(f.Subject ?? '').includes(ctx.token),
    ctx.timer(ctx.to.side, 'notification') * 2,
  );
  return {
    conf,
    check: check(
      `${ctx.to.side.toUpperCase()} notifies its subscriber, who retrieves the MM over MM1`,
      'OMA-TS-MMS_CTR-V1_3 §6.2, §6.3; 3GPP TS 23.140 §8.1',
      conf !== undefined,
      `m-retrieve-conf at ${ctx.recipient.name} with Subject "interop ${ctx.token}"`,
      conf ? `m-retrieve-conf, Subject "${String((conf.fields as JsonObject).Subject)}"` : 'none',
      { precondition },
    ),
  };
}

const FORWARD: InteropPurpose = {
  id: 'IOP-FWD-01',
  title: 'A person-to-person MM crosses MM4 and is delivered to the partner’s subscriber',
  ir53: ['MM4-FWD-01', 'MM4-FWD-02', 'MM4-ACK-01'],
  clauses: [`${MM4} §8.4.1.1`, `${MM4} §8.4.1.2`, 'OMA-TS-MMS_CTR-V1_3 §6.3'],
  description:
    'The originator submits an MM to a subscriber of the partner. The originating MMSC forwards it (MM4_forward.REQ, well formed, the recipient in MM4 address form at the partner’s domain), the receiving MMSC takes it (250) and answers MM4_forward.RES Ok when asked, notifies its subscriber and delivers the MM with its subject and content, the originator named.',
  async run(ctx) {
    const { forward, checks } = await sendAndForward(ctx, {}, false);
    if (!forward) return checks;
    const msg = (() => {
      try {
        return decodeMm4(forward.data);
      } catch {
        return undefined;
      }
    })();
    const issues = msg ? validateMm4(msg) : [];
    checks.push(
      check(
        'the MM4_forward.REQ has every mandatory element, each value of its type',
        `${MM4} §8.4.1.1 (table 13)`,
        msg !== undefined && issues.length === 0,
        'no missing, undefined, repeated or malformed element',
        msg
          ? issues.length
            ? issues.map((i) => `${i.field}: ${i.reason}`).join('; ')
            : 'none'
          : (forward.decodeError ?? 'undecodable'),
        { mails: [forward] },
      ),
    );
    const domain = ctx.to.ics.provisioning.domain.toLowerCase();
    const to = splitAddressList(header(forward, 'To') ?? '').map((a) => parseMm4Address(a));
    const named = to.some(
      (a) =>
        a?.kind === 'PLMN' &&
        digits(a.address) === digits(ctx.recipientMsisdn) &&
        a.domain?.toLowerCase() === domain,
    );
    const rcpt = forward.rcptTo.some(
      (r) =>
        digits(r.split('@')[0]) === digits(ctx.recipientMsisdn) && r.toLowerCase().endsWith(`@${domain}`),
    );
    checks.push(
      check(
        `the recipient is addressed as +E.164/TYPE=PLMN@${domain} (To and envelope)`,
        `${MM4} §8.4.1.1 (To), §8.4.4; GSMA IR.52 §6`,
        named && rcpt,
        `To and RCPT TO name ${ctx.recipientMsisdn}/TYPE=PLMN@${domain}`,
        `To: ${header(forward, 'To') ?? 'absent'}; RCPT TO: ${forward.rcptTo.join(', ')}`,
        { mails: [forward] },
      ),
    );
    checks.push(
      check(
        `${ctx.to.side.toUpperCase()} takes the forward (SMTP end of data)`,
        'RFC 5321 §4.2, §4.3.2; 3GPP TS 23.140 §8.4.1',
        forward.dataReply?.code === 250,
        '250',
        forward.dataReply ? `${forward.dataReply.code} ${forward.dataReply.text}` : 'no reply',
        { mails: [forward] },
      ),
    );
    checks.push(await forwardRes(ctx, forward));
    const r = await retrieved(ctx, false);
    checks.push(r.check);
    if (r.conf) {
      const f = r.conf.fields as JsonObject;
      const text = `hello from ${ctx.from.side.toUpperCase()} ${ctx.token}`;
      const hasText = r.conf.raw !== undefined && Buffer.from(r.conf.raw).includes(text);
      checks.push(
        check(
          'the delivered MM names the originator and carries the content as sent',
          `${MM4} §8.4.1.1 (From); OMA-TS-MMS_ENC-V1_3 §6.3`,
          digits(String(f.From ?? '')).endsWith(digits(ctx.senderMsisdn)) && hasText,
          `From ${ctx.senderMsisdn}, the text part "${text}"`,
          `From ${String(f.From ?? 'absent')}, ${hasText ? 'the text part as sent' : 'the text not in the PDU'}`,
        ),
      );
    }
    return checks;
  },
};

const DELIVERY_REPORT: InteropPurpose = {
  id: 'IOP-DR-01',
  title: 'A delivery report comes back over MM4 and reaches the originator',
  ir53: ['MM4-DR-01', 'MM4-DR-02'],
  clauses: [`${MM4} §8.4.1.1`, `${MM4} §8.4.2.1`, `${MM4} §8.4.2.2`, 'OMA-TS-MMS_ENC-V1_3 §6.9'],
  description:
    'The originator asks for a delivery report. The forward carries X-Mms-Delivery-Report Yes; once the recipient retrieved the MM, the recipient’s MMSC sends MM4_delivery_report.REQ (the forward’s X-Mms-Message-ID, X-Mms-MM-Status Retrieved), the originating MMSC answers MM4_delivery_report.RES when asked and pushes m-delivery-ind (the m-send-conf’s Message-ID, Retrieved) to the originator.',
  async run(ctx) {
    const { sent, forward, checks } = await sendAndForward(ctx, { deliveryReport: true }, true);
    if (!forward) return checks;
    checks.push(
      check(
        'the forward carries the originator’s request for a delivery report',
        `${MM4} §8.4.1.1 (X-Mms-Delivery-Report)`,
        (header(forward, 'X-Mms-Delivery-Report') ?? '').toLowerCase() === 'yes',
        'X-Mms-Delivery-Report: Yes',
        `X-Mms-Delivery-Report: ${header(forward, 'X-Mms-Delivery-Report') ?? 'absent'}`,
        { mails: [forward] },
      ),
    );
    const r = await retrieved(ctx, true);
    checks.push(r.check);
    if (!r.conf) return checks;
    const mid = header(forward, 'X-Mms-Message-ID');
    const dr = await ctx.mail(
      (m) =>
        m.from === ctx.to.side &&
        m.type === 'MM4_delivery_report.REQ' &&
        sameId(header(m, 'X-Mms-Message-ID'), mid),
      ctx.timer(ctx.to.side, 'deliveryReport') + ctx.timer(ctx.to.side, 'mm4ResponseTimeout'),
    );
    checks.push(
      check(
        `${ctx.to.side.toUpperCase()} sends MM4_delivery_report.REQ for the MM, status Retrieved`,
        `${MM4} §8.4.2.1`,
        dr !== undefined && (header(dr, 'X-Mms-MMS-Status') ?? '').toLowerCase() === 'retrieved',
        `MM4_delivery_report.REQ, X-Mms-Message-ID ${mid}, X-Mms-MMS-Status Retrieved`,
        dr ? `${mailText(dr)}: X-Mms-MMS-Status ${header(dr, 'X-Mms-MMS-Status') ?? 'absent'}` : 'none',
        { mails: [forward, dr] },
      ),
    );
    if (!dr) return checks;
    if ((header(dr, 'X-Mms-Ack-Request') ?? '').toLowerCase() === 'yes') {
      const tid = header(dr, 'X-Mms-Transaction-ID');
      const res = await ctx.mail(
        (m) =>
          m.from === ctx.from.side &&
          m.type === 'MM4_delivery_report.RES' &&
          sameId(header(m, 'X-Mms-Transaction-ID'), tid),
        ctx.timer(ctx.from.side, 'mm4ResponseTimeout'),
      );
      checks.push(
        check(
          `${ctx.from.side.toUpperCase()} answers MM4_delivery_report.RES Ok`,
          `${MM4} §8.4.2.2`,
          res !== undefined && (header(res, 'X-Mms-Request-Status-Code') ?? '').toLowerCase() === 'ok',
          `MM4_delivery_report.RES, X-Mms-Transaction-ID ${tid}, X-Mms-Request-Status-Code Ok`,
          res
            ? `${mailText(res)}: Request-Status-Code ${header(res, 'X-Mms-Request-Status-Code') ?? 'absent'}`
            : 'none',
          { mails: [dr, res] },
        ),
      );
    }
    // an earlier m-delivery-ind (Forwarded, once the MM left over MM4) is allowed: the Retrieved one is awaited
    const seen: string[] = [];
    const ind = await ctx.pdu(
      ctx.sender.name,
      'm-delivery-ind',
      (f) => {
        if (!sameId(String(f['Message-ID'] ?? ''), String(sent.messageId ?? ''))) return false;
        seen.push(String(f['X-Mms-Status'] ?? 'absent'));
        return f['X-Mms-Status'] === 'Retrieved';
      },
      ctx.timer(ctx.from.side, 'notification') * 2,
    );
    checks.push(
      check(
        `the originator receives m-delivery-ind from ${ctx.from.side.toUpperCase()}, Retrieved`,
        'OMA-TS-MMS_ENC-V1_3 §6.9; 3GPP TS 23.140 §8.1.5',
        ind !== undefined,
        `m-delivery-ind, Message-ID ${String(sent.messageId)}, X-Mms-Status Retrieved`,
        seen.length ? `m-delivery-ind, X-Mms-Status ${[...new Set(seen)].join(' then ')}` : 'none',
        { mails: [dr] },
      ),
    );
    return checks;
  },
};

const READ_REPLY: InteropPurpose = {
  id: 'IOP-RR-01',
  title: 'A read report comes back over MM4 and reaches the originator',
  ir53: ['MM4-RR-01', 'MM4-RR-02'],
  clauses: [`${MM4} §8.4.3.1`, `${MM4} §8.4.3.2`, 'OMA-TS-MMS_ENC-V1_3 §6.7'],
  description:
    'The originator asks for a read report; the recipient retrieves the MM and sends m-read-rec-ind. The recipient’s MMSC sends MM4_read_reply_report.REQ (the MM’s X-Mms-Message-ID, X-Mms-Read-Status Read), the originating MMSC answers MM4_read_reply_report.RES when asked and pushes m-read-orig-ind to the originator.',
  async run(ctx) {
    const { sent, forward, checks } = await sendAndForward(ctx, { readReport: true }, true);
    if (!forward) return checks;
    const r = await retrieved(ctx, true);
    checks.push(r.check);
    if (!r.conf) return checks;
    const mid = String((r.conf.fields as JsonObject)['Message-ID'] ?? sent.messageId ?? '');
    await ctx.recipient.settled();
    const rec = (await ctx.recipient.actions['read-report']({
      messageId: mid,
      to: ctx.senderMsisdn,
      status: 'Read',
    })) as JsonObject;
    checks.push(
      check(
        `${ctx.to.side.toUpperCase()} accepts the recipient’s m-read-rec-ind`,
        'OMA-TS-MMS_ENC-V1_3 §6.7.2',
        typeof rec.status === 'number' && rec.status < 300,
        'HTTP 2xx',
        `HTTP ${String(rec.status)}`,
        { precondition: true },
      ),
    );
    const rr = await ctx.mail(
      (m) =>
        m.from === ctx.to.side &&
        m.type === 'MM4_read_reply_report.REQ' &&
        sameId(header(m, 'X-Mms-Message-ID'), header(forward, 'X-Mms-Message-ID')),
      ctx.timer(ctx.to.side, 'deliveryReport') + ctx.timer(ctx.to.side, 'mm4ResponseTimeout'),
    );
    checks.push(
      check(
        `${ctx.to.side.toUpperCase()} sends MM4_read_reply_report.REQ for the MM, status Read`,
        `${MM4} §8.4.3.1`,
        rr !== undefined && (header(rr, 'X-Mms-Read-Status') ?? '').toLowerCase() === 'read',
        `MM4_read_reply_report.REQ, X-Mms-Message-ID ${header(forward, 'X-Mms-Message-ID')}, X-Mms-Read-Status Read`,
        rr ? `${mailText(rr)}: X-Mms-Read-Status ${header(rr, 'X-Mms-Read-Status') ?? 'absent'}` : 'none',
        { mails: [forward, rr] },
      ),
    );
    if (!rr) return checks;
    if ((header(rr, 'X-Mms-Ack-Request') ?? '').toLowerCase() === 'yes') {
      const tid = header(rr, 'X-Mms-Transaction-ID');
      const res = await ctx.mail(
        (m) =>
          m.from === ctx.from.side &&
          m.type === 'MM4_read_reply_report.RES' &&
          sameId(header(m, 'X-Mms-Transaction-ID'), tid),
        ctx.timer(ctx.from.side, 'mm4ResponseTimeout'),
      );
      checks.push(
        check(
          `${ctx.from.side.toUpperCase()} answers MM4_read_reply_report.RES Ok`,
          `${MM4} §8.4.3.2`,
          res !== undefined && (header(res, 'X-Mms-Request-Status-Code') ?? '').toLowerCase() === 'ok',
          `MM4_read_reply_report.RES, X-Mms-Transaction-ID ${tid}, X-Mms-Request-Status-Code Ok`,
          res
            ? `${mailText(res)}: Request-Status-Code ${header(res, 'X-Mms-Request-Status-Code') ?? 'absent'}`
            : 'none',
          { mails: [rr, res] },
        ),
      );
    }
    const ind = await ctx.pdu(
      ctx.sender.name,
      'm-read-orig-ind',
      (f) => sameId(String(f['Message-ID'] ?? ''), String(sent.messageId ?? '')),
      ctx.timer(ctx.from.side, 'notification') * 2,
    );
    checks.push(
      check(
        `the originator receives m-read-orig-ind from ${ctx.from.side.toUpperCase()}, Read`,
        'OMA-TS-MMS_ENC-V1_3 §6.7.3',
        ind !== undefined && String((ind.fields as JsonObject)['X-Mms-Read-Status'] ?? '') === 'Read',
        `m-read-orig-ind, Message-ID ${String(sent.messageId)}, X-Mms-Read-Status Read`,
        ind
          ? `m-read-orig-ind, X-Mms-Read-Status ${String((ind.fields as JsonObject)['X-Mms-Read-Status'] ?? 'absent')}`
          : 'none',
        { mails: [rr] },
      ),
    );
    return checks;
  },
};

/** Every purpose, in report order. Ids are stable: never renumber, only add. */
export const INTEROP_PURPOSES: readonly InteropPurpose[] = [FORWARD, DELIVERY_REPORT, READ_REPLY];
