import { createHash } from 'node:crypto';
import { isCodecError } from '../../codec/codec-error.ts';
import {
  buildMm4,
  decodeMm4,
  encodeMm4,
  formatRfc5322Date,
  getMm4Header,
  type Mm4Message,
  type Mm4MessageType,
  mm4FromMms,
  mm4ToJson,
  mmsFromMm4,
  parseMm4Address,
  parseRfc5322Date,
  splitAddressList,
  validateMm4,
} from '../../codec/mm4/index.ts';
import { decodeMms, encodeMms } from '../../codec/mms/index.ts';
import { bytesFromJson, bytesToJson, isBytesJson } from '../../util/json.ts';
import { type Mm4PeerConfig, smtpMaxRecipients } from '../config.ts';
import { deviates } from '../deviations.ts';
import type { MmscCore } from '../mmsc-core.ts';
import type { DeliveryOutcome, MmscEndpoint, MmscModule, OriginReport, OutboundDelivery } from '../module.ts';
import type { RecipientStatus, StoredMessage } from '../store/message-store.ts';
import { GiveUp, type Job, RetryLater } from '../store/outbox.ts';
import { bareAddress, mm1Form, mm4Form, recipientMailAddress, sameSubscriber } from './mm4-addresses.ts';
import { MtaFront } from './mta-front.ts';
import { domainOf, type InboundMail, inDomain, type SmtpAnswer, SmtpInbound } from './smtp-inbound.ts';
import { sendSmtp } from './smtp-outbound.ts';

/**
 * MM4 (3GPP TS 23.140 §8.4, GSMA IR.52): the reference MMSC's interworking with foreign MMSCs
 * over SMTP.
 *
 * Out: `deliver()` sends one recipient's MM as MM4_forward.REQ (X-Mms-Ack-Request: Yes) to the
 * peer configured for the recipient's domain (found by MM5), the recipient in the envelope
 * (`+E164/TYPE=PLMN@domain`), and waits for the MM4_forward.RES (matched by
 * X-Mms-Transaction-ID). Ok -> forwarded; Error-network-problem, SMTP 4xx, no connection or no
 * RES in `mm4.responseTimeoutMs` -> RetryLater (the durable outbox, bounded attempts); any other
 * status or SMTP 5xx -> failed (an Unreachable m-delivery-ind when the originator asked).
 *
 * In: an SMTP server on `ports.mm4` that takes mail only from configured peers (MAIL FROM or
 * EHLO domain, else 550 5.7.1) and only for our domains (550 5.7.1: never an open relay).
 * MM4_forward.REQ -> core.accept (local recipients are notified over MM1);
 * MM4_delivery_report.REQ / MM4_read_reply_report.REQ -> the recipient's status / a read
 * report to the originator; each answered with its .RES when X-Mms-Ack-Request: Yes
 * (§8.4.1.1), the RES being its own SMTP transaction sent through the durable outbox.
 * Undecodable mail: 554 5.6.0. A REQ that breaks the §8.4 tables: RES
 * Error-message-format-corrupt when a RES was asked for, else 554 5.6.0.
 *
 * Reports for messages that came in over MM4 go back to the originating MMSC (`report()`).
 */

const JOB_SEND = 'mm4.send';
/** X-Mms-3GPP-MMS-Version written (TS 23.140 V6.16.0, the codec's reference release). */
const VERSION = '6.16.0';

const STATUS_IN: Record<string, RecipientStatus | undefined> = {
  retrieved: 'retrieved',
  rejected: 'rejected',
  deferred: 'deferred',
  expired: 'expired',
  unrecognised: 'unrecognised',
  forwarded: 'forwarded',
};

/** MM1 X-Mms-Status -> MM4 X-Mms-MMS-Status (§8.4.2.1 has no Unreachable: Indeterminate). */
const STATUS_OUT: Record<string, string> = {
  Retrieved: 'Retrieved',
  Rejected: 'Rejected',
  Deferred: 'Deferred',
  Expired: 'Expired',
  Forwarded: 'Forwarded',
  Unrecognised: 'Unrecognised',
  Unreachable: 'Indeterminate',
  Indeterminate: 'Indeterminate',
};

