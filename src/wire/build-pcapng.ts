import { type TcpSegment, tcpFrameLength, udpFrame, writeTcpFrame } from './ip-frame.ts';
import { assignAddresses, ipv4Bytes, type NodeRef, nodeKey } from './node-address.ts';
import { PcapngWriter, type TsResolution } from './pcapng-writer.ts';
import { type TcpDir, TcpFlow } from './tcp-flow.ts';
import type { ConnObservation, Endpoint4, Observation } from './timeline.ts';

export interface BuildPcapngOptions {
  tsresol?: TsResolution;
  /** Section comment. */
  title?: string;
  /** Wall-clock time of the observations' t = 0 (Timeline.originEpochMs); default 0. */
  originEpochMs?: number;
  /** TCP maximum segment size used to segment recorded chunks; default 1460. */
  mss?: number;
}

/**
 * Turns recorded observations into a PCAPNG capture: each tapped TCP connection becomes a
 * synthetic Ethernet/IPv4/TCP conversation (handshake, data at the real ports, FIN/RST), each
 * UDP flow one datagram per recorded message. Nodes get their capture addresses from
 * node-address.ts. Message and event observations produce no packets.
 *
 * De-duplication: one connection tapped at both ends appears as two records (a client-side
 * and a server-side conn id) with the same client and server ports. Records of one transport
 * with equal (client port, server port) whose lifetimes (first to last observation) overlap,
 * one recorded by the client and one by the server, are one connection: its packets come from
 * the server-side record only, the client endpoint's node is named by the client-side record
 * and the server endpoint's by the server-side one (each side knows itself). What only the
 * client can know (it sent FIN or RST after the server stopped reading) is taken from the
 * client-side record once the server-side record has closed, never earlier, so it cannot
 * overtake bytes the server recorded later than the client did.
 */
export function buildPcapng(observations: readonly Observation[], opts: BuildPcapngOptions = {}): Uint8Array {
  const writer = new PcapngWriter({ tsresol: opts.tsresol, title: opts.title });
  framePackets(observations, writer, opts);
  return writer.bytes();
}

interface ConnRecord {
  id: string;
  transport: 'tcp' | 'udp';
  client: Endpoint4;
  server: Endpoint4;
  recorderIsClient: boolean;
  first: number;
  last: number;
  /** The record whose events make the packets (itself unless merged into a server-side record). */
  canonical: string;
}

function recorderIsClient(o: ConnObservation): boolean {
  if (o.event === 'open') return o.direction === 'out';
  // other events: the recorder is the endpoint carrying its node (server wins a tie)
  if (o.node === o.server.node && o.role === o.server.role) return false;
  return o.node === o.client.node && o.role === o.client.role;
}

