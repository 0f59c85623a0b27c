import net from 'node:net';
import { isCodecError } from '../../src/codec/codec-error.ts';
import { SmsReassembler } from '../../src/codec/push/reassembler.ts';
import type { SmsUserData } from '../../src/codec/push/sms-user-data.ts';
import {
  type DestAddress,
  type MessageStateRow,
  messageState,
  SMPP_STATUS,
  type SmppPdu,
  tlv,
} from '../../src/codec/smpp/index.ts';
import { type Clock, SYSTEM_CLOCK } from '../../src/util/case-clock.ts';
import { bytesToJson, type Json, type JsonObject } from '../../src/util/json.ts';
import { tapServer, tapSocket } from '../../src/wire/tap.ts';
import type { AirInterface, MtSms } from '../air-interface.ts';
import { listen } from '../listen.ts';
import {
  type BehaviourSpec,
  bindActions,
  type PeerAction,
  PeerConfigError,
  type PeerContext,
  type PeerEndpoint,
} from '../peer.ts';
import { clearBehavioursAction } from '../peer-actions.ts';
import { PeerShell } from '../peer-shell.ts';
import { formatReceipt } from './delivery-receipt.ts';
import { publishPushContent } from './push-content.ts';
import { canReceive } from './smpp-session-state.ts';
import { SMSC_ACTIONS } from './smsc-actions.ts';
import { parseBehaviour, type SmscBehaviour } from './smsc-behaviours.ts';
import { type SmscMessage, SmscMessageStore, smppTime } from './smsc-message-store.ts';
import { type SmscCore, SmscSession, type SubmitOutcome } from './smsc-session.ts';
import { submitUserData, userDataSummary } from './submit-content.ts';

export interface SmscAccount {
  systemId: string;
  password?: string;
  systemType?: string;
}

export interface SmscConfig {
  /** Node name on the timeline (default `smsc`). */
  name?: string;
  /** Listening port (default 0: ephemeral). */
  port?: number;
  /** One ESME account (shorthand for `accounts: [{...}]`). */
  systemId?: string;
  password?: string;
  systemType?: string;
  accounts?: SmscAccount[];
  /** Partial concatenated messages are dropped after this long (default 60 s). */
  reassemblyTimeoutMs?: number;
  /** How long deliver_sm waits for deliver_sm_resp (default 10 s). */
  responseTimeoutMs?: number;
  /**
   * A message for an MSISDN no handset answers to: 'undeliverable' (default; UNDELIV err 001, an
   * absent subscriber) or 'delivered' (standalone use, where no handsets are simulated).
   */
  absentSubscriber?: 'undeliverable' | 'delivered';
}

export interface SmscDeps {
  /** The case's clock (submit and done dates of delivery receipts); default the system clock. */
  clock?: Clock;
  /** Where mobile-terminated SMS go (handset mocks). Without it every message counts as delivered. */
  air?: AirInterface;
}

interface Active {
  b: SmscBehaviour;
  /** Submits seen since this behaviour was put in front. */
  seen: number;
}

interface PendingReceipt {
  systemId: string;
  options: Record<string, unknown>;
}

/** A segment waiting for the rest of its concatenated message. */
interface HeldSegment {
  message: SmscMessage;
  raw: Uint8Array;
  ud: SmsUserData;
}

function str(config: JsonObject, key: string): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new PeerConfigError('smsc', `${key} must be a string`);
  return v;
}

