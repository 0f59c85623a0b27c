import http from 'node:http';
import { type MmsPdu, mmsSummary } from '../../src/codec/mms/index.ts';
import {
  decodeWspPushLenient,
  isMmsPush,
  pushApplicationId,
  wspPushDefectClause,
} from '../../src/codec/push/index.ts';
import { mediaTypeText } from '../../src/codec/wsp/index.ts';
import { parseDurationText } from '../../src/util/duration-text.ts';
import { bytesFromJson, type Json, type JsonObject } from '../../src/util/json.ts';
import type { AirInterface, MtSms } from '../air-interface.ts';
import { BehaviourStack } from '../behaviour-stack.ts';
import {
  type BehaviourSpec,
  bindActions,
  type PeerAction,
  PeerConfigError,
  type PeerEndpoint,
} from '../peer.ts';
import { PeerShell } from '../peer-shell.ts';
import {
  isLoopbackHost,
  isMsisdn,
  MMS_MEDIA_TYPE,
  mediaType,
  proxyCredential,
} from '../wap-gateway/http-util.ts';
import { publishEncodingDefects, publishMm1 } from '../wap-gateway/mm1-observation.ts';
import {
  accepts,
  DEFAULT_PROFILE,
  DEVICE_PROFILES,
  type DeviceProfile,
  type MmsVersion,
} from './device-profile.ts';
import { HANDSET_ACTIONS } from './handset-actions.ts';
import { holdConnections, holdSpec, httpExchange, httpProbe, probeRequest, rawProbe } from './http-probe.ts';
import {
  acknowledgeInd,
  forwardReq,
  headerText,
  type MboxOptions,
  mboxReq,
  type NotifyStatus,
  notifyRespInd,
  readRecInd,
  type SendOptions,
  sendReq,
} from './mms-pdus.ts';

/**
 * A simulated handset (the MMS User Agent of OMA-TS-MMS_CTR). It submits over MM1 through the
 * WAP gateway (absolute-URI requests to the gateway as an HTTP proxy, its MSISDN as proxy
 * credential, see mocks/wap-gateway), receives WAP pushes from the SMSC mock over the
 * AirInterface, and runs the retrieval transactions of OMA-TS-MMS_CTR §6:
 * - immediate retrieval (§6.3.1): m-notification-ind -> GET -> m-retrieve-conf -> m-notifyresp-ind (Retrieved)
 * - deferred retrieval (§6.3.2): m-notification-ind -> m-notifyresp-ind (Deferred); later GET ->
 *   m-retrieve-conf -> m-acknowledge-ind
 * - rejection: m-notifyresp-ind (Rejected), also for messages larger than the profile accepts.
 */
export interface HandsetConfig {
  /** `alice` -> node `ue.alice`. */
  name: string;
  msisdn: string;
  /** A DEVICE_PROFILES key or a profile (partial profiles complete the default one). */
  profile?: string | Partial<DeviceProfile>;
  /** The WAP gateway as HTTP proxy, e.g. http://127.0.0.1:9201. Without it MM1 goes straight to `mmsc`. */
  gateway?: string;
  /** The MM1 URL handsets post to (absolute; the gateway resolves non-loopback host names). */
  mmsc?: string;
  retrieval?: RetrievalMode;
}

export type RetrievalMode = 'immediate' | 'deferred' | 'reject';

export interface HandsetDeps {
  air?: AirInterface;
}

/** Behaviour kinds: retrieval {mode}, offline, no-ack. */
export const HANDSET_BEHAVIOURS = ['retrieval', 'offline', 'no-ack'] as const;

export interface InboxEntry {
  index: number;
  /** What arrived by push: m-notification-ind, m-delivery-ind, m-read-orig-ind... */
  type: string;
  transactionId?: string;
  contentLocation?: string;
  messageId?: string;
  from?: string;
  subject?: string;
  size?: number;
  state: 'notified' | 'deferred' | 'rejected' | 'retrieved' | 'retrieval-failed' | 'report';
  notifyStatus?: NotifyStatus;
  retrieved?: {
    status: number;
    messageId?: string;
    from?: string;
    subject?: string;
    contentType?: string;
    parts: number;
    size: number;
    /** Media types of parts the profile does not accept (the handset keeps the message, cannot render them). */
    unsupported: string[];
  };
  fields: Json;
}

