import { decodeXtext, encodeDsn } from '../../codec/dsn/index.ts';
import { parseHeaderBlock } from '../../codec/mime/index.ts';
import { bytesFromJson, bytesToJson, isBytesJson, type JsonObject } from '../../util/json.ts';
import type { Iface } from '../../wire/nodes.ts';
import { deviates } from '../deviations.ts';
import type { MmscCore } from '../mmsc-core.ts';
import { GiveUp, type Job, RetryLater } from '../store/outbox.ts';
import { domainOf, type InboundMail, inDomain, type SmtpAnswer } from './smtp-inbound.ts';
import { sendSmtp } from './smtp-outbound.ts';

/**
 * The MTA in front of the reference MMSC's MM3 or MM4 SMTP (config `mtaFront`), as most deployed
 * MMSCs run: it takes every recipient and any message up to its own size limit, answers 250 once
 * the mail is durably queued, and only then hands it to the MMSC's own checks (the very ones the
 * bare listener applies at MAIL, RCPT and DATA). A recipient the MMSC refuses is reported to the
 * envelope sender by a delivery status notification: RFC 5321 §6.1 (after a 250 the receiver
 * MUST notify a failure, with a null reverse-path, to the reverse-path of the mail, and never for
 * a null one) in the RFC 3464 format. The DSN goes where the MTA would route mail for the
 * sender's domain: over MM4 to the peer serving it, else to the MM3 relay.
 */

/** The owner's checks, as the bare SMTP listener applies them (smtp-inbound.ts). */
export interface FrontChecks {
  mailFrom(address: string, heloName: string): SmtpAnswer | null;
  rcptTo(address: string, mailFrom: string, heloName: string): SmtpAnswer | null;
  /** The MMSC's own size limit (SMTP SIZE / 552 on the bare listener). */
  maxSize: number;
  data(mail: InboundMail): Promise<SmtpAnswer>;
}

interface Failure {
  rcpt: string;
  answer: SmtpAnswer;
  orcpt?: string;
}

/** The RFC 3463 enhanced status code a reply carries, else its class's generic one (X.0.0). */
export function enhancedStatus(a: SmtpAnswer): string {
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(a.message);
  const cls = String(Math.floor(a.code / 100));
  // RFC 3463 §3.1: the class of the status code agrees with the reply's
  if (m && m[1] === cls) return `${m[1]}.${Number(m[2])}.${Number(m[3])}`;
  return `${cls === '2' || cls === '4' ? cls : '5'}.0.0`;
}

export class MtaFront {
  private readonly deliverKind: string;
  private readonly dsnKind: string;
  private counter = 0;

  constructor(
    private readonly core: MmscCore,
    private readonly iface: Iface,
    private readonly checks: FrontChecks,
  ) {
    this.deliverKind = `${iface.toLowerCase()}.front`;
    this.dsnKind = `${iface.toLowerCase()}.front.dsn`;
    core.outbox.handle(this.deliverKind, (job) => this.runDeliver(job));
    core.outbox.handle(this.dsnKind, (job) => this.runDsn(job));
  }

  get maxSize(): number {
    return this.core.config.mtaFront.maxSize;
  }

  private get hostname(): string {
    return this.core.config.domains[0];
  }

  /** The DATA of an accepted transaction: queued durably, then 250 (RFC 5321 §6.1: responsibility taken). */
  async accept(mail: InboundMail): Promise<SmtpAnswer> {
    this.counter += 1;
    const id = `front${this.core.clock.now().toString(36)}${this.core.ids.hex(3)}${this.counter}`;
    await this.core.outbox.enqueue(this.deliverKind, `${this.deliverKind}.${id}`, {
      id,
      raw: bytesToJson(mail.raw),
      mailFrom: mail.mailFrom,
      rcptTo: mail.rcptTo,
      heloName: mail.heloName,
      arrival: this.core.clock.now(),
      ...(mail.peerNode ? { peerNode: mail.peerNode } : {}),
      ...(mail.envid !== undefined ? { envid: mail.envid } : {}),
      ...(mail.rcptDsn ? { rcptDsn: mail.rcptDsn as unknown as JsonObject } : {}),
    });
    this.core.observer.event(this.iface, 'mta-front-queued', { id, from: mail.mailFrom, to: mail.rcptTo });
    return { code: 250, message: `2.0.0 Ok: queued as ${id}` };
  }

