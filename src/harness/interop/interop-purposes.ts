import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { RelayedMail, RelayFaultRule } from '../../../mocks/mm4-relay/mm4-relay.ts';
import type { Handset } from '../../../mocks/ue/handset.ts';
import { decodeMm4, parseMm4Address, splitAddressList, validateMm4 } from '../../codec/mm4/index.ts';
import { parseRfc5322Date } from '../../codec/mm4/rfc5322-date.ts';
import type { JsonObject } from '../../util/json.ts';
import type { MessageObservation } from '../../wire/timeline.ts';
import { applicability } from '../ics/ics-select.ts';
import { loadInteropMatrix, type TestPurpose } from '../interop-matrix.ts';
import type { InteropParty, Side } from './interop-config.ts';
import type { InteropCheck, InteropPurposeInfo, InteropVerdict } from './interop-result.ts';

/**
 * The test purposes of a two-MMSC interop run are the rows of mmscert's IR.53-style MM4 matrix
 * (suites/mm4/ir53-matrix.yaml): their ids, titles, clauses and, per row, whether the purpose can
 * run between two MMSCs (`interop: { ics }`: both parties must claim those ICS items) or not
 * (`interop: { notApplicable }`). This file holds only how each runnable row is realised between
 * two MMSCs under test (REALISATIONS, keyed by the row id); the item tables of the content rows
 * (content classes, media, charsets, subject scripts) are read from the same `each:` tables the
 * single-target cases of those rows use.
 *
 * Every check reads only what crossed the wire: the mails the relay carried between the two MMSCs
 * (as each side wrote them, with the other side's SMTP replies) and the MM1 PDUs our handsets
 * sent and received. Each purpose direction has handsets of its own (own numbers), so purposes
 * run side by side without reading each other's mails.
 */
export interface InteropHandset {
  /** Its node name on the timeline (ue.a7). */
  name: string;
  msisdn: string;
  ue: Handset;
}

export interface PurposeContext {
  /** The originating party (its subscriber sends) and the receiving one. */
  from: InteropParty;
  to: InteropParty;
  /**
   * A fresh handset of ours on a side (its own number, known to our HLR / ENUM). `portedFrom`: a
   * number of that other side's range, ported to `side` (ENUM answers `side`'s domain).
   */
  handset(side: Side, opts?: { portedFrom?: Side }): Promise<InteropHandset>;
  /** Unique text of this purpose direction (in Subjects). */
  token: string;
  /** Waits for a relayed mail (since the purpose started) matching `pred`; undefined at the deadline. */
  mail(pred: (m: RelayedMail) => boolean, timeoutMs: number): Promise<RelayedMail | undefined>;
  /** The relayed mails matching `pred` so far (since the purpose started). */
  mailsNow(pred: (m: RelayedMail) => boolean): RelayedMail[];
  /** Waits for an MM1 PDU a handset received; undefined at the deadline. */
  pdu(
    node: string,
    type: string,
    pred: (f: JsonObject) => boolean,
    timeoutMs: number,
  ): Promise<MessageObservation | undefined>;
  /** The MM1 PDUs of a type a handset received so far. */
  pdusNow(node: string, type: string): MessageObservation[];
  /** A timer of a party's ICS in ms (plus room for the host), scaled. */
  timer(side: Side, name: 'notification' | 'deliveryReport' | 'mm4ResponseTimeout' | 'minExpiry'): number;
  /** A quiet window (something must not happen within it), scaled. */
  quiet(ms: number): number;
  /** Arms a relay fault rule (mocks/mm4-relay); returns its disarm function. */
  fault(rule: RelayFaultRule): () => void;
  /** The relayed SMTP connections opened since the purpose started. */
  connections(): { from: Side; to: Side; encrypted: boolean; starttls: boolean }[];
  /** The `each:` items and ICS terms of a single-target case of the matrix (its item table). */
  table(caseId: string): { items: JsonObject[]; ics: string[] };
  /** Records what this direction leaves out and why. */
  note(text: string): void;
}

/** A realisation may decide, from both ICS, that a direction does not apply. */
export class NotApplicable extends Error {}

export interface Realisation {
  /** How the purpose runs between two MMSCs, in the report's words. */
  description: string;
  run(ctx: PurposeContext): Promise<InteropCheck[]>;
}

export interface InteropPurpose extends InteropPurposeInfo {
  /** Absent when the matrix says the purpose cannot run between two MMSCs. */
  run?: (ctx: PurposeContext) => Promise<InteropCheck[]>;
}

const MM4 = '3GPP TS 23.140';
const FAILED = ['Expired', 'Unreachable', 'Rejected', 'Indeterminate'];

export function header(m: RelayedMail | undefined, name: string): string | undefined {
  const hs = m?.fields?.headers as JsonObject | undefined;
  if (!hs) return undefined;
  const key = Object.keys(hs).find((k) => k.toLowerCase() === name.toLowerCase());
  const h = key === undefined ? undefined : hs[key];
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
    ...(mails.length ? { mails: [...new Set(mails)] } : {}),
  };
}

const digits = (s: string) => s.replace(/\D/g, '');
const up = (s: Side) => s.toUpperCase();
const mailText = (m: RelayedMail | undefined) =>
  m
    ? `mail #${m.n} ${m.type ?? 'undecodable'} (${up(m.from)} -> ${up(m.to)})${m.fault ? ` [relay fault ${m.fault}]` : ''}`
    : 'none';
const fieldsOf = (o: MessageObservation | undefined): JsonObject => (o?.fields ?? {}) as JsonObject;
const yes = (v: string | undefined) => (v ?? '').trim().toLowerCase() === 'yes';

/** Whether a mail's envelope names the handset's number. */
const forHandset = (m: RelayedMail, h: { msisdn: string }) =>
  m.rcptTo.some((r) => digits(r.split('@')[0]) === digits(h.msisdn));

// ------------------------------------------------------------------ building blocks

interface Sent {
  sent: JsonObject;
  ok: boolean;
  check: InteropCheck;
}

/** The originator's m-send-req and its m-send-conf: the stimulus (a precondition). */
async function submit(
  ctx: PurposeContext,
  sender: InteropHandset,
  to: InteropHandset | InteropHandset[],
  opts: JsonObject = {},
): Promise<Sent> {
  const rcpts = Array.isArray(to) ? to : [to];
  const sent = (await sender.ue.actions.send({
    to: rcpts.length === 1 ? rcpts[0].msisdn : rcpts.map((r) => r.msisdn),
    subject: `interop ${ctx.token}`,
    parts: [{ contentType: 'text/plain', text: `hello from ${up(ctx.from.side)} ${ctx.token}` }],
    ...opts,
  })) as JsonObject;
  const ok = sent.responseStatus === 'Ok';
  return {
    sent,
    ok,
    check: check(
      `${up(ctx.from.side)} accepts the submission (m-send-conf Ok)`,
      'OMA-TS-MMS_ENC-V1_3 §6.1.2',
      ok,
      'X-Mms-Response-Status Ok',
      `HTTP ${String(sent.status)}, X-Mms-Response-Status ${String(sent.responseStatus ?? 'none')}`,
      { precondition: true },
    ),
  };
}

const isForwardTo = (ctx: PurposeContext, r: InteropHandset) => (m: RelayedMail) =>
  m.from === ctx.from.side && m.type === 'MM4_forward.REQ' && forHandset(m, r);

/** The forward of the MM to `r` that reached the receiver (not cut by a relay fault). */
async function forwardOf(
  ctx: PurposeContext,
  r: InteropHandset,
  precondition = false,
): Promise<{ fwd?: RelayedMail; check: InteropCheck }> {
  const match = isForwardTo(ctx, r);
  const fwd = await ctx.mail(
    (m) => match(m) && m.fault !== 'cut',
    ctx.timer(ctx.from.side, 'notification') + ctx.timer(ctx.from.side, 'mm4ResponseTimeout'),
  );
  return {
    fwd,
    check: check(
      `${up(ctx.from.side)} forwards the MM to ${up(ctx.to.side)} over MM4`,
      `${MM4} §8.4.1.1`,
      fwd !== undefined,
      `an MM4_forward.REQ from ${up(ctx.from.side)}, envelope recipient ${r.msisdn}`,
      mailText(fwd),
      { mails: [fwd], precondition },
    ),
  };
}

/** The receiver's SMTP reply to the end of a forward's data. */
function taken(ctx: PurposeContext, fwd: RelayedMail): InteropCheck {
  return check(
    `${up(ctx.to.side)} takes the forward (SMTP reply to the end of data)`,
    'RFC 5321 §4.2, §4.3.2; 3GPP TS 23.140 §8.4.1',
    fwd.dataReply?.code === 250,
    '250',
    fwd.dataReply ? `${fwd.dataReply.code} ${fwd.dataReply.text}` : 'no reply',
    { mails: [fwd] },
  );
}

/** The .RES answering a REQ (matched by X-Mms-Transaction-ID), from `side`. */
function resFor(ctx: PurposeContext, req: RelayedMail, side: Side, type: string, timeoutMs: number) {
  const tid = header(req, 'X-Mms-Transaction-ID');
  return ctx.mail(
    (m) =>
      m.from === side &&
      m.type === type &&
      m.fault !== 'cut' &&
      sameId(header(m, 'X-Mms-Transaction-ID'), tid),
    timeoutMs,
  );
}

/**
 * A REQ's .RES rule (§8.4.1.1 X-Mms-Ack-Request; §8.4.1.2, §8.4.2.2, §8.4.3.2): with Ack-Request Yes,
 * a .RES Ok with its Transaction-ID (and Message-ID); without, none in a quiet window.
 */
