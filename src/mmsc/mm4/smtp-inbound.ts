import type { AddressInfo } from 'node:net';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { SMTPServer } from 'smtp-server';
import { smtpPathProblem } from '../../codec/mm4/smtp-path.ts';
import { listenerConnectionCap } from '../../wire/http-guard.ts';
import type { Iface } from '../../wire/nodes.ts';
import { lookupLocalPort, tapServer } from '../../wire/tap.ts';
import { deviates } from '../deviations.ts';
import type { MmscCore } from '../mmsc-core.ts';

/**
 * The SMTP front door of the MM4 and MM3 modules (smtp-server on 127.0.0.1, tapped): the owner
 * decides who may send (`mailFrom`), which recipients are ours (`rcptTo`; never an open relay,
 * RFC 5321 §3.6.2 / RFC 3463 X.7.1) and what an accepted DATA becomes (`data`). Every refusal is
 * an SMTP reply and an event on the timeline; the server keeps serving.
 */

export interface InboundMail {
  raw: Uint8Array;
  mailFrom: string;
  rcptTo: string[];
  heloName: string;
  remotePort: number;
  /** The in-process node that sent it (a tapped mock), when known. */
  peerNode?: string;
  /** ENVID of MAIL FROM (RFC 3461 §4.4), xtext as given; only with an MTA front end. */
  envid?: string;
  /** NOTIFY / ORCPT of each RCPT, by lower-case address (RFC 3461 §4.1, §4.2); front end only. */
  rcptDsn?: Record<string, { notify?: string[]; orcpt?: string }>;
}

/** An MTA front end (mta-front.ts): takes every transaction at SMTP, queues it and answers 250. */
export interface SmtpFront {
  maxSize: number;
  accept(mail: InboundMail): Promise<SmtpAnswer>;
}

export type SmtpAnswer = { code: number; message: string };

export interface SmtpInboundOptions {
  core: MmscCore;
  iface: Iface;
  port: number;
  /** Listening address (config `host`; default loopback). */
  host?: string;
  hostname: string;
  maxSize: number;
  /** Most distinct RCPTs of one transaction; the next ones get 452 (RFC 5321 §4.5.3.1.10). */
  maxRecipients: number;
  /** null = allowed, else the refusal (550 5.7.1 ...). */
  mailFrom(address: string, heloName: string): SmtpAnswer | null;
  rcptTo(address: string, mailFrom: string, heloName: string): SmtpAnswer | null;
  /** The reply to the final dot: 250 accepts. */
  data(mail: InboundMail): Promise<SmtpAnswer>;
  /**
   * An MTA in front (config `mtaFront`): MAIL and RCPT are accepted, DATA up to the front end's
   * size, and the transaction goes to `front.accept`; the checks above run afterwards there.
   */
  front?: SmtpFront;
}

function smtpError(a: SmtpAnswer): Error {
  const e = new Error(a.message) as Error & { responseCode: number };
  e.responseCode = a.code;
  return e;
}

/**
 * An SMTPServer that builds no TLS context while it cannot speak TLS (STARTTLS disabled, not `secure`):
 * smtp-server otherwise parses its built-in RSA key and certificate for every instance, ~2.3 ms of CPU,
 * twice per embedded MMSC start (MM3 and MM4), i.e. per harness case.
 */
class PlaintextSmtpServer extends SMTPServer {
  override updateSecureContext(options?: Parameters<SMTPServer['updateSecureContext']>[0]): void {
    const o = this.options as { secure?: boolean; disabledCommands?: string[] };
    if (!options && !o.secure && o.disabledCommands?.includes('STARTTLS')) {
      (this as unknown as { secureContext: Map<string, unknown> }).secureContext = new Map();
      return;
    }
    super.updateSecureContext(options);
  }
}

/**
 * One guard per SMTP hook: an exception in the owner's decision becomes 451 (RFC 5321 §4.2.5:
 * transient, the client may retry) and an event, never an uncaught exception in smtp-server.
 */
function guarded<A, S>(
  core: MmscCore,
  iface: Iface,
  hook: (a: A, session: S, cb: (e?: Error | null, message?: string) => void) => void,
): (a: A, session: S, cb: (e?: Error | null, message?: string) => void) => void {
  return (a, session, cb) => {
    try {
      hook(a, session, cb);
    } catch (e) {
      core.observer.event(iface, 'error', { error: e instanceof Error ? e.message : String(e) });
      cb(smtpError({ code: 451, message: '4.3.0 Local error in processing; try again later' }));
    }
  };
}

export class SmtpInbound {
  readonly server: SMTPServer;

