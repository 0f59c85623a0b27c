import { charsetMib, encodeCharset } from '../../src/codec/charsets.ts';
import { DecodeError } from '../../src/codec/codec-error.ts';
import { isSampleMediaKind, SAMPLE_MEDIA_KINDS, sampleMedia } from '../../src/codec/media/sample-media.ts';
import type { Mm4Header, Mm4Message, Mm4MessageType } from '../../src/codec/mm4/index.ts';
import {
  decodeMm4,
  encodeMm4,
  MM4_VALUE_SETS,
  mm4ToJson,
  parseMm4Address,
  splitAddressList,
  validateMm4,
} from '../../src/codec/mm4/index.ts';
import { type Clock, SYSTEM_CLOCK, seededStream } from '../../src/util/case-clock.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';
import { bytesFromJson, isBytesJson } from '../../src/util/json.ts';
import { BehaviourStack } from '../behaviour-stack.ts';
import { publishDsn } from '../mail/dsn-observation.ts';
import type { SmtpReceived, SmtpVerdict } from '../mail/smtp-listener.ts';
import { SmtpListener } from '../mail/smtp-listener.ts';
import type { SmtpSendResult } from '../mail/smtp-send.ts';
import { rangeRecipients, sendResultJson, smtpSend } from '../mail/smtp-send.ts';
import {
  type BehaviourSpec,
  bindActions,
  type PeerAction,
  PeerConfigError,
  type PeerContext,
  type PeerEndpoint,
} from '../peer.ts';
import { clearBehavioursAction, configureTargetAction } from '../peer-actions.ts';
import { PeerShell } from '../peer-shell.ts';
import { TEST_TLS } from '../tls/test-tls.ts';
import type { ForwardPart, Mm4Identity } from './mm4-replies.ts';
import {
  buildDeliveryReport,
  buildForwardReq,
  buildReadReply,
  buildRes,
  header,
  MM4_VERSION_DEFAULT,
  systemAddress,
} from './mm4-replies.ts';
import { REMOTE_MMSC_ACTIONS } from './remote-mmsc-actions.ts';
import type { RemoteMmscBehaviour } from './remote-mmsc-behaviour.ts';
import { parseRemoteMmscBehaviour } from './remote-mmsc-behaviour.ts';

/**
 * A foreign MMSC on MM4 (3GPP TS 23.140 §8.4, GSMA IR.52): an SMTP server for its domain that
 * accepts MM4 requests, checks them against the §8.4 header tables (via validateMm4), answers
 * over SMTP towards the originating MMSC (the target) and can originate MM4 traffic itself.
 *
 * Decisions on bad input (documented in README.md of this folder):
 * - not decodable as MM4 (no/unknown X-Mms-Message-Type, broken MIME): SMTP 554 5.6.0; there is
 *   no transaction to answer with a RES.
 * - decodable REQ that breaks §8.4 (mandatory field missing, bad value): with
 *   X-Mms-Ack-Request: Yes, SMTP 250 and a RES with Error-message-format-corrupt and the
 *   issues in X-Mms-Status-Text (§8.4.1.2: the RES carries the outcome); without it, SMTP
 *   554 5.6.0 so that the originator learns of the refusal at all.
 * - a RES is sent only when the REQ asked for it (X-Mms-Ack-Request: Yes, §8.4.1.1).
 */

