import * as dgram from 'node:dgram';
import type * as http from 'node:http';
import * as net from 'node:net';
import { dnsToJson, encodeDnsMessage, rrTypeName } from '../../src/codec/dns/dns-message.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';
import type { Iface } from '../../src/wire/nodes.ts';
import { tapServer, tapSocket, tapUdp } from '../../src/wire/tap.ts';
import type { AirInterface } from '../air-interface.ts';
import { FULL_AGREEMENT, operatorOf, type SriSmAnswer } from '../network/network-model.ts';
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
import { answerDns, type DnsExchange } from './dns-responder.ts';
import { isMcc, isMnc, normaliseE164 } from './enum.ts';
import { HLR_ACTIONS } from './hlr-actions.ts';
import {
  generateSubscribers,
  HlrDirectory,
  type Subscriber,
  subscriberFromJson,
  subscriberJson,
} from './hlr-directory.ts';

export interface HlrConfig {
  name?: string;
  /** DNS port, UDP and TCP (default 0: ephemeral, the same number for both). */
  dnsPort?: number;
  /** HTTP lookup port (default 0). */
  httpPort?: number;
  subscribers?: Subscriber[];
  /** Generate this many subscribers from the seed (in addition to `subscribers`). */
  generate?: number;
  domains?: Record<string, string>;
  ttl?: number;
}

export interface HlrDeps {
  /** The run's seed, for generated subscribers. */
  seed?: number;
  /** The simulated network whose routing queries (MAP SRI-SM) this HLR answers while started. */
  air?: AirInterface;
}

type HlrBehaviour =
  | { kind: 'servfail' }
  | { kind: 'slow'; ms: number }
  | { kind: 'nxdomain-all' }
  | { kind: 'truncate' }
  | { kind: 'decoy-naptr'; domain: string };

export const HLR_BEHAVIOUR_KINDS = ['servfail', 'slow', 'nxdomain-all', 'truncate', 'decoy-naptr'] as const;

/** Reads and validates an HLR config (YAML / JSON). */
export function hlrConfigFromJson(config: JsonObject): HlrConfig {
  const known = new Set(['name', 'dnsPort', 'httpPort', 'subscribers', 'generate', 'domains', 'ttl']);
  for (const k of Object.keys(config))
    if (!known.has(k)) throw new PeerConfigError('hlr', `unknown config key '${k}'`);
  const out: HlrConfig = {};
  if (config.name !== undefined) {
    if (typeof config.name !== 'string') throw new PeerConfigError('hlr', 'name must be a string');
    out.name = config.name;
  }
  for (const k of ['dnsPort', 'httpPort'] as const) {
    const v = config[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535)
      throw new PeerConfigError('hlr', `${k} must be 0..65535`);
    out[k] = v;
  }
  for (const k of ['generate', 'ttl'] as const) {
    const v = config[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000)
      throw new PeerConfigError('hlr', `${k} must be an integer 0..100000`);
    out[k] = v;
  }
  if (config.subscribers !== undefined) {
    if (!Array.isArray(config.subscribers)) throw new PeerConfigError('hlr', 'subscribers must be a list');
    out.subscribers = config.subscribers.map((s, i) => subscriberFromJson(s, `subscribers[${i}]`));
  }
  if (config.domains !== undefined) {
    const d = config.domains;
    if (!d || typeof d !== 'object' || Array.isArray(d))
      throw new PeerConfigError('hlr', 'domains must map domain -> 127.0.0.1');
    out.domains = {};
    for (const [k, v] of Object.entries(d)) {
      if (typeof v !== 'string') throw new PeerConfigError('hlr', `domains.${k} must be an address string`);
      out.domains[k] = v;
    }
  }
  return out;
}