  private async runDeliver(job: Job): Promise<void> {
    const p = job.payload;
    if (!isBytesJson(p.raw)) throw new GiveUp('front job without bytes');
    const raw = bytesFromJson(p.raw);
    const mailFrom = String(p.mailFrom ?? '');
    const heloName = String(p.heloName ?? '');
    const rcptTo = Array.isArray(p.rcptTo) ? p.rcptTo.map(String) : [];
    const rcptDsn = (p.rcptDsn ?? {}) as Record<string, { notify?: string[]; orcpt?: string }>;
    const failures: Failure[] = [];
    const ok: string[] = [];
    const fromRefusal = this.checks.mailFrom(mailFrom, heloName);
    for (const r of rcptTo) {
      const a = fromRefusal ?? this.checks.rcptTo(r, mailFrom, heloName);
      if (a) failures.push({ rcpt: r, answer: a });
      else ok.push(r);
    }
    if (ok.length > 0) {
      if (raw.byteLength > this.checks.maxSize) {
        for (const r of ok)
          failures.push({ rcpt: r, answer: { code: 552, message: '5.3.4 Message too big for system' } });
      } else {
        const a = await this.checks.data({
          raw,
          mailFrom,
          rcptTo: ok,
          heloName,
          remotePort: 0,
          ...(typeof p.peerNode === 'string' ? { peerNode: p.peerNode } : {}),
        });
        if (a.code >= 400 && a.code < 500 && job.attempts + 1 < this.core.config.retry.maxAttempts)
          // RFC 5321 §4.5.4.1: a transient failure is retried from the queue
          throw new RetryLater(`${this.iface} front: ${a.code} ${a.message}`);
        if (a.code >= 400) for (const r of ok) failures.push({ rcpt: r, answer: a });
      }
    }
    const bounced = failures.filter((f) => {
      const notify = rcptDsn[f.rcpt.toLowerCase()]?.notify;
      // RFC 3461 §4.1: NOTIFY without FAILURE (or NEVER) asks for no failure DSN
      return !notify || notify.includes('FAILURE');
    });
    this.core.observer.event(this.iface, 'mta-front-delivered', {
      id: String(p.id ?? ''),
      delivered: rcptTo.filter((r) => !failures.some((f) => f.rcpt === r)),
      failed: failures.map((f) => ({ to: f.rcpt, reply: `${f.answer.code} ${f.answer.message}` })),
    });
    if (bounced.length === 0) return;
    // RFC 5321 §6.1: no notification for a mail with a null reverse-path
    if (mailFrom === '') {
      this.core.observer.event(this.iface, 'dsn-not-sent', { reason: 'null reverse-path (RFC 5321 §6.1)' });
      return;
    }
    if (deviates(this.core.config, 'mta-front-silent-drop')) return;
    const dsn = this.buildDsn(
      raw,
      mailFrom,
      heloName,
      Number(p.arrival) || this.core.clock.now(),
      p.envid,
      bounced,
      rcptDsn,
    );
    await this.core.outbox.enqueue(this.dsnKind, `${this.dsnKind}.${String(p.id ?? job.id)}`, {
      to: mailFrom,
      raw: bytesToJson(dsn),
    });
  }