async function resRule(
  ctx: PurposeContext,
  req: RelayedMail,
  answering: Side,
  resType: string,
  clause: string,
): Promise<InteropCheck> {
  const asked = yes(header(req, 'X-Mms-Ack-Request'));
  const tid = header(req, 'X-Mms-Transaction-ID');
  if (!asked) {
    const res = await resFor(ctx, req, answering, resType, ctx.quiet(1000));
    return check(
      `${up(answering)} sends no ${resType} when none was asked for`,
      `${MM4} §8.4.1.1 (X-Mms-Ack-Request), ${clause}`,
      res === undefined,
      `no ${resType} for X-Mms-Transaction-ID ${tid} (X-Mms-Ack-Request ${header(req, 'X-Mms-Ack-Request') ?? 'absent'})`,
      res ? mailText(res) : 'none',
      { mails: [req, res] },
    );
  }
  const res = await resFor(ctx, req, answering, resType, ctx.timer(answering, 'mm4ResponseTimeout'));
  const status = header(res, 'X-Mms-Request-Status-Code');
  const mid = header(req, 'X-Mms-Message-ID');
  const midOk = resType !== 'MM4_forward.RES' || sameId(header(res, 'X-Mms-Message-ID'), mid);
  return check(
    `${up(answering)} answers ${resType} Ok with the REQ's Transaction-ID${resType === 'MM4_forward.RES' ? ' and Message-ID' : ''}`,
    clause,
    res !== undefined && status?.toLowerCase() === 'ok' && midOk,
    `${resType}, X-Mms-Transaction-ID ${tid}${resType === 'MM4_forward.RES' ? `, X-Mms-Message-ID ${mid}` : ''}, X-Mms-Request-Status-Code Ok`,
    res
      ? `${mailText(res)}: Transaction-ID ${header(res, 'X-Mms-Transaction-ID')}, Message-ID ${header(res, 'X-Mms-Message-ID') ?? 'absent'}, Request-Status-Code ${status ?? 'absent'}`
      : 'none',
    { mails: [req, res] },
  );
}

/** The recipient handset's m-retrieve-conf (it retrieves on notification). */
async function retrievedBy(
  ctx: PurposeContext,
  r: InteropHandset,
  precondition = false,
  pred: (f: JsonObject) => boolean = () => true,
): Promise<{ conf?: MessageObservation; check: InteropCheck }> {
  const conf = await ctx.pdu(r.name, 'm-retrieve-conf', pred, ctx.timer(ctx.to.side, 'notification') * 2);
  return {
    conf,
    check: check(
      `${up(ctx.to.side)} notifies its subscriber, who retrieves the MM over MM1`,
      'OMA-TS-MMS_CTR-V1_3 §6.2, §6.3; 3GPP TS 23.140 §8.1',
      conf !== undefined,
      `m-retrieve-conf at ${r.name} (${r.msisdn})`,
      conf ? `m-retrieve-conf, Subject "${String(fieldsOf(conf).Subject ?? '')}"` : 'none',
      { precondition },
    ),
  };
}

/** After a quiet window: the recipient was notified exactly once. */
async function notifiedOnce(ctx: PurposeContext, r: InteropHandset, clause: string): Promise<InteropCheck> {
  await new Promise((res) => setTimeout(res, ctx.quiet(1000)));
  const n = ctx.pdusNow(r.name, 'm-notification-ind').length;
  return check(
    `${up(ctx.to.side)} notifies ${r.name} once for the MM`,
    clause,
    n === 1,
    'one m-notification-ind',
    `${n} m-notification-ind`,
  );
}

/** The originator's m-delivery-ind for its MM with one of `statuses`; every status seen. */
async function deliveryInd(
  ctx: PurposeContext,
  s: InteropHandset,
  messageId: string,
  statuses: string[],
  timeoutMs: number,
): Promise<{ ind?: MessageObservation; seen: string[] }> {
  const seen: string[] = [];
  const ind = await ctx.pdu(
    s.name,
    'm-delivery-ind',
    (f) => {
      if (!sameId(String(f['Message-ID'] ?? ''), messageId)) return false;
      seen.push(String(f['X-Mms-Status'] ?? 'absent'));
      return statuses.includes(String(f['X-Mms-Status']));
    },
    timeoutMs,
  );
  return { ind, seen };
}

/** Sender and recipient handsets, an MM between them, its forward: the common start of most purposes. */
async function oneMm(
  ctx: PurposeContext,
  opts: JsonObject = {},
  precondition = true,
): Promise<{
  s: InteropHandset;
  r: InteropHandset;
  sent: JsonObject;
  fwd?: RelayedMail;
  checks: InteropCheck[];
}> {
  const [s, r] = await Promise.all([ctx.handset(ctx.from.side), ctx.handset(ctx.to.side)]);
  const sub = await submit(ctx, s, r, opts);
  const checks = [sub.check];
  if (!sub.ok) return { s, r, sent: sub.sent, checks };
  const f = await forwardOf(ctx, r, precondition);
  checks.push(f.check);
  return { s, r, sent: sub.sent, fwd: f.fwd, checks };
}

function decoded(m: RelayedMail) {
  try {
    return decodeMm4(m.data);
  } catch {
    return undefined;
  }
}

/** The forward's header section as it was written (octets up to the blank line). */
function headerSection(m: RelayedMail): Buffer {
  const b = Buffer.from(m.data);
  const end = b.indexOf('\r\n\r\n');
  return end < 0 ? b : b.subarray(0, end);
}

// ------------------------------------------------------------------ report flows (DR, RR)

interface ReportFlow {
  s: InteropHandset;
  sent: JsonObject;
  fwd?: RelayedMail;
  req?: RelayedMail;
  checks: InteropCheck[];
}

/** An MM asking for a delivery report, retrieved; the receiver's MM4_delivery_report.REQ. */
async function deliveryReportFlow(ctx: PurposeContext, precondition: boolean): Promise<ReportFlow> {
  const { s, r, sent, fwd, checks } = await oneMm(ctx, { deliveryReport: true });
  if (!fwd) return { s, sent, checks };
  checks.push(
    check(
      'the forward carries the originator’s request for a delivery report',
      `${MM4} §8.4.1.1 (X-Mms-Delivery-Report)`,
      yes(header(fwd, 'X-Mms-Delivery-Report')),
      'X-Mms-Delivery-Report: Yes',
      `X-Mms-Delivery-Report: ${header(fwd, 'X-Mms-Delivery-Report') ?? 'absent'}`,
      { mails: [fwd], precondition },
    ),
  );
  const got = await retrievedBy(ctx, r, true);
  checks.push(got.check);
  if (!got.conf) return { s, sent, fwd, checks };
  const mid = header(fwd, 'X-Mms-Message-ID');
  const req = await ctx.mail(
    (m) =>
      m.from === ctx.to.side &&
      m.type === 'MM4_delivery_report.REQ' &&
      sameId(header(m, 'X-Mms-Message-ID'), mid),
    ctx.timer(ctx.to.side, 'deliveryReport') + ctx.timer(ctx.to.side, 'mm4ResponseTimeout'),
  );
  checks.push(
    check(
      `${up(ctx.to.side)} sends MM4_delivery_report.REQ for the MM, X-Mms-MMS-Status Retrieved`,
      `${MM4} §8.4.2.1`,
      req !== undefined && (header(req, 'X-Mms-MMS-Status') ?? '').toLowerCase() === 'retrieved',
      `MM4_delivery_report.REQ, X-Mms-Message-ID ${mid}, X-Mms-MMS-Status Retrieved`,
      req ? `${mailText(req)}: X-Mms-MMS-Status ${header(req, 'X-Mms-MMS-Status') ?? 'absent'}` : 'none',
      { mails: [fwd, req], precondition },
    ),
  );
  return { s, sent, fwd, req, checks };
}

/** An MM asking for a read report, retrieved and read; the receiver's MM4_read_reply_report.REQ. */
async function readReplyFlow(ctx: PurposeContext, precondition: boolean): Promise<ReportFlow> {
  const { s, r, sent, fwd, checks } = await oneMm(ctx, { readReport: true });
  if (!fwd) return { s, sent, checks };
  const got = await retrievedBy(ctx, r, true);
  checks.push(got.check);
  if (!got.conf) return { s, sent, fwd, checks };
  const mid = String(fieldsOf(got.conf)['Message-ID'] ?? sent.messageId ?? '');
  await r.ue.settled();
  const rec = (await r.ue.actions['read-report']({
    messageId: mid,
    to: s.msisdn,
    status: 'Read',
  })) as JsonObject;
  checks.push(
    check(
      `${up(ctx.to.side)} accepts the recipient’s m-read-rec-ind`,
      'OMA-TS-MMS_ENC-V1_3 §6.7.2',
      typeof rec.status === 'number' && rec.status < 300,
      'HTTP 2xx',
      `HTTP ${String(rec.status)}`,
      { precondition: true },
    ),
  );
  const req = await ctx.mail(
    (m) =>
      m.from === ctx.to.side &&
      m.type === 'MM4_read_reply_report.REQ' &&
      sameId(header(m, 'X-Mms-Message-ID'), header(fwd, 'X-Mms-Message-ID')),
    ctx.timer(ctx.to.side, 'deliveryReport') + ctx.timer(ctx.to.side, 'mm4ResponseTimeout'),
  );
  checks.push(
    check(
      `${up(ctx.to.side)} sends MM4_read_reply_report.REQ for the MM, X-Mms-Read-Status Read`,
      `${MM4} §8.4.3.1`,
      req !== undefined && (header(req, 'X-Mms-Read-Status') ?? '').toLowerCase() === 'read',
      `MM4_read_reply_report.REQ, X-Mms-Message-ID ${header(fwd, 'X-Mms-Message-ID')}, X-Mms-Read-Status Read`,
      req ? `${mailText(req)}: X-Mms-Read-Status ${header(req, 'X-Mms-Read-Status') ?? 'absent'}` : 'none',
      { mails: [fwd, req], precondition },
    ),
  );
  return { s, sent, fwd, req, checks };
}

