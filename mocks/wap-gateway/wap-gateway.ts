import http from 'node:http';
import type { Json, JsonObject } from '../../src/util/json.ts';
import type { AirInterface } from '../air-interface.ts';
import { BehaviourStack } from '../behaviour-stack.ts';
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
import { WAP_GATEWAY_ACTIONS } from './gateway-actions.ts';
import {
  BodyCollector,
  basicUser,
  delay,
  HOP_BY_HOP,
  headerValue,
  isLoopbackHost,
  isMsisdn,
  MMS_MEDIA_TYPE,
  mediaType,
} from './http-util.ts';
import { type RelayAnswer, RelayIncoming, type RelayRequest, RelayResponse } from './in-process-relay.ts';
import { publishMm1 } from './mm1-observation.ts';

/**
 * A WAP 2.0 HTTP proxy in front of an MM1 endpoint (WAP-229 HTTP proxy behaviour).
 *
 * Subscriber identity: a real gateway knows the subscriber from the PDP context (RADIUS
 * accounting maps the handset's IP address to its MSISDN). On loopback every handset has the
 * same address, so here the handset presents its MSISDN as its proxy credential —
 * `Proxy-Authorization: Basic base64("<msisdn>:")` — which is a hop-by-hop header the gateway
 * consumes and never forwards (RFC 7235 §4.4). Whatever subscriber headers the handset sent
 * itself are removed before the gateway's own are added, as operators do against spoofing.
 *
 * Requests arrive either in absolute form through the proxy (`POST http://mmsc/mms`) or in
 * origin form posted at the gateway directly (`POST /mms`). An absolute URI naming a loopback
 * host is forwarded there; any other host name stands for the operator's MMSC and is resolved
 * to the configured upstream (the gateway never connects beyond 127.0.0.0/8).
 *
 * Bodies are streamed byte-exact both ways; MMS PDUs (application/vnd.wap.mms-message) are
 * decoded on the side, up to `maxObservedBody` octets, and published as MM1 observations.
 */
export interface WapGatewayConfig {
  /** Node name on the timeline (default `wap-gateway`). */
  name?: string;
  /** Listening port (default 0 = ephemeral). */
  port?: number;
  /** The MM1 endpoint, e.g. http://127.0.0.1:8002/mms (settable later: `setUpstream`). */
  upstream?: string;
  /** Subscriber header names to add (default: X-MSISDN and X-WAP-Network-Client-MSISDN). */
  msisdnHeaders?: string[];
  /** `digits` (default, e.g. 15550001) or `international` (+15550001). */
  msisdnFormat?: 'digits' | 'international';
  /** Answer 407 to a request without a subscriber credential (default false: forwarded without headers). */
  requireSubscriber?: boolean;
  /** Largest body decoded for observations (default 8 MiB); larger ones are relayed, not decoded. */
  maxObservedBody?: number;
}

/** Subscriber header names real gateways use; any subset can be configured. */
export const MSISDN_HEADER_NAMES = [
  'X-MSISDN',
  'X-WAP-Network-Client-MSISDN',
  'X-Nokia-MSISDN',
  'X-Up-Calling-Line-ID',
] as const;

/**
 * What the gateway learns of a modelled subscriber's PDP context from the home GGSN (RADIUS
 * accounting, 3GPP TS 29.061 §16.4.7: 3GPP-IMSI, 3GPP-SGSN-MCC-MNC, Framed-IP-Address) and passes
 * on as headers (header enrichment): the IMSI, the PLMN of the serving SGSN (the roaming
 * indication) and the source address the home GGSN gave the handset (the client the gateway
 * proxies for). A client's own values of these headers are dropped, never passed on.
 */
export const NETWORK_HEADER_NAMES = {
  imsi: 'X-IMSI',
  sgsnMccMnc: 'X-3GPP-SGSN-MCC-MNC',
  source: 'X-Forwarded-For',
} as const;

/** Behaviour kinds (see mocks/wap-gateway/README.md). */
export const WAP_GATEWAY_BEHAVIOURS = ['strip-msisdn', 'spoof-msisdn', 'status', 'slow'] as const;