  private buildDsn(
    raw: Uint8Array,
    mailFrom: string,
    heloName: string,
    arrival: number,
    envid: unknown,
    failures: Failure[],
    rcptDsn: Record<string, { orcpt?: string }>,
  ): Uint8Array {
    const success = deviates(this.core.config, 'mta-front-dsn-success');
    let headers: Uint8Array | undefined;
    try {
      // RFC 3464 §2 (d) / RFC 6522 §4: the original's header block, not its (maybe large) body
      const { bodyStart } = parseHeaderBlock(raw);
      headers = raw.subarray(0, bodyStart);
    } catch {
      headers = undefined;
    }
    const now = new Date(this.core.clock.now());
    const lines = failures.map((f) => `<${f.rcpt}>: ${f.answer.code} ${f.answer.message}`);
    return encodeDsn({
      from: `MAILER-DAEMON@${this.hostname}`,
      to: mailFrom,
      date: now,
      messageId: `<dsn.${now.getTime().toString(36)}.${this.core.ids.hex(4)}@${this.hostname}>`,
      subject: 'Undelivered Mail Returned to Sender',
      text: `This is the MTA in front of the MMS relay/server ${this.hostname}.\n\nYour message could not be delivered to one or more recipients:\n\n${lines.join('\n')}`,
      reportingMta: this.hostname,
      // ENVID arrives as xtext (RFC 3461 §4.4); the encoder writes it as xtext again
      ...(typeof envid === 'string' ? { originalEnvelopeId: decodeXtext(envid) } : {}),
      arrivalDate: new Date(arrival),
      ...(heloName ? { receivedFromMta: heloName } : {}),
      recipients: failures.map((f) => {
        const orcpt = rcptDsn[f.rcpt.toLowerCase()]?.orcpt;
        return {
          finalRecipient: f.rcpt,
          ...(orcpt ? { originalRecipient: orcpt } : {}),
          action: success ? 'delivered' : 'failed',
          status: success ? '2.0.0' : enhancedStatus(f.answer),
          // DSN fields are US-ASCII text (RFC 3464 §2.1): the reply's other characters become '?'
          diagnosticCode: `smtp; ${f.answer.code} ${f.answer.message}`
            .replace(/[\r\n]+/g, ' ')
            .replace(/[^\x20-\x7e]/g, '?')
            .slice(0, 400),
          lastAttemptDate: now,
        };
      }),
      ...(headers ? { originalHeaders: headers } : {}),
    });
  }

  /** Sends a queued DSN where the sender's domain routes: MM4 to its peer, else the MM3 relay. */
  private async runDsn(job: Job): Promise<void> {
    const to = String(job.payload.to ?? '');
    if (!isBytesJson(job.payload.raw)) throw new GiveUp('DSN job without bytes');
    const raw = bytesFromJson(job.payload.raw);
    const domain = domainOf(to);
    const peer = this.core.config.mm4.peers.find((p) => domain !== '' && inDomain(domain, p.domain));
    const relay = this.core.config.mm3.relay;
    const via: { iface: Iface; dest: { host: string; port: number } } | undefined = peer
      ? { iface: 'MM4', dest: peer }
      : relay
        ? { iface: 'MM3', dest: relay }
        : undefined;
    if (!via) {
      this.core.observer.event(this.iface, 'dsn-not-sent', { to, reason: 'no route for the sender domain' });
      return;
    }
    this.core.observer.message(via.iface, 'out', 'dsn', { to }, { raw });
    // RFC 5321 §6.1 / §4.5.5: the notification is sent with a null reverse-path
    const smtp = await sendSmtp(this.core, via.iface, via.dest, { from: '', to: [to] }, raw);
    if (smtp.ok) return;
    if (smtp.transient)
      throw new RetryLater(`DSN to ${to}: ${smtp.code || 'no connection'} ${smtp.response}`);
    // a notification that cannot be delivered is not notified again (RFC 5321 §6.1)
    throw new GiveUp(`DSN to ${to} refused: ${smtp.code} ${smtp.response}`);
  }
}