/** Reads and validates an SMSC config from JSON (YAML config files, suites). */
export function smscConfigFromJson(config: JsonObject): SmscConfig {
  const out: SmscConfig = {
    name: str(config, 'name'),
    systemId: str(config, 'systemId'),
    password: str(config, 'password'),
    systemType: str(config, 'systemType'),
  };
  if (config.port !== undefined) {
    const p = config.port;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 65535) {
      throw new PeerConfigError('smsc', 'port must be an integer 0..65535');
    }
    out.port = p;
  }
  for (const k of ['reassemblyTimeoutMs', 'responseTimeoutMs'] as const) {
    const v = config[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new PeerConfigError('smsc', `${k} must be a positive integer`);
    out[k] = v;
  }
  if (config.accounts !== undefined) {
    if (!Array.isArray(config.accounts)) throw new PeerConfigError('smsc', 'accounts must be a list');
    out.accounts = config.accounts.map((a, i) => {
      if (!a || typeof a !== 'object' || Array.isArray(a) || typeof a.systemId !== 'string') {
        throw new PeerConfigError('smsc', `accounts[${i}] needs a systemId string`);
      }
      return {
        systemId: a.systemId,
        password: typeof a.password === 'string' ? a.password : undefined,
        systemType: typeof a.systemType === 'string' ? a.systemType : undefined,
      };
    });
  }
  if (config.absentSubscriber !== undefined) {
    const v = config.absentSubscriber;
    if (v !== 'undeliverable' && v !== 'delivered') {
      throw new PeerConfigError('smsc', "absentSubscriber must be 'undeliverable' or 'delivered'");
    }
    out.absentSubscriber = v;
  }
  const known = new Set([
    'name',
    'port',
    'systemId',
    'password',
    'systemType',
    'accounts',
    'reassemblyTimeoutMs',
    'responseTimeoutMs',
    'absentSubscriber',
  ]);
  for (const k of Object.keys(config))
    if (!known.has(k)) throw new PeerConfigError('smsc', `unknown config key '${k}'`);
  return out;
}

/**
 * The SMSC mock: an SMPP 3.4 server on loopback. It decodes every submit down to the MMS
 * notification inside WAP pushes, routes mobile-terminated SMS to handset mocks over the
 * AirInterface, sends delivery receipts, and follows scripted behaviours (README.md).
 */
/** An accepted connection must bind within this (ms). */
const SESSION_INIT_MS = 30_000;
/** How long the `request` action waits for a bound session (ms). */
const BIND_WAIT_MS = 5_000;
/** A session silent both ways this long (ms) is closed. */
const INACTIVITY_MS = 300_000;

export class SmscPeer extends PeerShell {
  readonly name: string;
  readonly role = 'smsc' as const;
  readonly actions: Readonly<Record<string, PeerAction>>;
  private readonly accounts: SmscAccount[];
  protected readonly iface = 'SMPP' as const;
  private server?: net.Server;
  private readonly sessions = new Set<SmscSession>();
  private behaviours: Active[] = [];
  private readonly store = new SmscMessageStore();
  private reassembler: SmsReassembler;
  private sweeper?: NodeJS.Timeout;
  private readonly held = new Map<string, HeldSegment[]>();
  private readonly pendingReceipts: PendingReceipt[] = [];
  private readonly counts = {
    binds: 0,
    bindsRefused: 0,
    submits: 0,
    rejected: 0,
    delivered: 0,
    failed: 0,
    receipts: 0,
    mo: 0,
  };

  private readonly clock: Clock;

  constructor(
    private readonly config: SmscConfig = {},
    private readonly deps: SmscDeps = {},
  ) {
    super();
    this.name = config.name ?? 'smsc';
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.accounts = [...(config.accounts ?? [])];
    if (config.systemId !== undefined) {
      this.accounts.push({
        systemId: config.systemId,
        password: config.password,
        systemType: config.systemType,
      });
    }
    this.reassembler = new SmsReassembler(config.reassemblyTimeoutMs ?? 60_000);
    this.actions = bindActions(this.name, SMSC_ACTIONS, {
      'deliver-mo': (p) => this.deliverMo(p),
      request: (p) => this.requestAction(p),
      'clear-behaviours': clearBehavioursAction(this),
      status: async () => this.status(),
      messages: async () => this.store.all().map((m) => messageJson(m)),
    });
  }