export interface RemoteMmscConfig {
  name?: string;
  /** The MMSC's own domain (`mms.mnc002.mcc310.gprs`); recipients must be here. */
  domain?: string;
  /** More domains served (aliases). */
  domains?: string[];
  port?: number;
  /** Client IPs or domains allowed to send (default: anyone on loopback). */
  allowClients?: string[];
  /** Offer STARTTLS with the test certificate (default true). */
  starttls?: boolean;
  requireTls?: boolean;
  /** AUTH PLAIN/LOGIN users; omit for no AUTH. */
  users?: Record<string, string>;
  requireAuth?: boolean;
  /** The originating / target MMSC's MM4 SMTP address, `smtp://127.0.0.1:2525`. */
  target?: string;
  /** Credentials and TLS for connections to the target. */
  targetUser?: string;
  targetPass?: string;
  targetTls?: 'none' | 'opportunistic' | 'required';
  /** X-Mms-3GPP-MMS-Version we write. */
  version?: string;
  /** Send delivery/read reports when the forward asks for them (default true). */
  autoReports?: boolean;
  deliveryReportDelayMs?: number;
  readReplyDelayMs?: number;
  /** X-Mms-MMS-Status of automatic delivery reports (default Retrieved). */
  deliveryStatus?: string;
  /** X-Mms-Read-Status of automatic read reports (default Read). */
  readStatus?: string;
  /** Ask the target for a RES to our reports (default true). */
  reportAckRequest?: boolean;
  maxSize?: number;
}

/** What the remote MMSC has received over MM4, decoded. */
export interface Mm4Received {
  type: Mm4MessageType;
  message: Mm4Message;
  raw: Uint8Array;
  mailFrom: string;
  rcptTo: string[];
  issues: string[];
  /** Whether the SMTP transaction was accepted (250), and the reply given. */
  accepted: boolean;
  smtpReply: string;
}

const REQ_TYPES: readonly Mm4MessageType[] = [
  'MM4_forward.REQ',
  'MM4_delivery_report.REQ',
  'MM4_read_reply_report.REQ',
];

export class RemoteMmsc extends PeerShell {
  readonly role = 'remote-mmsc' as const;
  readonly name: string;
  readonly actions: Readonly<Record<string, PeerAction>>;
  readonly domain: string;
  private readonly id: Mm4Identity;
  protected readonly iface = 'MM4' as const;
  private listener?: SmtpListener;
  private readonly behaviours = new BehaviourStack<RemoteMmscBehaviour>();
  private target?: string;
  private readonly received: Mm4Received[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** RES scheduled and not yet sent: sent at close rather than dropped. */
  private readonly owed: Array<() => Promise<unknown>> = [];
  private readonly resWaiters = new Map<string, (m: Mm4Received) => void>();
  private counter = 0;
  /** Tells this peer's Message-IDs from an earlier run's: its creation time, or a draw of the case's seed. */
  private readonly runTag: string;

  constructor(
    private readonly config: RemoteMmscConfig = {},
    deps: { clock?: Clock; seed?: number } = {},
  ) {
    super();
    const clock = deps.clock ?? SYSTEM_CLOCK;
    this.runTag =
      deps.seed === undefined
        ? Date.now().toString(36)
        : Math.floor(seededStream(deps.seed, 'remote-mmsc')() * 36 ** 8).toString(36);
    this.name = config.name ?? 'remote-mmsc';
    this.domain = (config.domain ?? 'mms.mnc002.mcc310.gprs').toLowerCase();
    this.id = { domain: this.domain, version: config.version ?? MM4_VERSION_DEFAULT, clock };
    this.target = config.target;
    this.actions = bindActions(this.name, REMOTE_MMSC_ACTIONS, {
      forward: (p) => this.forwardAction(p),
      'clear-behaviours': clearBehavioursAction(this),
      deliveryReport: (p) => this.reportAction('MM4_delivery_report.REQ', p),
      readReply: (p) => this.reportAction('MM4_read_reply_report.REQ', p),
      received: async (p) => this.receivedAction(p),
      configure: configureTargetAction(this.name, 'smtp URL', (url) => this.setTarget(url)),
    });
  }

  /** Where RES and reports go, and where `forward` injects: the target MMSC's MM4 SMTP address. */
  setTarget(url: string): void {
    this.target = url;
  }

  get domains(): string[] {
    return [this.domain, ...(this.config.domains ?? []).map((d) => d.toLowerCase())];
  }

  protected async open(ctx: PeerContext): Promise<PeerEndpoint[]> {
    this.listener = new SmtpListener({
      timeline: ctx.timeline,
      node: this.name,
      role: this.role,
      iface: 'MM4',
      hostname: this.domain,
      port: this.config.port,
      tls: this.config.starttls === false ? undefined : TEST_TLS,
      requireTls: this.config.requireTls,
      users: this.config.users,
      requireAuth: this.config.requireAuth,
      allowClients: this.config.allowClients,
      localDomains: this.domains,
      maxSize: this.config.maxSize,
      onMessage: (m) => this.onMessage(m),
    });
    const port = await this.listener.listen();
    return [
      {
        peer: this.name,
        protocol: 'smtp',
        url: `smtp://127.0.0.1:${port}`,
        note: `(MM4 for ${this.domain})`,
      },
    ];
  }

  protected override async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // a RES owed for a request already taken is still sent (a partner that stops answers what it
    // accepted): else the originator's forward waits its whole response timeout, holding its queue
    for (const fn of this.owed.splice(0)) this.track(fn());
    const l = this.listener;
    this.listener = undefined;
    await l?.close();
    await Promise.allSettled([...this.inflight]);
  }

