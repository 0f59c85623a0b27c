import type * as dgram from 'node:dgram';
import type * as http from 'node:http';
import * as net from 'node:net';
import type { Iface, NodeRole } from './nodes.ts';
import { type Direction, type Endpoint4, newConnId, type Timeline } from './timeline.ts';

/**
 * The wire tap: records every byte a socket sends or receives into the run's timeline,
 * without changing what is sent or when.
 *
 * How it stays transparent (Node 20):
 * - incoming bytes are seen by wrapping the socket instance's `push()` (the stream
 *   internals call it for every chunk read from the kernel, and with `null` on EOF). No
 *   'data' / 'readable' listener is added, so the stream's flowing mode is untouched;
 * - outgoing bytes are seen by wrapping the instance's `_write()` / `_writev()`, the
 *   Writable hooks that hand chunks to the kernel; nothing is queued or delayed;
 * - events (connect, error, close, finish) are seen by wrapping the instance's `emit()`.
 *   No 'error' listener is added: an unhandled socket error still crashes as before.
 * Outgoing chunks are recorded as copies (callers may reuse their buffers once written);
 * incoming ones as the buffers Node read them into (fresh per read).
 *
 * One exception: node:http servers normally let the HTTP parser consume the TCP handle
 * directly in C++ (bypassing `push()`); `tapServer` marks the handle as consumed first so
 * the parser takes the ordinary JavaScript path. Bytes, order and timing seen by the peer
 * are the same.
 */
export interface TapOptions {
  timeline: Timeline;
  /** This side: the server for tapServer, the client for tapClient / tapHttpAgent. */
  node: string;
  role: NodeRole;
  /** Interface stamped on byte observations (MM1, SMPP, MM4 ...). */
  iface: Iface;
  /** The other side, if known. Defaults to a lookup of in-process tapped clients, else `harness`. */
  peerNode?: string;
  peerRole?: NodeRole;
}

export type TapSide = 'client' | 'server';

interface LocalOwner {
  node: string;
  role: NodeRole;
}

/**
 * Loopback ports owned by tapped in-process sockets, so the far end's tap can name its
 * peer: `port -> node`. Entries live while the socket is open.
 */
const localPorts = new Map<string, LocalOwner>();

/** The node that owns a loopback port through a tapped socket or server of this process, if any. */
export function lookupLocalPort(transport: 'tcp' | 'udp', port: number): LocalOwner | undefined {
  return localPorts.get(`${transport}:${port}`);
}

const TAPPED = Symbol('mmscert.tapped');

type Tappable = { [TAPPED]?: string };

/** The bytes of a chunk; a copy unless `share` (then a view when the chunk is already bytes). */
function toBytes(chunk: unknown, encoding?: BufferEncoding | string, share = false): Uint8Array {
  if (typeof chunk === 'string') {
    const enc = encoding && encoding !== 'buffer' ? (encoding as BufferEncoding) : 'utf8';
    return Buffer.from(chunk, enc);
  }
  if (chunk instanceof Uint8Array) return share ? chunk : chunk.slice();
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk.slice(0));
  return new Uint8Array(0);
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : undefined;
    const msg = typeof e.message === 'string' ? e.message : String(err);
    return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
  }
  return String(err);
}

/** Errors that mean the peer reset the connection (an RST arrived). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Taps one TCP socket (connected or still connecting). `side` says whether this node is the
 * client or the server of the connection. Returns the connection id used in observations.
 * Tapping a socket twice returns the first id and records nothing twice.
 */
