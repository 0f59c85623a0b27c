import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import PostalMime from 'postal-mime';

type MimeAddress = { name: string; address?: string; group?: { name: string; address: string }[] };

import {
  type Clock,
  type RandomSource,
  randomOctets,
  SYSTEM_CLOCK,
  seededStream,
} from '../../src/util/case-clock.ts';
import { parseDurationText } from '../../src/util/duration-text.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';
import { bytesFromJson, bytesToJson, isBytesJson } from '../../src/util/json.ts';
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
import { checkMail } from './check-mail.ts';
import { publishDsn } from './dsn-observation.ts';
import { MAIL_ACTIONS } from './mail-actions.ts';
import type { SmtpReceived, SmtpVerdict } from './smtp-listener.ts';
import { SmtpListener } from './smtp-listener.ts';
import { rangeRecipients, sendResultJson, smtpSend } from './smtp-send.ts';

/**
 * The MM3 side (TS 23.140 §8.3): an e-mail MTA that captures what the MMSC sends to e-mail
 * recipients (checked as RFC 5322 + MIME and parsed with postal-mime), and an SMTP client that
 * injects e-mail bound for MMS subscribers into the target's MM3 SMTP address.
 *
 * Observations: `message` type `email`, iface MM3, direction in (captured) / out (sent); a
 * delivery status notification (RFC 3464) received is `message` type `dsn` instead (dsn-observation.ts).
 * Behaviours: `smtp-error {code}` (answer DATA with it), `slow {ms}` (delay the DATA answer).
 * Actions: `mailbox {to?, clear?}`, `send {from, to, cc?, subject?, text?, html?, attachments?}`,
 * `configure {target}`.
 */

export interface MailMtaConfig {
  name?: string;
  port?: number;
  /** Domains whose mailboxes live here (everything else is relaying: 550 5.7.1). */
  domains?: string[];
  /** Client IPs/domains allowed (default: anyone on loopback). */
  allowClients?: string[];
  starttls?: boolean;
  users?: Record<string, string>;
  requireAuth?: boolean;
  /** The target MMSC's MM3 SMTP address for `send`, e.g. `smtp://127.0.0.1:2526`. */
  target?: string;
  maxSize?: number;
}

export interface MailboxEntry {
  id: number;
  mailFrom: string;
  rcptTo: string[];
  valid: boolean;
  issues: string[];
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  date: string;
  messageId: string;
  text?: string;
  html?: string;
  attachments: {
    filename: string | null;
    mimeType: string;
    contentId?: string;
    size: number;
    content: Json;
  }[];
  raw: Uint8Array;
}

type MailBehaviour = { kind: 'smtp-error'; code: number } | { kind: 'slow'; ms: number };

/** The behaviours the MTA knows (mocks/behaviour-tables.ts gives their parameters). */
export const MAIL_BEHAVIOURS = ['smtp-error', 'slow'] as const;

export class MailMta extends PeerShell {
  readonly role = 'mta' as const;
  readonly name: string;
  readonly actions: Readonly<Record<string, PeerAction>>;
  protected readonly iface = 'MM3' as const;
  private listener?: SmtpListener;
  private behaviours: MailBehaviour[] = [];
  private readonly box: MailboxEntry[] = [];
  private nextId = 1;
  private target?: string;

  private readonly clock: Clock;
  /** The seeded stream of a seeded run (Message-IDs and MIME boundaries of what it sends); none: random ones. */
  private readonly random?: RandomSource;

  constructor(
    private readonly config: MailMtaConfig = {},
    deps: { clock?: Clock; seed?: number } = {},
  ) {
    super();
    this.name = config.name ?? 'mail';
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    if (deps.seed !== undefined) this.random = seededStream(deps.seed, this.name);
    this.target = config.target;
    this.actions = bindActions(this.name, MAIL_ACTIONS, {
      mailbox: (p) => this.mailboxAction(p),
      'clear-behaviours': clearBehavioursAction(this),
      send: (p) => this.sendAction(p),
      configure: configureTargetAction(this.name, 'smtp URL', (url) => this.setTarget(url)),
    });
  }

  setTarget(url: string): void {
    this.target = url;
  }

  get domains(): string[] {
    return this.config.domains ?? ['example.com', 'example.net'];
  }