  use(b: BehaviourSpec): void {
    this.behaviours.push(parseRemoteMmscBehaviour(this.name, b));
  }

  resetBehaviours(): void {
    this.behaviours.clear();
  }

  /** Every MM4 message received, oldest first. */
  inbox(): readonly Mm4Received[] {
    return this.received;
  }

  private behaviour<K extends RemoteMmscBehaviour['kind']>(
    kind: K,
  ): Extract<RemoteMmscBehaviour, { kind: K }> | undefined {
    return this.behaviours.find(kind);
  }

  private async onMessage(m: SmtpReceived): Promise<SmtpVerdict> {
    const slow = this.behaviour('slow');
    if (slow) {
      this.event('behaviour-applied', { behaviour: 'slow', ms: slow.ms });
      await delay(slow.ms);
    }
    // A bounce of an MTA in front of the target (RFC 3464 DSN to our envelope sender) is no MM4
    // request: a `dsn` observation, accepted (a notification is never refused back, RFC 5321 §6.1).
    if (publishDsn({ timeline: this.timeline, node: this.name, role: this.role, iface: 'MM4' }, m))
      return { accept: true, message: '2.0.0 DSN received' };
    let msg: Mm4Message;
    try {
      msg = decodeMm4(m.raw);
    } catch (e) {
      const line = e instanceof DecodeError ? e.toLine() : String(e);
      this.event('mm4-undecodable', { error: line, mailFrom: m.mailFrom, size: m.raw.byteLength });
      return {
        accept: false,
        code: 554,
        message: `5.6.0 Not an MM4 message (TS 23.140 §8.4): ${oneLine(line)}`,
      };
    }
    const issues = validateMm4(msg).map((i) => `${i.field}: ${i.reason} (${i.clause})`);
    const rec: Mm4Received = {
      type: msg.type,
      message: msg,
      raw: m.raw,
      mailFrom: m.mailFrom,
      rcptTo: m.rcptTo,
      issues,
      accepted: false,
      smtpReply: '',
    };
    this.received.push(rec);
    this.timeline?.publish({
      kind: 'message',
      type: msg.type,
      node: this.name,
      role: this.role,
      iface: 'MM4',
      direction: 'in',
      peer: 'mmsc',
      fields: mm4ToJson(msg),
      raw: m.raw,
    });
    if (issues.length > 0) this.event('mm4-invalid', { type: msg.type, issues });
    const verdict = this.judge(msg, m, rec);
    rec.accepted = verdict.accept;
    rec.smtpReply = verdict.accept ? `250 ${verdict.message ?? ''}` : `${verdict.code} ${verdict.message}`;
    return verdict;
  }