function parseBehaviour(spec: BehaviourSpec): HlrBehaviour {
  switch (spec.kind) {
    case 'servfail':
    case 'nxdomain-all':
    case 'truncate':
      return { kind: spec.kind };
    case 'slow': {
      const ms = spec.ms;
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 60_000) {
        throw new PeerConfigError('hlr', 'slow: ms must be an integer 0..60000');
      }
      return { kind: 'slow', ms };
    }
    case 'decoy-naptr': {
      const domain = spec.domain;
      if (typeof domain !== 'string' || !/^[A-Za-z0-9.-]+$/.test(domain))
        throw new PeerConfigError('hlr', 'decoy-naptr: domain must be a domain name');
      return { kind: 'decoy-naptr', domain };
    }
    default:
      throw new PeerConfigError(
        'hlr',
        `unknown behaviour '${spec.kind}' (known: ${HLR_BEHAVIOUR_KINDS.join(', ')})`,
      );
  }
}

function decoyOf(bs: readonly HlrBehaviour[]): { decoyDomain?: string } {
  const d = bs.find((b) => b.kind === 'decoy-naptr');
  return d && d.kind === 'decoy-naptr' ? { decoyDomain: d.domain } : {};
}

const HLR_PATH = /^\/hlr\/v1\/subscribers\/([^/?#]*)$/;

/**
 * The MM5 side of the network: a DNS server (UDP and TCP on one port) answering ENUM NAPTR
 * for subscribers and A / MX for MMSC domains, and an HTTP subscriber lookup
 * (`GET /hlr/v1/subscribers/{msisdn}`) standing in for the HLR query an MMSC makes.
 */
export class HlrPeer extends PeerShell {
  readonly name: string;
  readonly role = 'hlr' as const;
  readonly actions: Readonly<Record<string, PeerAction>>;
  readonly directory: HlrDirectory;
  protected readonly iface = 'MM5' as const;
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  /** DNS-over-TCP connections, ended at stop. */
  private readonly sockets = new Set<net.Socket>();
  private behaviours: HlrBehaviour[] = [];
  private unplug?: () => void;

  constructor(
    private readonly config: HlrConfig = {},
    private readonly deps: HlrDeps = {},
  ) {
    super();
    this.name = config.name ?? 'hlr';
    // No subscribers configured: ten generated from the run's seed, so a bare HLR answers something.
    const count = config.generate ?? (config.subscribers ? 0 : 10);
    const generated = count > 0 ? generateSubscribers(count, deps.seed ?? 1) : [];
    this.directory = new HlrDirectory([...generated, ...(config.subscribers ?? [])], config.domains ?? {});
    this.actions = bindActions(this.name, HLR_ACTIONS, {
      'clear-behaviours': clearBehavioursAction(this),
      'add-subscriber': async (p) => {
        const s = subscriberFromJson(p, 'add-subscriber');
        this.directory.put(s);
        return subscriberJson(s);
      },
      // A number range at once, for fan-out cases: {prefix, count, first?, mcc, mnc} adds
      // <prefix><first..first+count-1, 4 digits> (as the remote MMSC's and MTA's rcptRange).
      'add-subscribers': async (p) => {
        const count = Number(p.count);
        const first = p.first === undefined ? 1 : Number(p.first);
        if (typeof p.prefix !== 'string' || !Number.isInteger(count) || count < 1 || count > 10_000)
          throw new PeerConfigError(this.name, 'add-subscribers: prefix and count (1..10000) required');
        if (!Number.isInteger(first) || first < 0 || first + count > 10_000)
          throw new PeerConfigError(this.name, 'add-subscribers: first + count must stay within 4 digits');
        for (let i = 0; i < count; i++) {
          const msisdn = `${p.prefix}${String(first + i).padStart(4, '0')}`;
          this.directory.put(
            subscriberFromJson({ msisdn, mcc: p.mcc ?? null, mnc: p.mnc ?? null }, 'add-subscribers'),
          );
        }
        return { added: count };
      },
      'remove-subscriber': async (p) => {
        if (typeof p.msisdn === 'string') this.deps.air?.network.forget(p.msisdn);
        return { removed: typeof p.msisdn === 'string' && this.directory.remove(p.msisdn) };
      },
      port: async (p) => this.port(p),
      locate: async (p) => this.locate(p),
      subscribers: async () => this.directory.list().map(subscriberJson),
    });
  }

  /** Number portability (action `port`): the number moves to another PLMN, its ENUM answer follows. */
  private async port(p: JsonObject): Promise<Json> {
    const s = typeof p.msisdn === 'string' ? this.directory.get(p.msisdn) : undefined;
    if (!s) throw new PeerConfigError(this.name, `port: unknown msisdn ${JSON.stringify(p.msisdn)}`);
    const mcc = String(p.mcc ?? s.mcc);
    const mnc = String(p.mnc ?? '');
    if (!isMcc(mcc) || !isMnc(mnc))
      throw new PeerConfigError(this.name, 'port: needs mnc (and optionally mcc) of the new network');
    const moved: Subscriber = { ...s, mcc, mnc, ported: true };
    this.directory.put(moved);
    return subscriberJson(moved);
  }

  /**
   * Action `locate`: the subscriber registers in the network `mcc`/`mnc` (MAP UpdateLocation, 3GPP
   * TS 29.002 §8.1.2) with both roaming agreements in force; the SMSC then routes its SMS there.
   * For numbers without a handset of the case (an inbound roamer of another operator).
   */
  private async locate(p: JsonObject): Promise<Json> {
    const network = this.deps.air?.network;
    const s = typeof p.msisdn === 'string' ? this.directory.get(p.msisdn) : undefined;
    if (!s) throw new PeerConfigError(this.name, `locate: unknown msisdn ${JSON.stringify(p.msisdn)}`);
    const mcc = String(p.mcc ?? '');
    const mnc = String(p.mnc ?? '');
    if (!isMcc(mcc) || !isMnc(mnc)) throw new PeerConfigError(this.name, 'locate: needs mcc and mnc');
    if (!network) throw new PeerConfigError(this.name, 'locate: no simulated network in this run');
    network.locate({
      msisdn: s.msisdn,
      serving: operatorOf(mcc, mnc),
      attached: p.attached !== false,
      autoRetrieveRoaming: true,
      agreement: FULL_AGREEMENT,
    });
    return {
      msisdn: s.msisdn,
      serving: `${mcc}-${mnc}`,
      home: `${s.mcc}-${s.mnc}`,
      roaming: network.roaming(s.msisdn),
    };
  }

  /**
   * MAP SRI-SM (3GPP TS 29.002 §12.1, TS 23.040 §10.1): the SMSC asks where to deliver an MT SMS;
   * the answer comes from the network model (serving MSC, or absent subscriber / barred without
   * an SMS roaming agreement). Published as a MAP message pair on this node.
   */
  private sriSm(msisdn: string, smsc: string): SriSmAnswer | undefined {
    const network = this.deps.air?.network;
    if (!network) return undefined;
    const s = this.directory.get(msisdn);
    const a: SriSmAnswer | undefined = this.has('servfail')
      ? { result: 'error', error: 'absentSubscriberSM', cause: 'HLR unavailable (servfail behaviour)' }
      : s
        ? network.route(msisdn)
        : { result: 'error', error: 'unknownSubscriber', cause: 'not in the HLR' };
    if (!a) return undefined;
    const base = { node: this.name, role: 'hlr' as const, iface: 'MAP' as const, peer: smsc };
    this.timeline?.publish({
      kind: 'message',
      ...base,
      direction: 'in',
      type: 'MAP-SRI-SM',
      fields: { msisdn: msisdn.replace(/^\+/, ''), serviceCentre: smsc },
    });
    this.timeline?.publish({
      kind: 'message',
      ...base,
      direction: 'out',
      type: a.result === 'route' ? 'MAP-SRI-SM-ack' : 'MAP-SRI-SM-error',
      fields: { msisdn: msisdn.replace(/^\+/, ''), ...a },
    });
    return a;
  }

  protected async open(ctx: PeerContext): Promise<PeerEndpoint[]> {
    this.unplug = this.deps.air?.network.attachHlr({
      home: (msisdn) => {
        const s = this.directory.get(msisdn);
        return s ? { imsi: s.imsi, mcc: s.mcc, mnc: s.mnc } : undefined;
      },
      sriSm: (msisdn, smsc) => this.sriSm(msisdn, smsc),
    });
    const dnsPort = await this.listenDns(ctx.host, this.config.dnsPort ?? 0);
    const httpPort = await this.serveHttp((req, res) => this.onHttp(req, res), {
      port: this.config.httpPort,
      host: ctx.host,
      onClientError: (err) => this.event('hlr-http-client-error', { error: err.message }, 'MM5'),
    });
    return [
      {
        peer: this.name,
        protocol: 'dns',
        url: `dns://${ctx.host}:${dnsPort}`,
        note: '(ENUM NAPTR, A, MX; UDP and TCP)',
      },
      { peer: this.name, protocol: 'http', url: `http://${ctx.host}:${httpPort}/hlr/v1/subscribers/` },
    ];
  }

  /** UDP first, then TCP on the same number (node:dns retries a truncated answer over TCP to the same port). */
  private async listenDns(host: string, wanted: number): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const udp = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(wanted, host, () => {
          udp.removeListener('error', reject);
          resolve();
        });
      });
      const port = udp.address().port;
      const tcp = net.createServer((s) => this.onTcp(s));
      const ok = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(port, host, () => resolve(true));
      });
      if (!ok) {
        udp.close();
        if (wanted !== 0) throw new PeerConfigError(this.name, `DNS TCP port ${wanted} is in use`);
        continue;
      }
      tcp.removeAllListeners('error');
      tcp.on('error', (e) => this.event('hlr-dns-tcp-error', { error: e.message }, 'DNS'));
      udp.on('error', (e) => this.event('hlr-dns-udp-error', { error: e.message }, 'DNS'));
      if (this.timeline) {
        tapUdp(udp, { timeline: this.timeline, node: this.name, role: 'hlr', iface: 'DNS' });
        tapServer(tcp, { timeline: this.timeline, node: this.name, role: 'hlr', iface: 'DNS' });
      }
      udp.on('message', (msg, rinfo) => void this.onUdp(udp, msg, rinfo));
      this.udp = udp;
      this.tcp = tcp;
      return port;
    }
    throw new PeerConfigError(this.name, 'could not bind UDP and TCP DNS on one port');
  }

  protected override async close(): Promise<void> {
    this.unplug?.();
    this.unplug = undefined;
    const { udp, tcp } = this;
    this.udp = undefined;
    this.tcp = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all([
      udp ? new Promise<void>((r) => udp.close(() => r())) : undefined,
      tcp ? new Promise<void>((r) => tcp.close(() => r())) : undefined,
    ]);
  }

  use(spec: BehaviourSpec): void {
    this.behaviours.unshift(parseBehaviour(spec));
    this.event('behaviour', { ...spec } as JsonObject, 'MM5');
  }

  resetBehaviours(): void {
    this.behaviours = [];
  }

  private has(kind: HlrBehaviour['kind']): boolean {
    return this.behaviours.some((b) => b.kind === kind);
  }

  private async slow(): Promise<void> {
    const b = this.behaviours.find((x) => x.kind === 'slow');
    if (b && b.kind === 'slow' && b.ms > 0) await new Promise((r) => setTimeout(r, b.ms));
  }

  private exchange(buf: Uint8Array, transport: 'udp' | 'tcp', conn?: string): DnsExchange {
    let x: DnsExchange;
    try {
      x = answerDns(buf, this.directory, {
        transport,
        servfail: this.has('servfail'),
        nxdomainAll: this.has('nxdomain-all'),
        truncateUdp: this.has('truncate'),
        ttl: this.config.ttl,
        ...decoyOf(this.behaviours),
      });
    } catch (e) {
      // One guard per socket handler: whatever a query does to the responder, the peer records
      // it and keeps serving (no answer to this one: the header may be unreadable).
      this.event('hlr-dns-internal-error', { transport, error: String(e), length: buf.length }, 'DNS', conn);
      return {};
    }
    const q = x.query?.questions[0];
    const type = q ? rrTypeName(q.type) : 'DNS';
    // ENUM is the MM5 lookup proper; A / MX of MMSC domains is plain DNS.
    const iface: Iface = q?.name.toLowerCase().endsWith('e164.arpa') ? 'MM5' : 'DNS';
    const base = { node: this.name, role: 'hlr' as const, iface, ...(conn ? { conn } : {}) };
    if (x.query) {
      this.timeline?.publish({
        kind: 'message',
        ...base,
        direction: 'in',
        type,
        fields: { transport, ...dnsToJson(x.query) },
        raw: buf,
      });
    } else {
      this.event('dns-malformed-query', { transport, error: x.error ?? '', length: buf.length }, 'DNS', conn);
    }
    if (x.response && x.bytes) {
      this.timeline?.publish({
        kind: 'message',
        ...base,
        direction: 'out',
        type,
        fields: { transport, ...dnsToJson(x.response) },
        raw: x.bytes,
      });
    }
    return x;
  }

  private async onUdp(udp: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): Promise<void> {
    await this.slow();
    const x = this.exchange(new Uint8Array(msg), 'udp');
    if (!x.bytes || this.udp !== udp) return;
    let bytes = x.bytes;
    // RFC 1035 §4.2.1: UDP messages are limited to 512 octets; longer answers are truncated (TC).
    if (bytes.length > 512 && x.response) {
      const t = {
        ...x.response,
        answers: [],
        authorities: [],
        additionals: [],
        flags: { ...x.response.flags, tc: true },
      };
      bytes = encodeDnsMessage(t);
    }
    udp.send(bytes, rinfo.port, rinfo.address);
  }

  /** DNS over TCP: each message behind a 2-octet length (RFC 1035 §4.2.2); several per connection. */
  private onTcp(socket: net.Socket): void {
    this.sockets.add(socket);
    const conn = this.timeline
      ? tapSocket(socket, {
          timeline: this.timeline,
          node: this.name,
          role: 'hlr',
          iface: 'DNS',
          side: 'server',
        })
      : undefined;
    let buffered = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (len === 0) {
          this.event(
            'dns-malformed-query',
            { transport: 'tcp', error: 'zero-length TCP message' },
            'DNS',
            conn,
          );
          socket.destroy();
          return;
        }
        if (buffered.length < 2 + len) break;
        const msg = new Uint8Array(buffered.subarray(2, 2 + len));
        buffered = buffered.subarray(2 + len);
        chain = chain.then(async () => {
          await this.slow();
          const x = this.exchange(msg, 'tcp', conn);
          if (!x.bytes || socket.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(x.bytes.length);
          socket.write(Buffer.concat([head, x.bytes]));
        });
      }
    });
  }

  private onHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const conn = tapSocket(req.socket, {
      timeline: this.timeline!,
      node: this.name,
      role: 'hlr',
      iface: 'MM5',
      side: 'server',
    });
    const send = (status: number, body: JsonObject) => {
      const text = JSON.stringify(body);
      this.timeline?.publish({
        kind: 'message',
        node: this.name,
        role: 'hlr',
        iface: 'MM5',
        direction: 'out',
        conn,
        type: 'hlr-lookup-response',
        fields: { status, body },
      });
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    req.resume();
    const url = req.url ?? '';
    const m = HLR_PATH.exec(url.split('?')[0]);
    this.timeline?.publish({
      kind: 'message',
      node: this.name,
      role: 'hlr',
      iface: 'MM5',
      direction: 'in',
      conn,
      type: 'hlr-lookup',
      fields: { method: req.method ?? '', path: url },
    });
    void (async () => {
      await this.slow();
      if (!m)
        return send(404, {
          error: 'not-found',
          message: `no resource ${url}; use GET /hlr/v1/subscribers/{msisdn}`,
        });
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return send(405, { error: 'method-not-allowed', message: `${req.method} not allowed` });
      }
      if (this.has('servfail'))
        return send(503, { error: 'unavailable', message: 'HLR unavailable (servfail behaviour)' });
      let raw: string;
      try {
        raw = decodeURIComponent(m[1]);
      } catch {
        return send(400, { error: 'bad-msisdn', message: 'MSISDN is not valid percent-encoding' });
      }
      const msisdn = normaliseE164(raw);
      if (!msisdn) return send(400, { error: 'bad-msisdn', message: `'${raw}' is not an E.164 MSISDN` });
      const s = this.has('nxdomain-all') ? undefined : this.directory.get(msisdn);
      if (!s) return send(404, { error: 'unknown-subscriber', msisdn });
      return send(200, subscriberJson(s));
    })();
  }
}
