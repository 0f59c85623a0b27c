import http from 'node:http';
import type { MmsPdu } from '../../src/codec/mms/index.ts';
import { seededStream } from '../../src/util/case-clock.ts';
import type { Json } from '../../src/util/json.ts';
import type { AirInterface } from '../air-interface.ts';
import { BehaviourStack } from '../behaviour-stack.ts';
import {
  FULL_AGREEMENT,
  operatorOf,
  type PdpContext,
  type RoamingAgreement,
} from '../network/network-model.ts';
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
import type { RelayAnswer, RelayRequest } from '../wap-gateway/in-process-relay.ts';
import { publishMm1 } from '../wap-gateway/mm1-observation.ts';
import { DEFAULT_PROFILE, DEVICE_PROFILES, type DeviceProfile, type MmsVersion } from './device-profile.ts';
import { acknowledgeAction } from './exchanges/acknowledge.ts';
import { cancelConfAction } from './exchanges/cancel-conf.ts';
import { forwardAction } from './exchanges/forward.ts';
import type { HandsetLink, HttpResult } from './exchanges/handset-link.ts';
import { mboxAction } from './exchanges/mbox.ts';
import { notifyRespAction } from './exchanges/notifyresp.ts';
import { httpAction, httpHoldAction, httpRawAction } from './exchanges/probes.ts';
import { onSms } from './exchanges/push.ts';
import { readReportAction } from './exchanges/read-report.ts';
import { retrieveAction } from './exchanges/retrieve.ts';
import { sendAction } from './exchanges/send.ts';
import { HANDSET_ACTIONS } from './handset-actions.ts';
import { httpExchange } from './http-probe.ts';
import type { InboxEntry, RetrievalMode } from './inbox-entry.ts';

export { rawBytes } from './exchanges/send.ts';
export type { InboxEntry, RetrievalMode } from './inbox-entry.ts';

/**
 * A simulated handset (the MMS User Agent of OMA-TS-MMS_CTR). It submits over MM1 through the
 * WAP gateway (absolute-URI requests to the gateway as an HTTP proxy, its MSISDN as proxy
 * credential, see mocks/wap-gateway), receives WAP pushes from the SMSC mock over the
 * AirInterface, and runs the retrieval transactions of OMA-TS-MMS_CTR §6:
 * - immediate retrieval (§6.3.1): m-notification-ind -> GET -> m-retrieve-conf -> m-notifyresp-ind (Retrieved)
 * - deferred retrieval (§6.3.2): m-notification-ind -> m-notifyresp-ind (Deferred); later GET ->
 *   m-retrieve-conf -> m-acknowledge-ind
 * - rejection: m-notifyresp-ind (Rejected), also for messages larger than the profile accepts.
 * The class keeps the handset's state (inbox, behaviours) and its MM1 transport; each PDU exchange
 * is a file under exchanges/ (push, retrieve, notifyresp, acknowledge, send, read-report, forward,
 * mbox, probes) working through a HandsetLink.
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

export interface HandsetDeps {
  air?: AirInterface;
  /** The case's seed: the handset's transaction ids carry a tag drawn from it. */
  seed?: number;
}

