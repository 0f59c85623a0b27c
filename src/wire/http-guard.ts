import { readFileSync } from 'node:fs';
import type http from 'node:http';
import type { Socket } from 'node:net';

/**
 * What every HTTP server of mmscert (the MMSC's MM1 and MM7 listeners, the mocks' VASP, WAP
 * gateway, PPG and HLR) does about clients that misbehave at the transport level: explicit
 * timeouts instead of Node's defaults (60 s for headers, 300 s for a whole request), a time-out
 * answered 408 Request Timeout (RFC 9110 §15.5.9), malformed framing answered 400 (RFC 9112 §2.2)
 * or 431 (RFC 6585 §5), the socket destroyed right after the answer even when the client never
 * closes its side, and a cap on simultaneous connections answered 503 (RFC 9110 §15.6.4), so
 * that one client's sockets cannot exhaust the process's descriptors and lock out the others.
 */

export interface HttpTimeouts {
  /** From a connection's (or a keep-alive request's) first octet to the end of the request headers. */
  headersMs: number;
  /** From the start of a request to the last octet of its body. */
  requestMs: number;
  /** How long an idle keep-alive connection is kept after a response. */
  keepAliveMs: number;
}

export interface HttpGuardOptions extends HttpTimeouts {
  /** Most simultaneous connections; the next ones are answered 503 and closed. */
  maxConnections: number;
}

export const DEFAULT_HTTP_GUARD: Readonly<HttpGuardOptions> = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  maxConnections: 1_000,
};

/** After our last word on a connection, how long the client gets to read it before the socket goes. */
const LINGER_MS = 1_000;

/**
 * The http.createServer options that set the timeouts (Node checks them every
 * connectionsCheckingInterval, so that interval follows the shortest of them).
 */
export function httpServerOptions(t: HttpTimeouts = DEFAULT_HTTP_GUARD): http.ServerOptions {
  const headersTimeout = Math.max(1, Math.min(t.headersMs, t.requestMs));
  return {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout + 1, t.requestMs),
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
  };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/** The status a client error deserves (0: none, the connection is gone). */
export function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'HPE_INVALID_EOF_STATE': // the client closed mid-request: nobody to answer
      return 0;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    default:
      return 400;
  }
}

/**
 * Writes a last answer (if any) and closes: FIN after the answer, whatever the client still
 * sends is discarded, and the socket is destroyed once the client has had LINGER_MS to read,
 * whether or not it closes its side (a half-closed client never does).
 */
export function answerAndClose(socket: Socket, status: number, extra = ''): void {
  if (socket.destroyed) return;
  const reason = REASONS[status] ?? 'Error';
  const busy = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  try {
    if (status > 0 && socket.writable && !busy) {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
    } else if (socket.writable) socket.end();
    socket.resume();
  } catch {
    socket.destroy();
    return;
  }
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Installs the client-error answer and the connection cap on `server` (create it with
 * httpServerOptions for the timeouts). `report` hears each client error (never throws into Node).
 */
export function guardHttpServer(
  server: http.Server,
  report: (err: Error & { code?: string }, status: number) => void,
  opts: Pick<HttpGuardOptions, 'maxConnections'> = DEFAULT_HTTP_GUARD,
): void {
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    if (open > opts.maxConnections) {
      safe(() => report(Object.assign(new Error('too many connections'), { code: 'EMAXCONN' }), 503));
      // Node's parser is already attached to the socket: answer at once and destroy (as Node's own
      // default client-error answer does), so no request on it reaches a handler.
      try {
        socket.write(
          'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
      } finally {
        socket.destroy();
      }
    }
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    const status = clientErrorStatus(err.code);
    safe(() => report(err, status));
    if (status === 0) socket.destroy();
    else answerAndClose(socket, status);
  });
}

function safe(f: () => void): void {
  try {
    f();
  } catch {
    // a reporting failure must not become an uncaught exception in Node's HTTP internals
  }
}

/** The soft limit on open descriptors of this process (Linux /proc/self/limits), undefined elsewhere. */
export function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The connection cap of one listener: the configured one, but never more than an eighth of the
 * process's descriptors (a process has a handful of listeners, its store and its clients), so a
 * flood on one interface leaves descriptors for the others.
 */
export function listenerConnectionCap(configured: number, fdLimit = openFileLimit()): number {
  if (fdLimit === undefined) return configured;
  return Math.max(8, Math.min(configured, Math.floor(fdLimit / 8)));
}
