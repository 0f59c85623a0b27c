import type { SecureContext } from 'node:tls';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { SMTPServer } from 'smtp-server';
import { smtpPathProblem } from '../../src/codec/mm4/smtp-path.ts';
import type { Json } from '../../src/util/json.ts';
import { DEFAULT_HTTP_GUARD, listenerConnectionCap } from '../../src/wire/http-guard.ts';
import type { Iface, NodeRole } from '../../src/wire/nodes.ts';
import { tapServer } from '../../src/wire/tap.ts';
import type { Timeline } from '../../src/wire/timeline.ts';
import { listen } from '../listen.ts';
import type { TlsMaterial } from '../tls/test-tls.ts';
import { SmtpAllowList } from './smtp-allow-list.ts';

/**
 * The SMTP front door shared by the remote-MMSC (MM4) and mail (MM3) mocks: smtp-server with
 * STARTTLS, optional AUTH PLAIN/LOGIN, a client allow-list and a recipient-domain check (never an
 * open relay: RFC 5321 §7.1 / RFC 3463 5.7.1). What to do with an accepted DATA is the owner's call
 * (`onMessage`); every refusal is an SMTP reply and goes onto the timeline as an event.
 */

export interface SmtpReceived {
  /** The message exactly as received (dot-unstuffed), RFC 5322 bytes. */
  raw: Uint8Array;
  mailFrom: string;
  rcptTo: string[];
  sessionId: string;
  remoteAddress: string;
  remotePort: number;
  heloName: string;
  secure: boolean;
  user?: string;
}

/** The reply to the final dot of DATA. */
export type SmtpVerdict =
  | { accept: true; message?: string }
  | { accept: false; code: number; message: string };

export interface SmtpListenerOptions {
  timeline: Timeline;
  node: string;
  role: NodeRole;
  iface: Iface;
  /** Name in the greeting and EHLO reply. */
  hostname: string;
  port?: number;
  /** Offer STARTTLS with this certificate; omit for none. */
  tls?: TlsMaterial;
  /** Refuse MAIL FROM before STARTTLS (530 5.7.0). */
  requireTls?: boolean;
  /** Offer AUTH PLAIN/LOGIN against these users; omit for no AUTH. */
  users?: Record<string, string>;
  /** Refuse MAIL FROM before AUTH (530 5.7.0). */
  requireAuth?: boolean;
  /** Client IPs or domains (EHLO name or MAIL FROM domain, subdomains included); empty = anyone on loopback. */
  allowClients?: readonly string[];
  /** Recipient domains served here; anything else is relaying: 550 5.7.1. */
  localDomains: readonly string[];
  /** Maximum message size (SIZE extension, 552 when exceeded). */
  maxSize?: number;
  onMessage(msg: SmtpReceived): Promise<SmtpVerdict>;
}

/** Error carrying an SMTP reply code, as smtp-server expects. */
export function smtpReply(code: number, message: string): Error {
  const e = new Error(message) as Error & { responseCode: number };
  e.responseCode = code;
  return e;
}

/** The TLS context built for a key and certificate (Buffers, by identity), per thread. */
const contexts = new WeakMap<Buffer, { cert: Buffer; context: SecureContext }>();

/**
 * smtp-server building its TLS context once per thread for the listeners' one key and certificate
 * (TEST_TLS), not once per listener: every instance otherwise parses the RSA key and certificate
 * (~1-2 ms of CPU, every case with a mail or remote-MMSC peer). A listener that cannot speak TLS
 * builds none. The context holds only what the options give it (key, certificate, smtp-server's
 * fixed defaults), never per-connection state a case could see; TLS sessions are the clients', and
 * each case has its own.
 */
class ListenerSmtpServer extends SMTPServer {
  override updateSecureContext(options?: Parameters<SMTPServer['updateSecureContext']>[0]): void {
    const o = this.options;
    if (options || o.secure || o.sniOptions || o.SNICallback) {
      super.updateSecureContext(options);
      return;
    }
    if (o.disabledCommands?.includes('STARTTLS')) {
      this.secureContext = new Map();
      return;
    }
    const { key, cert } = o;
    if (!Buffer.isBuffer(key) || !Buffer.isBuffer(cert)) {
      super.updateSecureContext(options);
      return;
    }
    const known = contexts.get(key);
    if (known && known.cert === cert) {
      this.secureContext = new Map([['*', known.context]]);
      return;
    }
    super.updateSecureContext(options);
    const context = this.secureContext.get('*');
    if (context) contexts.set(key, { cert, context });
  }
}

export class SmtpListener {
  readonly server: SMTPServer;
  private readonly allow: SmtpAllowList;
  private boundPort = 0;

