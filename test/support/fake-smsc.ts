import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { PDU, Session } from 'smpp';
import smpp from 'smpp';
import { decodeMms, type MmsPdu } from '../../src/codec/mms/index.ts';
import { decodeSmsUserData, decodeWspPush, SmsReassembler } from '../../src/codec/push/index.ts';
import { resolveMmscConfig, type SmppRouteConfig } from '../../src/mmsc/config.ts';

/**
 * A minimal SMSC for the MMSC's own tests and bench, built on the smpp package's server:
 * checks the bind, answers submit_sm (optionally throttling), reassembles WAP push SMS and
 * emits the MMS PDU each push carried ('push' event). Not a mock peer (mocks/smsc is): it
 * exists so src/mmsc tests need nothing but the smpp package.
 */
export interface ReceivedPush {
  to: string;
  pdu: MmsPdu;
  raw: Uint8Array;
  segments: number;
}

export class FakeSmsc extends EventEmitter {
  private server: ReturnType<typeof smpp.createServer> | undefined;
  readonly pushes: ReceivedPush[] = [];
  readonly submits: PDU[] = [];
  readonly sessions = new Set<Session>();
  binds = 0;
  /** Answer the next N submit_sm with ESME_RTHROTTLED (0x58). */
  throttleNext = 0;
  /** Refuse binds with this command_status while set. */
  refuseBinds: number | undefined;
  /** Refuse bind_transceiver only with this command_status while set (an SMSC without transceiver binds). */
  refuseTransceiver: number | undefined;
  /** The bind commands received, in order. */
  readonly bindCommands: string[] = [];
  /** Do not answer submit_sm at all while set. */
  silent = false;
  /** enquire_link PDUs received from the ESME. */
  enquireLinks = 0;
  /** Leave enquire_link unanswered while set (a dead link). */
  muteEnquireLink = false;
  private nextId = 1;
  private readonly reassembler = new SmsReassembler();

  constructor(
    readonly systemId = 'mmsc',
    readonly password = 'secret',
  ) {
    super();
  }

  /** The first push (received so far or within `timeoutMs`) that `pred` accepts. */
  async waitPush(pred: (p: ReceivedPush) => boolean, timeoutMs = 5000): Promise<ReceivedPush> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.pushes.find(pred);
      if (p) return p;
      if (Date.now() > deadline) throw new Error('push not seen');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The MMSC's `notification` config that binds to this SMSC (tests: quick reconnects). */
  route(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      route: 'smpp',
      host: '127.0.0.1',
      port: this.port,
      systemId: this.systemId,
      password: this.password,
      reconnectMs: 50,
      ...extra,
    };
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(port = 0): Promise<number> {
    const server = smpp.createServer((session: Session) => this.onSession(session));
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.server = server;
    return this.port;
  }

  /** Drops every bound connection (the MMSC must reconnect). */
  dropAll(): void {
    for (const s of this.sessions) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropAll();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  waitForPushes(n: number, timeoutMs = 5000): Promise<ReceivedPush[]> {
    if (this.pushes.length >= n) return Promise.resolve(this.pushes.slice(0, n));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('push', on);
        reject(new Error(`only ${this.pushes.length} of ${n} pushes within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = () => {
        if (this.pushes.length >= n) {
          clearTimeout(timer);
          this.off('push', on);
          resolve(this.pushes.slice(0, n));
        }
      };
      this.on('push', on);
    });
  }

  private onSession(session: Session): void {
    this.sessions.add(session);
    session.on('close', () => this.sessions.delete(session));
    session.on('error', () => session.destroy());
    session.on('pdu', (pdu: PDU) => {
      switch (pdu.command) {
        case 'bind_transceiver':
        case 'bind_transmitter': {
          this.binds += 1;
          this.bindCommands.push(pdu.command);
          const refused =
            this.refuseBinds ?? (pdu.command === 'bind_transceiver' ? this.refuseTransceiver : undefined);
          const ok =
            refused === undefined && pdu.system_id === this.systemId && pdu.password === this.password;
          session.send(pdu.response({ command_status: ok ? 0 : (refused ?? 0x0e), system_id: 'fake-smsc' }));
          return;
        }
        case 'enquire_link':
          this.enquireLinks += 1;
          if (!this.muteEnquireLink) session.send(pdu.response());
          return;
        case 'unbind':
          session.send(pdu.response());
          session.close();
          return;
        case 'submit_sm':
          this.onSubmit(session, pdu);
          return;
        default:
          if (!pdu.isResponse())
            session.send(
              new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: 0x03 }),
            );
      }
    });
  }

  private onSubmit(session: Session, pdu: PDU): void {
    if (this.silent) return;
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      session.send(pdu.response({ command_status: 0x58 }));
      return;
    }
    this.submits.push(pdu);
    const id = String(this.nextId++);
    session.send(pdu.response({ message_id: id }));
    const sm = pdu.short_message;
    const bytes = Buffer.isBuffer(sm)
      ? sm
      : Buffer.isBuffer((sm as { message?: unknown })?.message)
        ? (sm as { message: Buffer }).message
        : undefined;
    if (!bytes) return;
    const esm = Number(pdu.esm_class ?? 0);
    // smpp@0.5.1 splits the UDH into its elements (without the UDHL octet) when UDHI is set: put it back.
    const udhList = (sm as { udh?: Buffer[] })?.udh ?? [];
    const udhLen = udhList.reduce((n, b) => n + b.length, 0);
    const full = Buffer.isBuffer(sm)
      ? sm
      : Buffer.concat([...(udhList.length ? [Buffer.from([udhLen])] : []), ...udhList, bytes]);
    const ud = decodeSmsUserData(new Uint8Array(full), (esm & 0x40) !== 0);
    const to = String(pdu.destination_addr);
    const r = this.reassembler.add(`${pdu.source_addr}|${to}`, ud);
    if (r.status !== 'complete') return;
    const push = decodeWspPush(r.message.payload);
    const received: ReceivedPush = {
      to,
      pdu: decodeMms(push.body),
      raw: push.body,
      segments: r.message.segments.length,
    };
    this.pushes.push(received);
    this.emit('push', received);
  }
}

/** The reference MMSC's SMPP notification route to a FakeSmsc on `port` (reconnect after 20 ms). */
export function smppRouteTo(port: number, over: Partial<SmppRouteConfig> = {}): SmppRouteConfig {
  const c = resolveMmscConfig({
    notification: { route: 'smpp', host: '127.0.0.1', port, systemId: 'mmsc', password: 'secret' },
  });
  return { ...(c.notification as SmppRouteConfig), reconnectMs: 20, ...over };
}
