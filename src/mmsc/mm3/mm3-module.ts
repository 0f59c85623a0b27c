import { createHash } from 'node:crypto';
import { isCodecError } from '../../codec/codec-error.ts';
import type { MimeEntity } from '../../codec/mime/index.ts';
import {
  buildMime,
  decodeEncodedWords,
  encodeEncodedWord,
  getHeader,
  parseMime,
} from '../../codec/mime/index.ts';
import { formatRfc5322Date, mm4FromMms, mmsFromMm4, parseRfc5322Date } from '../../codec/mm4/index.ts';
import { decodeMms, encodeMms } from '../../codec/mms/index.ts';
import type { JsonObject } from '../../util/json.ts';
import { smtpMaxRecipients } from '../config.ts';
import { deviates } from '../deviations.ts';
import { bareAddress, mm4Form, recipientMailAddress } from '../mm4/mm4-addresses.ts';
import { MtaFront } from '../mm4/mta-front.ts';
import { domainOf, type InboundMail, type SmtpAnswer, SmtpInbound } from '../mm4/smtp-inbound.ts';
import { sendSmtp } from '../mm4/smtp-outbound.ts';
import type { MmscCore } from '../mmsc-core.ts';
import type { DeliveryOutcome, MmscEndpoint, MmscModule, OriginReport, OutboundDelivery } from '../module.ts';
import { GiveUp, RetryLater } from '../store/outbox.ts';

/**
 * MM3 (3GPP TS 23.140 §8.3): the reference MMSC and Internet e-mail.
 *
 * Out: `deliver()` turns an MM for an e-mail recipient into an RFC 5322 / MIME message (From
 * the originator as `+E164/TYPE=PLMN@<our domain>`, To/Cc the visible recipients, Subject as
 * RFC 2047 encoded words when not ASCII, Date, Message-ID, the MM's parts as MIME entities,
 * binary ones base64) and hands it to the configured relay (`mm3.relay`). 2xx -> forwarded;
 * 4xx / no connection -> RetryLater; 5xx -> failed. Header fields are built from sanitised
 * values only: CR, LF and other controls never reach the header (no header injection).
 *
 * In: an SMTP listener on `ports.mm3` for our subscribers' addresses
 * (`+E164/TYPE=PLMN@<our domain>` or `digits@<our domain>`); other domains 550 5.7.1 (no open
 * relay), other local parts 550 5.1.1. The mail becomes an MM (parts from its MIME leaves,
 * multipart/alternative reduced to its plain-text form) accepted through the core, so the
 * subscriber gets an MM1 notification.
 */

const PLMN_LOCAL = /^(\+?\d{3,20})(\/TYPE=PLMN)?$/i;

/** One line of header text: controls (CR, LF, NUL ...) become spaces, bounded length. */
export function headerText(value: string, max = 900): string {
  return value
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, max);
}

/** A plain RFC 5321 mailbox (no display name, no controls, no quoting). */
const MAILBOX = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/;

export class Mm3Module implements MmscModule {
  readonly name = 'mm3';
  readonly iface = 'MM3' as const;
  readonly routes = ['mm3'] as const;
  private core!: MmscCore;
  private inbound?: SmtpInbound;
  private boundPort = 0;

  get port(): number {
    return this.boundPort;
  }

  private get ownDomain(): string {
    return this.core.config.domains[0];
  }

  async start(core: MmscCore): Promise<MmscEndpoint[]> {
    this.core = core;
    const checks = {
      maxSize: core.config.mm3.maxSize,
      mailFrom: () => null,
      rcptTo: (to: string) => this.checkRecipient(to),
      data: (mail: InboundMail) => this.onMail(mail),
    };
    this.inbound = new SmtpInbound({
      core,
      iface: 'MM3',
      port: core.config.ports.mm3,
      host: core.config.host,
      hostname: this.ownDomain,
      ...checks,
      maxRecipients: smtpMaxRecipients(core.config),
      ...(core.config.mtaFront.mm3 ? { front: new MtaFront(core, 'MM3', checks) } : {}),
    });
    this.boundPort = await this.inbound.listen();
    return [{ iface: 'MM3', url: `smtp://127.0.0.1:${this.boundPort}` }];
  }

  async stop(): Promise<void> {
    await this.inbound?.close();
    this.inbound = undefined;
  }

  private isOwn(domain: string): boolean {
    return this.core.config.domains.some((d) => d.toLowerCase() === domain);
  }