export function tapSocket(socket: net.Socket, opts: TapOptions & { side: TapSide }): string {
  const marked = socket as net.Socket & Tappable;
  if (marked[TAPPED]) return marked[TAPPED];
  const conn = newConnId(opts.side === 'client' ? 'tc' : 'ts');
  marked[TAPPED] = conn;
  const { timeline, node, role, iface } = opts;

  let opened = false;
  let closed = false;
  let endIn = false;
  let endOut = false;
  let localPort = 0;
  let peer: LocalOwner = { node: opts.peerNode ?? 'harness', role: opts.peerRole ?? 'harness' };
  let client: Endpoint4 | undefined;
  let server: Endpoint4 | undefined;
  /** Outgoing chunks written while the socket was still connecting (sent after connect). */
  let early: Uint8Array[] = [];

  const publishConn = (event: 'open' | 'end' | 'close' | 'error', direction: Direction, error?: string) => {
    if (!client || !server) return;
    timeline.publish({
      kind: 'conn',
      conn,
      transport: 'tcp',
      event,
      client,
      server,
      node,
      role,
      iface,
      direction,
      peer: peer.node,
      ...(error !== undefined ? { error } : {}),
    });
  };
  const publishBytes = (direction: 'in' | 'out', raw: Uint8Array) => {
    if (raw.length === 0) return;
    timeline.publish({ kind: 'bytes', conn, raw, node, role, iface, direction, peer: peer.node });
  };

  const open = () => {
    if (opened) return;
    const lp = socket.localPort;
    const rp = socket.remotePort;
    if (lp === undefined || rp === undefined) return;
    opened = true;
    localPort = lp;
    if (opts.peerNode === undefined) {
      const owner = localPorts.get(`tcp:${rp}`);
      if (owner) peer = owner;
    }
    if (opts.side === 'client') localPorts.set(`tcp:${lp}`, { node, role });
    const self: Endpoint4 = { node, role, port: lp };
    const other: Endpoint4 = { node: peer.node, role: peer.role, port: rp };
    client = opts.side === 'client' ? self : other;
    server = opts.side === 'client' ? other : self;
    publishConn('open', opts.side === 'client' ? 'out' : 'in');
    for (const b of early) publishBytes('out', b);
    early = [];
  };

  const recordOut = (raw: Uint8Array) => {
    if (opened) publishBytes('out', raw);
    else early.push(raw);
  };

  // Outgoing: the Writable hooks that hand chunks to the handle.
  const origWrite = socket._write;
  socket._write = function (
    this: net.Socket,
    chunk: unknown,
    encoding: BufferEncoding,
    cb: (e?: Error | null) => void,
  ) {
    recordOut(toBytes(chunk, encoding));
    return origWrite.call(this, chunk, encoding, cb);
  };
  const origWritev = socket._writev;
  if (typeof origWritev === 'function') {
    socket._writev = function (
      this: net.Socket,
      chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>,
      cb: (e?: Error | null) => void,
    ) {
      // Buffer.concat copies: the views need not be copied first
      recordOut(Buffer.concat(chunks.map((c) => toBytes(c.chunk, c.encoding, true))));
      return origWritev.call(this, chunks as never, cb);
    };
  }

  // Incoming: every chunk the stream internals push; null = FIN received.
  const origPush = socket.push;
  socket.push = function (this: net.Socket, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk === null) {
      open();
      if (!endIn) publishConn('end', 'in');
      endIn = true;
    } else {
      open();
      // Node hands push() a buffer of its own per read, never reused: record it without a copy
      publishBytes('in', toBytes(chunk, encoding, true));
    }
    return origPush.call(this, chunk, encoding);
  } as typeof socket.push;

  // Reset initiated by this side.
  const origReset = (socket as net.Socket & { resetAndDestroy?: () => net.Socket }).resetAndDestroy;
  if (typeof origReset === 'function') {
    (socket as net.Socket & { resetAndDestroy: () => net.Socket }).resetAndDestroy = function (
      this: net.Socket,
    ) {
      open();
      publishConn('error', 'out', 'RST sent (resetAndDestroy)');
      return origReset.call(this);
    };
  }

  const origEmit = socket.emit;
  socket.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
    try {
      if (event === 'connect') open();
      else if (event === 'finish') {
        open();
        if (!endOut) publishConn('end', 'out');
        endOut = true;
      } else if (event === 'error') {
        open();
        if (!opened) {
          // never connected (ECONNREFUSED, a timeout...): no flow to frame, but worth seeing
          timeline.publish({
            kind: 'event',
            name: 'connect-error',
            node,
            role,
            iface,
            direction: 'local',
            conn,
            peer: peer.node,
            detail: { error: errorText(args[0]) },
          });
        }
        const code = (args[0] as { code?: unknown } | undefined)?.code;
        publishConn(
          'error',
          typeof code === 'string' && RESET_CODES.has(code) ? 'in' : 'local',
          errorText(args[0]),
        );
      } else if (event === 'close' && !closed) {
        closed = true;
        publishConn('close', 'local');
        if (opts.side === 'client' && localPorts.get(`tcp:${localPort}`)?.node === node) {
          localPorts.delete(`tcp:${localPort}`);
        }
      }
    } catch {
      // Recording must never break the socket.
    }
    return (origEmit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof socket.emit;

  // Already connected (an accepted socket, or tapped late).
  if (!socket.connecting && socket.remotePort !== undefined) open();
  else if (opts.side === 'client') {
    // Claim the local port as soon as the kernel assigned it (the connect() call), before the
    // accepting side's 'connection' can run, so an in-process server tap names this node.
    // The handle is asked directly: socket.localPort would cache a premature answer.
    process.nextTick(() => {
      if (opened) return;
      const handle = (
        socket as net.Socket & { _handle?: { getsockname?: (out: { port?: number }) => number } | null }
      )._handle;
      const out: { port?: number } = {};
      if (handle?.getsockname && handle.getsockname(out) === 0 && out.port) {
        localPort = out.port;
        localPorts.set(`tcp:${out.port}`, { node, role });
      }
    });
  }
  return conn;
}