// ------------------------------------------------------------------ item tables (content rows)

/** `{{each.key}}` of a case's ICS terms, for one item. */
function itemTerms(terms: readonly string[], item: JsonObject): string[] {
  return terms.map((t) =>
    t.replace(/\{\{\s*each\.([A-Za-z0-9_]+)\s*\}\}/g, (_, k: string) => String(item[k] ?? '')),
  );
}

/**
 * The items of a case's table that both parties' ICS allow (the case's own ICS terms, minus the
 * direction term mm4.inbound / mm4.outbound); the others are noted.
 */
function itemsForBoth(ctx: PurposeContext, caseId: string, label: (i: JsonObject) => string): JsonObject[] {
  const t = ctx.table(caseId);
  const terms = t.ics.filter((x) => !/^mm4\.(in|out)bound$/.test(x.trim()));
  return t.items.filter((item) => {
    const wanted = itemTerms(terms, item);
    const why = [ctx.from, ctx.to].flatMap((p) =>
      applicability(p.ics, wanted).reasons.map((r) => `${up(p.side)}: ${r}`),
    );
    if (why.length) ctx.note(`${label(item)} left out: ${why.join('; ')}`);
    return why.length === 0;
  });
}

/** Parts of an MM4 forward's content (mimeToJson), a single body as one part. */
function mm4Parts(fwd: RelayedMail): JsonObject[] {
  const c = fwd.fields?.content as JsonObject | undefined;
  if (!c) return [];
  return Array.isArray(c.parts) ? (c.parts as JsonObject[]) : [c];
}

const partText = (p: JsonObject | undefined) =>
  p
    ? `${String(p.contentType)} ${String(p.size ?? '?')} octets${p.head ? ` ${String(p.head).slice(0, 16)}…` : ''}`
    : 'none';

/** Runs one MM per item, side by side; each item its own recipient. */
async function perItem(
  ctx: PurposeContext,
  items: JsonObject[],
  one: (item: JsonObject, s: InteropHandset, r: InteropHandset) => Promise<InteropCheck[]>,
): Promise<InteropCheck[]> {
  if (items.length === 0) throw new NotApplicable('no item of the table is claimed by both ICS');
  const s = await ctx.handset(ctx.from.side);
  const results = await Promise.all(items.map(async (item) => one(item, s, await ctx.handset(ctx.to.side))));
  return results.flat();
}

// ------------------------------------------------------------------ the realisations

const CONTENT_CLAUSE = 'OMA-TS-MMS_CONF-V1_3 content classes; 3GPP TS 23.140 §8.4.1.1';