  private checkRecipient(to: string): SmtpAnswer | null {
    if (!this.isOwn(domainOf(to)))
      // the deviation takes mail for anyone and passes it on (onMail), as an open relay does
      return deviates(this.core.config, 'mm3-open-relay')
        ? null
        : { code: 550, message: '5.7.1 Relaying denied' };
    const local = to.slice(0, to.lastIndexOf('@'));
    if (!PLMN_LOCAL.test(local)) return { code: 550, message: '5.1.1 No such subscriber' };
    return null;
  }

  // ---------------------------------------------------------------- out

  async deliver(d: OutboundDelivery): Promise<DeliveryOutcome> {
    const { message, recipient } = d;
    const relay = this.core.config.mm3.relay;
    if (!relay) return { status: 'failed', reason: 'no MM3 relay configured (mm3.relay)' };
    const rcpt = recipientMailAddress(recipient, this.ownDomain);
    if (!rcpt || !MAILBOX.test(rcpt))
      return { status: 'failed', reason: `not an e-mail address: ${recipient.address}` };
    let raw: Uint8Array;
    let summary: JsonObject;
    try {
      ({ raw, summary } = await this.buildMail(d));
    } catch (e) {
      if (!isCodecError(e)) throw e;
      return { status: 'failed', reason: `cannot build the e-mail: ${e.toLine()}` };
    }
    // A hidden sender (X-Mms-Sender-Visibility: Hide) is not revealed by the envelope either.
    const from =
      (message.hideSender ? undefined : mm4Form(message.sender, this.ownDomain)) ?? `mms@${this.ownDomain}`;
    this.core.observer.message('MM3', 'out', 'email', summary, { raw });
    const smtp = await sendSmtp(this.core, 'MM3', relay, { from, to: [rcpt] }, raw);
    if (smtp.ok) return { status: 'sent' };
    this.core.observer.event('MM3', 'mm3-send-failed', {
      to: rcpt,
      code: smtp.code,
      response: smtp.response,
    });
    if (smtp.transient) throw new RetryLater(`MM3 relay: ${smtp.code || 'no connection'} ${smtp.response}`);
    return { status: 'failed', reason: `MM3 relay refused: ${smtp.code} ${smtp.response}` };
  }

  /** The RFC 5322 message for an MM (TS 23.140 §8.3; RFC 2045-2047). */
  private async buildMail(d: OutboundDelivery): Promise<{ raw: Uint8Array; summary: JsonObject }> {
    const { message, index } = d;
    const pdu = decodeMms(await d.pdu());
    // The MIME body of the MM as MM4 carries it (WAP multipart types become Internet ones).
    const mm = mm4FromMms(pdu, {
      recipientDomain: this.ownDomain,
      originatorDomain: this.ownDomain,
      transactionId: message.id,
      messageId: message.id,
      from: message.sender,
    });
    const content: MimeEntity = mm.content ?? {
      headers: [],
      contentType: 'text/plain',
      params: {},
      body: new Uint8Array(0),
    };
    const addr = (field: 'To' | 'Cc') =>
      message.recipients
        .filter((r) => r.field === field)
        .map((r) => recipientMailAddress(r, this.ownDomain))
        .filter((a): a is string => a !== undefined && MAILBOX.test(a));
    const { config } = this.core;
    const from = mm4Form(message.sender, this.ownDomain);
    const hide = message.hideSender && !deviates(config, 'mm3-reveal-hidden-sender');
    const fromHeader = hide || !from || !MAILBOX.test(from) ? `anonymous@${this.ownDomain}` : from;
    const rawSubject = deviates(config, 'mm3-raw-subject');
    const to = addr('To');
    const cc = addr('Cc');
    const subject = message.subject === undefined ? undefined : headerText(message.subject);
    const messageId = `<${message.id}.${index}@${this.ownDomain}>`;
    const lines = [
      `From: ${fromHeader}`,
      ...(to.length ? [`To: ${to.join(',\r\n ')}`] : []),
      ...(cc.length ? [`Cc: ${cc.join(',\r\n ')}`] : []),
      ...(to.length + cc.length === 0 ? ['To: undisclosed-recipients:;'] : []),
      ...(subject !== undefined && subject !== ''
        ? [`Subject: ${rawSubject ? subject : encodeEncodedWord(subject)}`]
        : []),
      ...(deviates(config, 'mm3-no-date')
        ? []
        : [`Date: ${formatRfc5322Date(new Date(message.receivedAt))}`]),
      ...(deviates(config, 'mm3-no-message-id') ? [] : [`Message-ID: ${messageId}`]),
      `X-Mms-Message-ID: ${message.id}`,
      ...(message.messageClass ? [`X-Mms-Message-Class: ${headerText(message.messageClass, 40)}`] : []),
      'MIME-Version: 1.0',
    ];
    const head = Buffer.from(`${lines.join('\r\n')}\r\n`, rawSubject ? 'utf8' : 'latin1');
    const body = buildMime({ ...content, headers: [] });
    const summary: JsonObject = {
      from: fromHeader,
      to,
      cc,
      subject: subject ?? null,
      messageId,
      contentType: content.contentType,
      parts: (content.parts ?? [content]).map((p) => p.contentType),
    };
    return { raw: new Uint8Array(Buffer.concat([head, body])), summary };
  }

