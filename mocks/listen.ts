import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_HTTP_GUARD, guardHttpServer, listenerConnectionCap } from '../src/wire/http-guard.ts';

/** What the mocks' servers have in common: node:net/http servers and smpp's Server. */
export interface Listenable {
  listen(port: number, host: string, callback: () => void): unknown;
  once(event: 'error', listener: (e: Error) => void): unknown;
  off(event: 'error', listener: (e: Error) => void): unknown;
  address(): AddressInfo | string | null;
}

/**
 * Binds `server` to host:port (port 0: an ephemeral one) and resolves with the bound port; a bind
 * error (EADDRINUSE...) rejects instead of becoming an unhandled 'error' event.
 */
export async function listen(server: Listenable, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address();
  return a && typeof a === 'object' ? a.port : 0;
}

/** Closes an HTTP server, ending its idle and active (keep-alive) connections first. */
export async function closeHttpServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Malformed HTTP from a client (RFC 9112 §2.2 framing errors, oversized headers) or a time-out:
 * report it, answer 400 / 431 / 408 and destroy that connection even if the client never closes
 * its side; the server keeps serving (src/wire/http-guard.ts, which also caps connections). Create
 * the server with `httpServerOptions()` for explicit header, request and keep-alive timeouts.
 */
export function answerClientErrors(
  server: http.Server,
  report: (err: Error & { code?: string }) => void,
): void {
  guardHttpServer(server, (err) => report(err), {
    maxConnections: listenerConnectionCap(DEFAULT_HTTP_GUARD.maxConnections),
  });
}