export const REALISATIONS: Readonly<Record<string, Realisation>> = {
  'MM4-FWD-01': {
    description:
      'A subscriber of the originating MMSC sends one of the receiving MMSC. The forward has every mandatory element of §8.4.1.1 with values of their types, the receiver takes it (250), notifies and delivers the MM with its originator and content.',
    async run(ctx) {
      const { s, r, fwd, checks } = await oneMm(ctx, {}, false);
      if (!fwd) return checks;
      const msg = decoded(fwd);
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
            : (fwd.decodeError ?? 'undecodable'),
          { mails: [fwd] },
        ),
      );
      checks.push(taken(ctx, fwd));
      const got = await retrievedBy(ctx, r);
      checks.push(got.check);
      if (got.conf) {
        const f = fieldsOf(got.conf);
        const text = `hello from ${up(ctx.from.side)} ${ctx.token}`;
        const hasText = got.conf.raw !== undefined && Buffer.from(got.conf.raw).includes(text);
        checks.push(
          check(
            'the delivered MM names the originator and carries the content as sent',
            `${MM4} §8.4.1.1 (From); OMA-TS-MMS_ENC-V1_3 §6.3`,
            digits(String(f.From ?? '')).endsWith(digits(s.msisdn)) && hasText,
            `From ${s.msisdn}, the text part "${text}"`,
            `From ${String(f.From ?? 'absent')}, ${hasText ? 'the text part as sent' : 'the text not in the PDU'}`,
          ),
        );
      }
      return checks;
    },
  },

  'MM4-FWD-02': {
    description:
      'An MM crosses MM4; the receiving MMSC answers its forward with an MM4_forward.RES that echoes X-Mms-Transaction-ID and X-Mms-Message-ID with X-Mms-Request-Status-Code Ok (when X-Mms-Ack-Request asked for it), well formed, and the originating MMSC takes the .RES (250).',
    async run(ctx) {
      const { fwd, checks } = await oneMm(ctx);
      if (!fwd) return checks;
      checks.push(await resRule(ctx, fwd, ctx.to.side, 'MM4_forward.RES', `${MM4} §8.4.1.2`));
      const res = ctx.mailsNow(
        (m) =>
          m.from === ctx.to.side &&
          m.type === 'MM4_forward.RES' &&
          sameId(header(m, 'X-Mms-Transaction-ID'), header(fwd, 'X-Mms-Transaction-ID')),
      )[0];
      if (res) {
        const msg = decoded(res);
        const issues = msg ? validateMm4(msg) : [];
        checks.push(
          check(
            'the MM4_forward.RES has every mandatory element, each value of its type',
            `${MM4} §8.4.1.2 (table 14)`,
            msg !== undefined && issues.length === 0,
            'no missing, undefined, repeated or malformed element',
            msg
              ? issues.map((i) => `${i.field}: ${i.reason}`).join('; ') || 'none'
              : (res.decodeError ?? 'undecodable'),
            { mails: [res] },
          ),
        );
        checks.push(
          check(
            `${up(ctx.from.side)} takes the MM4_forward.RES (250)`,
            'RFC 5321 §4.2; 3GPP TS 23.140 §8.4.1.2',
            res.dataReply?.code === 250,
            '250',
            res.dataReply ? `${res.dataReply.code} ${res.dataReply.text}` : 'no reply',
            { mails: [res] },
          ),
        );
      }
      return checks;
    },
  },

  'MM4-FWD-03': {
    description:
      'A subscriber of the originating MMSC sends one MM To two subscribers of the receiving MMSC. Across its forwards each recipient is in the envelope exactly once and the To header names both at the receiver’s domain; every forward is answered once; each recipient is notified once and retrieves the MM.',
    async run(ctx) {
      const [s, r1, r2] = await Promise.all([
        ctx.handset(ctx.from.side),
        ctx.handset(ctx.to.side),
        ctx.handset(ctx.to.side),
      ]);
      const sub = await submit(ctx, s, [r1, r2]);
      const checks = [sub.check];
      if (!sub.ok) return checks;
      const got = await Promise.all([retrievedBy(ctx, r1), retrievedBy(ctx, r2)]);
      checks.push(...got.map((g) => g.check));
      const fwds = ctx.mailsNow(
        (m) =>
          m.from === ctx.from.side &&
          m.type === 'MM4_forward.REQ' &&
          (forHandset(m, r1) || forHandset(m, r2)),
      );
      const count = (r: InteropHandset) =>
        fwds.flatMap((m) => m.rcptTo).filter((x) => digits(x.split('@')[0]) === digits(r.msisdn)).length;
      checks.push(
        check(
          'each recipient is in the envelope of exactly one forward',
          `${MM4} §8.4.1.1 (envelope recipients)`,
          count(r1) === 1 && count(r2) === 1,
          `${r1.msisdn} once, ${r2.msisdn} once`,
          `${fwds.length} forward(s): ${r1.msisdn} ${count(r1)}x, ${r2.msisdn} ${count(r2)}x`,
          { mails: fwds },
        ),
      );
      const domain = ctx.to.ics.provisioning.domain.toLowerCase();
      const named = (m: RelayedMail, r: InteropHandset) =>
        splitAddressList(header(m, 'To') ?? '')
          .map((a) => parseMm4Address(a))
          .some(
            (a) =>
              a?.kind === 'PLMN' &&
              digits(a.address) === digits(r.msisdn) &&
              a.domain?.toLowerCase() === domain,
          );
      checks.push(
        check(
          `every forward’s To names both recipients as +E.164/TYPE=PLMN@${domain}`,
          `${MM4} §8.4.1.1 (To)`,
          fwds.length > 0 && fwds.every((m) => named(m, r1) && named(m, r2)),
          `To: ${r1.msisdn}/TYPE=PLMN@${domain}, ${r2.msisdn}/TYPE=PLMN@${domain}`,
          fwds.map((m) => `#${m.n} To: ${header(m, 'To') ?? 'absent'}`).join('; ') || 'no forward',
          { mails: fwds },
        ),
      );
      for (const f of fwds.filter((m) => yes(header(m, 'X-Mms-Ack-Request')))) {
        await resFor(ctx, f, ctx.to.side, 'MM4_forward.RES', ctx.timer(ctx.to.side, 'mm4ResponseTimeout'));
        const n = ctx.mailsNow(
          (m) =>
            m.from === ctx.to.side &&
            m.type === 'MM4_forward.RES' &&
            sameId(header(m, 'X-Mms-Transaction-ID'), header(f, 'X-Mms-Transaction-ID')),
        );
        checks.push(
          check(
            `${up(ctx.to.side)} answers forward #${f.n} with one MM4_forward.RES`,
            `${MM4} §8.4.1.2`,
            n.length === 1,
            'one MM4_forward.RES with its Transaction-ID',
            `${n.length}`,
            { mails: [f, ...n] },
          ),
        );
      }
      const once = await Promise.all(
        [r1, r2].map((r) => notifiedOnce(ctx, r, `${MM4} §8.4.1.1; OMA-TS-MMS_CTR-V1_3 §6.2`)),
      );
      checks.push(...once);
      return checks;
    },
  },

  'MM4-ACK-01': {
    description:
      'An MM asking for a delivery report crosses MM4 and is retrieved. For the forward and for the delivery report, each a REQ of one side: X-Mms-Ack-Request Yes is answered with its .RES (Ok, same Transaction-ID), a REQ without it gets no .RES.',
    async run(ctx) {
      const flow = await deliveryReportFlow(ctx, true);
      const { fwd, req, checks } = flow;
      if (fwd) checks.push(await resRule(ctx, fwd, ctx.to.side, 'MM4_forward.RES', `${MM4} §8.4.1.2`));
      if (req)
        checks.push(await resRule(ctx, req, ctx.from.side, 'MM4_delivery_report.RES', `${MM4} §8.4.2.2`));
      return checks;
    },
  },

  'MM4-DR-01': {
    description:
      'The originator asks for a delivery report. The forward carries X-Mms-Delivery-Report Yes; once the recipient retrieved the MM, the receiving MMSC sends MM4_delivery_report.REQ (the forward’s X-Mms-Message-ID, X-Mms-MMS-Status Retrieved) and the originating MMSC maps it to m-delivery-ind (the m-send-conf’s Message-ID, Retrieved) to its subscriber.',
    async run(ctx) {
      const { s, sent, req, checks } = await deliveryReportFlow(ctx, false);
      if (!req) return checks;
      const { ind, seen } = await deliveryInd(
        ctx,
        s,
        String(sent.messageId ?? ''),
        ['Retrieved'],
        ctx.timer(ctx.from.side, 'notification') * 2,
      );
      checks.push(
        check(
          `the originator receives m-delivery-ind from ${up(ctx.from.side)}, Retrieved`,
          'OMA-TS-MMS_ENC-V1_3 §6.9; 3GPP TS 23.140 §8.1.5, §8.4.2.1',
          ind !== undefined,
          `m-delivery-ind, Message-ID ${String(sent.messageId)}, X-Mms-Status Retrieved`,
          seen.length ? `m-delivery-ind, X-Mms-Status ${[...new Set(seen)].join(' then ')}` : 'none',
          { mails: [req] },
        ),
      );
      return checks;
    },
  },

  'MM4-DR-02': {
    description:
      'A delivery report crosses MM4 back to the originating MMSC, which answers its MM4_delivery_report.REQ with MM4_delivery_report.RES Ok (same Transaction-ID) when asked, none when not.',
    async run(ctx) {
      const { req, checks } = await deliveryReportFlow(ctx, true);
      if (req)
        checks.push(await resRule(ctx, req, ctx.from.side, 'MM4_delivery_report.RES', `${MM4} §8.4.2.2`));
      return checks;
    },
  },

  'MM4-RR-01': {
    description:
      'The originator asks for a read report; the recipient retrieves and reads the MM (m-read-rec-ind). The receiving MMSC sends MM4_read_reply_report.REQ (the forward’s X-Mms-Message-ID, X-Mms-Read-Status Read) and the originating MMSC maps it to m-read-orig-ind, Read, to its subscriber.',
    async run(ctx) {
      const { s, sent, req, checks } = await readReplyFlow(ctx, false);
      if (!req) return checks;
      const ind = await ctx.pdu(
        s.name,
        'm-read-orig-ind',
        (f) => sameId(String(f['Message-ID'] ?? ''), String(sent.messageId ?? '')),
        ctx.timer(ctx.from.side, 'notification') * 2,
      );
      checks.push(
        check(
          `the originator receives m-read-orig-ind from ${up(ctx.from.side)}, Read`,
          'OMA-TS-MMS_ENC-V1_3 §6.7.3; 3GPP TS 23.140 §8.4.3.1',
          ind !== undefined && String(fieldsOf(ind)['X-Mms-Read-Status'] ?? '') === 'Read',
          `m-read-orig-ind, Message-ID ${String(sent.messageId)}, X-Mms-Read-Status Read`,
          ind
            ? `m-read-orig-ind, X-Mms-Read-Status ${String(fieldsOf(ind)['X-Mms-Read-Status'] ?? 'absent')}`
            : 'none',
          { mails: [req] },
        ),
      );
      return checks;
    },
  },

  'MM4-RR-02': {
    description:
      'A read report crosses MM4 back to the originating MMSC, which answers its MM4_read_reply_report.REQ with MM4_read_reply_report.RES Ok (same Transaction-ID) when asked, none when not.',
    async run(ctx) {
      const { req, checks } = await readReplyFlow(ctx, true);
      if (req)
        checks.push(await resRule(ctx, req, ctx.from.side, 'MM4_read_reply_report.RES', `${MM4} §8.4.3.2`));
      return checks;
    },
  },

  'MM4-EL-02': {
    description:
      'The originator asks to hide its address (X-Mms-Sender-Visibility Hide). The forward carries X-Mms-Sender-Visibility Hide, and the receiving MMSC shows the recipient no originator number in m-notification-ind or m-retrieve-conf.',
    async run(ctx) {
      const { s, r, fwd, checks } = await oneMm(ctx, { headers: { 'X-Mms-Sender-Visibility': 'Hide' } });
      if (!fwd) return checks;
      checks.push(
        check(
          'the forward asks the receiver to hide the originator',
          `${MM4} §8.4.1.1 (X-Mms-Sender-Visibility)`,
          (header(fwd, 'X-Mms-Sender-Visibility') ?? '').toLowerCase() === 'hide',
          'X-Mms-Sender-Visibility: Hide',
          `X-Mms-Sender-Visibility: ${header(fwd, 'X-Mms-Sender-Visibility') ?? 'absent'}`,
          { mails: [fwd] },
        ),
      );
      const got = await retrievedBy(ctx, r, true);
      checks.push(got.check);
      const shown = (o: MessageObservation | undefined) => String(fieldsOf(o).From ?? '');
      const reveals = (o: MessageObservation | undefined) =>
        digits(shown(o)).includes(digits(s.msisdn).slice(-7));
      const ind = ctx.pdusNow(r.name, 'm-notification-ind')[0];
      checks.push(
        check(
          `${up(ctx.to.side)} does not show the originator’s number to its subscriber`,
          `${MM4} §8.4.1.1 (X-Mms-Sender-Visibility); OMA-TS-MMS_ENC-V1_3 §7.3.51`,
          got.conf !== undefined && !reveals(ind) && !reveals(got.conf),
          `From absent or without ${s.msisdn} in m-notification-ind and m-retrieve-conf`,
          `m-notification-ind From ${shown(ind) || 'absent'}; m-retrieve-conf From ${shown(got.conf) || 'absent'}`,
          { mails: [fwd] },
        ),
      );
      return checks;
    },
  },

  'MM4-EL-03': {
    description:
      'The originator asks for a relative expiry of one hour. The forward carries X-Mms-Expiry denoting that time (relative seconds or an RFC 5322 date, within a minute), and the receiving MMSC’s m-notification-ind carries an expiry not later than it.',
    async run(ctx) {
      const t0 = Date.now();
      const { r, fwd, checks } = await oneMm(ctx, { expiry: 3600 });
      if (!fwd) return checks;
      const v = header(fwd, 'X-Mms-Expiry');
      const at = (raw: string | undefined, base: number): number | undefined => {
        if (raw === undefined) return undefined;
        if (/^\d+$/.test(raw.trim())) return base + Number(raw) * 1000;
        return parseRfc5322Date(raw)?.getTime();
      };
      const fwdAt = at(v, t0);
      const want = t0 + 3600_000;
      checks.push(
        check(
          'the forward carries the MM’s expiry',
          `${MM4} §8.4.1.1 (X-Mms-Expiry)`,
          fwdAt !== undefined && Math.abs(fwdAt - want) <= 60_000,
          `X-Mms-Expiry denoting ${new Date(want).toISOString()} (±60 s)`,
          `X-Mms-Expiry: ${v ?? 'absent'}${fwdAt !== undefined ? ` (${new Date(fwdAt).toISOString()})` : ''}`,
          { mails: [fwd] },
        ),
      );
      const ind = await ctx.pdu(
        r.name,
        'm-notification-ind',
        () => true,
        ctx.timer(ctx.to.side, 'notification'),
      );
      const e = fieldsOf(ind)['X-Mms-Expiry'];
      const eAt =
        typeof e === 'number'
          ? t0 + e * 1000
          : typeof e === 'string'
            ? (at(e, t0) ?? Date.parse(e))
            : e && typeof e === 'object' && !Array.isArray(e)
              ? 'relative' in e
                ? t0 + Number(e.relative) * 1000
                : // absolute: seconds since the epoch (OMA-TS-MMS_ENC-V1_3 §7.3.20, Date-value)
                  typeof e.absolute === 'number'
                  ? e.absolute * 1000
                  : Date.parse(String(e.absolute ?? ''))
              : undefined;
      checks.push(
        check(
          `${up(ctx.to.side)} notifies with an expiry no later than the forward’s`,
          `${MM4} §8.4.1.1 (X-Mms-Expiry); OMA-TS-MMS_ENC-V1_3 §6.2 (X-Mms-Expiry mandatory)`,
          ind !== undefined && eAt !== undefined && Number.isFinite(eAt) && eAt <= (fwdAt ?? want) + 60_000,
          `m-notification-ind X-Mms-Expiry <= ${new Date((fwdAt ?? want) + 60_000).toISOString()}`,
          ind ? `X-Mms-Expiry ${JSON.stringify(e) ?? 'absent'}` : 'no m-notification-ind',
          { mails: [fwd] },
        ),
      );
      return checks;
    },
  },

  'MM4-EL-04': {
    description:
      'The originator types a Subject with CR LF and a header line in it ("…\\r\\nX-Mms-Message-Type: MM4_delivery_report.REQ"). The forward stays one MM4_forward.REQ whose Subject holds the words as text on one line (no header made), the receiver takes it and delivers it.',
    async run(ctx) {
      const subject = `interop ${ctx.token}\r\nX-Mms-Message-Type: MM4_delivery_report.REQ`;
      const { r, fwd, checks } = await oneMm(ctx, { subject });
      if (!fwd) return checks;
      const types = (fwd.fields?.headers as JsonObject | undefined)?.['X-Mms-Message-Type'];
      const subj = header(fwd, 'Subject') ?? '';
      checks.push(
        check(
          'the forward keeps one X-Mms-Message-Type, the Subject’s words stay in the Subject on one line',
          'RFC 5322 §2.2; 3GPP TS 23.140 §8.4.1.1',
          types === 'MM4_forward.REQ' &&
            /X-Mms-Message-Type: MM4_delivery_report\.REQ$/.test(subj) &&
            !/[\r\n]/.test(subj),
          'X-Mms-Message-Type MM4_forward.REQ (once); Subject "interop … X-Mms-Message-Type: MM4_delivery_report.REQ"',
          `X-Mms-Message-Type ${JSON.stringify(types)}; Subject ${JSON.stringify(subj)}`,
          { mails: [fwd] },
        ),
      );
      checks.push(taken(ctx, fwd));
      checks.push((await retrievedBy(ctx, r)).check);
      return checks;
    },
  },

  'MM4-ROUTE-01': {
    description:
      'The recipient’s number is of the originating operator’s own range but ported to the partner (our ENUM answers the partner’s domain, NAPTR E2U+mms). The originating MMSC follows ENUM and forwards the MM to the partner, which delivers it to its (ported-in) subscriber.',
    async run(ctx) {
      const [s, r] = await Promise.all([
        ctx.handset(ctx.from.side),
        ctx.handset(ctx.to.side, { portedFrom: ctx.from.side }),
      ]);
      const sub = await submit(ctx, s, r);
      const checks = [sub.check];
      if (!sub.ok) return checks;
      const f = await forwardOf(ctx, r);
      const domain = ctx.to.ics.provisioning.domain.toLowerCase();
      checks.push(
        check(
          `${up(ctx.from.side)} routes a number of its own range, ported out, to the partner’s domain by ENUM`,
          `${MM4} §8.5; RFC 6116 §2.4; GSMA IR.52`,
          f.fwd?.rcptTo.some((x) => x.toLowerCase().endsWith(`@${domain}`)),
          `an MM4_forward.REQ to ${r.msisdn}/TYPE=PLMN@${domain}`,
          f.fwd ? `${mailText(f.fwd)}, RCPT TO ${f.fwd.rcptTo.join(', ')}` : 'no forward',
          { mails: [f.fwd] },
        ),
      );
      if (!f.fwd) return checks;
      checks.push(taken(ctx, f.fwd));
      checks.push((await retrievedBy(ctx, r)).check);
      return checks;
    },
  },

  'MM4-TLS-01': {
    description:
      'Both ICS claim STARTTLS on MM4. An MM crosses MM4; every SMTP connection the originating MMSC opened towards the partner switched to TLS (STARTTLS answered 220) and the MM was delivered (the relay passes the encrypted octets on unread).',
    async run(ctx) {
      const [s, r] = await Promise.all([ctx.handset(ctx.from.side), ctx.handset(ctx.to.side)]);
      const sub = await submit(ctx, s, r);
      const checks = [sub.check];
      if (!sub.ok) return checks;
      checks.push((await retrievedBy(ctx, r, true)).check);
      const conns = ctx.connections().filter((c) => c.from === ctx.from.side);
      checks.push(
        check(
          `${up(ctx.from.side)}’s MM4 connections to ${up(ctx.to.side)} use STARTTLS`,
          'RFC 3207 §4; GSMA IR.52',
          conns.length > 0 && conns.every((c) => c.starttls && c.encrypted),
          'STARTTLS accepted (220) on every connection, then TLS',
          `${conns.length} connection(s), ${conns.filter((c) => c.encrypted).length} encrypted`,
        ),
      );
      return checks;
    },
  },

  'MM4-DUP-01': {
    description:
      'Relay fault: the receiver’s 250 to the first forward is not passed back (the connection drops), and its MM4_forward.RES for it is held back until the forward comes again. The originating MMSC sends the forward again with the same X-Mms-Transaction-ID; the receiving MMSC acknowledges the retransmission (250, .RES Ok when asked) and notifies its subscriber once.',
    async run(ctx) {
      const [s, r] = await Promise.all([ctx.handset(ctx.from.side), ctx.handset(ctx.to.side)]);
      const isFwd = isForwardTo(ctx, r);
      let tid: string | undefined;
      let lost = 0;
      const disarm = [
        ctx.fault((m) => {
          if (!isFwd(m) || lost > 0) return undefined;
          lost += 1;
          tid = header(m, 'X-Mms-Transaction-ID');
          return 'lose-reply';
        }),
        ctx.fault((m) =>
          m.from === ctx.to.side &&
          m.type === 'MM4_forward.RES' &&
          sameId(header(m, 'X-Mms-Transaction-ID'), tid) &&
          ctx.mailsNow(isFwd).length < 2
            ? 'cut'
            : undefined,
        ),
      ];
      try {
        const sub = await submit(ctx, s, r);
        const checks = [sub.check];
        if (!sub.ok) return checks;
        const first = await ctx.mail(isFwd, ctx.timer(ctx.from.side, 'notification') + 2000);
        checks.push(
          check(
            `${up(ctx.to.side)} took the first forward (its 250 lost on the way back by the relay)`,
            'RFC 5321 §4.2',
            first?.dataReply?.code === 250,
            '250 to the end of data',
            first ? `${mailText(first)}: ${first.dataReply?.code ?? 'no reply'}` : 'no forward',
            { mails: [first], precondition: true },
          ),
        );
        if (!first) return checks;
        const again = await ctx.mail(
          (m) =>
            isFwd(m) &&
            m.n !== first.n &&
            sameId(header(m, 'X-Mms-Transaction-ID'), header(first, 'X-Mms-Transaction-ID')),
          ctx.timer(ctx.from.side, 'mm4ResponseTimeout') * 2,
        );
        checks.push(
          check(
            `${up(ctx.from.side)} sends the unacknowledged forward again, same X-Mms-Transaction-ID`,
            `${MM4} §8.4.1 (retransmission); RFC 5321 §4.2.1`,
            again !== undefined,
            `a second MM4_forward.REQ, X-Mms-Transaction-ID ${header(first, 'X-Mms-Transaction-ID')}`,
            mailText(again),
            { mails: [first, again], precondition: true },
          ),
        );
        if (!again) return checks;
        checks.push(
          check(
            `${up(ctx.to.side)} acknowledges the retransmitted forward (250)`,
            `${MM4} §8.4.1.2; RFC 5321 §4.2`,
            again.dataReply?.code === 250,
            '250',
            again.dataReply ? `${again.dataReply.code} ${again.dataReply.text}` : 'no reply',
            { mails: [again] },
          ),
        );
        if (yes(header(again, 'X-Mms-Ack-Request')))
          checks.push(await resRule(ctx, again, ctx.to.side, 'MM4_forward.RES', `${MM4} §8.4.1.2`));
        checks.push((await retrievedBy(ctx, r)).check);
        checks.push(await notifiedOnce(ctx, r, `${MM4} §8.4.1 (a duplicate is acted on once)`));
        return checks;
      } finally {
        for (const d of disarm) d();
      }
    },
  },

  'MM4-RETRY-01': {
    description:
      'Relay fault: the first forward is cut before its end of data (the receiver never gets it, the sender no answer). The originating MMSC sends the forward again (the same MM, X-Mms-Message-ID); the receiver takes it and its subscriber is notified once.',
    async run(ctx) {
      const [s, r] = await Promise.all([ctx.handset(ctx.from.side), ctx.handset(ctx.to.side)]);
      const isFwd = isForwardTo(ctx, r);
      let cut = 0;
      const disarm = ctx.fault((m) => {
        if (!isFwd(m) || cut > 0) return undefined;
        cut += 1;
        return 'cut';
      });
      try {
        const sub = await submit(ctx, s, r);
        const checks = [sub.check];
        if (!sub.ok) return checks;
        const first = await ctx.mail(isFwd, ctx.timer(ctx.from.side, 'notification') + 2000);
        checks.push(
          check(
            `${up(ctx.from.side)} forwards the MM (the relay cuts this attempt before its end of data)`,
            `${MM4} §8.4.1.1`,
            first?.fault === 'cut',
            'an MM4_forward.REQ, cut by the relay',
            mailText(first),
            { mails: [first], precondition: true },
          ),
        );
        if (!first) return checks;
        const f = await forwardOf(ctx, r);
        checks.push(
          check(
            `${up(ctx.from.side)} sends the forward again after the failed attempt, same X-Mms-Message-ID`,
            `${MM4} §8.4.1; RFC 5321 §4.2.1 (a transient failure is retried)`,
            f.fwd !== undefined &&
              sameId(header(f.fwd, 'X-Mms-Message-ID'), header(first, 'X-Mms-Message-ID')),
            `an MM4_forward.REQ, X-Mms-Message-ID ${header(first, 'X-Mms-Message-ID')}`,
            f.fwd ? `${mailText(f.fwd)}, X-Mms-Message-ID ${header(f.fwd, 'X-Mms-Message-ID')}` : 'none',
            { mails: [first, f.fwd] },
          ),
        );
        if (!f.fwd) return checks;
        checks.push(taken(ctx, f.fwd));
        checks.push((await retrievedBy(ctx, r)).check);
        checks.push(await notifiedOnce(ctx, r, `${MM4} §8.4.1`));
        return checks;
      } finally {
        disarm();
      }
    },
  },

  'MM4-RETRY-02': {
    description:
      'Relay fault: every attempt of the forward is cut before its end of data. The originator asked for a delivery report and an expiry 3 s beyond the shortest its MMSC honours (ICS timers.minExpiry). The originating MMSC does not give up silently: its subscriber gets an m-delivery-ind with a failure status (Expired, Unreachable, Rejected, Indeterminate), never Retrieved, and no attempt follows it.',
    async run(ctx) {
      const [s, r] = await Promise.all([ctx.handset(ctx.from.side), ctx.handset(ctx.to.side)]);
      const isFwd = isForwardTo(ctx, r);
      const disarm = ctx.fault((m) => (isFwd(m) ? 'cut' : undefined));
      try {
        const expiryMs = ctx.timer(ctx.from.side, 'minExpiry') + 3000;
        const sub = await submit(ctx, s, r, { deliveryReport: true, expiry: Math.ceil(expiryMs / 1000) });
        const checks = [sub.check];
        if (!sub.ok) return checks;
        const first = await ctx.mail(isFwd, ctx.timer(ctx.from.side, 'notification') + 2000);
        checks.push(
          check(
            `${up(ctx.from.side)} forwards the MM (the relay cuts every attempt)`,
            `${MM4} §8.4.1.1`,
            first !== undefined,
            'an MM4_forward.REQ',
            mailText(first),
            { mails: [first], precondition: true },
          ),
        );
        if (!first) return checks;
        const { ind, seen } = await deliveryInd(
          ctx,
          s,
          String(sub.sent.messageId ?? ''),
          FAILED,
          expiryMs + ctx.timer(ctx.from.side, 'mm4ResponseTimeout') + 3000,
        );
        const attempts = () => ctx.mailsNow(isFwd);
        checks.push(
          check(
            `${up(ctx.from.side)} tells its subscriber the MM could not be delivered (not Retrieved)`,
            `${MM4} §8.4.1; OMA-TS-MMS_ENC-V1_3 §6.9, §7.3.54 (X-Mms-Status)`,
            ind !== undefined && !seen.includes('Retrieved'),
            `m-delivery-ind, X-Mms-Status one of ${FAILED.join(', ')}`,
            `${seen.length ? `m-delivery-ind ${[...new Set(seen)].join(' then ')}` : 'no m-delivery-ind'} after ${attempts().length} attempt(s)`,
            { mails: attempts() },
          ),
        );
        if (ind) {
          // An attempt the MMSC set off before the MM expired may reach the wire (its MAIL command)
          // after the report on a loaded host; one begun more than a grace after it is a retry of
          // an MM the originator was told is gone (timeline times, ns).
          const graceMs = ctx.quiet(2000);
          await new Promise((res) => setTimeout(res, ctx.quiet(3000)));
          const later = attempts().filter((m) => m.startT > ind.t + graceMs * 1e6);
          checks.push(
            check(
              `${up(ctx.from.side)} begins no further attempt once it reported the failure`,
              `${MM4} §8.4.1; OMA-TS-MMS_CTR-V1_3 §8.1 (an expired MM is discarded)`,
              later.length === 0,
              `no MM4_forward.REQ begun (MAIL FROM) more than ${graceMs} ms after the m-delivery-ind`,
              later.length ? later.map(mailText).join('; ') : 'none',
              { mails: attempts() },
            ),
          );
        }
        return checks;
      } finally {
        disarm();
      }
    },
  },

  'MM4-ORIG-01': {
    description:
      'Two MMs cross MM4 from one subscriber. Each forward names the originating MMSC (Sender, and X-Mms-Originator-System when present, at its domain) and has an RFC 5322 Message-ID; the two differ in X-Mms-Transaction-ID, X-Mms-Message-ID and Message-ID; the receiver’s .RES goes to the forward’s X-Mms-Originator-System (Sender when absent).',
    async run(ctx) {
      const [s, r1, r2] = await Promise.all([
        ctx.handset(ctx.from.side),
        ctx.handset(ctx.to.side),
        ctx.handset(ctx.to.side),
      ]);
      const checks: InteropCheck[] = [];
      const fwds: RelayedMail[] = [];
      for (const r of [r1, r2]) {
        const sub = await submit(ctx, s, r);
        checks.push(sub.check);
        if (!sub.ok) return checks;
        const f = await forwardOf(ctx, r, true);
        checks.push(f.check);
        if (!f.fwd) return checks;
        fwds.push(f.fwd);
      }
      const domain = ctx.from.ics.provisioning.domain.toLowerCase();
      const atDomain = (v: string | undefined) =>
        v !== undefined && new RegExp(`@${domain.replace(/\./g, '\\.')}>?$`, 'i').test(v.trim());
      for (const f of fwds) {
        const sys = header(f, 'X-Mms-Originator-System');
        checks.push(
          check(
            `forward #${f.n} names ${up(ctx.from.side)} as its originating MMSC, with an RFC 5322 Message-ID`,
            `${MM4} §8.4.1.1 (Sender, X-Mms-Originator-System); RFC 5322 §3.6.2, §3.6.4`,
            atDomain(header(f, 'Sender')) &&
              (sys === undefined || atDomain(sys)) &&
              /^<[^<>@\s]+@[^<>@\s]+>$/.test(header(f, 'Message-ID') ?? ''),
            `Sender and X-Mms-Originator-System at ${domain}; Message-ID <left@right>`,
            `Sender ${header(f, 'Sender') ?? 'absent'}; X-Mms-Originator-System ${sys ?? 'absent'}; Message-ID ${header(f, 'Message-ID') ?? 'absent'}`,
            { mails: [f] },
          ),
        );
      }
      const [f1, f2] = fwds;
      const differ = (n: string) => header(f1, n) !== undefined && header(f1, n) !== header(f2, n);
      checks.push(
        check(
          'each MM has its own ids',
          `${MM4} §8.4.1.1 (X-Mms-Transaction-ID, X-Mms-Message-ID); RFC 5322 §3.6.4`,
          differ('X-Mms-Transaction-ID') && differ('X-Mms-Message-ID') && differ('Message-ID'),
          'the two forwards differ in X-Mms-Transaction-ID, X-Mms-Message-ID and Message-ID',
          ['X-Mms-Transaction-ID', 'X-Mms-Message-ID', 'Message-ID']
            .map((n) => `${n} ${header(f1, n)} / ${header(f2, n)}`)
            .join('; '),
          { mails: fwds },
        ),
      );
      for (const f of fwds.filter((m) => yes(header(m, 'X-Mms-Ack-Request')))) {
        const res = await resFor(
          ctx,
          f,
          ctx.to.side,
          'MM4_forward.RES',
          ctx.timer(ctx.to.side, 'mm4ResponseTimeout'),
        );
        const where = (header(f, 'X-Mms-Originator-System') ?? header(f, 'Sender') ?? '')
          .replace(/^.*<|>.*$/g, '')
          .trim()
          .toLowerCase();
        const rcpt = (res?.rcptTo ?? []).map((x) => x.toLowerCase());
        checks.push(
          check(
            `${up(ctx.to.side)}’s MM4_forward.RES goes to the forward’s X-Mms-Originator-System`,
            `${MM4} §8.4.1.1 (X-Mms-Originator-System), §8.4.1.2`,
            res !== undefined && rcpt.includes(where),
            `RCPT TO ${where}`,
            res
              ? `${mailText(res)}, RCPT TO ${rcpt.join(', ')}, To ${header(res, 'To') ?? 'absent'}`
              : 'no RES',
            { mails: [f, res] },
          ),
        );
      }
      return checks;
    },
  },

  'MM4-VER-01': {
    description:
      'An MM crosses MM4. The forward states its X-Mms-3GPP-MMS-Version (a release 5 or 6 version, x.y.z); the receiver of the other implementation takes it (250, .RES Ok when asked) stating a version of its own, and delivers it.',
    async run(ctx) {
      const { r, fwd, checks } = await oneMm(ctx);
      if (!fwd) return checks;
      const v = header(fwd, 'X-Mms-3GPP-MMS-Version');
      checks.push(
        check(
          'the forward states its MM4 version, release 5 or 6',
          `${MM4} §8.4.1.1 (X-Mms-3GPP-MMS-Version)`,
          /^[56]\.\d+\.\d+$/.test(v ?? ''),
          'X-Mms-3GPP-MMS-Version 5.x.y or 6.x.y',
          `X-Mms-3GPP-MMS-Version ${v ?? 'absent'}`,
          { mails: [fwd] },
        ),
      );
      checks.push(taken(ctx, fwd));
      if (yes(header(fwd, 'X-Mms-Ack-Request'))) {
        checks.push(await resRule(ctx, fwd, ctx.to.side, 'MM4_forward.RES', `${MM4} §8.4.1.2`));
        const res = await resFor(ctx, fwd, ctx.to.side, 'MM4_forward.RES', 0);
        checks.push(
          check(
            `${up(ctx.to.side)}’s MM4_forward.RES states its own version`,
            `${MM4} §8.4.1.2 (X-Mms-3GPP-MMS-Version)`,
            /^\d+\.\d+\.\d+$/.test(header(res, 'X-Mms-3GPP-MMS-Version') ?? ''),
            'X-Mms-3GPP-MMS-Version x.y.z',
            `X-Mms-3GPP-MMS-Version ${header(res, 'X-Mms-3GPP-MMS-Version') ?? 'absent'}`,
            { mails: [res] },
          ),
        );
      }
      checks.push((await retrievedBy(ctx, r)).check);
      return checks;
    },
  },

  'MM4-ADDR-01': {
    description:
      'An MM asking for a delivery report crosses MM4. The forward names the originator as +E.164/TYPE=PLMN at the originating domain (From) and the recipient at the receiving domain (To, RCPT TO); the delivery report coming back names the originator at its domain (To, RCPT TO).',
    async run(ctx) {
      const { s, req, fwd, checks } = await deliveryReportFlow(ctx, true);
      if (!fwd) return checks;
      const is = (v: string | undefined, h: InteropHandset, domain: string) => {
        const a = parseMm4Address((v ?? '').trim());
        return (
          a?.kind === 'PLMN' &&
          digits(a.address) === digits(h.msisdn) &&
          a.domain?.toLowerCase() === domain.toLowerCase()
        );
      };
      const inEnvelope = (m: RelayedMail, h: InteropHandset, domain: string) =>
        m.rcptTo.some(
          (x) =>
            digits(x.split('@')[0]) === digits(h.msisdn) &&
            x.toLowerCase().endsWith(`@${domain.toLowerCase()}`) &&
            /\/TYPE=PLMN@/i.test(x),
        );
      const fromDomain = ctx.from.ics.provisioning.domain;
      const toDomain = ctx.to.ics.provisioning.domain;
      const recipient = fwd.rcptTo[0] ?? '';
      const r = { msisdn: recipient.split('/')[0], name: '', ue: s.ue };
      checks.push(
        check(
          `the forward names the originator as ${s.msisdn}/TYPE=PLMN@${fromDomain} and the recipient at ${toDomain} (To and envelope)`,
          `${MM4} §8.4.1.1 (From, To); GSMA IR.52`,
          is(header(fwd, 'From'), s, fromDomain) &&
            splitAddressList(header(fwd, 'To') ?? '').some((a) => is(a, r, toDomain)) &&
            inEnvelope(fwd, r, toDomain),
          `From ${s.msisdn}/TYPE=PLMN@${fromDomain}; To and RCPT TO …/TYPE=PLMN@${toDomain}`,
          `From ${header(fwd, 'From') ?? 'absent'}; To ${header(fwd, 'To') ?? 'absent'}; RCPT TO ${fwd.rcptTo.join(', ')}`,
          { mails: [fwd] },
        ),
      );
      if (req)
        checks.push(
          check(
            `the delivery report names the originator as ${s.msisdn}/TYPE=PLMN@${fromDomain} (To)`,
            `${MM4} §8.4.2.1 (To); GSMA IR.52`,
            // the envelope of a report may name the originating MMSC rather than its subscriber
            splitAddressList(header(req, 'To') ?? '').some((a) => is(a, s, fromDomain)),
            `To ${s.msisdn}/TYPE=PLMN@${fromDomain}`,
            `To ${header(req, 'To') ?? 'absent'}; RCPT TO ${req.rcptTo.join(', ')}`,
            { mails: [req] },
          ),
        );
      return checks;
    },
  },

  'MM4-SUBJ-01': {
    description:
      'One MM per script of the matrix’s subject table (mm4.mx.subject.out: Latin-1, Greek, Cyrillic, Japanese, emoji). Each forward’s header section is ASCII, its Subject in RFC 2047 encoded words decodes to the text typed, and the recipient’s m-retrieve-conf has that Subject.',
    async run(ctx) {
      const items = itemsForBoth(ctx, 'mm4.mx.subject.out', (i) => `Subject in ${String(i.script)}`);
      return perItem(ctx, items, async (item, s, r) => {
        const text = String(item.text);
        const sub = await submit(ctx, s, r, { subject: text });
        const checks = [sub.check];
        if (!sub.ok) return checks;
        const f = await forwardOf(ctx, r, true);
        checks.push(f.check);
        if (!f.fwd) return checks;
        const ascii = headerSection(f.fwd).every((b) => b < 0x80);
        checks.push(
          check(
            `${item.script}: the forward’s Subject is ASCII encoded words that give the text back`,
            'RFC 2047 §5; RFC 5322 §2.2',
            ascii && header(f.fwd, 'Subject') === text,
            `Subject "${text}" (encoded words, no 8-bit octet in the header)`,
            `Subject "${header(f.fwd, 'Subject') ?? 'absent'}"${ascii ? '' : ', 8-bit octets in the header'}`,
            { mails: [f.fwd] },
          ),
        );
        const got = await retrievedBy(ctx, r, true);
        checks.push(got.check);
        if (got.conf)
          checks.push(
            check(
              `${item.script}: ${up(ctx.to.side)} delivers the Subject as typed`,
              'OMA-TS-MMS_ENC-V1_3 §7.3.62 (Subject, Encoded-string-value)',
              fieldsOf(got.conf).Subject === text,
              `Subject "${text}"`,
              `Subject "${String(fieldsOf(got.conf).Subject ?? 'absent')}"`,
            ),
          );
        return checks;
      });
    },
  },

  'MM4-CLASS-01': {
    description:
      'One MM per content class of the matrix’s table (mm4.mx.class.out: SMIL, a caption and two media parts just under the class’s size limit) whose limit both ICS take (mm1.maxMessageSize). Each forward carries the four parts with their media types and octet counts; the recipient retrieves them with the same types, sizes and leading octets.',
    async run(ctx) {
      const items = itemsForBoth(ctx, 'mm4.mx.class.out', (i) => `content class ${String(i.class)}`);
      return perItem(ctx, items, async (item, s, r) => {
        const sub = await submit(ctx, s, r, {
          subject: `class ${String(item.class)} ${ctx.token}`,
          parts: [
            { contentType: 'application/smil', media: 'smil', contentId: 'smil' },
            { contentType: 'text/plain', text: `class ${String(item.class)}`, contentId: 'text' },
            { contentType: String(item.ta), media: String(item.a), size: Number(item.sa), contentId: 'a' },
            { contentType: String(item.tb), media: String(item.b), size: Number(item.sb), contentId: 'b' },
          ],
        });
        return [
          sub.check,
          ...(sub.ok
            ? await contentChecks(ctx, r, `class ${String(item.class)}`, [
                { type: 'application/smil' },
                { type: 'text/plain' },
                { type: String(item.ta), size: Number(item.sa), head: String(item.ha) },
                { type: String(item.tb), size: Number(item.sb), head: String(item.hb) },
              ])
            : []),
        ];
      });
    },
  },

  'MM4-MEDIA-01': {
    description:
      'One MM per media format of the matrix’s table (mm4.mx.media.out: SMIL, JPEG, GIF, PNG, WBMP, AMR-NB, 3GPP video, vCard, vCalendar), a caption and the part. Each forward carries the part with its media type and octet count; the recipient retrieves it with the same type, size and leading octets.',
    async run(ctx) {
      const items = itemsForBoth(ctx, 'mm4.mx.media.out', (i) => String(i.type));
      return perItem(ctx, items, async (item, s, r) => {
        const sub = await submit(ctx, s, r, {
          subject: `${String(item.kind)} ${ctx.token}`,
          parts: [
            { contentType: 'text/plain', text: `a ${String(item.what)}` },
            {
              contentType: String(item.type),
              media: String(item.kind),
              size: Number(item.size),
              contentId: 'm',
            },
          ],
        });
        return [
          sub.check,
          ...(sub.ok
            ? await contentChecks(ctx, r, String(item.what), [
                { type: 'text/plain' },
                {
                  type: String(item.type),
                  typeRe: String(item.tre),
                  size: Number(item.size),
                  head: String(item.head),
                },
              ])
            : []),
        ];
      });
    },
  },

  'MM4-TEXT-01': {
    description:
      'One MM per charset of the matrix’s table (mm4.mx.charset.out) that both ICS claim (mm1.charsets): a text part in that charset. The forward’s text part declares a charset and decodes to the text (kept or converted), and the recipient’s text part decodes to the same text.',
    async run(ctx) {
      const items = itemsForBoth(ctx, 'mm4.mx.charset.out', (i) => `charset ${String(i.charset)}`);
      return perItem(ctx, items, async (item, s, r) => {
        const text = String(item.text);
        const sub = await submit(ctx, s, r, {
          subject: `${String(item.charset)} ${ctx.token}`,
          parts: [{ contentType: 'text/plain', text, charset: String(item.charset) }],
        });
        const checks = [sub.check];
        if (!sub.ok) return checks;
        const f = await forwardOf(ctx, r, true);
        checks.push(f.check);
        if (!f.fwd) return checks;
        const part = mm4Parts(f.fwd)[0];
        const cs = String((part?.params as JsonObject | undefined)?.charset ?? '');
        const keptOk = new RegExp(String(item.names)).test(cs) && Number(part?.size) === Number(item.octets);
        checks.push(
          check(
            `${String(item.charset)}: the forward’s text part declares a charset that keeps the text`,
            'RFC 2046 §4.1.2; OMA-TS-MMS_CONF-V1_3 character sets',
            part !== undefined && cs !== '' && (part.text === text || keptOk),
            `text/plain; charset=${String(item.charset)} (${String(item.octets)} octets) or converted, the text "${text}"`,
            part
              ? `${String(part.contentType)}; charset=${cs || 'absent'}, ${String(part.size)} octets, text ${JSON.stringify(part.text ?? null)}`
              : 'no part',
            { mails: [f.fwd] },
          ),
        );
        const got = await retrievedBy(ctx, r, true);
        checks.push(got.check);
        const p0 = ((fieldsOf(got.conf).parts as JsonObject[] | undefined) ?? [])[0];
        if (got.conf)
          checks.push(
            check(
              `${String(item.charset)}: ${up(ctx.to.side)} delivers the text as sent`,
              'OMA-TS-MMS_CONF-V1_3 character sets; OMA-TS-MMS_ENC-V1_3 §6.3',
              p0?.text === text,
              `text "${text}"`,
              `text ${JSON.stringify(p0?.text ?? null)}`,
            ),
          );
        return checks;
      });
    },
  },

  'MM4-SIZE-01': {
    description:
      'Where the originating MMSC takes larger MMs than the receiving one (ICS mm1.maxMessageSize), the originator sends one between the two limits, asking for a delivery report. The receiving MMSC does not take it and lose it: it refuses it on the wire (SMTP 5xx, or a .RES with an error status), or notifies its subscriber with the size; when refused, the originator gets an m-delivery-ind with a failure status.',
    async run(ctx) {
      const sendMax = ctx.from.ics.mm1.maxMessageSize;
      const recvMax = ctx.to.ics.mm1.maxMessageSize;
      const size = recvMax + 16_384;
      if (size + 4096 > sendMax)
        throw new NotApplicable(
          `${up(ctx.from.side)} takes at most ${sendMax} octets (ICS mm1.maxMessageSize), ${up(ctx.to.side)} ${recvMax}: no MM passes ${up(ctx.from.side)}'s MM1 and exceeds ${up(ctx.to.side)}'s size`,
        );
      const { s, r, sent, fwd, checks } = await oneMm(
        ctx,
        {
          deliveryReport: true,
          parts: [
            { contentType: 'text/plain', text: `too big for ${up(ctx.to.side)}` },
            { contentType: 'image/jpeg', media: 'jpeg', size },
          ],
        },
        true,
      );
      if (!fwd) return checks;
      const res = yes(header(fwd, 'X-Mms-Ack-Request'))
        ? await resFor(ctx, fwd, ctx.to.side, 'MM4_forward.RES', ctx.timer(ctx.to.side, 'mm4ResponseTimeout'))
        : undefined;
      const code = fwd.dataReply?.code ?? 0;
      const status = header(res, 'X-Mms-Request-Status-Code');
      const refused = code >= 500 || (res !== undefined && (status ?? '').toLowerCase() !== 'ok');
      const ind = refused
        ? undefined
        : await ctx.pdu(
            r.name,
            'm-notification-ind',
            (f) => Number(f['X-Mms-Message-Size']) > 0,
            ctx.timer(ctx.to.side, 'notification'),
          );
      checks.push(
        check(
          `${up(ctx.to.side)} refuses the MM beyond its size on the wire, or notifies it with its size`,
          'OMA-TS-MMS_CONF-V1_3 message size; 3GPP TS 23.140 §8.4.1.2; RFC 5321 §4.5.3.1.10',
          refused || ind !== undefined,
          'SMTP 5xx to the forward, an MM4_forward.RES with an error status, or an m-notification-ind with X-Mms-Message-Size',
          `${code ? `SMTP ${code}` : 'no SMTP reply'}; ${res ? `RES ${status}` : 'no RES'}; ${ind ? `m-notification-ind, size ${String(fieldsOf(ind)['X-Mms-Message-Size'])}` : 'no notification'}`,
          { mails: [fwd, res] },
        ),
      );
      if (refused) {
        const { ind: dr, seen } = await deliveryInd(
          ctx,
          s,
          String(sent.messageId ?? ''),
          FAILED,
          ctx.timer(ctx.from.side, 'notification') * 2,
        );
        checks.push(
          check(
            `${up(ctx.from.side)} tells its subscriber the MM was refused`,
            `${MM4} §8.4.1.2; OMA-TS-MMS_ENC-V1_3 §6.9`,
            dr !== undefined,
            `m-delivery-ind, X-Mms-Status one of ${FAILED.join(', ')}`,
            seen.length ? `m-delivery-ind ${[...new Set(seen)].join(' then ')}` : 'none',
            { mails: [fwd, res] },
          ),
        );
      }
      return checks;
    },
  },
};