export class WapGateway extends PeerShell {
  readonly name: string;
  readonly role = 'wap-gateway' as const;
  readonly actions: Readonly<Record<string, PeerAction>>;
  private readonly config: WapGatewayConfig;
  private upstream?: URL;
  protected readonly iface = 'MM1' as const;
  /** The port it listens on while started (an absolute URI naming it is origin form). */
  private ownPort?: number;
  private readonly behaviours = new BehaviourStack<BehaviourSpec>();
  // Idle kept-alive connections are closed by us after 2 s (Node's Agent destroys a free socket on
  // its timeout), before a target's usual idle timeout (5 s and up) can close one under a request
  // we are writing (RFC 9112 §9.6): a POST is never retried, so that race would be a 502.
  private readonly agent = new http.Agent({ keepAlive: true, timeout: 2_000 });

  constructor(
    config: WapGatewayConfig = {},
    private readonly air?: AirInterface,
  ) {
    super();
    this.config = config;
    this.name = config.name ?? 'wap-gateway';
    for (const h of config.msisdnHeaders ?? []) {
      if (!/^[A-Za-z0-9-]+$/.test(h)) throw new PeerConfigError(this.name, `bad header name '${h}'`);
    }
    if (config.upstream) this.setUpstream(config.upstream);
    this.actions = bindActions(this.name, WAP_GATEWAY_ACTIONS, {
      'clear-behaviours': clearBehavioursAction(this),
      'set-upstream': async (p: JsonObject): Promise<Json> => {
        if (typeof p.url !== 'string') throw new PeerConfigError(this.name, 'set-upstream needs {url}');
        this.setUpstream(p.url);
        return { upstream: p.url };
      },
    });
  }