function collectRecords(observations: readonly Observation[]): Map<string, ConnRecord> {
  const records = new Map<string, ConnRecord>();
  const lastSeen = new Map<string, number>();
  for (let i = 0; i < observations.length; i++) {
    const o = observations[i];
    if (o.kind === 'conn') {
      const r = records.get(o.conn);
      if (!r) {
        records.set(o.conn, {
          id: o.conn,
          transport: o.transport,
          client: { ...o.client },
          server: { ...o.server },
          recorderIsClient: recorderIsClient(o),
          first: i,
          last: i,
          canonical: o.conn,
        });
      } else if (o.event === 'open') {
        r.recorderIsClient = o.direction === 'out';
      }
    }
    if ((o.kind === 'conn' || o.kind === 'bytes') && o.conn !== undefined) lastSeen.set(o.conn, i);
  }
  for (const r of records.values()) r.last = lastSeen.get(r.id) ?? r.first;
  // merge both ends of one connection
  const groups = new Map<string, ConnRecord[]>();
  for (const r of records.values()) {
    const key = `${r.transport}:${r.client.port}:${r.server.port}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const servers = g.filter((r) => !r.recorderIsClient);
    for (const c of g.filter((r) => r.recorderIsClient)) {
      const s = servers.find(
        (r) => r.canonical === r.id && r.first <= c.last && c.first <= r.last && !mergedInto(g, r),
      );
      if (!s) continue;
      c.canonical = s.id;
      s.client = { ...c.client };
    }
  }
  return records;
}

/** Whether a server-side record already absorbed a client-side one. */
function mergedInto(group: readonly ConnRecord[], server: ConnRecord): boolean {
  return group.some((r) => r.id !== server.id && r.canonical === server.id);
}

/** Packet comment: `case / step` (e.g. `mm1.send.001 / step 2: submit`), or whichever is known. */
function commentOf(o: Observation, cache: Map<string, Map<string, string>>): string | undefined {
  if (o.case && o.step) {
    let byStep = cache.get(o.case);
    if (!byStep) {
      byStep = new Map();
      cache.set(o.case, byStep);
    }
    let c = byStep.get(o.step);
    if (c === undefined) {
      c = `${o.case} / ${o.step}`;
      byStep.set(o.step, c);
    }
    return c;
  }
  return o.case ?? o.step;
}

/** Interfaces of signalling modelled as observations only (mocks/network: MAP, GTP). */
const SIGNALLING: ReadonlySet<string> = new Set(['MAP', 'GTP']);
const SIGNALLING_KEYS = ['msisdn', 'imsi', 'msc', 'serving', 'error', 'cause', 'sgsn', 'ggsn', 'sgsnMccMnc'];

/** One line for a packet comment: `MAP-MT-ForwardSM smsc -> msc.23415: hops smsc -> gmsc -> msc.23415, msisdn ...`. */
function signallingLine(type: string, node: string, peer: string | undefined, fields: unknown): string {
  const f = fields !== null && typeof fields === 'object' ? (fields as Record<string, unknown>) : {};
  const parts: string[] = [];
  if (Array.isArray(f.hops)) parts.push(`hops ${f.hops.join(' -> ')}`);
  for (const k of SIGNALLING_KEYS)
    if (typeof f[k] === 'string' || typeof f[k] === 'number') parts.push(`${k} ${String(f[k])}`);
  return `${type} ${node}${peer ? ` -> ${peer}` : ''}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

interface UdpFlow {
  client: { ip: Uint8Array; port: number };
  server: { ip: Uint8Array; port: number };
  cId: number;
  sId: number;
}

/** Frames every packet of `observations` into `writer` (in observation order). */
export function framePackets(
  observations: readonly Observation[],
  writer: PcapngWriter,
  opts: BuildPcapngOptions = {},
): void {
  const records = collectRecords(observations);
  const nodes: NodeRef[] = [];
  for (const r of records.values()) {
    if (r.canonical !== r.id) continue;
    nodes.push(r.client, r.server);
  }
  const addresses = assignAddresses(nodes);
  const ip = new Map<string, Uint8Array>();
  const ipOf = (e: Endpoint4) => {
    const key = nodeKey(e);
    let b = ip.get(key);
    if (!b) {
      b = ipv4Bytes(addresses.get(key) ?? '127.0.0.1');
      ip.set(key, b);
    }
    return b;
  };

  const origin = BigInt(Math.round((opts.originEpochMs ?? 0) * 1000)) * 1000n;
  let lastTs = 0n;
  let current: { ts: bigint; comment: string | undefined } = { ts: 0n, comment: undefined };
  const sink = (seg: TcpSegment, comment: string | undefined) =>
    writer.packetWith(
      current.ts,
      tcpFrameLength(seg),
      (buf, dv, at) => writeTcpFrame(buf, dv, at, seg),
      comment,
    );

  const tcp = new Map<string, TcpFlow>();
  const canonicalClosed = new Set<string>();
  const comments = new Map<string, Map<string, string>>();
  const udp = new Map<string, UdpFlow>();
  const flowOf = (r: ConnRecord) => {
    let f = tcp.get(r.id);
    if (!f) {
      f = new TcpFlow(
        { ip: ipOf(r.client), port: r.client.port },
        { ip: ipOf(r.server), port: r.server.port },
        r.id,
        sink,
        opts.mss ?? 1460,
      );
      tcp.set(r.id, f);
    }
    return f;
  };

  /** Client-side actions of merged records, applied when the server-side record closes. */
  const pending = new Map<string, Array<'fin' | 'rst'>>();
  const flush = (canonical: string) => {
    const acts = pending.get(canonical);
    const f = tcp.get(canonical);
    pending.delete(canonical);
    if (!acts || !f?.isOpen) return;
    for (const a of acts) {
      if (a === 'rst') f.rst('c2s', current.comment);
      else if (!f.finSent('c2s')) f.fin('c2s', current.comment);
    }
  };

  /** Signalling of the simulated network since the last data packet, for that packet's comment. */
  let signalling: string[] = [];
  for (const o of observations) {
    if (o.kind === 'message' && o.conn === undefined && SIGNALLING.has(o.iface)) {
      signalling.push(signallingLine(o.type, o.node, o.peer, o.fields));
      continue;
    }
    if ((o.kind !== 'conn' && o.kind !== 'bytes') || o.conn === undefined) continue;
    const r = records.get(o.conn);
    if (!r) continue;
    if (r.canonical !== r.id) {
      if (o.kind === 'conn' && r.transport === 'tcp') {
        const act =
          o.event === 'error' && o.direction === 'out'
            ? 'rst'
            : o.event === 'close' || (o.event === 'end' && o.direction === 'out')
              ? 'fin'
              : undefined;
        if (act) {
          const list = pending.get(r.canonical) ?? [];
          list.push(act);
          pending.set(r.canonical, list);
          if (canonicalClosed.has(r.canonical)) flush(r.canonical);
        }
      }
      continue;
    }
    let ts = origin + BigInt(Math.max(0, Math.round(o.t)));
    if (ts < lastTs) ts = lastTs;
    lastTs = ts;
    current = { ts, comment: commentOf(o, comments) };
    // MAP / GTP of the simulated network have no bytes: the next data packet carries them
    if (o.kind === 'bytes' && signalling.length > 0) {
      current.comment = [current.comment ?? '', ...signalling].join(' | ');
      signalling = [];
    }
    const comment = current.comment;
    // direction of the recorder's own traffic and of its peer's
    const mine: TcpDir = r.recorderIsClient ? 'c2s' : 's2c';
    const theirs: TcpDir = r.recorderIsClient ? 's2c' : 'c2s';

    if (r.transport === 'udp') {
      if (o.kind !== 'bytes') continue;
      let u = udp.get(r.id);
      if (!u) {
        u = {
          client: { ip: ipOf(r.client), port: r.client.port },
          server: { ip: ipOf(r.server), port: r.server.port },
          cId: 0,
          sId: 0,
        };
        udp.set(r.id, u);
      }
      const dir = o.direction === 'out' ? mine : theirs;
      const [from, to] = dir === 'c2s' ? [u.client, u.server] : [u.server, u.client];
      const id = dir === 'c2s' ? ++u.cId : ++u.sId;
      writer.packet(
        ts,
        udpFrame({ src: from.ip, dst: to.ip, id, sport: from.port, dport: to.port, payload: o.raw }),
        comment,
      );
      continue;
    }

    const f = flowOf(r);
    if (o.kind === 'bytes') {
      if (o.direction === 'out') f.data(mine, o.raw, comment);
      else if (o.direction === 'in') f.data(theirs, o.raw, comment);
      continue;
    }
    switch (o.event) {
      case 'open':
        f.open(comment);
        break;
      case 'end':
        f.fin(o.direction === 'out' ? mine : theirs, comment);
        break;
      case 'error':
        if (o.direction === 'out') f.rst(mine, comment);
        else if (o.direction === 'in') f.rst(theirs, comment);
        break;
      case 'close':
        // closing the descriptor sends our FIN if none was sent yet
        if (f.isOpen && !f.isReset && !f.finSent(mine)) f.fin(mine, comment);
        canonicalClosed.add(r.id);
        flush(r.id);
        break;
    }
  }
  for (const id of [...pending.keys()]) flush(id);
}
