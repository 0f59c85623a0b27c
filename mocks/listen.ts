import type * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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
 * Malformed HTTP from a client (RFC 9112 §2.2 framing errors, oversized headers): report it, answer
 * 400 and close that connection; the server keeps serving. A reset connection is just dropped.
 */
export function answerClientErrors(
  server: http.Server,
  report: (err: Error & { code?: string }) => void,
): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    report(err);
    if (socket.writable && err.code !== 'ECONNRESET') {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    } else socket.destroy();
  });
}
