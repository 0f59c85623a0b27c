import net from 'node:net';
import type { PDU, Session } from 'smpp';
import smpp from 'smpp';
import { relativeSmppTime, SMPP_STATUS } from '../../codec/smpp/index.ts';
import { tapSocket } from '../../wire/tap.ts';
import type { Timeline } from '../../wire/timeline.ts';
import type { SmppRouteConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import { flowTrace } from '../flow-trace.ts';
import type { MmscObserver } from '../observer.ts';
import { type BadCommandLength, SmppFramedSocket } from './smpp-framed-socket.ts';
import { SubmitSm } from './submit-sm.ts';

/**
 * The MMSC's SMPP 3.4 client (ESME) towards the SMSC, used to send WAP push SMS.
 *
 * - bind_transceiver with the configured credentials, bind_transmitter when the SMSC does not know
 *   transceiver binds (ESME_RINVCMDID); reconnects (with back-off) whenever the connection drops or
 *   the bind is refused;
 * - a window: at most `window` submit_sm awaiting their submit_sm_resp (SMPP 3.4 §2.7);
 * - ESME_RTHROTTLED (0x58) / ESME_RMSGQFUL (0x14): the whole client pauses, doubling the
 *   pause while the SMSC keeps throttling, and the submit is sent again after the pause;
 * - answers enquire_link, unbind and deliver_sm (delivery receipts) itself, generic_nack
 *   ESME_RINVCMDID for anything else the SMSC sends, generic_nack ESME_RINVCMDLEN for a header
 *   whose command_length no PDU can have (then it closes that connection and binds again: the
 *   octets after it cannot be framed, SMPP 3.4 §4.3);
 * - with `enquireLinkMs`, probes an idle bind with enquire_link (SMPP 3.4 §4.11) and drops a
 *   connection whose enquire_link stays unanswered, then binds again.
 * A submit that cannot complete rejects with SmppSubmitError; the durable outbox retries it.
 */

const { ESME_ROK, ESME_RMSGQFUL, ESME_RTHROTTLED, ESME_RINVDSTADR, ESME_RINVCMDID, ESME_RINVCMDLEN } =
  SMPP_STATUS;
/**
 * Statuses retrying the same submit cannot fix (SMPP 3.4 §5.1.3). 0x62 was labelled RINVNUMDESTS
 * here; the table names it ESME_RINVEXPIRY (RINVNUMDESTS is 0x33): the set is unchanged.
 */
const PERMANENT = new Set<number>([
  ESME_RINVDSTADR,
  SMPP_STATUS.ESME_RINVSRCADR,
  SMPP_STATUS.ESME_RINVEXPIRY,
  SMPP_STATUS.ESME_RINVMSGLEN,
]);
const MAX_THROTTLE_PAUSE_MS = 30_000;

export class SmppSubmitError extends Error {
  constructor(
    message: string,
    /** command_status, or -1 for a transport problem. */
    readonly status: number,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmppSubmitError';
  }
}

export interface SmppPushClientOptions {
  route: SmppRouteConfig;
  /** Deviations to commit (src/mmsc/deviations.ts; config `deviate`). */
  deviate?: readonly string[];
  observer: MmscObserver;
  timeline?: Timeline;
}

type State = 'idle' | 'connecting' | 'bound' | 'stopped';

/** A submit_sm sent and not yet answered. */
interface AwaitingResp {
  session: Session;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface SmppClientStats {
  submits: number;
  throttled: number;
  reconnects: number;
  bound: boolean;
}

export class SmppPushClient {
  private state: State = 'idle';
  private session: Session | undefined;
  private conn: string | undefined;
  private outstanding = 0;
  /** Submits waiting for a window slot, one queue per lane; the Map's order is the round-robin ring. */
  private readonly slotWaiters = new Map<string, Array<() => void>>();
  private waiting = 0;
  private readonly fair: boolean;
  private readonly boundWaiters = new Set<Waiter>();
  private readonly awaiting = new Set<AwaitingResp>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Fires after enquireLinkMs without a PDU either way on the bind. */
  private idleTimer: NodeJS.Timeout | undefined;
  private linkTimer: NodeJS.Timeout | undefined;
  private reconnectDelay: number;
  /** Connections in a row that ended before a bind was accepted. */
  private failedConnects = 0;
  private pausedUntil = 0;
  private throttlePause: number;
  readonly stats: SmppClientStats = { submits: 0, throttled: 0, reconnects: 0, bound: false };

  constructor(private readonly opts: SmppPushClientOptions) {
    this.reconnectDelay = opts.route.reconnectMs;
    this.throttlePause = opts.route.throttleBackoffMs;
    this.fair = !deviates(opts, 'unfair-dispatch');
  }

  /** Connects and binds in the background (and keeps reconnecting until stop()). */
  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopLinkTimers();
    for (const w of this.boundWaiters) {
      clearTimeout(w.timer);
      w.reject(new SmppSubmitError('SMPP client stopped', -1, false));
    }
    this.boundWaiters.clear();
    const s = this.session;
    this.session = undefined;
    if (!s || s.closed) return;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(done);
        resolve();
      };
      const done = setTimeout(() => {
        s.destroy();
        resolve();
      }, 500);
      // The SMSC may already have closed its end (a harness stops its peers first): then no
      // unbind_resp comes, the connection closes instead, and smpp@0.5.1's send() returns false
      // without calling back on a socket that is no longer writable. Either way 'close' ends the wait.
      s.once('close', finish);
      let sent = false;
      try {
        sent = s.send(new smpp.PDU('unbind', {}), () => s.destroy());
      } catch {
        sent = false;
      }
      if (!sent) s.destroy();
    });
  }

  get bound(): boolean {
    return this.state === 'bound';
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    const { route, observer, timeline } = this.opts;
    const socket = net.connect({ host: route.host, port: route.port });
    // no Nagle: a submit_sm written while an earlier one is unacknowledged would otherwise wait for
    // that ACK (or the SMSC's delayed ACK) before it leaves; writes of one tick are corked together
    socket.setNoDelay(true);
    if (timeline) {
      this.conn = tapSocket(socket, {
        timeline,
        node: observer.node,
        role: 'mmsc',
        iface: 'SMPP',
        peerNode: 'smsc',
        peerRole: 'smsc',
        side: 'client',
      });
    }
    const SessionCtor = smpp.Session as unknown as new (o: {
      socket: net.Socket | SmppFramedSocket;
    }) => Session;
    // the session reads through the framing check (a bad command_length is answered, not fatal)
    const framed = new SmppFramedSocket(socket, (bad) => this.onBadLength(session, bad));
    const session = new SessionCtor({ socket: framed });
    this.session = session;
    let closed = false;
    let wasBound = false;
    const onDown = (why: string) => {
      if (closed) return;
      closed = true;
      if (this.session === session) this.session = undefined;
      this.stats.bound = false;
      this.stopLinkTimers();
      if (this.state === 'stopped') return;
      if (!wasBound) this.failedConnects += 1;
      if (deviates(this.opts, 'smpp-gives-up-reconnecting') && this.failedConnects >= 2) {
        // stays down until restarted, whatever becomes of the SMSC
        this.state = 'stopped';
        observer.event('SMPP', 'smpp-given-up', { failedConnects: this.failedConnects });
        return;
      }
      this.state = 'connecting';
      observer.event('SMPP', 'smpp-disconnected', { reason: why, retryInMs: this.reconnectDelay });
      this.reconnectTimer = setTimeout(() => {
        this.stats.reconnects += 1;
        this.connect();
      }, this.reconnectDelay);
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.opts.route.reconnectMaxMs);
    };
    session.on('error', (e: Error) => {
      // smpp@0.5.1 stops reading after a framing error: drop the connection and start over.
      onDown(e.message);
      session.destroy();
    });
    session.on('close', () => {
      for (const w of this.awaiting) {
        if (w.session !== session) continue;
        clearTimeout(w.timer);
        this.awaiting.delete(w);
        w.reject(new SmppSubmitError('SMPP connection lost before submit_sm_resp', -1, false));
      }
      onDown('connection closed');
    });
    session.on('pdu', (pdu: PDU) => this.onPdu(session, pdu));
    const bind = (command: 'bind_transceiver' | 'bind_transmitter') => {
      const pdu = new smpp.PDU(command, {
        system_id: route.systemId,
        password: route.password,
        system_type: route.systemType,
        interface_version: 0x34,
      });
      this.publishPdu('out', pdu);
      session.send(pdu, (resp: PDU) => {
        this.publishPdu('in', resp);
        if (resp.command_status !== ESME_ROK) {
          observer.event('SMPP', 'smpp-bind-refused', { command, command_status: resp.command_status });
          // an SMSC without transceiver binds (SMPP 3.3 knows no bind_transceiver; SMPP 3.4 §5.1.3
          // ESME_RINVCMDID): bind as transmitter on the same connection, pushes need no more
          if (
            command === 'bind_transceiver' &&
            resp.command_status === ESME_RINVCMDID &&
            !deviates(this.opts, 'smpp-no-bind-fallback')
          ) {
            bind('bind_transmitter');
            return;
          }
          session.destroy();
          return;
        }
        this.state = 'bound';
        wasBound = true;
        this.failedConnects = 0;
        this.stats.bound = true;
        this.reconnectDelay = route.reconnectMs;
        observer.event('SMPP', 'smpp-bound', { command, system_id: String(resp.system_id ?? '') });
        this.touch(session);
        for (const w of this.boundWaiters) {
          clearTimeout(w.timer);
          w.resolve();
        }
        this.boundWaiters.clear();
      });
    };
    socket.once('connect', () => bind('bind_transceiver'));
  }

  private stopLinkTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.linkTimer);
    this.idleTimer = undefined;
    this.linkTimer = undefined;
  }

  /** A PDU went either way: the bind is not idle; the enquire_link clock starts again (SMPP 3.4 §4.11). */
  private touch(session: Session): void {
    const { route } = this.opts;
    if (route.enquireLinkMs <= 0 || this.state !== 'bound' || this.session !== session) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.enquireLink(session), route.enquireLinkMs);
    this.idleTimer.unref();
  }

  private enquireLink(session: Session): void {
    if (this.state !== 'bound' || this.session !== session || this.linkTimer) return;
    // a submit still awaiting its response: the link is busy, not idle; its own timeout guards it
    if ([...this.awaiting].some((w) => w.session === session)) {
      this.touch(session);
      return;
    }
    const { route, observer } = this.opts;
    const pdu = new smpp.PDU('enquire_link', {});
    const timeoutMs = route.enquireLinkTimeoutMs ?? route.responseTimeoutMs;
    this.linkTimer = setTimeout(() => {
      this.linkTimer = undefined;
      // a link that does not answer its probe is dead: drop it, the close handler binds again
      observer.event('SMPP', 'smpp-enquire-link-timeout', { timeoutMs });
      session.destroy();
    }, timeoutMs);
    this.linkTimer.unref();
    const ok = session.send(pdu, (resp: PDU) => {
      clearTimeout(this.linkTimer);
      this.linkTimer = undefined;
      this.publishPdu('in', resp);
      this.touch(session);
    });
    if (ok) this.publishPdu('out', pdu);
  }

  /** Requests from the SMSC: answer what SMPP obliges an ESME to answer. */
  private onPdu(session: Session, pdu: PDU): void {
    this.touch(session);
    if (pdu.isResponse()) return;
    this.publishPdu('in', pdu);
    let resp: PDU;
    switch (pdu.command) {
      case 'deliver_sm':
        if (deviates(this.opts, 'smpp-receipt-unanswered')) return;
        resp = pdu.response();
        break;
      case 'enquire_link':
      case 'data_sm':
        resp = pdu.response();
        break;
      case 'unbind':
        if (deviates(this.opts, 'smpp-unbind-without-resp')) {
          session.destroy();
          return;
        }
        resp = pdu.response();
        session.send(resp);
        this.publishPdu('out', resp);
        session.close();
        return;
      default:
        if (deviates(this.opts, 'smpp-ignore-unknown-command')) return;
        resp = new smpp.PDU('generic_nack', {
          sequence_number: pdu.sequence_number,
          command_status: ESME_RINVCMDID,
        });
    }
    session.send(resp);
    this.publishPdu('out', resp);
  }

  /**
   * A header whose command_length no PDU can have: SMPP 3.4 §4.3 says the data is corrupt and a
   * generic_nack must be returned (ESME_RINVCMDLEN, §5.1.3). Nothing after it can be framed, so the
   * connection ends (unanswered submits go back to the outbox) and the client binds again.
   */
  private onBadLength(session: Session, bad: BadCommandLength): void {
    this.opts.observer.event('SMPP', 'smpp-bad-command-length', {
      commandLength: bad.commandLength,
      sequenceNumber: bad.sequenceNumber ?? null,
    });
    if (deviates(this.opts, 'smpp-bad-length-dropped')) {
      session.destroy();
      return;
    }
    const nack = new smpp.PDU('generic_nack', {
      sequence_number: bad.sequenceNumber ?? 0,
      command_status: ESME_RINVCMDLEN,
    });
    if (!session.send(nack, () => session.close())) {
      session.destroy();
      return;
    }
    this.publishPdu('out', nack);
  }

  private publishPdu(direction: 'in' | 'out', pdu: PDU): void {
    const o = this.opts.observer;
    if (!o.enabled) return;
    o.message(
      'SMPP',
      direction,
      pdu.command,
      () => {
        const fields: Record<string, string | number> = {
          command_status: pdu.command_status ?? 0,
          sequence_number: pdu.sequence_number ?? 0,
        };
        for (const k of [
          'system_id',
          'source_addr',
          'destination_addr',
          'esm_class',
          'data_coding',
          'registered_delivery',
          'message_id',
        ]) {
          const v = pdu[k];
          if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
        }
        const sm = pdu.short_message;
        if (Buffer.isBuffer(sm)) fields.sm_length = sm.length;
        else if (sm && typeof sm === 'object' && 'message' in sm) {
          const m = (sm as { message: unknown }).message;
          if (typeof m === 'string') fields.short_message = m;
        }
        return fields;
      },
      { peer: 'smsc', ...(this.conn ? { conn: this.conn } : {}) },
    );
  }

  private waitBound(timeoutMs: number): Promise<void> {
    if (this.state === 'bound') return Promise.resolve();
    if (this.state === 'stopped')
      return Promise.reject(new SmppSubmitError('SMPP client stopped', -1, false));
    if (this.state === 'idle') this.connect();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.boundWaiters.delete(w);
          reject(new SmppSubmitError('SMSC not reachable (not bound)', -1, false));
        }, timeoutMs),
      };
      this.boundWaiters.add(w);
    });
  }

  private async acquireSlot(lane: string): Promise<void> {
    const overrun = deviates(this.opts, 'smpp-window-overrun');
    if (overrun || (this.outstanding < this.opts.route.window && this.waiting === 0)) {
      this.outstanding += 1;
      return;
    }
    // Fair across messages (like the outbox's dispatch): one queue per lane (message), served
    // round-robin, so the notifications of one large fan-out cannot hold every later message's
    // behind them. With the 'unfair-dispatch' deviation: one lane, first come first served.
    const key = this.fair ? lane : '';
    await new Promise<void>((resolve) => {
      let q = this.slotWaiters.get(key);
      if (!q) {
        q = [];
        this.slotWaiters.set(key, q); // a new lane joins the back of the ring
      }
      q.push(resolve);
      this.waiting += 1;
    });
    // the releaser handed its slot over: outstanding stays the same
  }

  private releaseSlot(): void {
    // the lane at the front of the ring gives one waiter and goes to the back
    const first = this.slotWaiters.entries().next();
    if (first.done) {
      this.outstanding -= 1;
      return;
    }
    const [key, q] = first.value;
    const next = q.shift()!;
    this.slotWaiters.delete(key);
    if (q.length > 0) this.slotWaiters.set(key, q);
    this.waiting -= 1;
    next();
  }

  /**
   * Submits one short message (user data incl. UDH) and resolves with the SMSC's message_id.
   * Throttling is absorbed here (pause, then the same submit again, a bounded number of times).
   * `lane` is the fairness key (the message a notification is about): waiting submits are served
   * round-robin across lanes.
   */
  async submitSegment(
    destination: string,
    userData: Uint8Array,
    udhi: boolean,
    lane = '',
    tlvs?: Readonly<Record<string, number>>,
  ): Promise<string> {
    const { route } = this.opts;
    for (let attempt = 0; attempt < 8; attempt++) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      await this.waitBound(route.responseTimeoutMs);
      await this.acquireSlot(lane);
      let resp: PDU;
      try {
        resp = await this.sendSubmit(destination, userData, udhi, lane, tlvs);
      } finally {
        this.releaseSlot();
      }
      const status = resp.command_status;
      if (status === ESME_ROK) {
        this.throttlePause = route.throttleBackoffMs;
        return String(resp.message_id ?? '');
      }
      if (status === ESME_RTHROTTLED || status === ESME_RMSGQFUL) {
        if (deviates(this.opts, 'smpp-throttled-push-dropped'))
          throw new SmppSubmitError(
            `submit_sm refused with command_status 0x${status.toString(16)}`,
            status,
            true,
          );
        this.stats.throttled += 1;
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + this.throttlePause);
        this.opts.observer.event('SMPP', 'smpp-throttled', {
          command_status: status,
          pauseMs: this.throttlePause,
        });
        this.throttlePause = Math.min(this.throttlePause * 2, MAX_THROTTLE_PAUSE_MS);
        continue;
      }
      throw new SmppSubmitError(
        `submit_sm refused with command_status 0x${status.toString(16).padStart(8, '0')}`,
        status,
        PERMANENT.has(status),
      );
    }
    throw new SmppSubmitError('SMSC still throttling', ESME_RTHROTTLED, false);
  }

  /** validity_period of every push: empty, or the configured relative time (SMPP 3.4 §7.1.1). */
  private get validityPeriod(): string {
    const s = this.opts.route.validityPeriodS;
    if (s <= 0) return '';
    // the deviation writes plain seconds, which is no SMPP time
    return deviates(this.opts, 'smpp-validity-period-seconds') ? String(s) : relativeSmppTime(s);
  }

  private sendSubmit(
    destination: string,
    userData: Uint8Array,
    udhi: boolean,
    lane: string,
    tlvs?: Readonly<Record<string, number>>,
  ): Promise<PDU> {
    const { route } = this.opts;
    const session = this.session;
    if (!session || this.state !== 'bound') {
      return Promise.reject(new SmppSubmitError('SMPP connection lost', -1, false));
    }
    const alnum = !/^\+?\d+$/.test(route.sourceAddr);
    // SMPP 3.4 §5.2.5: an alphanumeric source is TON 5 (the deviation calls it international)
    const tonMismatch = deviates(this.opts, 'smpp-source-ton-mismatch');
    const pdu = new SubmitSm({
      service_type: '',
      source_addr_ton: alnum && !tonMismatch ? 5 : 1,
      source_addr_npi: alnum ? 0 : 1,
      source_addr: route.sourceAddr.replace(/^\+/, ''),
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: destination.replace(/^\+/, ''),
      // SMPP 3.4 §5.2.12: UDHI (0x40) when the short message starts with a UDH.
      esm_class: udhi ? 0x40 : 0x00,
      protocol_id: 0,
      priority_flag: 0,
      registered_delivery: route.registeredDelivery,
      validity_period: this.validityPeriod,
      // TS 23.038 §4: 0x04 = 8-bit data, no message class (WAP push is binary).
      data_coding: deviates(this.opts, 'data-coding-text') ? 0x00 : 0x04,
      short_message: Buffer.from(userData.buffer, userData.byteOffset, userData.byteLength),
      ...(tlvs ? { tlvs } : {}),
    }).asPdu();
    this.stats.submits += 1;
    return new Promise<PDU>((resolve, reject) => {
      const w: AwaitingResp = {
        session,
        reject,
        timer: setTimeout(() => {
          this.awaiting.delete(w);
          reject(new SmppSubmitError('no submit_sm_resp in time', -1, false));
          // a connection that stops answering is not trusted with more submits
          session.destroy();
        }, route.responseTimeoutMs),
      };
      // rejected by the session's close handler (connect()) if the connection drops first
      this.awaiting.add(w);
      this.corkUntilTickEnd(session);
      this.touch(session);
      const ok = session.send(pdu, (resp: PDU) => {
        clearTimeout(w.timer);
        this.awaiting.delete(w);
        this.publishPdu('in', resp);
        resolve(resp);
      });
      if (!ok) {
        clearTimeout(w.timer);
        this.awaiting.delete(w);
        reject(new SmppSubmitError('SMPP connection not writable', -1, false));
        return;
      }
      this.publishPdu('out', pdu);
      flowTrace?.mark(lane, 'submitWritten');
    });
  }

  /**
   * Pushes made ready together (one journal batch makes many jobs runnable at once) leave in one
   * write: the socket is corked until the current tick's callbacks and promise reactions have run.
   */
  private corkUntilTickEnd(session: Session): void {
    const socket = (session as unknown as { socket?: net.Socket }).socket;
    if (!socket || corked.has(socket)) return;
    corked.add(socket);
    socket.cork();
    process.nextTick(() => {
      corked.delete(socket);
      socket.uncork();
    });
  }
}

/** Sockets corked for the rest of this tick (see `corkUntilTickEnd`). */
const corked = new WeakSet<net.Socket>();

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