interface HttpResult {
  status: number;
  contentType: string;
  body: Uint8Array;
  /** The response PDU, when the body was an MMS PDU that decoded. */
  pdu?: MmsPdu;
}

export class Handset extends PeerShell {
  readonly name: string;
  readonly role = 'ue' as const;
  readonly msisdn: string;
  readonly profile: DeviceProfile;
  readonly actions: Readonly<Record<string, PeerAction>>;
  private readonly config: HandsetConfig;
  private readonly deps: HandsetDeps;
  protected readonly iface = 'MM1' as const;
  private unregister?: () => void;
  private readonly behaviours = new BehaviourStack<BehaviourSpec>();
  private readonly inbox: InboxEntry[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private agent = new http.Agent({ keepAlive: true });
  /**
   * Robustness probes get their own connections, never reused: a probe the server answers before
   * reading its whole body (413) would otherwise leave a half-sent request on a pooled socket that
   * the next MM1 request then queues behind.
   */
  private probeAgent = new http.Agent({ keepAlive: false });
  private txn = 0;
  /** Misbehaving connections held open in the background (`http-hold`), cancelled by stop(). */
  private readonly holds = new Set<() => void>();

  constructor(config: HandsetConfig, deps: HandsetDeps = {}) {
    super();
    if (!/^[A-Za-z0-9_.-]+$/.test(config.name))
      throw new PeerConfigError(`ue.${config.name}`, 'bad handset name');
    this.name = `ue.${config.name}`;
    if (!isMsisdn(config.msisdn)) throw new PeerConfigError(this.name, `bad MSISDN '${config.msisdn}'`);
    this.msisdn = config.msisdn.startsWith('+') ? config.msisdn : `+${config.msisdn}`;
    this.config = config;
    this.deps = deps;
    this.profile = resolveProfile(this.name, config.profile);
    for (const u of [config.gateway, config.mmsc]) {
      if (u === undefined) continue;
      try {
        new URL(u);
      } catch {
        throw new PeerConfigError(this.name, `'${u}' is not a URL`);
      }
    }
    if (config.gateway && !isLoopbackHost(new URL(config.gateway).hostname)) {
      throw new PeerConfigError(this.name, 'the gateway must be on loopback');
    }
    this.actions = bindActions(this.name, HANDSET_ACTIONS, {
      send: (p) => this.send(p),
      retrieve: (p) => this.retrieveAction(p),
      notifyresp: (p) => this.notifyRespAction(p),
      acknowledge: (p) => this.acknowledgeAction(p),
      'read-report': (p) => this.readReport(p),
      forward: (p) => this.forward(p),
      mbox: (p) => this.mbox(p),
      inbox: async () => this.inbox.map((e) => ({ ...e }) as unknown as Json),
      http: (p) => this.httpAction(p),
      'http-raw': (p) => this.httpRawAction(p),
      'http-hold': async (p) => this.httpHoldAction(p),
    });
  }

  /** Points the handset at the gateway and the MMSC once their ports are known. */
  setNetwork(net: { gateway?: string; mmsc?: string }): void {
    if (net.gateway !== undefined) this.config.gateway = net.gateway;
    if (net.mmsc !== undefined) this.config.mmsc = net.mmsc;
  }

  /** A handset listens on nothing: it has its MM1 agents and its place on the air interface. */
  protected async open(): Promise<PeerEndpoint[]> {
    this.agent = this.tappedAgent(new http.Agent({ keepAlive: true }));
    this.probeAgent = this.tappedAgent(new http.Agent({ keepAlive: false }));
    this.attach();
    return [];
  }

  protected override async close(): Promise<void> {
    for (const cancel of [...this.holds]) cancel();
    this.detach();
    await this.settled();
  }

  use(spec: BehaviourSpec): void {
    // Shorthands: {kind: 'deferred'} is {kind: 'retrieval', mode: 'deferred'}.
    const b: BehaviourSpec =
      spec.kind === 'immediate' || spec.kind === 'deferred' || spec.kind === 'reject'
        ? { kind: 'retrieval', mode: spec.kind }
        : spec;
    switch (b.kind) {
      case 'retrieval':
        if (b.mode !== 'immediate' && b.mode !== 'deferred' && b.mode !== 'reject') {
          throw new PeerConfigError(this.name, "retrieval needs {mode: 'immediate'|'deferred'|'reject'}");
        }
        break;
      case 'offline':
      case 'no-ack':
        break;
      default:
        throw new PeerConfigError(
          this.name,
          `unknown behaviour '${b.kind}' (${HANDSET_BEHAVIOURS.join(', ')})`,
        );
    }
    this.behaviours.push({ ...b });
    if (b.kind === 'offline') this.detach();
  }

  resetBehaviours(): void {
    this.behaviours.clear();
    if (this.started) this.attach();
  }

  /** Resolves when every transaction started by a push has finished. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  get entries(): readonly InboxEntry[] {
    return this.inbox;
  }

  private has(kind: string): BehaviourSpec | undefined {
    return this.behaviours.find(kind);
  }

  private get retrievalMode(): RetrievalMode {
    return (this.has('retrieval')?.mode as RetrievalMode | undefined) ?? this.config.retrieval ?? 'immediate';
  }

  private get version(): MmsVersion {
    return this.profile.mmsVersion;
  }

  private attach(): void {
    if (this.unregister || this.has('offline') || !this.deps.air) return;
    this.unregister = this.deps.air.register(this.msisdn, (sms) => this.onSms(sms));
  }

  private detach(): void {
    this.unregister?.();
    this.unregister = undefined;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  // ---- MT side: WAP push over the air interface -------------------------------------

  private onSms(sms: MtSms): void {
    if (sms.ports && sms.ports.destination !== 2948) {
      this.event(
        'sms-ignored',
        { reason: `destination port ${sms.ports.destination} is not WAP push (2948)` },
        'WAP-PUSH',
      );
      return;
    }
    // A tolerant handset (WAP-230-WSP): a push that breaks the encoding is read as far as it goes, each
    // defect published as an `encoding-defect`, and acted on when its content can still be found.
    const { push, defects } = decodeWspPushLenient(sms.payload);
    if (this.timeline && defects.length > 0) {
      publishEncodingDefects(
        this.timeline,
        { node: this.name, role: this.role, iface: 'WAP-PUSH', peer: 'smsc' },
        push ? 'wsp-push' : undefined,
        defects,
        wspPushDefectClause,
      );
    }
    if (!push) {
      this.event('push-undecodable', { error: defects[0]?.toLine() ?? 'undecodable' }, 'WAP-PUSH');
      return;
    }
    this.timeline?.publish({
      kind: 'message',
      type: 'wsp-push',
      fields: {
        tid: push.tid ?? null,
        pduType: push.pduType,
        contentType: mediaTypeText(push.contentType),
        'X-Wap-Application-Id': pushApplicationId(push) ?? null,
        from: sms.from,
        size: sms.payload.length,
      },
      raw: sms.payload,
      node: this.name,
      role: this.role,
      iface: 'WAP-PUSH',
      direction: 'in',
      peer: 'smsc',
    });
    if (!isMmsPush(push)) {
      this.event('push-ignored', { contentType: mediaTypeText(push.contentType) }, 'WAP-PUSH');
      return;
    }
    const pdu = this.observe(push.body, 'in', 'smsc');
    if (!pdu) return;
    const entry: InboxEntry = {
      index: this.inbox.length,
      type: pdu.type,
      transactionId: headerText(pdu, 'X-Mms-Transaction-Id'),
      contentLocation: headerText(pdu, 'X-Mms-Content-Location'),
      messageId: headerText(pdu, 'Message-ID'),
      from: headerText(pdu, 'From'),
      subject: headerText(pdu, 'Subject'),
      size: Number(headerText(pdu, 'X-Mms-Message-Size') ?? Number.NaN) || undefined,
      state: pdu.type === 'm-notification-ind' ? 'notified' : 'report',
      fields: mmsSummary(pdu),
    };
    if (pdu.type === 'm-notification-ind') {
      // A re-sent notification (the MMSC retrying because our answer was lost): answer again
      // with what we answered before instead of retrieving twice.
      const earlier = this.inbox.find(
        (e) =>
          e.type === 'm-notification-ind' &&
          e.transactionId === entry.transactionId &&
          e.contentLocation === entry.contentLocation &&
          e.notifyStatus !== undefined,
      );
      if (earlier?.notifyStatus) {
        this.event('duplicate-notification', {
          index: earlier.index,
          transactionId: earlier.transactionId ?? null,
        });
        const status = earlier.notifyStatus;
        this.track(this.sendNotifyResp(earlier, status)).catch((e) =>
          this.event('transaction-failed', { error: String(e) }),
        );
        return;
      }
    }
    this.inbox.push(entry);
    if (pdu.type !== 'm-notification-ind') return;
    this.track(this.onNotification(entry)).catch((e) =>
      this.event('transaction-failed', { error: String(e) }),
    );
  }

  private async onNotification(entry: InboxEntry): Promise<void> {
    const mode = this.retrievalMode;
    const tooBig = entry.size !== undefined && entry.size > this.profile.maxMessageSize;
    if (mode === 'reject' || tooBig) {
      if (tooBig)
        this.event('message-too-large', { size: entry.size ?? 0, max: this.profile.maxMessageSize });
      entry.state = 'rejected';
      await this.sendNotifyResp(entry, 'Rejected');
      return;
    }
    if (mode === 'deferred') {
      entry.state = 'deferred';
      await this.sendNotifyResp(entry, 'Deferred');
      return;
    }
    const r = await this.retrieve(entry);
    if (r.status === 200 && entry.state === 'retrieved') await this.sendNotifyResp(entry, 'Retrieved');
  }

  private async sendNotifyResp(
    entry: InboxEntry,
    status: NotifyStatus,
    reportAllowed?: boolean,
  ): Promise<Json> {
    if (this.has('no-ack')) {
      this.event('no-ack', { suppressed: 'm-notifyresp-ind', status });
      return { status: 0, suppressed: true };
    }
    entry.notifyStatus = status;
    const bytes = notifyRespInd({
      transactionId: entry.transactionId ?? '',
      status,
      version: this.version,
      ...(reportAllowed === undefined ? {} : { reportAllowed }),
    });
    const r = await this.post(bytes);
    return { status: r.status };
  }

  /** GET of the content location; decodes m-retrieve-conf into the inbox entry. */
  private async retrieve(entry: InboxEntry): Promise<HttpResult> {
    if (!entry.contentLocation)
      throw new PeerConfigError(this.name, `inbox entry ${entry.index} has no content location`);
    let r: HttpResult;
    try {
      r = await this.request('GET', entry.contentLocation);
    } catch (e) {
      entry.state = 'retrieval-failed';
      throw e;
    }
    if (r.status !== 200) {
      entry.state = 'retrieval-failed';
      this.event('retrieval-failed', { status: r.status, contentLocation: entry.contentLocation });
      return r;
    }
    const pdu = mediaType(r.contentType) === MMS_MEDIA_TYPE ? this.observe(r.body, 'in', 'mmsc') : undefined;
    if (pdu?.type !== 'm-retrieve-conf') {
      entry.state = 'retrieval-failed';
      this.event('retrieval-failed', {
        status: r.status,
        contentType: r.contentType,
        reason: 'not an m-retrieve-conf',
      });
      return r;
    }
    // MMS 1.1+ may answer a failed retrieval with an m-retrieve-conf whose X-Mms-Retrieve-Status is
    // an error (OMA-TS-MMS_ENC-V1_3 X-Mms-Retrieve-Status) instead of an HTTP error: a failure too.
    const retrieveStatus = headerText(pdu, 'X-Mms-Retrieve-Status');
    if (retrieveStatus?.startsWith('Error')) {
      entry.state = 'retrieval-failed';
      this.event('retrieval-failed', {
        status: r.status,
        retrieveStatus,
        contentLocation: entry.contentLocation,
      });
      return r;
    }
    entry.state = 'retrieved';
    entry.retrieved = {
      status: r.status,
      messageId: headerText(pdu, 'Message-ID'),
      from: headerText(pdu, 'From'),
      subject: headerText(pdu, 'Subject'),
      contentType: headerText(pdu, 'Content-Type'),
      parts: pdu.parts?.length ?? 0,
      size: r.body.length,
      unsupported: (pdu.parts ?? [])
        .map((p) => mediaTypeText(p.contentType))
        .filter((t) => !accepts(this.profile, t)),
    };
    if (entry.retrieved.unsupported.length) {
      this.event('content-not-accepted', { index: entry.index, mediaTypes: entry.retrieved.unsupported });
    }
    return r;
  }

  // ---- actions ----------------------------------------------------------------------

  private nextTid(): string {
    this.txn += 1;
    return `${this.name.slice(3)}-${this.txn}`;
  }

  private async send(p: JsonObject): Promise<Json> {
    let bytes: Uint8Array;
    let transactionId: string | undefined;
    if (p.raw !== undefined) {
      bytes = rawBytes(this.name, p.raw);
    } else {
      const types: Record<string, string> = {
        subject: 'string',
        messageClass: 'string',
        priority: 'string',
        deliveryReport: 'boolean',
        readReport: 'boolean',
        transactionId: 'string',
      };
      for (const [k, t] of Object.entries(types)) {
        if (p[k] !== undefined && typeof p[k] !== t)
          throw new PeerConfigError(this.name, `send: ${k} must be a ${t}`);
      }
      if (p.parts !== undefined && !Array.isArray(p.parts))
        throw new PeerConfigError(this.name, 'send: parts must be a list');
      if (
        p.headers !== undefined &&
        (typeof p.headers !== 'object' || p.headers === null || Array.isArray(p.headers))
      ) {
        throw new PeerConfigError(this.name, 'send: headers must be an object');
      }
      transactionId = typeof p.transactionId === 'string' ? p.transactionId : this.nextTid();
      const expiry = expirySeconds(this.name, p.expiry);
      bytes = sendReq(
        {
          ...(p as unknown as SendOptions),
          ...(expiry === undefined ? {} : { expiry }),
          transactionId,
          version: this.version,
        },
        this.name,
      );
    }
    const r = await this.post(bytes);
    const out = this.confResult(r);
    if (transactionId && !('transactionId' in out)) out.transactionId = transactionId;
    return out;
  }

  private confResult(r: HttpResult): JsonObject {
    const out: JsonObject = { status: r.status };
    const pdu = r.pdu;
    if (!pdu) return out;
    const put = (key: string, header: string) => {
      const v = headerText(pdu, header);
      if (v !== undefined) out[key] = v;
    };
    out.messageType = pdu.type;
    put('responseStatus', 'X-Mms-Response-Status');
    put('responseText', 'X-Mms-Response-Text');
    put('messageId', 'Message-ID');
    put('transactionId', 'X-Mms-Transaction-Id');
    put('contentLocation', 'X-Mms-Content-Location');
    return out;
  }

  private entryFor(p: JsonObject): InboxEntry {
    let entry: InboxEntry | undefined;
    if (typeof p.index === 'number') entry = this.inbox[p.index];
    else if (typeof p.transactionId === 'string')
      entry = this.inbox.find((e) => e.transactionId === p.transactionId);
    else if (typeof p.contentLocation === 'string') {
      entry = this.inbox.find((e) => e.contentLocation === p.contentLocation);
      if (!entry) {
        entry = {
          index: this.inbox.length,
          type: 'm-notification-ind',
          contentLocation: p.contentLocation,
          state: 'notified',
          fields: null,
        };
        this.inbox.push(entry);
      }
    } else entry = [...this.inbox].reverse().find((e) => e.type === 'm-notification-ind');
    if (!entry)
      throw new PeerConfigError(
        this.name,
        'no such inbox entry (give index, transactionId or contentLocation)',
      );
    return entry;
  }

  private async retrieveAction(p: JsonObject): Promise<Json> {
    const entry = this.entryFor(p);
    const r = await this.retrieve(entry);
    // Deferred retrieval ends with m-acknowledge-ind (OMA-TS-MMS_CTR §6.3.2); after an
    // immediate one the handset answers m-notifyresp-ind Retrieved (§6.3.1).
    let ack: Json = null;
    if (r.status === 200 && entry.state === 'retrieved' && p.ack !== false) {
      if (entry.notifyStatus === undefined && p.ack !== 'acknowledge')
        ack = await this.sendNotifyResp(entry, 'Retrieved');
      else ack = await this.sendAck(entry);
    }
    return {
      index: entry.index,
      state: entry.state,
      ...(entry.retrieved ?? { status: r.status }),
      ack,
    } as JsonObject;
  }

  private async sendAck(entry: InboxEntry, reportAllowed?: boolean): Promise<Json> {
    if (this.has('no-ack')) {
      this.event('no-ack', { suppressed: 'm-acknowledge-ind' });
      return { status: 0, suppressed: true };
    }
    const bytes = acknowledgeInd({
      transactionId: entry.transactionId ?? '',
      version: this.version,
      ...(reportAllowed === undefined ? {} : { reportAllowed }),
    });
    const r = await this.post(bytes);
    return { status: r.status };
  }

  private async notifyRespAction(p: JsonObject): Promise<Json> {
    const status = p.status;
    const allowed: NotifyStatus[] = ['Retrieved', 'Rejected', 'Deferred', 'Unrecognised'];
    if (typeof status !== 'string' || !allowed.includes(status as NotifyStatus)) {
      throw new PeerConfigError(this.name, `notifyresp needs {status: ${allowed.join('|')}}`);
    }
    const entry = this.entryFor(p);
    if (status === 'Deferred') entry.state = 'deferred';
    if (status === 'Rejected') entry.state = 'rejected';
    return this.sendNotifyResp(entry, status as NotifyStatus, reportAllowedParam(this.name, p));
  }

  private async acknowledgeAction(p: JsonObject): Promise<Json> {
    return this.sendAck(this.entryFor(p), reportAllowedParam(this.name, p));
  }

  private async readReport(p: JsonObject): Promise<Json> {
    if (typeof p.messageId !== 'string' || typeof p.to !== 'string') {
      throw new PeerConfigError(this.name, 'read-report needs {messageId, to, status?: Read|Deleted}');
    }
    const status = p.status === undefined ? 'Read' : p.status;
    if (status !== 'Read' && status !== 'Deleted')
      throw new PeerConfigError(this.name, 'read-report status is Read or Deleted');
    const bytes = readRecInd({ messageId: p.messageId, to: p.to, status, version: this.version });
    const r = await this.post(bytes);
    return { status: r.status };
  }

  private async forward(p: JsonObject): Promise<Json> {
    if (typeof p.contentLocation !== 'string' || (typeof p.to !== 'string' && !Array.isArray(p.to))) {
      throw new PeerConfigError(this.name, 'forward needs {to, contentLocation}');
    }
    const transactionId = this.nextTid();
    const to = (Array.isArray(p.to) ? p.to : [p.to]).map(String);
    const bytes = forwardReq(
      { transactionId, to, contentLocation: p.contentLocation, version: this.version },
      this.name,
    );
    const r = await this.post(bytes);
    return { transactionId, ...this.confResult(r) };
  }

  /**
   * MMBox request (store, view, upload, delete). The m-mbox-descr parts of an m-mbox-view-conf are
   * decoded and published as MM1 messages of this handset, so cases can check each listed copy.
   */
  private async mbox(p: JsonObject): Promise<Json> {
    const transactionId = this.nextTid();
    const bytes = mboxReq(
      { ...(p as unknown as MboxOptions), transactionId, version: this.version },
      this.name,
    );
    const r = await this.post(bytes);
    const out: JsonObject = { transactionId, ...this.confResult(r) };
    const pdu = r.pdu;
    if (!pdu) return out;
    const storeStatus = headerText(pdu, 'X-Mms-Store-Status');
    if (storeStatus !== undefined) out.storeStatus = storeStatus;
    const count = headerText(pdu, 'X-Mms-Message-Count');
    if (count !== undefined) out.messageCount = Number(count);
    if (pdu.type === 'm-mbox-view-conf') {
      const entries: JsonObject[] = [];
      for (const part of pdu.parts ?? []) {
        const descr = this.observe(part.data, 'in', 'mmsc');
        if (!descr) continue;
        const e: JsonObject = {};
        for (const [key, header] of [
          ['contentLocation', 'X-Mms-Content-Location'],
          ['messageId', 'Message-ID'],
          ['state', 'X-Mms-MM-State'],
          ['subject', 'Subject'],
        ] as const) {
          const v = headerText(descr, header);
          if (v !== undefined) e[key] = v;
        }
        entries.push(e);
      }
      out.entries = entries;
    }
    return out;
  }

  /** Robustness probe: any HTTP request to the MMSC (see http-probe.ts); publishes `http-response`. */
  private async httpAction(p: JsonObject): Promise<Json> {
    const r = probeRequest(this.name, p, {
      mm1Url: this.mm1Url(),
      ...(this.config.gateway ? { gateway: this.config.gateway } : {}),
      msisdn: this.msisdn,
    });
    const res = await httpProbe(r, this.probeAgent);
    const isMms = mediaType(res.contentType) === MMS_MEDIA_TYPE;
    if (isMms && res.body.length) this.observe(res.body, 'in', 'mmsc');
    const detail: JsonObject = {
      method: r.method,
      url: r.url,
      status: res.status,
      contentType: res.contentType,
      size: res.body.length,
      ...(isMms ? {} : { text: Buffer.from(res.body.subarray(0, 512)).toString('utf8') }),
    };
    this.event('http-response', detail);
    return detail;
  }

  /** Robustness probe: raw octets on a new TCP connection to the MM1 port; publishes `http-raw-response`. */
  private async httpRawAction(p: JsonObject): Promise<Json> {
    let bytes: Uint8Array;
    if (typeof p.text === 'string') bytes = new TextEncoder().encode(p.text);
    else if (typeof p.base64 === 'string') bytes = bytesFromJson({ $base64: p.base64 });
    else throw new PeerConfigError(this.name, 'http-raw needs text or base64');
    const waitMs = typeof p.waitMs === 'number' ? Math.min(Math.max(p.waitMs, 0), 10_000) : 2000;
    const url = typeof p.url === 'string' ? p.url : (this.config.mmsc ?? this.mm1Url());
    const r = await rawProbe(url, bytes, waitMs);
    const detail: JsonObject = { ...r, sent: bytes.length };
    this.event('http-raw-response', detail);
    return detail;
  }

  /**
   * Robustness probe: misbehaving connections to the MM1 port held in the background (see
   * holdConnections: idle, slow-headers, stalled-body, half-close, junk-half-open) while the case
   * goes on; publishes `http-hold-ended` with what the server did to them.
   */
  private httpHoldAction(p: JsonObject): Json {
    const spec = holdSpec(this.name, p);
    const url = typeof p.url === 'string' ? p.url : (this.config.mmsc ?? this.mm1Url());
    const h = holdConnections(url, spec);
    this.holds.add(h.cancel);
    h.done.then(
      (r) => {
        this.holds.delete(h.cancel);
        this.event('http-hold-ended', { ...r } as unknown as JsonObject);
      },
      (e: unknown) => {
        this.holds.delete(h.cancel);
        this.event('http-hold-ended', { mode: spec.mode, opened: 0, error: String(e) });
      },
    );
    return { mode: spec.mode, connections: spec.connections, holdMs: spec.holdMs };
  }

  // ---- MM1 transport ----------------------------------------------------------------

  private observe(bytes: Uint8Array, direction: 'in' | 'out', peer: string): MmsPdu | undefined {
    if (!this.timeline) return undefined;
    // what comes in is the target's: read leniently, each encoding defect published (see publishMm1)
    return publishMm1(
      this.timeline,
      { node: this.name, role: this.role, direction, peer, fromTarget: direction === 'in' },
      bytes,
    );
  }

  private mm1Url(): string {
    // Without an MMSC URL, post at the gateway itself (origin form): it forwards to its upstream.
    if (this.config.mmsc) return this.config.mmsc;
    if (this.config.gateway) return new URL('/', this.config.gateway).href;
    throw new PeerConfigError(this.name, 'no MMSC URL and no gateway configured');
  }

  /** POST of an MMS PDU to the MM1 URL; the response PDU, if any, is decoded and observed. */
  private async post(bytes: Uint8Array): Promise<HttpResult> {
    this.observe(bytes, 'out', 'mmsc');
    const r = await this.request('POST', this.mm1Url(), bytes);
    if (mediaType(r.contentType) === MMS_MEDIA_TYPE && r.body.length)
      r.pdu = this.observe(r.body, 'in', 'mmsc');
    return r;
  }

  /** One HTTP exchange, through the gateway as proxy when configured (WAP-229 §, HTTP/1.1 proxy form). */
  private request(method: 'GET' | 'POST', url: string, body?: Uint8Array): Promise<HttpResult> {
    const target = new URL(url);
    const headers: Record<string, string> = {
      Host: target.host,
      'User-Agent': this.profile.userAgent,
      Accept: [MMS_MEDIA_TYPE, ...this.profile.accept.filter((a) => a !== MMS_MEDIA_TYPE)].join(', '),
    };
    if (this.profile.uaProf) headers['X-Wap-Profile'] = `"${this.profile.uaProf}"`;
    if (body) {
      headers['Content-Type'] = MMS_MEDIA_TYPE;
      headers['Content-Length'] = String(body.length);
    }
    let options: http.RequestOptions;
    if (this.config.gateway) {
      const gw = new URL(this.config.gateway);
      headers['Proxy-Authorization'] = proxyCredential(this.msisdn);
      options = {
        host: gw.hostname,
        port: gw.port || 80,
        // Absolute form through the proxy (RFC 9112 §3.2.2); origin form when talking to the gateway itself.
        path: target.origin === gw.origin ? target.pathname + target.search : target.href,
        method,
        headers,
        agent: this.agent,
      };
    } else {
      if (!isLoopbackHost(target.hostname)) {
        return Promise.reject(
          new PeerConfigError(this.name, `no gateway, and ${target.host} is not on loopback`),
        );
      }
      options = {
        host: target.hostname,
        port: target.port || 80,
        path: target.pathname + target.search,
        method,
        headers,
        agent: this.agent,
      };
    }
    return httpExchange(options, body, 30_000, `${method} ${url}`);
  }
}

/**
 * The octets of `send raw`: base64 text, or a list of chunks (base64 text, or `{text}` written as
 * UTF-8) so a hand-made PDU can carry templated values such as the recipient's number.
 */
export function rawBytes(peer: string, raw: Json): Uint8Array {
  if (typeof raw === 'string') return bytesFromJson({ $base64: raw });
  if (!Array.isArray(raw) || raw.length === 0)
    throw new PeerConfigError(peer, 'send raw must be base64 text or a list of chunks');
  const chunks = raw.map((c) => {
    if (typeof c === 'string') return bytesFromJson({ $base64: c });
    if (c && typeof c === 'object' && !Array.isArray(c) && typeof c.text === 'string')
      return new TextEncoder().encode(c.text);
    throw new PeerConfigError(peer, 'a send raw chunk is base64 text or {text}');
  });
  return new Uint8Array(Buffer.concat(chunks));
}

/** `reportAllowed` of notifyresp / acknowledge: X-Mms-Report-Allowed Yes/No, absent when not given. */
function reportAllowedParam(peer: string, p: JsonObject): boolean | undefined {
  if (p.reportAllowed === undefined) return undefined;
  if (typeof p.reportAllowed !== 'boolean')
    throw new PeerConfigError(peer, 'reportAllowed must be true or false');
  return p.reportAllowed;
}

function resolveProfile(peer: string, p: HandsetConfig['profile']): DeviceProfile {
  if (p === undefined) return DEVICE_PROFILES[DEFAULT_PROFILE];
  if (typeof p === 'string') {
    const found = DEVICE_PROFILES[p];
    if (!found)
      throw new PeerConfigError(
        peer,
        `unknown device profile '${p}' (${Object.keys(DEVICE_PROFILES).join(', ')})`,
      );
    return found;
  }
  const merged = { ...DEVICE_PROFILES[DEFAULT_PROFILE], ...p };
  if (!['1.0', '1.1', '1.2', '1.3'].includes(merged.mmsVersion))
    throw new PeerConfigError(peer, 'mmsVersion is 1.0..1.3');
  if (!(merged.maxMessageSize > 0)) throw new PeerConfigError(peer, 'maxMessageSize must be > 0');
  return merged;
}

/**
 * `send`'s relative expiry: seconds, or a duration text such as an ICS timer renders to (`1s`,
 * `1500ms`, `1s + 2s`), rounded up to whole seconds (X-Mms-Expiry carries Delta-seconds-value,
 * OMA-TS-MMS_ENC-V1_3 X-Mms-Expiry).
 */
function expirySeconds(peer: string, v: Json | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  const ms = typeof v === 'string' ? parseDurationText(v) : undefined;
  if (ms === undefined)
    throw new PeerConfigError(peer, 'send: expiry must be seconds or a duration (2s, 1500ms)');
  return Math.ceil(ms / 1000);
}