interface WantPart {
  type: string;
  typeRe?: string;
  size?: number;
  head?: string;
}

/** The forward's parts and the retrieved parts against the parts sent (types, octet counts, leading octets). */
async function contentChecks(
  ctx: PurposeContext,
  r: InteropHandset,
  label: string,
  want: WantPart[],
): Promise<InteropCheck[]> {
  const checks: InteropCheck[] = [];
  const f = await forwardOf(ctx, r, true);
  checks.push(f.check);
  if (!f.fwd) return checks;
  const typeOk = (p: JsonObject | undefined, w: WantPart) =>
    p !== undefined &&
    (w.typeRe
      ? new RegExp(w.typeRe, 'i').test(String(p.contentType))
      : String(p.contentType).toLowerCase() === w.type.toLowerCase());
  const got = mm4Parts(f.fwd);
  checks.push(
    check(
      `${label}: the forward carries every part with its media type and octets`,
      CONTENT_CLAUSE,
      got.length === want.length &&
        want.every((w, i) => typeOk(got[i], w) && (w.size === undefined || Number(got[i].size) === w.size)),
      want.map((w) => `${w.type}${w.size !== undefined ? ` ${w.size} octets` : ''}`).join(', '),
      got.map(partText).join(', ') || 'no parts',
      { mails: [f.fwd] },
    ),
  );
  const conf = await retrievedBy(ctx, r, true);
  checks.push(conf.check);
  if (!conf.conf) return checks;
  const parts = (fieldsOf(conf.conf).parts as JsonObject[] | undefined) ?? [];
  checks.push(
    check(
      `${label}: ${up(ctx.to.side)} delivers every part with its media type, octets and leading octets`,
      `${CONTENT_CLAUSE}; OMA-TS-MMS_ENC-V1_3 §6.3`,
      parts.length === want.length &&
        want.every(
          (w, i) =>
            typeOk(parts[i], w) &&
            (w.size === undefined || Number(parts[i].size) === w.size) &&
            (w.head === undefined || String(parts[i].head ?? '').startsWith(w.head)),
        ),
      want
        .map(
          (w) => `${w.type}${w.size !== undefined ? ` ${w.size} octets` : ''}${w.head ? ` ${w.head}…` : ''}`,
        )
        .join(', '),
      parts.map(partText).join(', ') || 'no parts',
    ),
  );
  return checks;
}