/** Taps every connection a TCP server accepts (net.Server, http.Server, smtp-server's `.server`, smpp.Server). */
export function tapServer(server: net.Server, opts: TapOptions): void {
  let listeningPort = 0;
  const register = () => {
    const a = server.address();
    if (a && typeof a === 'object') {
      listeningPort = a.port;
      localPorts.set(`tcp:${a.port}`, { node: opts.node, role: opts.role });
    }
  };
  if (server.listening) register();
  server.on('listening', register);
  server.on('close', () => {
    if (listeningPort && localPorts.get(`tcp:${listeningPort}`)?.node === opts.node) {
      localPorts.delete(`tcp:${listeningPort}`);
    }
  });
  server.prependListener('connection', (socket: net.Socket) => {
    // node:http lets its parser consume the handle directly when nobody did; claim it so
    // bytes flow through push() where the tap sees them (see the module comment).
    const handle = (socket as net.Socket & { _handle?: { _consumed?: boolean } | null })._handle;
    if (handle && typeof handle === 'object') handle._consumed = true;
    tapSocket(socket, { ...opts, side: 'server' });
  });
}

/** Taps every socket an http(s).Agent creates for client requests. Returns the same agent. */
export function tapHttpAgent<A extends http.Agent>(agent: A, opts: TapOptions): A {
  type CreateConnection = (
    options: unknown,
    cb?: (err: Error | null, s?: net.Socket) => void,
  ) => net.Socket | undefined;
  const a = agent as unknown as { createConnection: CreateConnection };
  const orig = a.createConnection;
  a.createConnection = function (
    this: unknown,
    options: unknown,
    cb?: (err: Error | null, s?: net.Socket) => void,
  ) {
    const wrapped =
      cb &&
      ((err: Error | null, s?: net.Socket) => {
        if (s) tapSocket(s, { ...opts, side: 'client' });
        cb(err, s);
      });
    const s = orig.call(this, options, wrapped);
    if (s) tapSocket(s, { ...opts, side: 'client' });
    return s;
  };
  return agent;
}

/** A client TCP connection, tapped from the first byte. */
export function tapConnect(port: number, host: string, opts: TapOptions): net.Socket {
  const socket = net.connect({ port, host });
  tapSocket(socket, { ...opts, side: 'client' });
  return socket;
}

/**
 * A `getSocket` for nodemailer's SMTP transport: opens the connection itself, taps it and
 * hands it over as an already-connected `connection`.
 */
export function tapGetSocket(
  opts: TapOptions,
): (
  options: { host?: string; port?: number | string },
  callback: (err: Error | null, socketOptions?: { connection: net.Socket }) => void,
) => void {
  return (options, callback) => {
    const socket = tapConnect(Number(options.port ?? 25), options.host ?? '127.0.0.1', opts);
    const onError = (err: Error) => callback(err);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      callback(null, { connection: socket });
    });
  };
}

/**
 * Taps a UDP socket. Each remote address:port is one flow (a 'conn' with transport 'udp');
 * the side that sent the first datagram is its client. Flows close when the socket closes.
 */