  constructor(private readonly opts: SmtpListenerOptions) {
    this.allow = new SmtpAllowList(opts.allowClients ?? [], opts.localDomains);
    const disabled: string[] = [];
    if (!opts.tls) disabled.push('STARTTLS');
    if (!opts.users) disabled.push('AUTH');
    this.server = new ListenerSmtpServer({
      name: opts.hostname,
      banner: `${opts.hostname} mmscert ${opts.iface} mock`,
      logger: false,
      disableReverseLookup: true,
      // Our replies carry their own RFC 3463 codes (5.7.1 relaying, 5.6.0 media); smtp-server's
      // automatic ones are per command (it would say 5.1.1 for a refused relay), so they stay off.
      hideENHANCEDSTATUSCODES: true,
      disabledCommands: disabled,
      key: opts.tls?.key,
      cert: opts.tls?.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: !opts.requireAuth,
      // AUTH in cleartext is allowed on loopback, unless TLS is required: then credentials wait
      // for STARTTLS (538 5.7.11, RFC 4954 §4).
      allowInsecureAuth: !opts.requireTls,
      size: opts.maxSize,
      // Explicit transport limits: an idle client gets 421 and is closed, a connection beyond the
      // cap 421 at once (smtp-server destroys what the client then leaves half-closed).
      socketTimeout: 60_000,
      maxClients: listenerConnectionCap(DEFAULT_HTTP_GUARD.maxConnections),
      closeTimeout: 1_000,
      onConnect: (session, cb) => this.onConnect(session, cb),
      onAuth: (auth, session, cb) => {
        const ok = opts.users && auth.username !== undefined && opts.users[auth.username] === auth.password;
        this.event(
          ok ? 'smtp-auth' : 'smtp-auth-failed',
          { user: auth.username ?? '', method: auth.method },
          session,
        );
        if (!ok) return cb(smtpReply(535, '5.7.8 Authentication credentials invalid'));
        cb(null, { user: auth.username });
      },
      onMailFrom: (address, session, cb) => this.onMailFrom(address, session, cb),
      onRcptTo: (address, session, cb) => this.onRcptTo(address, session, cb),
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    // Past twice the cap a connection is not even accepted (smtp-server holds a refused one ~5 s).
    this.server.server.maxConnections = 2 * listenerConnectionCap(DEFAULT_HTTP_GUARD.maxConnections);
    // Every accepted connection is recorded byte for byte (src/wire/tap.ts).
    tapServer(this.server.server, {
      timeline: opts.timeline,
      node: opts.node,
      role: opts.role,
      iface: opts.iface,
    });
    // A socket error must never crash the peer (RFC 5321 clients drop connections at will).
    this.server.on('error', (err: Error) => this.event('smtp-error', { error: err.message }));
  }

  async listen(): Promise<number> {
    // SMTPServer.listen is its net.Server's listen; bind errors come from that server.
    this.boundPort = await listen(this.server.server, this.opts.port ?? 0, '127.0.0.1');
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  async close(): Promise<void> {
    if (!this.server.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    if (!this.allow.ipMayConnect(session.remoteAddress)) {
      this.event('smtp-refused', { reason: 'client not allowed', address: session.remoteAddress }, session);
      cb(smtpReply(554, '5.7.1 Client host not allowed'));
      return;
    }
    cb();
  }

  private onMailFrom(
    address: SMTPServerAddress,
    session: SMTPServerSession,
    cb: (err?: Error | null) => void,
  ) {
    const bad = smtpPathProblem(address.address);
    if (bad) return cb(smtpReply(553, `5.1.7 Bad sender address syntax (${bad})`));
    if (this.opts.requireTls && this.opts.tls && !session.secure) {
      return cb(smtpReply(530, '5.7.0 Must issue a STARTTLS command first'));
    }
    if (!this.allow.clientAllowed(session.remoteAddress, session.hostNameAppearsAs, address.address)) {
      this.event('smtp-refused', { reason: 'client not allowed', from: address.address }, session);
      return cb(smtpReply(550, '5.7.1 Client not allowed to send here'));
    }
    cb();
  }

  private onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error | null) => void) {
    const bad = smtpPathProblem(address.address);
    if (bad) return cb(smtpReply(553, `5.1.3 Bad recipient address syntax (${bad})`));
    if (!this.allow.recipientLocal(address.address)) {
      // Never an open relay (RFC 5321 §3.6.2, RFC 3463 X.7.1).
      this.event('smtp-refused', { reason: 'relaying denied', to: address.address }, session);
      return cb(smtpReply(550, '5.7.1 Relaying denied'));
    }
    cb();
  }

  private onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    cb: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', (e: Error) => cb(smtpReply(451, `4.3.0 ${e.message}`)));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        this.event('smtp-refused', { reason: 'message too large', size: stream.byteLength }, session);
        return cb(smtpReply(552, '5.3.4 Message too big'));
      }
      const raw = new Uint8Array(Buffer.concat(chunks));
      const from = session.envelope.mailFrom;
      const received: SmtpReceived = {
        raw,
        mailFrom: from ? from.address : '',
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        sessionId: session.id,
        remoteAddress: session.remoteAddress,
        remotePort: session.remotePort,
        heloName: session.hostNameAppearsAs,
        secure: session.secure,
        user: session.user,
      };
      this.opts.onMessage(received).then(
        (v) => (v.accept ? cb(null, v.message ?? '2.0.0 OK') : cb(smtpReply(v.code, v.message))),
        (e: unknown) => {
          // A bug in the owner must still produce an SMTP answer and leave the server up.
          this.event('peer-error', { error: e instanceof Error ? e.message : String(e) }, session);
          cb(smtpReply(451, '4.3.0 Local error in processing'));
        },
      );
    });
  }

  private event(name: string, detail: Json, session?: SMTPServerSession): void {
    this.opts.timeline.publish({
      kind: 'event',
      name,
      node: this.opts.node,
      role: this.opts.role,
      iface: this.opts.iface,
      direction: 'local',
      detail:
        session && typeof detail === 'object' && detail !== null && !Array.isArray(detail)
          ? { ...detail, session: session.id, remotePort: session.remotePort }
          : detail,
    });
  }
}