// ------------------------------------------------------------------ the purposes, from the matrix

/** The default matrix, relative to the working directory (as `mmscert run`'s suites folder). */
export const DEFAULT_MATRIX = 'suites/mm4/ir53-matrix.yaml';

/** `each:` items and ICS terms of the single-target cases in a matrix's suite files, by case id. */
export function caseTables(
  matrixFile: string,
  suites: readonly string[],
): Map<string, { items: JsonObject[]; ics: string[] }> {
  const root = path.resolve(path.dirname(matrixFile), '..');
  const out = new Map<string, { items: JsonObject[]; ics: string[] }>();
  for (const rel of suites) {
    const doc = parse(readFileSync(path.join(root, rel), 'utf8'), { maxAliasCount: -1 }) as {
      cases?: { id?: string; each?: JsonObject[]; ics?: string[] }[];
    } | null;
    for (const c of doc?.cases ?? [])
      if (c.id && Array.isArray(c.each)) out.set(c.id, { items: c.each, ics: c.ics ?? [] });
  }
  return out;
}

export interface InteropPurposes {
  purposes: InteropPurpose[];
  /** The case tables the content rows read (PurposeContext.table). */
  tables: Map<string, { items: JsonObject[]; ics: string[] }>;
}

/**
 * The interop purposes: one per matrix row, in the matrix's order, its id, group, title and
 * clause from the row; runnable rows with their realisation. A runnable row without a realisation
 * (or a realisation without a row) is an error.
 */