  /**
   * A read report for a mail that asked for one (Disposition-Notification-To): a plain-text
   * notice to that address, In-Reply-To the mail. Reports nobody asked for are dropped.
   */
  async report(r: OriginReport): Promise<void> {
    const info = r.message.originInfo ?? {};
    const relay = this.core.config.mm3.relay;
    if (r.kind !== 'read' || !info.notifyTo || !MAILBOX.test(info.notifyTo)) {
      this.core.observer.event('MM3', 'report-not-requested', { messageId: r.message.id, kind: r.kind });
      return;
    }
    if (!relay) throw new GiveUp('no MM3 relay configured (mm3.relay)');
    const who = recipientMailAddress(r.recipient, this.ownDomain) ?? `mms@${this.ownDomain}`;
    const subject = headerText(
      `${r.status === 'Read' ? 'Read' : 'Deleted without being read'}: ${r.message.subject ?? ''}`,
    );
    const inReplyTo = info.messageId && /^<[^<>\s]+>$/.test(info.messageId) ? info.messageId : undefined;
    const text = headerText(
      `Your message to ${who} was ${r.status === 'Read' ? 'read' : 'deleted without being read'} on ${formatRfc5322Date(r.date)}.`,
    );
    const head = [
      `From: ${MAILBOX.test(who) ? who : `mms@${this.ownDomain}`}`,
      `To: ${info.notifyTo}`,
      `Subject: ${encodeEncodedWord(subject)}`,
      `Date: ${formatRfc5322Date(new Date(this.core.clock.now()))}`,
      `Message-ID: <${r.message.id}.read.${r.message.recipients.indexOf(r.recipient)}@${this.ownDomain}>`,
      ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      'Content-Transfer-Encoding: 7bit',
    ];
    const raw = new TextEncoder().encode(
      `${head.join('\r\n')}\r\n\r\n${text.replace(/[^\x20-\x7e]/g, '?')}\r\n`,
    );
    this.core.observer.message(
      'MM3',
      'out',
      'email',
      { to: info.notifyTo, subject, kind: 'read-report' },
      { raw },
    );
    // Null reverse-path: a notification must not cause another one (RFC 5321 §4.5.5).
    const smtp = await sendSmtp(this.core, 'MM3', relay, { from: '', to: [info.notifyTo] }, raw);
    if (smtp.ok) return;
    if (smtp.transient) throw new RetryLater(`MM3 relay: ${smtp.code || 'no connection'} ${smtp.response}`);
    throw new GiveUp(`MM3 relay refused the read report: ${smtp.code} ${smtp.response}`);
  }

  // ---------------------------------------------------------------- in