  /** The SMTP answer to a decoded MM4 message, scheduling its RES and reports (see the module comment). */
  private judge(msg: Mm4Message, m: SmtpReceived, rec: Mm4Received): SmtpVerdict {
    const issues = rec.issues;
    const smtpError = this.behaviour('smtp-error');
    if (smtpError) {
      this.event('behaviour-applied', { behaviour: 'smtp-error', code: smtpError.code });
      const cls = smtpError.code < 500 ? '4' : '5';
      return { accept: false, code: smtpError.code, message: `${cls}.3.0 Behaviour smtp-error` };
    }

    if (!REQ_TYPES.includes(msg.type)) {
      // A RES to something we sent (§8.4.1.2, §8.4.2.2, §8.4.3.2).
      const tid = header(msg, 'X-Mms-Transaction-ID');
      if (tid !== undefined) this.resWaiters.get(tid)?.(rec);
      return { accept: true, message: '2.0.0 MM4 response accepted' };
    }

    const ack = /^yes$/i.test(header(msg, 'X-Mms-Ack-Request') ?? '');
    const tid = header(msg, 'X-Mms-Transaction-ID');
    if (issues.length > 0) {
      if (ack && tid !== undefined) {
        this.answer(msg, m, 'Error-message-format-corrupt', issues.join('; ').slice(0, 900));
        return { accept: true, message: '2.0.0 Accepted; MM4 RES follows with Error-message-format-corrupt' };
      }
      return { accept: false, code: 554, message: `5.6.0 Invalid ${msg.type}: ${oneLine(issues[0])}` };
    }
    const reject = this.behaviour('reject');
    if (reject) {
      this.event('behaviour-applied', { behaviour: 'reject', requestStatusCode: reject.requestStatusCode });
      if (ack) {
        this.answer(msg, m, reject.requestStatusCode);
        return { accept: true, message: `2.0.0 Accepted; MM4 RES follows with ${reject.requestStatusCode}` };
      }
      return { accept: false, code: 550, message: `5.7.1 Refused: ${reject.requestStatusCode}` };
    }
    if (this.behaviour('never-answer')) {
      this.event('behaviour-applied', { behaviour: 'never-answer', type: msg.type });
      return { accept: true, message: '2.0.0 Accepted' };
    }
    if (ack) this.answer(msg, m, 'Ok');
    if (msg.type === 'MM4_forward.REQ' && this.config.autoReports !== false) this.scheduleReports(msg);
    return { accept: true, message: `2.0.0 ${msg.type} accepted` };
  }

  /** Sends the RES of a REQ, after the SMTP reply (§8.4.1.2: the RES is its own SMTP transaction). */
  private answer(req: Mm4Message, m: SmtpReceived, requestStatusCode: string, statusText?: string): void {
    const to = bareAddress(
      header(req, 'X-Mms-Originator-System') ?? header(req, 'Sender') ?? header(req, 'From') ?? m.mailFrom,
    );
    const res = buildRes(req.type, req, this.id, {
      requestStatusCode,
      statusText,
      to,
      unique: this.nextId('res'),
    });
    // A RES to a REQ without X-Mms-Message-ID cannot be valid itself; it is sent anyway (the
    // originator must learn of the error) and the encoder is told not to refuse it.
    const complete = header(req, 'X-Mms-Message-ID') !== undefined;
    this.later(0, () => this.send(res, [to], complete), true);
  }

  private scheduleReports(fwd: Mm4Message): void {
    const originator = bareAddress(header(fwd, 'From') ?? '');
    const rcptTo = bareAddress(header(fwd, 'X-Mms-Originator-System') ?? header(fwd, 'Sender') ?? originator);
    const messageId = header(fwd, 'X-Mms-Message-ID') ?? '';
    const recipients = [
      ...splitAddressList(header(fwd, 'To') ?? ''),
      ...splitAddressList(header(fwd, 'Cc') ?? ''),
    ]
      .map(bareAddress)
      .filter((a) => {
        const p = parseMm4Address(a);
        const d = (p?.domain ?? a.slice(a.lastIndexOf('@') + 1)).toLowerCase();
        return this.domains.includes(d);
      });
    const ackRequest = this.config.reportAckRequest !== false;
    if (/^yes$/i.test(header(fwd, 'X-Mms-Delivery-Report') ?? '')) {
      for (const r of recipients) {
        this.later(this.config.deliveryReportDelayMs ?? 20, () =>
          this.send(
            buildDeliveryReport(this.id, {
              transactionId: this.nextId('dr'),
              messageId,
              from: r,
              to: originator,
              ackRequest,
              unique: this.nextId('drm'),
              mmsStatus: this.config.deliveryStatus ?? 'Retrieved',
            }),
            [rcptTo],
          ),
        );
      }
    }
    if (/^yes$/i.test(header(fwd, 'X-Mms-Read-Reply') ?? '')) {
      for (const r of recipients) {
        this.later(this.config.readReplyDelayMs ?? 40, () =>
          this.send(
            buildReadReply(this.id, {
              transactionId: this.nextId('rr'),
              messageId,
              from: r,
              to: originator,
              ackRequest,
              unique: this.nextId('rrm'),
              readStatus: this.config.readStatus ?? 'Read',
            }),
            [rcptTo],
          ),
        );
      }
    }
  }