export function loadInteropPurposes(matrixFile = DEFAULT_MATRIX): InteropPurposes {
  const m = loadInteropMatrix(matrixFile);
  const ids = new Set(m.purposes.map((p) => p.id));
  for (const id of Object.keys(REALISATIONS))
    if (!ids.has(id)) throw new Error(`interop realisation ${id} has no row in ${matrixFile}`);
  const purposes = m.purposes.map((tp: TestPurpose): InteropPurpose => {
    const clauses = tp.clause.split(/;\s*/).filter(Boolean);
    if ('notApplicable' in tp.interop)
      return {
        id: tp.id,
        group: tp.group,
        title: tp.title,
        clauses,
        description: `Not run between two MMSCs: ${tp.interop.notApplicable}`,
        ics: [],
        notApplicable: tp.interop.notApplicable,
      };
    const real = REALISATIONS[tp.id];
    if (!real)
      throw new Error(
        `${matrixFile}: ${tp.id} is runnable between two MMSCs (interop.ics) but has no realisation`,
      );
    return {
      id: tp.id,
      group: tp.group,
      title: tp.title,
      clauses,
      description: real.description,
      ics: tp.interop.ics,
      run: real.run,
    };
  });
  return { purposes, tables: caseTables(matrixFile, m.suites) };
}