/** Behaviour kinds: retrieval {mode}, offline, no-ack. */
export const HANDSET_BEHAVIOURS = ['retrieval', 'offline', 'no-ack'] as const;

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
  private readonly tidTag: string | undefined;
  /** Misbehaving connections held open in the background (`http-hold`), cancelled by stop(). */
  private readonly holds = new Set<() => void>();
  /** What the exchanges (exchanges/*.ts) see of this handset. */
  private readonly link: HandsetLink;
  /** The PDP context in use and the location it was opened in (a move opens a new one). */
  private pdp?: { at: string; ctx: PdpContext };
  /** The WAP gateway of this process, when requests to it are handed over without a socket (load runs). */
  private gatewayRelay?: (r: RelayRequest) => Promise<RelayAnswer>;

  constructor(config: HandsetConfig, deps: HandsetDeps = {}) {
    super();
    if (!/^[A-Za-z0-9_.-]+$/.test(config.name))
      throw new PeerConfigError(`ue.${config.name}`, 'bad handset name');
    this.name = `ue.${config.name}`;
    if (!isMsisdn(config.msisdn)) throw new PeerConfigError(this.name, `bad MSISDN '${config.msisdn}'`);
    this.msisdn = config.msisdn.startsWith('+') ? config.msisdn : `+${config.msisdn}`;
    this.config = config;
    this.deps = deps;
    this.tidTag =
      deps.seed === undefined
        ? undefined
        : Math.floor(seededStream(deps.seed, 'handset-tid')() * 36 ** 4)
            .toString(36)
            .padStart(4, '0');
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
    const link = this.makeLink();
    this.link = link;
    this.actions = bindActions(this.name, HANDSET_ACTIONS, {
      send: (p) => sendAction(link, p),
      retrieve: (p) => retrieveAction(link, p),
      notifyresp: (p) => notifyRespAction(link, p),
      acknowledge: (p) => acknowledgeAction(link, p),
      'cancel-conf': (p) => cancelConfAction(link, p),
      'read-report': (p) => readReportAction(link, p),
      forward: (p) => forwardAction(link, p),
      mbox: (p) => mboxAction(link, p),
      inbox: async () => this.inbox.map((e) => ({ ...e }) as unknown as Json),
      http: (p) => httpAction(link, p),
      'http-raw': (p) => httpRawAction(link, p),
      'http-hold': async (p) => httpHoldAction(link, p),
      roam: async (p) => this.roam(p),
    });
  }

  /** Points the handset at the gateway and the MMSC once their ports are known. */
  setNetwork(net: { gateway?: string; mmsc?: string }): void {
    if (net.gateway !== undefined) this.config.gateway = net.gateway;
    if (net.mmsc !== undefined) this.config.mmsc = net.mmsc;
  }

  /**
   * Hands MM1 requests to the WAP gateway of this process instead of sending them over TCP to its
   * port (`WapGateway.relay`; undefined: over TCP again). Load runs use it: the handset-gateway leg
   * is between two of our own nodes and no target sees it; the request the gateway forwards is the
   * same. The handset then has no MM1 socket to tap: the answer it got is an `mm1-answer` event
   * (detail: method, status, contentType) instead of bytes on its connection.
   */
  useGatewayRelay(relay: ((r: RelayRequest) => Promise<RelayAnswer>) | undefined): void {
    this.gatewayRelay = relay;
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
    // the subscriber leaves the simulated network with its handset (shared networks outlive a case)
    this.deps.air?.network.forget(this.msisdn);
    this.pdp = undefined;
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
    const set = this.has('retrieval')?.mode as RetrievalMode | undefined;
    if (set) return set;
    // the user's setting "no automatic retrieval while roaming" (OMA-TS-MMS_CTR §6.3: deferred)
    const network = this.deps.air?.network;
    const loc = network?.location(this.msisdn);
    if (loc && !loc.autoRetrieveRoaming && network?.roaming(this.msisdn)) return 'deferred';
    return this.config.retrieval ?? 'immediate';
  }

  /**
   * Action `roam`: a location update into a visited network `{mcc, mnc, name?}` (with the
   * agreement of the home and visited operators: `smsRoaming`, `gprsRoaming`, `apnBlocked`), back
   * home `{home: true}`, switched off / on where it is `{attached: false|true}` (switching on
   * alerts the SMSC of SMS waiting, 3GPP TS 23.040 §10.3); `autoRetrieve: false` is the handset's
   * setting not to retrieve automatically while roaming.
   */
  private async roam(p: Record<string, Json | undefined>): Promise<Json> {
    const network = this.deps.air?.network;
    if (!network) throw new PeerConfigError(this.name, 'roam: no simulated network (no air interface)');
    const home = network.homeOperator(this.msisdn);
    if (!home)
      throw new PeerConfigError(this.name, 'roam: the HLR does not know this subscriber (add an hlr peer)');
    const prev = network.location(this.msisdn);
    let serving = prev?.serving ?? home;
    if (p.home === true) serving = home;
    else if (p.mcc !== undefined || p.mnc !== undefined) {
      const mcc = String(p.mcc ?? '');
      const mnc = String(p.mnc ?? '');
      if (!/^\d{3}$/.test(mcc) || !/^\d{2,3}$/.test(mnc))
        throw new PeerConfigError(this.name, 'roam: mcc is 3 digits, mnc 2 or 3');
      serving = operatorOf(mcc, mnc, typeof p.name === 'string' ? p.name : undefined);
    }
    for (const k of ['smsRoaming', 'gprsRoaming', 'apnBlocked', 'home', 'attached', 'autoRetrieve'])
      if (p[k] !== undefined && typeof p[k] !== 'boolean')
        throw new PeerConfigError(this.name, `roam: ${k} must be true or false`);
    // Moving into a visited network states the agreement in force, whole (unnamed terms: SMS and
    // GPRS roaming agreed, APN open); coming home or switching on keeps the terms.
    const named = p.mcc !== undefined || p.mnc !== undefined;
    const agreement: RoamingAgreement = named
      ? {
          sms: (p.smsRoaming as boolean | undefined) ?? true,
          gprs: (p.gprsRoaming as boolean | undefined) ?? true,
          apnBlocked: (p.apnBlocked as boolean | undefined) ?? false,
        }
      : (prev?.agreement ?? FULL_AGREEMENT);
    network.locate({
      msisdn: this.msisdn,
      serving,
      attached: (p.attached as boolean | undefined) ?? prev?.attached ?? true,
      autoRetrieveRoaming: (p.autoRetrieve as boolean | undefined) ?? prev?.autoRetrieveRoaming ?? true,
      agreement,
    });
    const loc = network.location(this.msisdn)!;
    return {
      serving: `${serving.mcc}-${serving.mnc}`,
      home: `${home.mcc}-${home.mnc}`,
      roaming: network.roaming(this.msisdn),
      attached: loc.attached,
      autoRetrieve: loc.autoRetrieveRoaming,
      agreement: network.roaming(this.msisdn) ? { ...loc.agreement } : null,
    };
  }

  /**
   * The data path of a modelled subscriber: a PDP context for the MMS APN through the serving
   * SGSN to the home GGSN (3GPP TS 29.060 Create PDP Context, published on iface GTP when opened).
   * True when the subscriber is not modelled (the data path is not simulated then).
   */
  private dataPath(): boolean {
    const network = this.deps.air?.network;
    const loc = network?.location(this.msisdn);
    if (!network || !loc) return true;
    const at = `${loc.serving.mcc}-${loc.serving.mnc}|${loc.attached}|${JSON.stringify(network.agreement(this.msisdn))}`;
    if (this.pdp?.at === at) return this.pdp.ctx.accepted;
    const ctx = network.pdpContext(this.msisdn);
    if (!ctx) return true;
    this.pdp = { at, ctx };
    const base = { node: this.name, role: this.role, iface: 'GTP' as const };
    this.timeline?.publish({
      kind: 'message',
      ...base,
      direction: 'out',
      peer: ctx.sgsn,
      type: 'GTP-Create-PDP-Context-Request',
      fields: { apn: ctx.apn, sgsn: ctx.sgsn, msisdn: this.msisdn.slice(1) },
    });
    this.timeline?.publish({
      kind: 'message',
      ...base,
      direction: 'in',
      peer: ctx.sgsn,
      type: 'GTP-Create-PDP-Context-Response',
      fields: ctx.accepted
        ? { cause: 'Request accepted', ...(ctx as unknown as Record<string, Json>) }
        : { cause: ctx.cause, accepted: false, apn: ctx.apn, sgsn: ctx.sgsn },
    });
    return ctx.accepted;
  }

  private get version(): MmsVersion {
    return this.profile.mmsVersion;
  }

  private attach(): void {
    if (this.unregister || this.has('offline') || !this.deps.air) return;
    this.unregister = this.deps.air.register(this.msisdn, (sms) => onSms(this.link, sms));
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

  /** What the exchanges (exchanges/) use of this handset. */
  private makeLink(): HandsetLink {
    const self = this;
    return {
      name: this.name,
      role: this.role,
      msisdn: this.msisdn,
      profile: this.profile,
      get version() {
        return self.version;
      },
      get timeline() {
        return self.timeline;
      },
      inbox: this.inbox,
      get retrievalMode() {
        return self.retrievalMode;
      },
      get gateway() {
        return self.config.gateway;
      },
      get mmsc() {
        return self.config.mmsc;
      },
      get probeAgent() {
        return self.probeAgent;
      },
      holds: this.holds,
      has: (kind) => this.has(kind),
      event: (name, detail, iface) => this.event(name, detail, iface),
      track: (p) => this.track(p),
      observe: (bytes, direction, peer) => this.observe(bytes, direction, peer),
      mm1Url: () => this.mm1Url(),
      post: (bytes) => this.post(bytes),
      request: (method, url, body) => this.request(method, url, body),
      nextTid: () => this.nextTid(),
      dataPath: () => this.dataPath(),
    };
  }

  /**
   * `alice-1`, `alice-2`...; with a seed `alice-k3f9-1`: the tag tells this case's ids from those
   * of the same handset name in an earlier run against a target that remembers them (an MMSC
   * keys duplicate m-send-req detection on sender and X-Mms-Transaction-Id, OMA-TS-MMS_ENC §7.3.63).
   */
  private nextTid(): string {
    this.txn += 1;
    return this.tidTag === undefined
      ? `${this.name.slice(3)}-${this.txn}`
      : `${this.name.slice(3)}-${this.tidTag}-${this.txn}`;
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
    if (!this.dataPath()) {
      const c = this.pdp?.ctx;
      return Promise.reject(
        new PeerConfigError(this.name, `no data path: ${c && !c.accepted ? c.cause : 'PDP context refused'}`),
      );
    }
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
      // Absolute form through the proxy (RFC 9112 §3.2.2); origin form when talking to the gateway itself.
      const path = target.origin === gw.origin ? target.pathname + target.search : target.href;
      if (this.gatewayRelay) return this.relayed(this.gatewayRelay, method, path, headers, body);
      options = {
        host: gw.hostname,
        port: gw.port || 80,
        path,
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

  /** The request handed to the gateway in this process (useGatewayRelay), its headers in the order node:http writes them. */
  private async relayed(
    relay: (r: RelayRequest) => Promise<RelayAnswer>,
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: Uint8Array | undefined,
  ): Promise<HttpResult> {
    const rawHeaders = Object.entries(headers).flat();
    rawHeaders.push('Connection', 'keep-alive');
    const a = await relay({ method, url: path, rawHeaders, ...(body ? { body } : {}) });
    this.event('mm1-answer', { method, status: a.status, contentType: a.contentType }, 'MM1');
    return { status: a.status, contentType: a.contentType, body: a.body };
  }
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