  protected async open(ctx: PeerContext): Promise<PeerEndpoint[]> {
    this.listener = new SmtpListener({
      timeline: ctx.timeline,
      node: this.name,
      role: this.role,
      iface: 'MM3',
      hostname: this.domains[0],
      port: this.config.port,
      tls: this.config.starttls === false ? undefined : TEST_TLS,
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
        note: `(MM3 mailboxes for ${this.domains.join(', ')})`,
      },
    ];
  }

  protected override async close(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    await l?.close();
  }

  use(b: BehaviourSpec): void {
    if (b.kind === 'smtp-error') {
      const code = b.code;
      if (typeof code !== 'number' || code < 400 || code > 599) {
        throw new PeerConfigError(this.name, 'smtp-error: code must be 4xx or 5xx');
      }
      this.behaviours.unshift({ kind: 'smtp-error', code });
    } else if (b.kind === 'slow') {
      if (typeof b.ms !== 'number' || b.ms < 0 || b.ms > 600_000) {
        throw new PeerConfigError(this.name, 'slow: ms must be 0..600000');
      }
      this.behaviours.unshift({ kind: 'slow', ms: b.ms });
    } else {
      throw new PeerConfigError(
        this.name,
        `unknown behaviour ${b.kind} (known: ${MAIL_BEHAVIOURS.join(', ')})`,
      );
    }
  }

  resetBehaviours(): void {
    this.behaviours = [];
  }

  /** Captured messages, oldest first. */
  mailbox(): readonly MailboxEntry[] {
    return this.box;
  }

  private async onMessage(m: SmtpReceived): Promise<SmtpVerdict> {
    const slow = this.behaviours.find((b) => b.kind === 'slow');
    if (slow) await delay(slow.ms);
    const err = this.behaviours.find((b) => b.kind === 'smtp-error');
    if (err) {
      this.event('behaviour-applied', { behaviour: 'smtp-error', code: err.code });
      return {
        accept: false,
        code: err.code,
        message: `${err.code < 500 ? '4' : '5'}.0.0 Behaviour smtp-error`,
      };
    }
    // a bounce from the target's MTA front end: a `dsn` observation, not a mailbox entry
    if (publishDsn({ timeline: this.timeline, node: this.name, role: this.role, iface: 'MM3' }, m))
      return { accept: true, message: '2.0.0 Ok: DSN received' };
    const entry = await this.capture(m);
    this.box.push(entry);
    this.timeline?.publish({
      kind: 'message',
      type: 'email',
      node: this.name,
      role: this.role,
      iface: 'MM3',
      direction: 'in',
      peer: 'mmsc',
      fields: entryJson(entry, false),
      raw: m.raw,
    });
    return { accept: true, message: `2.0.0 Ok: queued as mail-${entry.id}` };
  }

  private async capture(m: SmtpReceived): Promise<MailboxEntry> {
    const issues = checkMail(m.raw);
    const base = {
      id: this.nextId++,
      mailFrom: m.mailFrom,
      rcptTo: m.rcptTo,
      raw: m.raw,
    };
    try {
      const email = await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' });
      return {
        ...base,
        valid: issues.length === 0,
        issues,
        from: addressText(email.from ? [email.from] : []),
        to: addressList(email.to),
        cc: addressList(email.cc),
        subject: email.subject ?? '',
        date: email.date ?? '',
        messageId: email.messageId ?? '',
        text: email.text,
        html: email.html,
        attachments: email.attachments.map((a) => {
          const bytes =
            typeof a.content === 'string'
              ? new Uint8Array(Buffer.from(a.content))
              : a.content instanceof ArrayBuffer
                ? new Uint8Array(a.content)
                : a.content;
          return {
            filename: a.filename,
            mimeType: a.mimeType,
            ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
            size: bytes.byteLength,
            content: bytesToJson(bytes),
          };
        }),
      };
    } catch (e) {
      // Kept even when MIME parsing fails: nothing accepted is lost.
      return {
        ...base,
        valid: false,
        issues: [...issues, `MIME: ${e instanceof Error ? e.message : String(e)}`],
        from: '',
        to: [],
        cc: [],
        subject: '',
        date: '',
        messageId: '',
        attachments: [],
      };
    }
  }