  constructor(private readonly opts: SmtpInboundOptions) {
    const { core, iface } = opts;
    this.server = new PlaintextSmtpServer({
      name: opts.hostname,
      banner: `${opts.hostname} mmscert reference MMSC ${iface}`,
      logger: false,
      disableReverseLookup: true,
      hideENHANCEDSTATUSCODES: true,
      // an MTA front end speaks the DSN extension (RFC 3461): ENVID, ORCPT, NOTIFY come back in its DSNs
      hideDSN: !opts.front,
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      size: opts.front ? opts.front.maxSize : opts.maxSize,
      // Explicit transport limits (config `connections`): an idle client gets 421 and is closed
      // (RFC 5321 §4.5.3.2.7), a connection beyond the cap 421 at once; smtp-server itself destroys
      // a socket the client leaves half-closed after our 421.
      socketTimeout: core.config.connections.smtpIdleTimeoutMs,
      maxClients: listenerConnectionCap(core.config.connections.maxPerListener),
      closeTimeout: 1_000,
      onMailFrom: guarded(core, iface, (address: SMTPServerAddress, session: SMTPServerSession, cb) => {
        const bad = smtpPathProblem(address.address);
        if (bad) return cb(smtpError({ code: 553, message: `5.1.7 Bad sender address syntax (${bad})` }));
        if (opts.front) return cb();
        const refusal = opts.mailFrom(address.address, session.hostNameAppearsAs);
        if (refusal) {
          core.observer.event(iface, 'smtp-refused', {
            stage: 'MAIL',
            from: address.address,
            helo: session.hostNameAppearsAs,
            reply: `${refusal.code} ${refusal.message}`,
          });
          return cb(smtpError(refusal));
        }
        cb();
      }),
      onRcptTo: guarded(core, iface, (address: SMTPServerAddress, session: SMTPServerSession, cb) => {
        const bad = smtpPathProblem(address.address);
        if (bad) return cb(smtpError({ code: 553, message: `5.1.3 Bad recipient address syntax (${bad})` }));
        if (opts.front) return cb();
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const refusal =
          tooManyRecipients(session, address.address, opts.maxRecipients, core) ??
          opts.rcptTo(address.address, from, session.hostNameAppearsAs);
        if (refusal) {
          core.observer.event(iface, 'smtp-refused', {
            stage: 'RCPT',
            to: address.address,
            reply: `${refusal.code} ${refusal.message}`,
          });
          return cb(smtpError(refusal));
        }
        cb();
      }),
      onData: guarded(core, iface, (stream: SMTPServerDataStream, session: SMTPServerSession, cb) =>
        this.onData(stream, session, cb),
      ),
    });
    // smtp-server answers connections beyond maxClients 421 but keeps each for up to 5 s while a
    // client that never closes its side holds it: past twice the cap the socket is not even accepted.
    this.server.server.maxConnections = 2 * listenerConnectionCap(core.config.connections.maxPerListener);
    if (core.timeline) {
      tapServer(this.server.server, { timeline: core.timeline, node: core.config.node, role: 'mmsc', iface });
    }
    this.server.on('error', (err: Error) => core.observer.event(iface, 'smtp-error', { error: err.message }));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => {
        this.server.server.off('error', onError);
        resolve();
      });
    });
    return (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    cb: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', (e: Error) => cb(smtpError({ code: 451, message: `4.3.0 ${e.message}` })));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        this.opts.core.observer.event(this.opts.iface, 'smtp-refused', {
          stage: 'DATA',
          reason: 'message too large',
          size: stream.byteLength,
        });
        return cb(smtpError({ code: 552, message: '5.3.4 Message too big for system' }));
      }
      const peerNode = lookupLocalPort('tcp', session.remotePort)?.node;
      const mail: InboundMail = {
        raw: new Uint8Array(Buffer.concat(chunks)),
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        heloName: session.hostNameAppearsAs,
        remotePort: session.remotePort,
        ...(peerNode ? { peerNode } : {}),
      };
      const front = this.opts.front;
      if (front) {
        const env = session.envelope as typeof session.envelope & {
          dsn?: { envid?: string };
          rcptTo: Array<SMTPServerAddress & { dsn?: { notify?: string[]; orcpt?: string } }>;
        };
        if (env.dsn?.envid) mail.envid = env.dsn.envid;
        const rcptDsn: NonNullable<InboundMail['rcptDsn']> = {};
        for (const r of env.rcptTo) if (r.dsn) rcptDsn[r.address.toLowerCase()] = { ...r.dsn };
        if (Object.keys(rcptDsn).length > 0) mail.rcptDsn = rcptDsn;
      }
      (front ? front.accept(mail) : this.opts.data(mail)).then(
        (a) => (a.code >= 200 && a.code < 300 ? cb(null, a.message) : cb(smtpError(a))),
        (e: unknown) => {
          // Nothing was accepted: the sender keeps the message and retries (RFC 5321 §4.2.5).
          this.opts.core.observer.event(this.opts.iface, 'error', {
            error: e instanceof Error ? e.message : String(e),
          });
          cb(smtpError({ code: 451, message: '4.3.0 Local error in processing; try again later' }));
        },
      );
    });
  }
}

/**
 * 452 4.5.3 for an RCPT past the limit (RFC 5321 §4.5.3.1.10: a server that runs out of its
 * recipient limit MUST answer 452; RFC 3463 X.5.3 too many recipients). A repeated address
 * replaces its earlier entry (smtp-server), so it never counts twice.
 */
function tooManyRecipients(
  session: SMTPServerSession,
  address: string,
  max: number,
  core: MmscCore,
): SmtpAnswer | null {
  const env = session.envelope;
  if (env.rcptTo.length < max || deviates(core.config, 'unbounded-recipients')) return null;
  // Once full, the envelope takes no new address: its set is built once, so a flood of RCPTs
  // past a large limit costs O(1) each. (smtp-server makes a new envelope per transaction.)
  let taken = fullEnvelopes.get(env);
  if (!taken) {
    taken = new Set(env.rcptTo.map((r) => r.address.toLowerCase()));
    fullEnvelopes.set(env, taken);
  }
  if (taken.has(address.toLowerCase())) return null;
  return { code: 452, message: '4.5.3 Too many recipients' };
}

const fullEnvelopes = new WeakMap<object, Set<string>>();

/** The domain of an SMTP path (`a@b.example` -> `b.example`), lower case; '' when none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .toLowerCase()
        .replace(/[>\s]+$/, '');
}

/** True when `name` is `domain` or one of its subdomains. */
export function inDomain(name: string, domain: string): boolean {
  const n = name.toLowerCase();
  const d = domain.toLowerCase();
  return n === d || n.endsWith(`.${d}`);
}