/** The deviations (src/mmsc/deviations.ts) that make our MM4_forward.REQ break the §8.4 tables. */
const FORWARD_DEVIATIONS = [
  'mm4-forward-no-message-id',
  'mm4-wrong-message-type',
  'mm4-from-not-e164',
  'mm4-no-date',
] as const;

/** Request-Status-Codes worth another attempt (§8.4.1.2 table; the others are final). */
const TRANSIENT_RES = new Set(['Error-network-problem']);

interface ResResult {
  status: string;
  text?: string;
}

export class Mm4Module implements MmscModule {
  readonly name = 'mm4';
  readonly iface = 'MM4' as const;
  readonly routes = ['mm4'] as const;
  private core!: MmscCore;
  private inbound?: SmtpInbound;
  private boundPort = 0;
  private readonly waiters = new Map<string, (r: ResResult) => void>();
  /** RES that arrived with nobody waiting (after a timeout): the next attempt takes it. */
  private readonly lateRes = new Map<string, ResResult>();
  private counter = 0;

  get port(): number {
    return this.boundPort;
  }

  private get ownDomain(): string {
    return this.core.config.domains[0];
  }

  /** Our relay's own mailbox on MM4: where peers send RES and reports (IR.52 system address). */
  get systemAddress(): string {
    return `mms@${this.ownDomain}`;
  }

  async start(core: MmscCore): Promise<MmscEndpoint[]> {
    this.core = core;
    // a forward waiting for its RES gives up at once when the MMSC stops (RetryLater: tried again
    // after a restart), instead of holding the outbox's shutdown for the whole response timeout
    core.onStop(() => this.releaseWaiters());
    core.outbox.handle(JOB_SEND, (job) => this.runSendJob(job));
    const checks = {
      maxSize: Math.max(core.config.maxMessageSize * 2, 1024 * 1024),
      mailFrom: (from: string, helo: string): SmtpAnswer | null =>
        this.peerOf(from, helo)
          ? null
          : { code: 550, message: '5.7.1 Not an MM4 peer of this MMSC (GSMA IR.52 interworking agreement)' },
      rcptTo: (to: string): SmtpAnswer | null =>
        this.isOwn(domainOf(to)) || deviates(core.config, 'mm4-open-relay')
          ? null
          : { code: 550, message: '5.7.1 Relaying denied' },
      data: (mail: InboundMail) => this.onMail(mail),
    };
    this.inbound = new SmtpInbound({
      core,
      iface: 'MM4',
      port: core.config.ports.mm4,
      host: core.config.host,
      hostname: this.ownDomain,
      ...checks,
      maxRecipients: smtpMaxRecipients(core.config),
      ...(core.config.mtaFront.mm4 ? { front: new MtaFront(core, 'MM4', checks) } : {}),
    });
    this.boundPort = await this.inbound.listen();
    return [{ iface: 'MM4', url: `smtp://127.0.0.1:${this.boundPort}` }];
  }

  private releaseWaiters(): void {
    for (const w of [...this.waiters.values()]) w({ status: 'stopped' });
    this.waiters.clear();
  }

  async stop(): Promise<void> {
    this.releaseWaiters();
    await this.inbound?.close();
    this.inbound = undefined;
  }

  private isOwn(domain: string): boolean {
    return domain !== '' && this.core.config.domains.some((d) => d.toLowerCase() === domain.toLowerCase());
  }

  /** The configured peer a client is, by MAIL FROM domain or EHLO name (subdomains included). */
  private peerOf(mailFrom: string, helo: string): Mm4PeerConfig | undefined {
    const d = domainOf(mailFrom);
    return this.core.config.mm4.peers.find(
      (p) => (d !== '' && inDomain(d, p.domain)) || (helo !== '' && inDomain(helo, p.domain)),
    );
  }

  private peerByDomain(domain: string | undefined): Mm4PeerConfig | undefined {
    if (!domain) return undefined;
    return this.core.config.mm4.peers.find((p) => p.domain.toLowerCase() === domain.toLowerCase());
  }