  private async onMail(mail: InboundMail): Promise<SmtpAnswer> {
    const foreign = mail.rcptTo.filter((r) => !this.isOwn(domainOf(r)));
    const relay = this.core.config.mm3.relay;
    if (foreign.length > 0 && relay && deviates(this.core.config, 'mm3-open-relay')) {
      await sendSmtp(this.core, 'MM3', relay, { from: mail.mailFrom, to: foreign }, mail.raw);
      if (foreign.length === mail.rcptTo.length) return { code: 250, message: '2.0.0 relayed' };
      mail = { ...mail, rcptTo: mail.rcptTo.filter((r) => this.isOwn(domainOf(r))) };
    }
    let entity: MimeEntity;
    try {
      entity = parseMime(mail.raw);
    } catch (e) {
      if (!isCodecError(e)) throw e;
      this.core.observer.event('MM3', 'mail-undecodable', { error: e.toLine(), size: mail.raw.length });
      return { code: 554, message: `5.6.0 Malformed message: ${e.toLine().slice(0, 300)}` };
    }
    const h = (n: string) => {
      const v = getHeader(entity.headers, n);
      return v === undefined ? undefined : headerText(decodeEncodedWords(v));
    };
    const fromHeader = bareAddress(h('From') ?? mail.mailFrom);
    const sender = MAILBOX.test(fromHeader) ? fromHeader : MAILBOX.test(mail.mailFrom) ? mail.mailFrom : '';
    const subject = h('Subject');
    const messageIdHeader = h('Message-ID');
    this.core.observer.message(
      'MM3',
      'in',
      'email',
      {
        from: sender,
        to: mail.rcptTo,
        subject: subject ?? null,
        messageId: messageIdHeader ?? null,
        contentType: entity.contentType,
      },
      { raw: mail.raw, ...(mail.peerNode ? { peer: mail.peerNode } : {}) },
    );
    if (!sender) return { code: 550, message: '5.1.7 No usable originator address (From)' };
    const leaves = mmsLeaves(entity);
    if (leaves.length === 0) return { code: 554, message: '5.6.0 No content' };
    // Always a multipart body: MM1 clients expect the MM's parts there (OMA-TS-MMS_ENC 1.3 §6.3).
    const content: MimeEntity = {
      headers: [],
      contentType: 'multipart/mixed',
      params: {},
      body: new Uint8Array(0),
      parts: leaves,
    };
    const date = h('Date');
    let pdu: Uint8Array;
    try {
      // The MMS form: the MM a relay would build from an equivalent MM4 forward (TS 23.140 §8.3.2).
      const mms = mmsFromMm4({
        type: 'MM4_forward.REQ',
        headers: [
          { name: 'From', value: sender },
          ...mail.rcptTo.map((r) => ({ name: 'To', value: r })),
          ...(subject !== undefined ? [{ name: 'Subject', value: subject }] : []),
          ...(date && parseRfc5322Date(date) ? [{ name: 'Date', value: date }] : []),
        ],
        content,
      });
      pdu = encodeMms(mms, { validate: false });
    } catch (e) {
      if (!isCodecError(e)) throw e;
      return { code: 554, message: `5.6.0 Content not convertible: ${e.toLine().slice(0, 300)}` };
    }
    const recipients = mail.rcptTo.map((r) => {
      const local = r.slice(0, r.lastIndexOf('@'));
      const m = PLMN_LOCAL.exec(local);
      const digits = m ? m[1].replace(/^\+/, '') : local;
      return { address: `+${digits}/TYPE=PLMN`, field: 'To' as const };
    });
    // Only our own subscribers (MM5 says local): no relaying to other networks through MM3.
    const routes = await Promise.all(recipients.map((r) => this.core.resolver.resolve(r.address)));
    if (routes.some((r) => r.kind === 'unresolved' && r.transient))
      return { code: 451, message: '4.4.3 Recipient lookup failed; try again later' };
    if (routes.some((r) => r.kind !== 'local'))
      return { code: 550, message: '5.1.1 Not a subscriber of this MMSC' };
    const transactionId = `mm3:${messageIdHeader ?? createHash('sha1').update(mail.raw).digest('hex')}`;
    // RFC 8098 §2.1: Disposition-Notification-To asks for a read notification.
    const dnt = bareAddress(h('Disposition-Notification-To') ?? '');
    const notifyTo = MAILBOX.test(dnt) ? dnt : undefined;
    const result = await this.core.accept({
      origin: 'mm3',
      originInfo: {
        mailFrom: mail.mailFrom,
        ...(messageIdHeader ? { messageId: messageIdHeader } : {}),
        ...(notifyTo ? { notifyTo } : {}),
      },
      sender,
      transactionId,
      mmsVersion: '1.3',
      pdu,
      recipients,
      contentType: content.contentType.replace(/^multipart\//, 'application/vnd.wap.multipart.'),
      ...(subject !== undefined ? { subject } : {}),
      messageClass: 'Personal',
      deliveryReport: false,
      readReport: notifyTo !== undefined,
    });
    if (!result.ok) {
      return result.transient
        ? { code: 451, message: `4.4.3 Recipient not resolvable now: ${result.text.slice(0, 200)}` }
        : { code: 550, message: `5.1.1 ${result.text.slice(0, 200)}` };
    }
    if (result.duplicate)
      this.core.observer.event('MM3', 'duplicate-mail', { messageId: result.message.id, transactionId });
    return { code: 250, message: `2.0.0 Ok: queued as ${result.message.id}` };
  }
}

/**
 * The leaves of a mail that become MM parts: multipart/alternative keeps its text/plain form
 * (else its first alternative), other multiparts contribute every leaf (RFC 2046 §5.1).
 */
function mmsLeaves(e: MimeEntity, depth = 0): MimeEntity[] {
  if (!e.parts) return [e];
  if (depth > 8) return [];
  if (e.contentType === 'multipart/alternative') {
    const plain = e.parts.find((p) => p.contentType === 'text/plain') ?? e.parts[0];
    return plain ? mmsLeaves(plain, depth + 1) : [];
  }
  return e.parts.flatMap((p) => mmsLeaves(p, depth + 1));
}