export function tapUdp(socket: dgram.Socket, opts: TapOptions): void {
  const marked = socket as dgram.Socket & Tappable;
  if (marked[TAPPED]) return;
  marked[TAPPED] = 'udp';
  const { timeline, node, role, iface } = opts;
  const flows = new Map<string, { conn: string; client: Endpoint4; server: Endpoint4; peer: string }>();

  const flow = (remotePort: number, firstDirection: 'in' | 'out', remoteAddress = '') => {
    const key = `${remoteAddress}:${remotePort}`;
    let f = flows.get(key);
    if (f) return f;
    let localPort = 0;
    try {
      localPort = socket.address().port;
    } catch {
      // not bound yet: send() binds implicitly; the port is known after the first send
    }
    let peer: LocalOwner = { node: opts.peerNode ?? 'harness', role: opts.peerRole ?? 'harness' };
    if (opts.peerNode === undefined) peer = localPorts.get(`udp:${remotePort}`) ?? peer;
    const self: Endpoint4 = { node, role, port: localPort };
    const other: Endpoint4 = { node: peer.node, role: peer.role, port: remotePort };
    const conn = newConnId('tu');
    f =
      firstDirection === 'out'
        ? { conn, client: self, server: other, peer: peer.node }
        : { conn, client: other, server: self, peer: peer.node };
    flows.set(key, f);
    timeline.publish({
      kind: 'conn',
      conn,
      transport: 'udp',
      event: 'open',
      client: f.client,
      server: f.server,
      node,
      role,
      iface,
      direction: firstDirection,
      peer: f.peer,
    });
    return f;
  };

  const origEmit = socket.emit;
  socket.emit = function (this: dgram.Socket, event: string | symbol, ...args: unknown[]) {
    try {
      if (event === 'listening') {
        const p = socket.address().port;
        localPorts.set(`udp:${p}`, { node, role });
      } else if (event === 'message') {
        const msg = args[0];
        const rinfo = args[1] as dgram.RemoteInfo;
        const f = flow(rinfo.port, 'in', rinfo.address);
        timeline.publish({
          kind: 'bytes',
          conn: f.conn,
          raw: toBytes(msg),
          node,
          role,
          iface,
          direction: 'in',
          peer: f.peer,
        });
      } else if (event === 'close') {
        for (const f of flows.values()) {
          timeline.publish({
            kind: 'conn',
            conn: f.conn,
            transport: 'udp',
            event: 'close',
            client: f.client,
            server: f.server,
            node,
            role,
            iface,
            direction: 'local',
            peer: f.peer,
          });
        }
        flows.clear();
      }
    } catch {
      // Recording must never break the socket.
    }
    return (origEmit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof socket.emit;

  const origSend = socket.send;
  socket.send = function (this: dgram.Socket, ...args: unknown[]) {
    try {
      const parsed = parseSendArgs(args, socket);
      if (parsed) {
        const f = flow(parsed.port, 'out', parsed.address);
        if (f.client.port === 0 && f.client.node === node) {
          // port becomes known once bound; bind happens inside send, so fill it lazily
          queueMicrotask(() => {
            try {
              f.client.port = socket.address().port;
            } catch {
              /* still unbound */
            }
          });
        }
        timeline.publish({
          kind: 'bytes',
          conn: f.conn,
          raw: parsed.bytes,
          node,
          role,
          iface,
          direction: 'out',
          peer: f.peer,
        });
      }
    } catch {
      // Recording must never break the socket.
    }
    return (origSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof socket.send;
}

/** Normalises dgram.send's overloads to (bytes, remote port). */
function parseSendArgs(
  args: unknown[],
  socket: dgram.Socket,
): { bytes: Uint8Array; port: number; address: string } | undefined {
  const msg = args[0];
  let bytes: Uint8Array;
  let rest: unknown[];
  if (Array.isArray(msg)) {
    bytes = Buffer.concat(msg.map((m) => toBytes(m)));
    rest = args.slice(1);
  } else if (typeof args[1] === 'number' && typeof args[2] === 'number') {
    // send(msg, offset, length, port?, address?, cb?)
    const all = toBytes(msg);
    bytes = all.subarray(args[1], args[1] + args[2]);
    rest = args.slice(3);
  } else {
    bytes = toBytes(msg);
    rest = args.slice(1);
  }
  let port: number | undefined = typeof rest[0] === 'number' ? rest[0] : undefined;
  let address = typeof rest[1] === 'string' ? rest[1] : '127.0.0.1'; // dgram's default for udp4
  if (port === undefined) {
    try {
      const remote = socket.remoteAddress(); // connected socket
      port = remote.port;
      address = remote.address;
    } catch {
      return undefined;
    }
  }
  if (address === 'localhost') address = '127.0.0.1';
  return { bytes, port, address };
}