  private async mailboxAction(p: JsonObject): Promise<Json> {
    const to = typeof p.to === 'string' ? p.to.toLowerCase() : undefined;
    const list = this.box.filter((e) => to === undefined || e.rcptTo.some((r) => r.toLowerCase() === to));
    const out = list.map((e) => entryJson(e, p.raw === true));
    if (p.clear === true) this.box.length = 0;
    return { count: out.length, messages: out };
  }

  private async sendAction(p: JsonObject): Promise<Json> {
    if (!this.target)
      throw new PeerConfigError(this.name, 'send: no target MM3 SMTP address (configure {target})');
    const from = p.from;
    const to = typeof p.to === 'string' ? [p.to] : p.to;
    if (
      typeof from !== 'string' ||
      !Array.isArray(to) ||
      to.length === 0 ||
      !to.every((x) => typeof x === 'string')
    ) {
      throw new PeerConfigError(this.name, 'send: from (string) and to (string or list) required');
    }
    const cc =
      typeof p.cc === 'string'
        ? [p.cc]
        : Array.isArray(p.cc)
          ? p.cc.filter((x) => typeof x === 'string')
          : [];
    const attachments = Array.isArray(p.attachments)
      ? p.attachments.map((a, i) => attachmentSpec(this.name, a, i))
      : [];
    const retry = retryPolicy(this.name, p);
    if (p.raw !== undefined) return this.sendRaw(p, from, to as string[], retry);
    const composer = new MailComposer({
      from,
      to: to as string[],
      cc: cc as string[],
      subject: typeof p.subject === 'string' ? p.subject : undefined,
      text: typeof p.text === 'string' ? p.text : undefined,
      html: typeof p.html === 'string' ? p.html : undefined,
      messageId: typeof p.messageId === 'string' ? p.messageId : this.seededMessageId(from),
      date: new Date(this.clock.now()),
      ...(this.random ? { baseBoundary: Buffer.from(randomOctets(this.random, 8)).toString('hex') } : {}),
      attachments,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const raw = new Uint8Array(await composer.compile().build());
    // `rcptRange` (fan-out cases): more envelope recipients, before those of To/Cc
    const envelope = {
      from,
      to: [...rangeRecipients(p.rcptRange), ...(to as string[]), ...(cc as string[])],
    };
    return this.sendOut(envelope, raw, { subject: String(p.subject ?? '') }, retry);
  }

  /**
   * `send {from, to, raw}`: these RFC 5322 octets (text, or {$base64}) with that envelope, nothing
   * composed around them (SMTP carries lines as CRLF), for mail no composer would write (missing
   * fields, broken MIME).
   */
  /** A Message-ID drawn from the seeded stream (none without one: the composer makes a random one). */
  private seededMessageId(from: unknown): string | undefined {
    if (!this.random) return undefined;
    const domain =
      typeof from === 'string' && from.includes('@') ? from.slice(from.lastIndexOf('@') + 1) : 'mail';
    return `<${Buffer.from(randomOctets(this.random, 12)).toString('hex')}@${domain.replace(/[>\s]/g, '')}>`;
  }

  private async sendRaw(p: JsonObject, from: string, to: string[], retry: RetryPolicy): Promise<Json> {
    const raw =
      typeof p.raw === 'string'
        ? new TextEncoder().encode(p.raw)
        : isBytesJson(p.raw)
          ? bytesFromJson(p.raw)
          : undefined;
    if (!raw) throw new PeerConfigError(this.name, 'send: raw must be text or {$base64}');
    return this.sendOut({ from, to }, raw, { subject: '', raw: true }, retry);
  }

  /**
   * Sends `raw` to the target over SMTP (tapped) and publishes it as an MM3 'email' out, with the
   * outcome; a transient refusal (4xx, RFC 5321 §4.2.1) is tried again as an MTA would, each
   * attempt its own observation (a target that defers every attempt still shows its 4xx).
   */
  private async sendOut(
    envelope: { from: string; to: string[] },
    raw: Uint8Array,
    fields: JsonObject,
    retry: RetryPolicy,
  ): Promise<Json> {
    let result = await this.sendOnce(envelope, raw, fields, 1);
    for (let attempt = 2; attempt <= retry.attempts + 1 && isTransient(result); attempt++) {
      await delay(retry.delayMs);
      result = await this.sendOnce(envelope, raw, fields, attempt);
    }
    return result;
  }

  private async sendOnce(
    envelope: { from: string; to: string[] },
    raw: Uint8Array,
    fields: JsonObject,
    attempt: number,
  ): Promise<JsonObject> {
    const tap = this.timeline
      ? { timeline: this.timeline, node: this.name, role: this.role, iface: 'MM3' as const }
      : undefined;
    const result = await smtpSend({ url: this.target ?? '', name: this.domains[0], tap }, envelope, raw);
    this.timeline?.publish({
      kind: 'message',
      type: 'email',
      node: this.name,
      role: this.role,
      iface: 'MM3',
      direction: 'out',
      peer: 'mmsc',
      fields: {
        envelope: { from: envelope.from, to: envelope.to },
        ...fields,
        ...(attempt > 1 ? { attempt } : {}),
        result: sendResultJson(result),
      },
      raw,
    });
    return sendResultJson(result);
  }
}

interface RetryPolicy {
  attempts: number;
  delayMs: number;
}

/** `retry` / `retryDelay` of mail.send (default: 2 further attempts, 300 ms apart). */
function retryPolicy(peer: string, p: JsonObject): RetryPolicy {
  const attempts = p.retry ?? 2;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0 || attempts > 10)
    throw new PeerConfigError(peer, 'send: retry must be an integer 0..10');
  const delayText = p.retryDelay ?? '300ms';
  const delayMs = typeof delayText === 'number' ? delayText : parseDurationText(String(delayText));
  if (delayMs === undefined || delayMs < 0 || delayMs > 60_000)
    throw new PeerConfigError(peer, 'send: retryDelay must be a duration up to 60s (300ms, 1s)');
  return { attempts, delayMs };
}

/** A refusal of the whole mail that says "try again later" (RFC 5321 §4.2.1: 4yz). */
function isTransient(r: JsonObject): boolean {
  return r.ok === false && typeof r.code === 'number' && r.code >= 400 && r.code < 500;
}

function attachmentSpec(
  peer: string,
  a: Json,
  i: number,
): { filename?: string; contentType?: string; cid?: string; content: Buffer } {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) {
    throw new PeerConfigError(peer, `send: attachments[${i}] must be an object`);
  }
  const c = a.content;
  const size = a.size;
  // `size: N` gives N filler octets (oversize tests without megabytes of YAML).
  const content =
    typeof size === 'number' && Number.isInteger(size) && size >= 0 && size <= 16 * 1024 * 1024
      ? Buffer.alloc(size, 0x41)
      : isBytesJson(c)
        ? Buffer.from(bytesFromJson(c))
        : typeof c === 'string'
          ? Buffer.from(c, 'utf8')
          : undefined;
  if (!content)
    throw new PeerConfigError(
      peer,
      `send: attachments[${i}] needs content (text or {$base64}) or size (0..16777216)`,
    );
  return {
    filename: typeof a.filename === 'string' ? a.filename : undefined,
    contentType: typeof a.contentType === 'string' ? a.contentType : undefined,
    cid: typeof a.cid === 'string' ? a.cid : undefined,
    content,
  };
}

function entryJson(e: MailboxEntry, withRaw: boolean): JsonObject {
  return {
    id: e.id,
    mailFrom: e.mailFrom,
    rcptTo: e.rcptTo,
    valid: e.valid,
    issues: e.issues,
    from: e.from,
    to: e.to,
    cc: e.cc,
    subject: e.subject,
    date: e.date,
    messageId: e.messageId,
    ...(e.text !== undefined ? { text: e.text } : {}),
    ...(e.html !== undefined ? { html: e.html } : {}),
    attachments: e.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
      size: a.size,
      ...(withRaw ? { content: a.content } : {}),
    })),
    ...(withRaw ? { raw: bytesToJson(e.raw) } : {}),
  };
}

function addressList(list: MimeAddress[] | undefined): string[] {
  const out: string[] = [];
  for (const a of list ?? []) {
    if (a.group) for (const m of a.group) out.push(m.address);
    else if (a.address !== undefined) out.push(a.address);
  }
  return out;
}

function addressText(list: MimeAddress[]): string {
  return addressList(list).join(', ');
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