  /** Points the gateway at the MM1 endpoint (its port is often known only after the MMSC starts). */
  setUpstream(url: string): void {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new PeerConfigError(this.name, `upstream '${url}' is not a URL`);
    }
    if (u.protocol !== 'http:') throw new PeerConfigError(this.name, `upstream '${url}' must be http:`);
    if (!isLoopbackHost(u.hostname))
      throw new PeerConfigError(this.name, `upstream '${url}' is not on loopback`);
    this.upstream = u;
  }

  get url(): string | undefined {
    return this.endpoints()[0]?.url;
  }

  protected async open(ctx: PeerContext): Promise<PeerEndpoint[]> {
    this.tappedAgent(this.agent, this.tapOptions('MM1', { peerNode: 'mmsc', peerRole: 'mmsc' }));
    // Malformed HTTP from a handset: 400 and close that connection; the server keeps serving.
    const port = await this.serveHttp(
      (req, res) => {
        this.handle(req, res).catch((e) => this.fail(res, 502, `gateway error: ${String(e)}`));
      },
      {
        port: this.config.port,
        host: ctx.host,
        tap: this.tapOptions('MM1', { peerRole: 'ue' }),
        // Handsets keep their connections to us: we close an idle one only after a minute, so a
        // handset's request after a (scaled) wait never races our close (RFC 9112 §9.6).
        configure: (server) => {
          server.keepAliveTimeout = 60_000;
        },
      },
    );
    this.ownPort = port;
    return [
      {
        peer: this.name,
        protocol: 'http',
        url: `http://${ctx.host}:${port}`,
        note: this.upstream ? `(WAP proxy -> ${this.upstream.href})` : '(WAP proxy, no upstream yet)',
      },
    ];
  }

  protected override async close(): Promise<void> {
    this.ownPort = undefined;
  }

  use(b: BehaviourSpec): void {
    switch (b.kind) {
      case 'strip-msisdn':
        break;
      case 'spoof-msisdn':
        if (typeof b.msisdn !== 'string' || !isMsisdn(b.msisdn)) {
          throw new PeerConfigError(this.name, 'spoof-msisdn needs {msisdn: "+15550009"}');
        }
        break;
      case 'status':
        if (
          b.code !== 502 &&
          b.code !== 504 &&
          !(typeof b.code === 'number' && b.code >= 400 && b.code <= 599)
        ) {
          throw new PeerConfigError(this.name, 'status needs {code: 502|504} (any 4xx/5xx)');
        }
        break;
      case 'slow':
        if (typeof b.ms !== 'number' || b.ms < 0 || b.ms > 600_000) {
          throw new PeerConfigError(this.name, 'slow needs {ms: 0..600000}');
        }
        break;
      default:
        throw new PeerConfigError(
          this.name,
          `unknown behaviour '${b.kind}' (${WAP_GATEWAY_BEHAVIOURS.join(', ')})`,
        );
    }
    this.behaviours.push({ ...b });
  }

  resetBehaviours(): void {
    this.behaviours.clear();
  }

  /** Request headers never forwarded: hop-by-hop, Host, and every subscriber or network header (the gateway sets its own). */
  private get dropped(): ReadonlySet<string> {
    if (!this.droppedSet) {
      const drop = new Set([...HOP_BY_HOP, 'host']);
      for (const h of MSISDN_HEADER_NAMES) drop.add(h.toLowerCase());
      for (const h of Object.values(NETWORK_HEADER_NAMES)) drop.add(h.toLowerCase());
      for (const h of this.config.msisdnHeaders ?? []) drop.add(h.toLowerCase());
      this.droppedSet = drop;
    }
    return this.droppedSet;
  }
  private droppedSet?: ReadonlySet<string>;

  private behaviour(kind: string): BehaviourSpec | undefined {
    return this.behaviours.find(kind);
  }

  private fail(res: http.ServerResponse, code: number, reason: string): void {
    this.event('gateway-error', { status: code, reason });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(code, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end(`${reason}\n`);
  }

  /**
   * A request of a handset in this process, handed over without a socket (load runs; see
   * in-process-relay.ts): proxied by the same handler as a request on the gateway's port, so the
   * target receives the same request and the gateway records the same observations.
   */
  relay(r: RelayRequest): Promise<RelayAnswer> {
    if (!this.started) return Promise.reject(new Error(`${this.name} is not started`));
    return new Promise<RelayAnswer>((resolve, reject) => {
      // the handler reads and writes only what these two adapters have of IncomingMessage / ServerResponse
      const req = new RelayIncoming(r) as unknown as http.IncomingMessage;
      const res = new RelayResponse(resolve, reject) as unknown as http.ServerResponse;
      this.handle(req, res).catch((e) => this.fail(res, 502, `gateway error: ${String(e)}`));
    });
  }

  /** Where the request goes: the loopback URL it names, or the operator's MMSC (upstream). */
  private target(reqUrl: string): URL | string {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reqUrl)) {
      let u: URL;
      try {
        u = new URL(reqUrl);
      } catch {
        return 'bad absolute URI';
      }
      if (u.protocol !== 'http:') return `scheme ${u.protocol} not proxied`;
      // An absolute URI naming the gateway itself would loop: treat it as origin form.
      if (isLoopbackHost(u.hostname) && Number(u.port || 80) === this.ownPort) {
        return this.target(u.pathname + u.search);
      }
      if (isLoopbackHost(u.hostname)) return u;
      if (!this.upstream) return 'no upstream MMSC configured';
      return new URL(u.pathname + u.search, this.upstream.origin);
    }
    if (!reqUrl.startsWith('/')) return 'bad request target';
    if (!this.upstream) return 'no upstream MMSC configured';
    if (reqUrl === '/') return new URL(this.upstream.href);
    return new URL(reqUrl, this.upstream.origin);
  }

  private subscriberHeaders(msisdn: string | undefined): Record<string, string> {
    if (!msisdn) return {};
    const digits = msisdn.replace(/^\+/, '');
    const value = this.config.msisdnFormat === 'international' ? `+${digits}` : digits;
    const out: Record<string, string> = {};
    for (const h of this.config.msisdnHeaders ?? ['X-MSISDN', 'X-WAP-Network-Client-MSISDN']) out[h] = value;
    return out;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'CONNECT') {
      this.fail(res, 501, 'CONNECT not supported');
      return;
    }
    // Subscriber identity from the proxy credential (see the class comment).
    const credential = basicUser(headerValue(req.headers, 'proxy-authorization'));
    let msisdn = credential && isMsisdn(credential) ? credential : undefined;
    if (!msisdn && this.config.requireSubscriber) {
      req.resume();
      this.event('gateway-error', { status: 407, reason: 'no subscriber credential' });
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="wap"', 'Content-Length': '0' });
      res.end();
      return;
    }
    const target = this.target(req.url ?? '');
    if (typeof target === 'string') {
      req.resume();
      this.fail(res, target.startsWith('no upstream') ? 502 : 400, target);
      return;
    }
    const spoof = this.behaviour('spoof-msisdn');
    if (this.behaviour('strip-msisdn')) msisdn = undefined;
    else if (spoof) msisdn = spoof.msisdn as string;

    const status = this.behaviour('status');
    const slow = this.behaviour('slow');
    if (slow) await delay(slow.ms as number);

    const reqIsMms = mediaType(req.headers['content-type']) === MMS_MEDIA_TYPE;
    const limit = this.config.maxObservedBody ?? 8 * 1024 * 1024;
    const reqBody = new BodyCollector(reqIsMms ? limit : 0);
    const base = { node: this.name, role: this.role };
    req.on('data', (c: Buffer) => reqIsMms && reqBody.push(c));
    req.on('end', () => {
      if (!reqIsMms) return;
      if (reqBody.overflow)
        this.event('mm1-not-decoded', { size: reqBody.size, reason: 'larger than maxObservedBody' });
      else publishMm1(this.timeline!, { ...base, direction: 'in' }, reqBody.bytes());
    });

    if (status) {
      req.resume();
      const code = status.code as number;
      this.event('behaviour-applied', { kind: 'status', code, url: target.href });
      res.writeHead(code, {
        'Content-Type': 'text/plain',
        'Content-Length': String(http.STATUS_CODES[code]?.length ?? 0),
      });
      res.end(http.STATUS_CODES[code] ?? '');
      return;
    }

    const headers: Record<string, string | string[]> = {};
    const drop = this.dropped;
    const connTokens = (headerValue(req.headers, 'connection') ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase());
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      const lower = name.toLowerCase();
      if (drop.has(lower) || connTokens.includes(lower)) continue;
      const prev = headers[name];
      const v = req.rawHeaders[i + 1];
      headers[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    // the PDP context the home GGSN reported for this subscriber (simulated network only)
    const pdp = msisdn ? this.air?.network.pdpContext(msisdn) : undefined;
    const network: Record<string, string> =
      pdp?.accepted === true
        ? {
            [NETWORK_HEADER_NAMES.imsi]: pdp.imsi,
            [NETWORK_HEADER_NAMES.sgsnMccMnc]: pdp.sgsnMccMnc,
            [NETWORK_HEADER_NAMES.source]: pdp.address,
          }
        : {};
    Object.assign(headers, this.subscriberHeaders(msisdn), network);
    headers.Via = `${req.httpVersion} ${this.name}`;

    this.event('proxied', {
      method: req.method ?? 'GET',
      url: target.href,
      msisdn: msisdn ?? null,
      subscriberHeaders: [...Object.keys(this.subscriberHeaders(msisdn)), ...Object.keys(network)],
      ...(pdp?.accepted === true
        ? {
            ggsn: pdp.ggsn,
            sgsn: pdp.sgsn,
            sgsnMccMnc: pdp.sgsnMccMnc,
            roaming: pdp.roaming,
            source: pdp.address,
          }
        : {}),
    });

    // A kept-alive connection the MMSC closed after its idle timeout while this request was on its
    // way fails before any answer (RFC 9112 §9.6: either side may close an idle connection;
    // §9.3.1: a client may retry an idempotent request then). A bodiless request is sent once
    // more on a new connection, instead of a 502 the target never caused.
    const bodiless = req.method === 'GET' || req.method === 'HEAD';
    const send = (retry: boolean): http.ClientRequest => {
      const r = http.request(target, { method: req.method, headers, agent: this.agent });
      r.on('error', (e) => {
        const code = (e as NodeJS.ErrnoException).code;
        if (retry && bodiless && r.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
          this.event('upstream-retry', { reason: e.message });
          send(false).end();
          return;
        }
        this.fail(res, 502, `upstream ${target.origin}: ${e.message}`);
      });
      r.on('response', (up) => answer(up));
      req.on('aborted', () => r.destroy());
      res.on('close', () => {
        if (!res.writableFinished) r.destroy();
      });
      return r;
    };
    const answer = (up: http.IncomingMessage) => {
      const resHeaders: Record<string, string | string[]> = {};
      for (let i = 0; i < up.rawHeaders.length; i += 2) {
        const name = up.rawHeaders[i];
        if (HOP_BY_HOP.has(name.toLowerCase())) continue;
        const prev = resHeaders[name];
        const v = up.rawHeaders[i + 1];
        resHeaders[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      res.writeHead(up.statusCode ?? 502, up.statusMessage, resHeaders);
      const resIsMms = mediaType(up.headers['content-type']) === MMS_MEDIA_TYPE;
      const resBody = new BodyCollector(resIsMms ? limit : 0);
      up.on('data', (c: Buffer) => resIsMms && resBody.push(c));
      up.on('end', () => {
        if (!resIsMms) return;
        if (resBody.overflow)
          this.event('mm1-not-decoded', { size: resBody.size, reason: 'larger than maxObservedBody' });
        else publishMm1(this.timeline!, { ...base, direction: 'out', fromTarget: true }, resBody.bytes());
      });
      up.on('error', () => res.destroy());
      up.pipe(res);
    };
    req.pipe(send(true));
  }
}