  private uniqueId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.core.clock.now().toString(36)}${this.counter}`;
  }

  private rfcMessageId(left: string): string {
    return `<${left.replace(/[^A-Za-z0-9._-]/g, '_')}@${this.ownDomain}>`;
  }

  private publish(direction: 'in' | 'out', msg: Mm4Message, raw: Uint8Array, peer?: string): void {
    const o = this.core.observer;
    if (!o.enabled) return;
    o.message('MM4', direction, msg.type, () => mm4ToJson(msg), { raw, ...(peer ? { peer } : {}) });
  }

  // ---------------------------------------------------------------- out: MM4_forward.REQ

  async deliver(d: OutboundDelivery): Promise<DeliveryOutcome> {
    const { message, recipient, index } = d;
    const peer = this.peerByDomain(recipient.domain);
    if (!peer) return { status: 'failed', reason: `no MM4 peer configured for ${recipient.domain ?? '?'}` };
    const rcpt = recipientMailAddress(recipient, this.ownDomain);
    if (!rcpt) return { status: 'failed', reason: `address ${recipient.address} has no MM4 form` };
    const tid = `${message.id}.${index}`;
    const late = this.lateRes.get(tid);
    if (late) {
      this.lateRes.delete(tid);
      return this.forwardOutcome(late);
    }
    let msg: Mm4Message;
    let raw: Uint8Array;
    try {
      msg = this.forwardReq(message, decodeMms(await d.pdu()), peer, tid);
      // a deviating forward is sent as built (the encoder would refuse it)
      raw = encodeMm4(msg, { validate: !FORWARD_DEVIATIONS.some((n) => deviates(this.core.config, n)) });
    } catch (e) {
      if (!isCodecError(e)) throw e;
      return { status: 'failed', reason: `cannot build MM4_forward.REQ: ${e.toLine()}` };
    }
    const from = mm4Form(message.sender, this.ownDomain) ?? this.systemAddress;
    const timeoutMs = this.core.config.mm4.responseTimeoutMs;
    const res = this.waitRes(tid, timeoutMs);
    this.publish('out', msg, raw);
    const smtp = await sendSmtp(this.core, 'MM4', peer, { from, to: [rcpt] }, raw);
    if (!smtp.ok) {
      res.cancel();
      this.core.observer.event('MM4', 'mm4-send-failed', {
        transactionId: tid,
        code: smtp.code,
        response: smtp.response,
      });
      if (smtp.transient)
        throw new RetryLater(`MM4 ${peer.domain}: ${smtp.code || 'no connection'} ${smtp.response}`);
      return { status: 'failed', reason: `MM4 ${peer.domain} refused: ${smtp.code} ${smtp.response}` };
    }
    const got = await res.promise;
    if (!got) {
      this.core.observer.event('MM4', 'mm4-res-timeout', { transactionId: tid, timeoutMs });
      throw new RetryLater(`no MM4_forward.RES from ${peer.domain} within ${timeoutMs} ms`);
    }
    if (got.status === 'stopped') throw new RetryLater('MMSC stopping');
    return this.forwardOutcome(got);
  }

  private forwardOutcome(r: ResResult): DeliveryOutcome {
    if (r.status === 'Ok') return { status: 'sent' };
    if (TRANSIENT_RES.has(r.status)) throw new RetryLater(`MM4_forward.RES ${r.status}`);
    return { status: 'failed', reason: `MM4_forward.RES ${r.status}${r.text ? `: ${r.text}` : ''}` };
  }

  /** The MM4_forward.REQ of one recipient of a stored MM (§8.4.1.1). */
  private forwardReq(
    message: StoredMessage,
    pdu: ReturnType<typeof decodeMms>,
    peer: Mm4PeerConfig,
    tid: string,
  ): Mm4Message {
    // From is mandatory in MM4_forward.REQ (§8.4.1.1); an originator without an MM4 address form
    // (a VASP known by its VASPID) is represented by this MMSC's system address, as in the envelope.
    const from = mm4Form(message.sender, this.ownDomain) ?? this.systemAddress;
    const msg = mm4FromMms(pdu, {
      recipientDomain: peer.domain,
      originatorDomain: this.ownDomain,
      transactionId: tid,
      messageId: message.id,
      version: VERSION,
      sender: this.systemAddress,
      ...(from ? { from } : {}),
      date: new Date(message.receivedAt),
      ackRequest: true,
    });
    if (msg.type !== 'MM4_forward.REQ') throw new GiveUp(`stored ${pdu.type} is not an MM`);
    // The header names every visible recipient at its own MMSC's domain (the PDU only has the
    // MM1 forms); Bcc recipients travel only in the envelope (§8.4.1.1).
    const list = (field: 'To' | 'Cc') =>
      message.recipients
        .filter((r) => r.field === field)
        .map((r) => recipientMailAddress(r, this.ownDomain))
        .filter((a): a is string => a !== undefined);
    const to = list('To');
    const cc = list('Cc');
    // Values from the MM (a Subject with CR LF typed on a handset) must not make or break header
    // lines (RFC 5322 §2.2: a field body holds no CR or LF but in folding): control characters
    // become spaces, as on MM3, instead of making the whole forward unencodable.
    msg.headers = msg.headers
      .filter((h) => !/^(to|cc|from)$/i.test(h.name))
      .map((h) => ({ ...h, value: headerSafe(h.value) }));
    const extra: Array<{ name: string; value: string }> = [];
    if (from) extra.push({ name: 'From', value: from });
    if (to.length) extra.push({ name: 'To', value: to.join(', ') });
    if (cc.length) extra.push({ name: 'Cc', value: cc.join(', ') });
    extra.push({ name: 'X-Mms-Originator-System', value: this.systemAddress });
    if (message.deliveryReport && !msg.headers.some((h) => /^x-mms-delivery-report$/i.test(h.name)))
      extra.push({ name: 'X-Mms-Delivery-Report', value: 'Yes' });
    if (message.readReport && !msg.headers.some((h) => /^x-mms-read-reply$/i.test(h.name)))
      extra.push({ name: 'X-Mms-Read-Reply', value: 'Yes' });
    const fields: Record<string, string> = {};
    for (const h of [...msg.headers, ...extra]) fields[h.name] = h.value;
    const { config } = this.core;
    if (deviates(config, 'mm4-forward-no-message-id')) delete fields['X-Mms-Message-ID'];
    if (deviates(config, 'mm4-no-date')) delete fields.Date;
    if (deviates(config, 'mm4-from-not-e164') && fields.From)
      fields.From = fields.From.replace(/^\+(\d+)\/TYPE=PLMN@/i, '$1@');
    const req = buildMm4('MM4_forward.REQ', fields, msg.content);
    if (deviates(config, 'mm4-wrong-message-type'))
      req.headers = req.headers.map((h) =>
        /^x-mms-message-type$/i.test(h.name) ? { ...h, value: 'm-send-req' } : h,
      );
    return req;
  }

  private waitRes(tid: string, ms: number): { promise: Promise<ResResult | undefined>; cancel(): void } {
    let cancel = () => {};
    const promise = new Promise<ResResult | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), ms);
      const done = (r: ResResult | undefined) => {
        clearTimeout(timer);
        if (this.waiters.get(tid) === done) this.waiters.delete(tid);
        resolve(r);
      };
      cancel = () => done(undefined);
      this.waiters.set(tid, done);
    });
    return { promise, cancel };
  }

  // ---------------------------------------------------------------- out: reports to the originating MMSC

  async report(r: OriginReport): Promise<void> {
    const info = r.message.originInfo ?? {};
    // §8.4.3: a read-reply report goes back only when the forward asked (X-Mms-Read-Reply: Yes).
    if (r.kind === 'delivery' && deviates(this.core.config, 'mm4-no-delivery-report-out')) return;
    if (r.kind === 'read' && !r.message.readReport) {
      this.core.observer.event('MM4', 'report-not-requested', { messageId: r.message.id, kind: r.kind });
      return;
    }
    const peer = this.peerByDomain(info.peer);
    if (!peer) throw new GiveUp(`no MM4 peer ${info.peer ?? '(unknown)'} to report to`);
    const index = r.message.recipients.indexOf(r.recipient);
    const from = recipientMailAddress(r.recipient, this.ownDomain);
    const to = info.from;
    if (!from || !to) throw new GiveUp('report without MM4 addresses');
    const common = {
      'X-Mms-3GPP-MMS-Version': VERSION,
      'X-Mms-Transaction-ID': `${r.message.id}.${index}.${r.kind === 'delivery' ? 'd' : 'r'}.${r.status}`,
      'X-Mms-Message-ID': info.mm4MessageId ?? r.message.id,
      'X-Mms-Ack-Request': 'Yes',
      'X-Mms-Originator-System': this.systemAddress,
      Sender: this.systemAddress,
      From: from,
      To: to,
      Date: formatRfc5322Date(r.date),
      'Message-ID': this.rfcMessageId(this.uniqueId('rep')),
    };
    const msg =
      r.kind === 'delivery'
        ? buildMm4('MM4_delivery_report.REQ', {
            ...common,
            'X-Mms-MMS-Status': STATUS_OUT[r.status] ?? 'Indeterminate',
          })
        : buildMm4('MM4_read_reply_report.REQ', {
            ...common,
            'X-Mms-Read-Status': /^deleted/i.test(r.status) ? 'Deleted without being read' : 'Read',
          });
    const raw = encodeMm4(msg);
    this.publish('out', msg, raw);
    const rcpt = info.originatorSystem ?? `system-user@${peer.domain}`;
    const smtp = await sendSmtp(this.core, 'MM4', peer, { from: this.systemAddress, to: [rcpt] }, raw);
    if (smtp.ok) return;
    if (smtp.transient)
      throw new RetryLater(`MM4 ${peer.domain}: ${smtp.code || 'no connection'} ${smtp.response}`);
    throw new GiveUp(`MM4 ${peer.domain} refused ${msg.type}: ${smtp.code} ${smtp.response}`);
  }

  // ---------------------------------------------------------------- in

  private async onMail(mail: InboundMail): Promise<SmtpAnswer> {
    let msg: Mm4Message;
    try {
      msg = decodeMm4(mail.raw);
    } catch (e) {
      if (!isCodecError(e)) throw e;
      this.core.observer.event('MM4', 'mm4-undecodable', { error: e.toLine(), size: mail.raw.length });
      return { code: 554, message: `5.6.0 Not an MM4 message (TS 23.140 §8.4): ${e.toLine().slice(0, 300)}` };
    }
    this.publish('in', msg, mail.raw, mail.peerNode);
    const peer = this.peerOf(mail.mailFrom, mail.heloName);
    if (!peer) return { code: 550, message: '5.7.1 Not an MM4 peer of this MMSC' };
    if (msg.type.endsWith('.RES')) return this.onRes(msg);
    const ack = /^yes$/i.test(getMm4Header(msg, 'X-Mms-Ack-Request') ?? '');
    const issues = validateMm4(msg);
    if (issues.length > 0) {
      const text = issues.map((i) => `${i.field}: ${i.reason} (${i.clause})`).join('; ');
      this.core.observer.event('MM4', 'mm4-invalid', { type: msg.type, issues: text });
      if (ack && getMm4Header(msg, 'X-Mms-Transaction-ID') !== undefined) {
        await this.answer(msg, peer, 'Error-message-format-corrupt', text.slice(0, 400));
        return { code: 250, message: '2.0.0 Accepted; RES follows with Error-message-format-corrupt' };
      }
      return { code: 554, message: `5.6.0 Invalid ${msg.type}: ${text.slice(0, 300)}` };
    }
    const outcome =
      msg.type === 'MM4_forward.REQ' ? await this.onForward(msg, mail, peer) : await this.onReport(msg, peer);
    if (ack) {
      await this.answer(msg, peer, outcome.status, outcome.text);
      return { code: 250, message: `2.0.0 ${msg.type} taken; RES ${outcome.status} follows` };
    }
    if (outcome.status === 'Ok') return { code: 250, message: `2.0.0 ${msg.type} accepted` };
    if (outcome.status === 'Error-network-problem')
      return { code: 451, message: `4.3.0 ${outcome.text ?? ''}` };
    return { code: 550, message: `5.1.1 ${outcome.status}: ${outcome.text ?? ''}`.slice(0, 400) };
  }

  private onRes(msg: Mm4Message): SmtpAnswer {
    const tid = getMm4Header(msg, 'X-Mms-Transaction-ID') ?? '';
    const r: ResResult = { status: getMm4Header(msg, 'X-Mms-Request-Status-Code') ?? 'Error-unspecified' };
    const text = getMm4Header(msg, 'X-Mms-Status-Text');
    if (text) r.text = text;
    const waiter = this.waiters.get(tid);
    if (waiter) waiter(r);
    else if (msg.type === 'MM4_forward.RES') {
      this.lateRes.set(tid, r);
      if (this.lateRes.size > 10_000) this.lateRes.delete(this.lateRes.keys().next().value as string);
    }
    this.core.observer.event('MM4', 'mm4-res', {
      type: msg.type,
      transactionId: tid,
      status: r.status,
      matched: !!waiter,
    });
    return { code: 250, message: '2.0.0 MM4 response accepted' };
  }

  private async onForward(msg: Mm4Message, mail: InboundMail, peer: Mm4PeerConfig): Promise<ResResult> {
    const h = (n: string) => getMm4Header(msg, n);
    const inList = (field: string, a: string) =>
      splitAddressList(h(field) ?? '').some((x) => bareAddress(x).toLowerCase() === a.toLowerCase());
    // The envelope names the recipients this MMSC is asked to deliver to (§8.4.1.1; Bcc only there).
    const recipients: Array<{ address: string; field: 'To' | 'Cc' | 'Bcc' }> = [];
    for (const rcpt of mail.rcptTo) {
      const a = parseMm4Address(rcpt);
      if (!a) continue;
      let address: string | undefined;
      if (a.kind === 'PLMN') address = `${a.address}/TYPE=PLMN`;
      else if (a.kind === 'email' && /^\+?\d{3,20}@/.test(a.address)) address = a.address;
      if (!address) continue; // a system mailbox (RES / report destination), not a subscriber
      recipients.push({ address, field: inList('To', rcpt) ? 'To' : inList('Cc', rcpt) ? 'Cc' : 'Bcc' });
    }
    if (recipients.length === 0)
      return { status: 'Error-sending-address-unresolved', text: 'no subscriber of ours in the envelope' };
    // Only our own subscribers (MM5 says local): an MM4 peer cannot relay through us to a third
    // network or to e-mail (never an open relay).
    const routes = await Promise.all(recipients.map((r) => this.core.resolver.resolve(r.address)));
    const ours = recipients.filter((_, i) => routes[i].kind === 'local');
    if (ours.length === 0) {
      const transient = routes.some((r) => r.kind === 'unresolved' && r.transient);
      return transient
        ? { status: 'Error-network-problem', text: 'recipient lookup (MM5) failed; try again' }
        : { status: 'Error-sending-address-unresolved', text: 'not a subscriber of this MMSC' };
    }
    recipients.splice(0, recipients.length, ...ours);
    const fromHeader = bareAddress(h('From') ?? '');
    const sender = mm1Form(fromHeader);
    if (!sender) return { status: 'Error-message-format-corrupt', text: 'From is not an MM4 address' };
    let pdu: Uint8Array;
    try {
      // A single-part MM becomes a one-part multipart: MM1 clients expect the MM's parts in a
      // multipart body (OMA-TS-MMS_ENC 1.3 §6.3 / §7.2.11 Content-Type of m-retrieve-conf).
      const leaf = msg.content && !msg.content.parts ? msg.content : undefined;
      const wrapped: Mm4Message = leaf
        ? {
            ...msg,
            content: {
              headers: [],
              contentType: 'multipart/mixed',
              params: {},
              body: new Uint8Array(0),
              parts: [leaf],
            },
          }
        : msg;
      pdu = encodeMms(mmsFromMm4(wrapped), { validate: false });
    } catch (e) {
      if (!isCodecError(e)) throw e;
      return { status: 'Error-content-not-accepted', text: e.toLine() };
    }
    const tid = h('X-Mms-Transaction-ID') ?? '';
    const mm4MessageId = h('X-Mms-Message-ID') ?? '';
    const expiry = h('X-Mms-Expiry');
    let expiresAt: number | undefined;
    if (expiry && /^\d+$/.test(expiry.trim())) expiresAt = this.core.clock.now() + Number(expiry) * 1000;
    else if (expiry) expiresAt = parseRfc5322Date(expiry)?.getTime();
    const ct = msg.content?.parts ? msg.content.contentType : 'multipart/mixed';
    const subject = h('Subject');
    const messageClass = h('X-Mms-Message-Class');
    const originatorSystem = bareAddress(h('X-Mms-Originator-System') ?? h('Sender') ?? fromHeader);
    const result = await this.core.accept({
      origin: 'mm4',
      originInfo: { peer: peer.domain, from: fromHeader, originatorSystem, transactionId: tid, mm4MessageId },
      sender,
      // Idempotency per peer (§8.4.1.1: the Transaction-ID identifies the forward at its originator).
      transactionId: `mm4:${peer.domain}:${tid}`,
      mmsVersion: '1.3',
      pdu,
      recipients,
      contentType: ct.replace(/^multipart\//, 'application/vnd.wap.multipart.'),
      ...(subject !== undefined ? { subject } : {}),
      ...(messageClass !== undefined ? { messageClass } : {}),
      deliveryReport: /^yes$/i.test(h('X-Mms-Delivery-Report') ?? ''),
      readReport: /^yes$/i.test(h('X-Mms-Read-Reply') ?? ''),
      hideSender:
        /^hide$/i.test(h('X-Mms-Sender-Visibility') ?? '') &&
        !deviates(this.core.config, 'mm4-ignore-sender-visibility'),
      ...(expiresAt !== undefined && Number.isFinite(expiresAt) ? { expiresAt } : {}),
      messageId: mm4MessageId,
    });
    if (!result.ok) {
      return result.transient
        ? { status: 'Error-network-problem', text: result.text }
        : { status: 'Error-sending-address-unresolved', text: result.text };
    }
    if (result.duplicate)
      this.core.observer.event('MM4', 'duplicate-transaction', {
        peer: peer.domain,
        transactionId: tid,
        messageId: result.message.id,
      });
    if (result.unresolved.length)
      return {
        status: 'Ok',
        text: `not delivered to: ${result.unresolved.map((u) => u.address).join(', ')}`,
      };
    return { status: 'Ok' };
  }

  /** MM4_delivery_report.REQ (§8.4.2.1) / MM4_read_reply_report.REQ (§8.4.3.1) for an MM we forwarded. */
  private async onReport(msg: Mm4Message, peer: Mm4PeerConfig): Promise<ResResult> {
    const id = getMm4Header(msg, 'X-Mms-Message-ID') ?? '';
    const message = this.core.store.get(id);
    const from = getMm4Header(msg, 'From') ?? '';
    const index = message
      ? message.recipients.findIndex(
          (r) =>
            r.route === 'mm4' && (r.domain ?? '') === peer.domain.toLowerCase() && sameSubscriber(r, from),
        )
      : -1;
    if (!message || index < 0) {
      this.core.observer.event('MM4', 'report-unmatched', { type: msg.type, messageId: id, from });
      return { status: 'Error-message-not-found', text: `no MM ${id} forwarded to ${bareAddress(from)}` };
    }
    if (msg.type === 'MM4_delivery_report.REQ') {
      const s = (getMm4Header(msg, 'X-Mms-MMS-Status') ?? '').toLowerCase();
      const status = STATUS_IN[s];
      if (deviates(this.core.config, 'mm4-delivery-report-dropped')) return { status: 'Ok' };
      if (status) {
        await this.core.setRecipientStatus(message.id, index, status, {
          onlyFrom:
            status === 'deferred'
              ? ['pending', 'forwarded']
              : ['pending', 'forwarded', 'deferred', 'notified'],
        });
      } else this.core.observer.event('MM4', 'report-indeterminate', { messageId: id, index });
      return { status: 'Ok' };
    }
    const rs = getMm4Header(msg, 'X-Mms-Read-Status') ?? '';
    if (deviates(this.core.config, 'mm4-read-reply-not-mapped')) return { status: 'Ok' };
    await this.core.readReport(
      message.id,
      index,
      /^deleted/i.test(rs) ? 'Deleted-without-being-read' : 'Read',
    );
    return { status: 'Ok' };
  }

  /** Queues the .RES of a REQ (§8.4.1.2, §8.4.2.2, §8.4.3.2) as its own SMTP transaction. */
  private async answer(req: Mm4Message, peer: Mm4PeerConfig, result: string, text?: string): Promise<void> {
    const { config } = this.core;
    if (req.type === 'MM4_forward.REQ' && deviates(config, 'no-mm4-forward-res')) return;
    const status = deviates(config, 'mm4-res-always-ok') ? 'Ok' : result;
    const type = req.type.replace('.REQ', '.RES') as Mm4MessageType;
    const to = bareAddress(
      getMm4Header(req, 'X-Mms-Originator-System') ??
        getMm4Header(req, 'Sender') ??
        getMm4Header(req, 'From') ??
        '',
    );
    const tid = getMm4Header(req, 'X-Mms-Transaction-ID') ?? '';
    const res = buildMm4(type, {
      'X-Mms-3GPP-MMS-Version': VERSION,
      'X-Mms-Transaction-ID': deviates(config, 'mm4-res-wrong-tid') ? this.uniqueId('tid') : tid,
      'X-Mms-Message-ID': getMm4Header(req, 'X-Mms-Message-ID'),
      'X-Mms-Request-Status-Code': status,
      'X-Mms-Status-Text': text?.replace(/[\r\n]+/g, ' '),
      Sender: this.systemAddress,
      To: to,
      Date: formatRfc5322Date(new Date(this.core.clock.now())),
      'Message-ID': this.rfcMessageId(this.uniqueId('res')),
    });
    // A RES to a REQ that lacked its X-Mms-Message-ID cannot be valid itself; it still goes out.
    const raw = encodeMm4(res, { validate: getMm4Header(req, 'X-Mms-Message-ID') !== undefined });
    const key = createHash('sha1')
      .update(`${peer.domain}\0${type}\0${tid}\0${status}`)
      .digest('hex')
      .slice(0, 24);
    // A retransmitted REQ whose RES is queued shares that RES (it goes out after both). One whose
    // RES is already being sent gets its own: that transaction may have begun before this REQ
    // arrived, so it cannot answer it (each REQ with X-Mms-Ack-Request Yes is answered, §8.4.2.2).
    let id = `mm4.res.${key}`;
    for (let n = 2; this.core.outbox.attemptInFlight(id) !== undefined; n++) id = `mm4.res.${key}.${n}`;
    await this.core.outbox.enqueue(JOB_SEND, id, {
      type,
      domain: peer.domain,
      from: this.systemAddress,
      to: [to],
      raw: bytesToJson(raw),
    });
  }

  private async runSendJob(job: Job): Promise<void> {
    const p = job.payload;
    const peer = this.peerByDomain(String(p.domain));
    if (!peer) throw new GiveUp(`no MM4 peer ${String(p.domain)}`);
    if (!isBytesJson(p.raw)) throw new GiveUp('job without bytes');
    const raw = bytesFromJson(p.raw);
    const msg = decodeMm4(raw);
    this.publish('out', msg, raw);
    const to = Array.isArray(p.to) ? p.to.map(String) : [];
    const smtp = await sendSmtp(this.core, 'MM4', peer, { from: String(p.from), to }, raw);
    if (smtp.ok) return;
    if (smtp.transient)
      throw new RetryLater(`MM4 ${peer.domain}: ${smtp.code || 'no connection'} ${smtp.response}`);
    throw new GiveUp(`MM4 ${peer.domain} refused ${msg.type}: ${smtp.code} ${smtp.response}`);
  }
}

/** A header value with every run of control characters (CR and LF included) made one space. */
function headerSafe(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