  /** Encodes and sends one MM4 message to the target (twice under `duplicate`). */
  private async send(msg: Mm4Message, rcptTo: string[], validate = true): Promise<SmtpSendResult> {
    if (!this.target) {
      this.event('mm4-not-sent', { type: msg.type, reason: 'no target MM4 address configured' });
      return {
        ok: false,
        code: 0,
        response: 'no target configured',
        accepted: [],
        rejected: rcptTo,
        rejectedCodes: [],
      };
    }
    const raw = encodeMm4(msg, { validate });
    const copies = this.behaviour('duplicate') ? 2 : 1;
    let result: SmtpSendResult = {
      ok: false,
      code: 0,
      response: '',
      accepted: [],
      rejected: [],
      rejectedCodes: [],
    };
    for (let i = 0; i < copies; i++) {
      this.timeline?.publish({
        kind: 'message',
        type: msg.type,
        node: this.name,
        role: this.role,
        iface: 'MM4',
        direction: 'out',
        peer: 'mmsc',
        fields: mm4ToJson(msg),
        raw,
      });
      result = await smtpSend(
        {
          url: this.target,
          name: this.domain,
          tls: this.config.targetTls,
          user: this.config.targetUser,
          pass: this.config.targetPass,
          tap: this.timeline
            ? {
                timeline: this.timeline,
                node: this.name,
                role: this.role,
                iface: 'MM4',
                peerNode: 'mmsc',
                peerRole: 'mmsc',
              }
            : undefined,
        },
        { from: systemAddress(this.domain), to: rcptTo },
        raw,
      );
      this.event(result.ok ? 'mm4-sent' : 'mm4-send-failed', {
        type: msg.type,
        // which message it was (3GPP TS 23.140 §8.4.1: X-Mms-Transaction-ID, X-Mms-Message-ID)
        ...headerIds(msg),
        copy: i + 1,
        ...sendResultJson(result),
      });
    }
    return result;
  }