  protected async open(ctx: PeerContext): Promise<PeerEndpoint[]> {
    const server = net.createServer((socket) => this.accept(socket));
    tapServer(server, this.tapOptions());
    const port = await listen(server, this.config.port ?? 0, ctx.host);
    server.on('error', (e: Error) => this.event('smsc-server-error', { error: e.message }));
    this.server = server;
    const timeout = this.config.reassemblyTimeoutMs ?? 60_000;
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(5_000, timeout / 4)));
    this.sweeper.unref();
    return [
      {
        peer: this.name,
        protocol: 'smpp',
        url: `smpp://${ctx.host}:${port}`,
        ...(this.accounts.length === 0 ? { note: '(any bind accepted)' } : {}),
      },
    ];
  }

  protected override async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.sweeper);
    for (const s of this.sessions) s.close();
    this.sessions.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  use(spec: BehaviourSpec): void {
    const b = parseBehaviour(spec);
    this.behaviours.unshift({ b, seen: 0 });
    this.event('behaviour', { ...spec } as JsonObject);
    if (b.kind === 'refuse-connections') {
      // the SMSC goes down: every open session ends unanswered (its ESME must reconnect)
      for (const s of this.sessions) s.close();
    }
  }

  resetBehaviours(): void {
    const held = this.find('hold-responses');
    this.behaviours = [];
    if (held) for (const s of this.sessions) s.releaseHeld();
  }

  /** The port it listens on (0 before start). */
  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  private find<K extends SmscBehaviour['kind']>(
    kind: K,
  ): (Active & { b: Extract<SmscBehaviour, { kind: K }> }) | undefined {
    return this.behaviours.find((a) => a.b.kind === kind) as
      | (Active & { b: Extract<SmscBehaviour, { kind: K }> })
      | undefined;
  }

  private accept(socket: net.Socket): void {
    // Responses are small and pipelined ESMEs (window > 1) would otherwise meet Nagle + delayed ACK stalls.
    socket.setNoDelay(true);
    const conn = this.timeline
      ? tapSocket(socket, {
          timeline: this.timeline,
          node: this.name,
          role: 'smsc',
          iface: 'SMPP',
          side: 'server',
        })
      : undefined;
    if (this.find('refuse-connections')) {
      this.event('connection-refused', {}, 'SMPP', conn);
      socket.destroy();
      return;
    }
    const s = new SmscSession(this.core, socket, conn);
    this.sessions.add(s);
    // Explicit transport limits: a connection that has not bound within SESSION_INIT_MS is closed
    // (SMPP v5.0 §2.7 session_init_timer), and any session silent both ways for INACTIVITY_MS
    // (SMPP v5.0 inactivity_timer; ESMEs keep links alive with enquire_link, SMPP 3.4 §4.11).
    const init = setTimeout(() => {
      if (s.state !== 'open') return;
      this.sessionEvent(s, 'smpp-session-init-timeout', { ms: SESSION_INIT_MS });
      socket.destroy();
    }, SESSION_INIT_MS);
    init.unref();
    socket.setTimeout(INACTIVITY_MS, () => {
      this.sessionEvent(s, 'smpp-inactivity-timeout', { ms: INACTIVITY_MS });
      socket.destroy();
    });
    socket.once('close', () => clearTimeout(init));
  }

  // ---- SmscCore, as seen by sessions ----
  private readonly core: SmscCore = {
    name: 'mmscert',
    observe: (session, direction, type, fields, raw) => {
      this.timeline?.publish({
        kind: 'message',
        node: this.name,
        role: 'smsc',
        iface: 'SMPP',
        direction,
        conn: session.conn,
        ...(session.systemId ? { peer: session.systemId } : {}),
        type,
        fields,
        ...(raw ? { raw } : {}),
      });
    },
    event: (session, name, detail) => this.sessionEvent(session, name, detail),
    checkBind: (pdu) => this.checkBind(pdu),
    bound: (session) => {
      this.counts.binds++;
      if (canReceive(session.state)) void this.flushReceipts();
    },
    submit: (session, pdu) => this.submit(session, pdu),
    querySm: (_session, pdu) => this.querySm(pdu),
    cancelSm: (_session, pdu) => this.cancelSm(pdu),
    answersEnquireLink: () => !this.find('mute-enquire-link'),
    responseDelayMs: () => this.find('delay')?.b.ms ?? 0,
    holdWindow: () => this.find('hold-responses')?.b.window,
    closed: (session) => {
      this.sessions.delete(session);
    },
  };

  /** A local event, on the connection of `session` when there is one. */
  private sessionEvent(session: SmscSession | undefined, name: string, detail: JsonObject): void {
    this.event(name, detail, 'SMPP', session?.conn);
  }

  private checkBind(pdu: SmppPdu): number {
    const refuse = this.find('refuse-binds');
    const systemId = pdu.params.system_id as string;
    let status: number = SMPP_STATUS.ESME_ROK;
    if (refuse && (!refuse.b.commands || refuse.b.commands.includes(pdu.command))) status = refuse.b.status;
    else if (this.accounts.length > 0) {
      const account = this.accounts.find((a) => a.systemId === systemId);
      if (!account) status = SMPP_STATUS.ESME_RINVSYSID;
      else if (account.password !== undefined && account.password !== pdu.params.password)
        status = SMPP_STATUS.ESME_RINVPASWD;
      else if (account.systemType !== undefined && account.systemType !== pdu.params.system_type)
        status = SMPP_STATUS.ESME_RINVSYSTYP;
    }
    if (status !== SMPP_STATUS.ESME_ROK) this.counts.bindsRefused++;
    return status;
  }

  private async submit(session: SmscSession, pdu: SmppPdu): Promise<SubmitOutcome> {
    this.counts.submits++;
    for (const a of this.behaviours) a.seen++;
    const drop = this.find('drop-connection');
    if (drop && drop.seen > drop.b.after) {
      this.sessionEvent(session, 'drop-connection', { after: drop.b.after });
      return { action: 'drop' };
    }
    const reject = this.find('reject-submits');
    if (reject && (reject.b.count === undefined || reject.seen <= reject.b.count)) {
      this.counts.rejected++;
      return { action: 'respond', status: reject.b.status };
    }
    const throttle = this.find('throttle');
    if (throttle && throttle.seen > throttle.b.after) {
      this.counts.rejected++;
      return { action: 'respond', status: SMPP_STATUS.ESME_RTHROTTLED };
    }
    let ud: SmsUserData | undefined;
    try {
      ud = submitUserData(pdu);
    } catch (e) {
      if (!isCodecError(e)) throw e;
      // SMPP 3.4 §5.3.2.32 / 23.040 violations in the user data: refused with the nearest status.
      this.sessionEvent(session, 'sms-user-data-error', { error: e.toLine() });
      this.counts.rejected++;
      return {
        action: 'respond',
        status: e.field === 'message_payload' ? SMPP_STATUS.ESME_RINVMSGLEN : SMPP_STATUS.ESME_RINVTLVVAL,
      };
    }
    const destinations =
      pdu.command === 'submit_multi' ? destinationsOf(pdu) : [pdu.params.destination_addr as string];
    if (destinations.length === 0) return { action: 'respond', status: SMPP_STATUS.ESME_RINVNUMDESTS };
    const raw =
      (tlv(pdu, 'message_payload') as Uint8Array | undefined) ??
      (pdu.params.short_message as Uint8Array | undefined) ??
      new Uint8Array();
    const message = this.store.add({
      systemId: session.systemId,
      command: pdu.command,
      source: pdu.params.source_addr as string,
      sourceTon: pdu.params.source_addr_ton as number,
      sourceNpi: pdu.params.source_addr_npi as number,
      destinations,
      registeredDelivery: (pdu.params.registered_delivery as number) ?? 0,
      dataCoding: (pdu.params.data_coding as number) ?? 0,
      userData: ud.payload,
      submitted: new Date(this.clock.now()),
    });
    this.sessionEvent(session, 'sms-accepted', { messageId: message.id, ...userDataSummary(ud) });
    const fields: JsonObject =
      pdu.command === 'submit_multi'
        ? { message_id: message.id, ...unsuccessOf(pdu) }
        : { message_id: message.id };
    return {
      action: 'respond',
      status: 0,
      fields,
      after: () =>
        void this.route(session, message, raw, ud).catch((e: unknown) =>
          this.sessionEvent(session, 'smsc-internal-error', {
            error: e instanceof Error ? e.message : String(e),
          }),
        ),
    };
  }

  /** Partial concatenated messages past the timeout: their segments end EXPIRED (with receipts). */
  private sweep(): void {
    for (const e of this.reassembler.sweep()) {
      this.event('sms-reassembly-expired', { key: e.key, received: e.received, total: e.total });
      for (const h of this.held.get(e.key) ?? []) this.finish(h.message, messageState('EXPIRED')!, 0);
      this.held.delete(e.key);
    }
  }

  /** After the response went out: reassemble, decode what the SMS carries, deliver, receipt. */
  private async route(
    session: SmscSession,
    message: SmscMessage,
    raw: Uint8Array,
    ud: SmsUserData,
  ): Promise<void> {
    this.sweep();
    for (const to of message.destinations) {
      const origin = `${message.systemId}|${message.source}|${to}`;
      const r = this.reassembler.add(origin, ud);
      if (r.status === 'duplicate') {
        this.sessionEvent(session, 'sms-duplicate-segment', { key: r.key, messageId: message.id });
        this.finish(message, messageState('REJECTED')!, 0);
        continue;
      }
      const key = r.status === 'complete' ? r.message.key : r.key;
      const held = this.held.get(key) ?? [];
      held.push({ message, raw, ud });
      if (r.status === 'pending') {
        this.held.set(key, held);
        continue;
      }
      this.held.delete(key);
      const complete = r.message;
      held.sort((a, b) => (a.ud.concat?.seq ?? 0) - (b.ud.concat?.seq ?? 0));
      // `about`: the destination, which the push content itself does not name
      publishPushContent(this.timeline, this.name, session.conn, complete.payload, complete.ports, [to]);
      const mt: MtSms = {
        from: message.source,
        to,
        dataCoding: message.dataCoding,
        segments: held.map((h) => h.raw),
        ...(complete.ports ? { ports: complete.ports } : {}),
        payload: complete.payload,
      };
      await this.deliver(
        held.map((h) => h.message),
        mt,
      );
    }
  }

  private async deliver(messages: SmscMessage[], mt: MtSms): Promise<void> {
    if (this.find('accept-never-deliver')) {
      this.event('sms-held', { messageIds: messages.map((m) => m.id) });
      return;
    }
    const fail = this.find('fail-delivery');
    if (fail) {
      this.counts.failed++;
      for (const m of messages) this.finish(m, fail.b.state, fail.b.err);
      return;
    }
    // The simulated network (mocks/network): where the subscriber is, asked of the HLR (MAP SRI-SM)
    const route = this.deps.air?.network.sriSm(mt.to, this.name);
    if (route?.result === 'error') {
      if (route.error === 'absentSubscriberSM') {
        // 3GPP TS 23.040 §3.2.6 / §10.1-10.3: the SC keeps the message (the HLR sets the message
        // waiting data) and delivers when the HLR alerts it that the subscriber is reachable.
        this.deps.air?.network.onAlert(mt.to, () => {
          this.timeline?.publish({
            kind: 'message',
            node: this.name,
            role: 'smsc',
            iface: 'MAP',
            direction: 'in',
            peer: 'hlr',
            type: 'MAP-Alert-SC',
            fields: { msisdn: mt.to.replace(/^\+/, ''), messageIds: messages.map((m) => m.id) },
          });
          void this.deliver(messages, mt);
        });
        return;
      }
      // barred (no SMS roaming agreement) or unknown: final (MAP error codes, TS 29.002 §17.6.6)
      this.event('sms-undeliverable', {
        to: mt.to,
        messageIds: messages.map((m) => m.id),
        cause: route.cause,
      });
      this.counts.failed++;
      for (const m of messages)
        this.finish(m, messageState('UNDELIVERABLE')!, route.error === 'callBarred' ? 13 : 1);
      return;
    }
    if (route) {
      // MAP MT-ForwardSM (3GPP TS 29.002 §12.9): SMSC -> gateway MSC -> the serving (visited) MSC
      this.timeline?.publish({
        kind: 'message',
        node: this.name,
        role: 'smsc',
        iface: 'MAP',
        direction: 'out',
        peer: route.msc,
        type: 'MAP-MT-ForwardSM',
        fields: {
          msisdn: mt.to.replace(/^\+/, ''),
          imsi: route.imsi,
          hops: [this.name, 'gmsc', route.msc],
          msc: route.msc,
          serving: route.serving,
          roaming: route.roaming,
        },
      });
    }
    let ok = true;
    if (this.deps.air) {
      try {
        ok = (await this.deps.air.deliver(mt)) || this.config.absentSubscriber === 'delivered';
      } catch (e) {
        ok = false;
        this.event('air-delivery-error', {
          to: mt.to,
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
    this.event(ok ? 'sms-delivered' : 'sms-undeliverable', {
      to: mt.to,
      messageIds: messages.map((m) => m.id),
    });
    if (ok) this.counts.delivered++;
    else this.counts.failed++;
    // err 001: absent subscriber (no handset answers for that MSISDN).
    for (const m of messages) this.finish(m, messageState(ok ? 'DELIVERED' : 'UNDELIVERABLE')!, ok ? 0 : 1);
  }

  /** Final state, then a receipt when registered_delivery asks (SMPP 3.4 §5.2.17: 1 = always, 2 = on failure). */
  private finish(m: SmscMessage, state: MessageStateRow, err: number): void {
    this.store.finish(m, state, err, new Date(this.clock.now()));
    const want = m.registeredDelivery & 0x03;
    if (want === 1 || (want === 2 && state.name !== 'DELIVERED')) {
      for (const to of m.destinations) {
        const text = formatReceipt({
          messageId: m.id,
          submitted: m.submitted,
          done: m.done!,
          state,
          err,
          text: m.userData,
        });
        this.pendingReceipts.push({
          systemId: m.systemId,
          options: {
            source_addr_ton: 1,
            source_addr_npi: 1,
            source_addr: to,
            dest_addr_ton: m.sourceTon,
            dest_addr_npi: m.sourceNpi,
            destination_addr: m.source,
            esm_class: 0x04, // SMPP 3.4 §5.2.12: SMSC delivery receipt
            data_coding: 0,
            short_message: Buffer.from(text, 'latin1'),
            receipted_message_id: m.id,
            message_state: state.value,
          },
        });
      }
    }
    void this.flushReceipts();
  }

  /** Receipts go to a receiver/transceiver bound with the submitter's system_id; kept until one binds. */
  private async flushReceipts(): Promise<void> {
    for (let i = 0; i < this.pendingReceipts.length; ) {
      const r = this.pendingReceipts[i];
      const target = [...this.sessions].find((s) => canReceive(s.state) && s.systemId === r.systemId);
      if (!target) {
        i++;
        continue;
      }
      this.pendingReceipts.splice(i, 1);
      this.counts.receipts++;
      const resp = await target.request('deliver_sm', r.options, this.config.responseTimeoutMs ?? 10_000);
      if (resp.commandStatus !== 0) {
        this.sessionEvent(target, 'receipt-not-acknowledged', {
          status: resp.commandStatus,
          messageId: r.options.receipted_message_id as string,
        });
      }
    }
  }

  private querySm(pdu: SmppPdu): { status: number; fields?: JsonObject } {
    const m = this.store.get(pdu.params.message_id as string);
    if (!m) return { status: SMPP_STATUS.ESME_RQUERYFAIL };
    return {
      status: 0,
      fields: {
        message_id: m.id,
        final_date: m.done ? smppTime(m.done) : '',
        message_state: m.state.value,
        error_code: Math.min(m.err, 255),
      },
    };
  }

  private cancelSm(pdu: SmppPdu): number {
    const m = this.store.get(pdu.params.message_id as string);
    // SMPP 3.4 §4.9: only a message still pending delivery can be cancelled.
    if (m?.state.name !== 'ENROUTE') return SMPP_STATUS.ESME_RCANCELFAIL;
    this.store.finish(m, messageState('DELETED')!, 0, new Date(this.clock.now()));
    return 0;
  }

  /** Action `deliver-mo`: a mobile-originated SMS to a bound receiver (deliver_sm, SMPP 3.4 §4.6). */
  private async deliverMo(p: JsonObject): Promise<Json> {
    const from = p.from;
    const to = p.to;
    if (typeof from !== 'string' || typeof to !== 'string')
      throw new PeerConfigError(this.name, 'deliver-mo needs from and to');
    let data: Buffer;
    if (typeof p.base64 === 'string') data = Buffer.from(p.base64, 'base64');
    else if (typeof p.text === 'string') data = Buffer.from(p.text, 'latin1');
    else throw new PeerConfigError(this.name, 'deliver-mo needs text or base64');
    if (data.length > 254)
      throw new PeerConfigError(this.name, 'deliver-mo: short_message longer than 254 octets');
    const systemId = typeof p.systemId === 'string' ? p.systemId : undefined;
    const target = [...this.sessions].find(
      (s) => canReceive(s.state) && (systemId === undefined || s.systemId === systemId),
    );
    if (!target) return { sent: false, reason: 'no receiver or transceiver bound' };
    this.counts.mo++;
    const resp = await target.request(
      'deliver_sm',
      {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: from,
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: to,
        esm_class: typeof p.esmClass === 'number' ? p.esmClass : 0,
        data_coding: typeof p.dataCoding === 'number' ? p.dataCoding : 0,
        short_message: data,
      },
      this.config.responseTimeoutMs ?? 10_000,
    );
    return {
      sent: true,
      systemId: target.systemId,
      commandStatus: resp.commandStatus,
      command: resp.command,
    };
  }

  /**
   * Action `request`: an SMSC-originated enquire_link, unbind or unknown command to a bound
   * session; resolves with the ESME's answer (a generic_nack ESME_RUNKNOWNERR shape on timeout).
   * `bad-length`: an enquire_link header with a command_length no PDU can have, not awaited.
   */
  private async requestAction(p: JsonObject): Promise<Json> {
    const command = p.command;
    if (
      command !== 'enquire_link' &&
      command !== 'unbind' &&
      command !== 'unknown' &&
      command !== 'bad-length'
    )
      throw new PeerConfigError(
        this.name,
        'request: command must be enquire_link, unbind, unknown or bad-length',
      );
    const commandLength = p.commandLength ?? 8;
    if (
      typeof commandLength !== 'number' ||
      !Number.isInteger(commandLength) ||
      commandLength < 0 ||
      commandLength > 0xffffffff
    )
      throw new PeerConfigError(this.name, 'request: commandLength must be an integer 0..0xffffffff');
    const commandId = p.commandId ?? 0x7f;
    if (
      typeof commandId !== 'number' ||
      !Number.isInteger(commandId) ||
      commandId < 0 ||
      commandId > 0x7fffffff
    )
      throw new PeerConfigError(this.name, 'request: commandId must be an integer 0..0x7fffffff');
    const systemId = typeof p.systemId === 'string' ? p.systemId : undefined;
    const boundSession = () =>
      [...this.sessions].find(
        (s) => s.state.startsWith('bound') && (systemId === undefined || s.systemId === systemId),
      );
    // a target that has just started may not have bound yet: wait a little for its bind
    let target = boundSession();
    for (let waited = 0; !target && waited < BIND_WAIT_MS; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
      target = boundSession();
    }
    // no session to send it to: the stimulus cannot happen
    if (!target) throw new Error(`request ${command}: no session bound within ${BIND_WAIT_MS} ms`);
    if (command === 'bad-length') {
      // not awaited: the target may answer with generic_nack, close, or (wrongly) nothing
      const sequenceNumber = target.sendBadLength(commandLength);
      return { sent: true, systemId: target.systemId, sequenceNumber, commandLength };
    }
    const timeout = this.config.responseTimeoutMs ?? 10_000;
    const pending =
      command === 'unknown'
        ? target.requestUnknown(commandId, timeout)
        : target.request(command, {}, timeout);
    const sequenceNumber = target.lastSequence; // the request's, taken before any other goes out
    const resp = await pending;
    // SMPP 3.4 §4.2: after unbind_resp the session is over; the SMSC, which asked, closes it
    if (command === 'unbind') target.close();
    return {
      sent: true,
      systemId: target.systemId,
      sequenceNumber,
      command: resp.command,
      commandStatus: resp.commandStatus,
    };
  }

  status(): JsonObject {
    return {
      ...this.counts,
      sessions: this.sessions.size,
      bound: [...this.sessions]
        .filter((s) => s.state.startsWith('bound'))
        .map((s) => ({ systemId: s.systemId, state: s.state })),
      messages: this.store.size,
      states: this.store.countByState(),
      pendingReceipts: this.pendingReceipts.length,
      pendingSegments: this.reassembler.pending,
    };
  }
}

/** Distribution lists are not provisioned here: each is reported unsuccessful (ESME_RINVDLNAME, SMPP 3.4 §4.5.2). */
function unsuccessOf(pdu: SmppPdu): JsonObject {
  const lists = ((pdu.params.dest_address as DestAddress[] | undefined) ?? []).filter(
    (d) => d.dest_flag === 2,
  );
  const unsuccess_sme = lists.map((d) => ({
    dest_addr_ton: 0,
    dest_addr_npi: 0,
    destination_addr: d.dl_name ?? '',
    error_status_code: 0x34,
  }));
  return { no_unsuccess: unsuccess_sme.length, unsuccess_sme };
}

function destinationsOf(pdu: SmppPdu): string[] {
  const list = (pdu.params.dest_address as DestAddress[] | undefined) ?? [];
  return list.filter((d) => d.dest_flag === 1).map((d) => d.destination_addr!);
}

function messageJson(m: SmscMessage): JsonObject {
  return {
    id: m.id,
    systemId: m.systemId,
    command: m.command,
    source: m.source,
    destinations: m.destinations,
    state: m.state.name,
    err: m.err,
    submitted: m.submitted.toISOString(),
    ...(m.done ? { done: m.done.toISOString() } : {}),
    userData: bytesToJson(m.userData),
  };
}