  private later(ms: number, fn: () => Promise<unknown>, owed = false): void {
    if (owed) this.owed.push(fn);
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (owed) {
        const i = this.owed.indexOf(fn);
        if (i < 0) return;
        this.owed.splice(i, 1);
      }
      this.track(fn());
    }, ms);
    this.timers.add(t);
  }

  private track(run: Promise<unknown>): void {
    const p = run.catch((e: unknown) =>
      this.event('peer-error', { error: e instanceof Error ? e.message : String(e) }),
    );
    this.inflight.add(p);
    p.finally(() => this.inflight.delete(p));
  }

  private async forwardAction(p: JsonObject): Promise<Json> {
    const from = str(p.from);
    const to = list(p.to);
    const cc = list(p.cc);
    if (!from || to.length + cc.length === 0)
      throw new PeerConfigError(this.name, 'forward: from and to (or cc) required');
    const parts = forwardParts(this.name, p);
    const extra: Mm4Header[] = [];
    if (p.headers && typeof p.headers === 'object' && !Array.isArray(p.headers)) {
      for (const [name, value] of Object.entries(p.headers))
        if (typeof value === 'string') extra.push({ name, value });
    }
    const subjectCharset = str(p.subjectCharset);
    if (subjectCharset !== undefined) {
      const subject = str(p.subject);
      const mib = charsetMib(subjectCharset);
      if (subject === undefined || mib === undefined)
        throw new PeerConfigError(this.name, 'forward: subjectCharset needs a subject and a known charset');
      // RFC 2047 §4.1: one B-encoded word in that charset (a legacy-charset sender's Subject)
      const b64 = Buffer.from(encodeCharset(subject, mib)).toString('base64');
      extra.unshift({ name: 'Subject', value: subject, wire: `=?${subjectCharset}?B?${b64}?=` });
    }
    const ackRequest = p.ackRequest !== false;
    const transactionId = str(p.transactionId) ?? this.nextId('fwd');
    const messageId = str(p.messageId) ?? this.nextId('msg');
    const msg = buildForwardReq(this.id, {
      transactionId,
      messageId,
      from,
      to,
      cc,
      subject: subjectCharset === undefined ? str(p.subject) : undefined,
      ackRequest,
      deliveryReport: typeof p.deliveryReport === 'boolean' ? p.deliveryReport : undefined,
      readReply: typeof p.readReply === 'boolean' ? p.readReply : undefined,
      messageClass: str(p.messageClass),
      priority: str(p.priority),
      originatorSystem: str(p.originatorSystem),
      extra,
      parts,
      unique: this.nextId('fwdm'),
    });
    const waitMs = typeof p.waitMs === 'number' ? Math.min(Math.max(p.waitMs, 0), 120_000) : 0;
    const res = waitMs > 0 && ackRequest ? this.waitRes(transactionId, waitMs) : undefined;
    // `rcptRange` (fan-out cases): more envelope recipients, before those of To/Cc (Bcc-like: §8.4.1.1)
    const rcpts = [...rangeRecipients(p.rcptRange), ...[...to, ...cc].map(bareAddress)];
    const smtp = await this.send(msg, rcpts, p.validate !== false);
    const out: JsonObject = { transactionId, messageId, smtp: sendResultJson(smtp) };
    if (res) {
      if (!smtp.ok) res.cancel();
      const got = await res.promise;
      out.res = got ? mm4ToJson(got.message) : null;
      if (got) out.requestStatusCode = header(got.message, 'X-Mms-Request-Status-Code') ?? null;
    }
    return out;
  }

  private waitRes(tid: string, ms: number): { promise: Promise<Mm4Received | undefined>; cancel(): void } {
    let cancel = () => {};
    const promise = new Promise<Mm4Received | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), ms);
      const done = (m: Mm4Received | undefined) => {
        clearTimeout(timer);
        this.resWaiters.delete(tid);
        resolve(m);
      };
      cancel = () => done(undefined);
      this.resWaiters.set(tid, done);
    });
    return { promise, cancel };
  }

  private async reportAction(
    type: 'MM4_delivery_report.REQ' | 'MM4_read_reply_report.REQ',
    p: JsonObject,
  ): Promise<Json> {
    const messageId = str(p.messageId);
    const to = str(p.to);
    const from = str(p.from);
    if (!messageId || !to || !from)
      throw new PeerConfigError(this.name, `${type}: messageId, from, to required`);
    const transactionId =
      str(p.transactionId) ?? this.nextId(type === 'MM4_delivery_report.REQ' ? 'dr' : 'rr');
    const base = {
      transactionId,
      messageId,
      from,
      to,
      ackRequest: p.ackRequest !== false,
      unique: this.nextId('rep'),
    };
    let msg: Mm4Message;
    if (type === 'MM4_delivery_report.REQ') {
      const status = str(p.status) ?? 'Retrieved';
      if (!MM4_VALUE_SETS.mmsStatus.some((s) => s === status)) {
        throw new PeerConfigError(
          this.name,
          `deliveryReport: status must be one of ${MM4_VALUE_SETS.mmsStatus.join(', ')}`,
        );
      }
      msg = buildDeliveryReport(this.id, { ...base, mmsStatus: status, statusText: str(p.statusText) });
    } else {
      const status = str(p.status) ?? 'Read';
      if (!MM4_VALUE_SETS.readStatus.some((s) => s === status)) {
        throw new PeerConfigError(
          this.name,
          `readReply: status must be one of ${MM4_VALUE_SETS.readStatus.join(', ')}`,
        );
      }
      msg = buildReadReply(this.id, { ...base, readStatus: status, statusText: str(p.statusText) });
    }
    const rcpt = str(p.rcptTo) ?? systemAddress(to.slice(to.lastIndexOf('@') + 1));
    const smtp = await this.send(msg, [rcpt]);
    return { transactionId, messageId, smtp: sendResultJson(smtp) };
  }

  private receivedAction(p: JsonObject): Json {
    const type = str(p.type);
    const out = this.received
      .filter((r) => type === undefined || r.type === type)
      .map((r) => ({
        type: r.type,
        accepted: r.accepted,
        smtpReply: r.smtpReply,
        mailFrom: r.mailFrom,
        rcptTo: r.rcptTo,
        issues: r.issues,
        fields: mm4ToJson(r.message),
      }));
    if (p.clear === true) this.received.length = 0;
    return { count: out.length, messages: out };
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.runTag}-${this.counter}`;
  }
}

/** The transaction and message ids a sent MM4 message carried, for the event that reports the send. */
function headerIds(msg: Mm4Message): JsonObject {
  const out: JsonObject = {};
  for (const h of msg.headers) {
    const n = h.name.toLowerCase();
    if (n === 'x-mms-transaction-id') out.transactionId = h.value;
    else if (n === 'x-mms-message-id') out.messageId = h.value;
  }
  return out;
}

function forwardParts(peer: string, p: JsonObject): ForwardPart[] {
  const parts: ForwardPart[] = [];
  if (typeof p.text === 'string')
    parts.push({ contentType: 'text/plain; charset=utf-8', body: new TextEncoder().encode(p.text) });
  if (Array.isArray(p.parts)) {
    p.parts.forEach((x, i) => {
      if (typeof x !== 'object' || x === null || Array.isArray(x))
        throw new PeerConfigError(peer, `forward: parts[${i}] not an object`);
      const ct = str(x.contentType);
      const c = x.content;
      const charset = str(x.charset);
      if (charset !== undefined && (typeof c !== 'string' || charsetMib(charset) === undefined))
        throw new PeerConfigError(
          peer,
          `forward: parts[${i}] charset ${charset}: a known charset of a text content`,
        );
      const size = typeof x.size === 'number' && Number.isInteger(x.size) && x.size >= 0 ? x.size : undefined;
      if (x.media !== undefined && !isSampleMediaKind(x.media))
        throw new PeerConfigError(
          peer,
          `forward: parts[${i}] media: one of ${SAMPLE_MEDIA_KINDS.join(', ')}`,
        );
      const body = isSampleMediaKind(x.media)
        ? sampleMedia(x.media, size ?? 0)
        : isBytesJson(c)
          ? bytesFromJson(c)
          : typeof c === 'string'
            ? charset !== undefined
              ? encodeCharset(c, charsetMib(charset) ?? 106)
              : new TextEncoder().encode(c)
            : undefined;
      if (!ct || !body)
        throw new PeerConfigError(peer, `forward: parts[${i}] needs contentType and content (or media)`);
      const type = charset !== undefined && !/;\s*charset=/i.test(ct) ? `${ct}; charset=${charset}` : ct;
      parts.push({ contentType: type, body, contentId: str(x.contentId), filename: str(x.filename) });
    });
  }
  if (parts.length === 0)
    parts.push({ contentType: 'text/plain; charset=utf-8', body: new TextEncoder().encode('') });
  return parts;
}

/** `"Name" <addr>` → `addr`. */
function bareAddress(a: string): string {
  const s = a.trim();
  const lt = s.lastIndexOf('<');
  return lt >= 0 && s.endsWith('>') ? s.slice(lt + 1, -1).trim() : s;
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: Json | undefined): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 400);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
