import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { guardHttpServer, httpServerOptions, listenerConnectionCap } from '../wire/http-guard.ts';
import { tapServer } from '../wire/tap.ts';
import { deviates } from './deviations.ts';
import type { MmscCore } from './mmsc-core.ts';

/** The pool of the 'mm1-held-connections' deviation. */
const HELD_POOL = 16;

/**
 * The HTTP listener the MMSC's HTTP interfaces (MM1, MM7) share: keep-alive, every connection
 * tapped into the timeline, a handler failure answered 500 and published as an event, malformed
 * HTTP answered 400 and a time-out 408 on that connection only, which is then destroyed (the
 * server keeps serving; src/wire/http-guard.ts), the timeouts and connection cap of the config's
 * `connections`, and a stop that also ends open keep-alive connections.
 */
export class MmscHttpEndpoint {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly iface: 'MM1' | 'MM7') {}

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Listens on config.host:port (0 = ephemeral) and resolves once bound; a bind error rejects. */
  async start(
    core: MmscCore,
    port: number,
    handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  ): Promise<void> {
    const { config } = core;
    const c = config.connections;
    // deviation 'mm1-held-connections': a small fixed pool that never frees a held connection
    const held = this.iface === 'MM1' && deviates(config, 'mm1-held-connections');
    const never = 3_600_000;
    const timeouts = held
      ? { headersMs: never, requestMs: never, keepAliveMs: never }
      : {
          headersMs: c.httpHeadersTimeoutMs,
          requestMs: c.httpRequestTimeoutMs,
          keepAliveMs: c.httpKeepAliveTimeoutMs,
        };
    const server = http.createServer(httpServerOptions(timeouts), (req, res) => {
      handle(req, res).catch((e) => {
        core.observer.event(this.iface, 'error', { message: (e as Error).message });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
        else res.destroy();
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    guardHttpServer(
      server,
      (e, status) =>
        core.observer.event(this.iface, 'http-client-error', { error: e.code ?? e.message, status }),
      { maxConnections: held ? HELD_POOL : listenerConnectionCap(c.maxPerListener) },
    );
    if (core.timeline) {
      tapServer(server, { timeline: core.timeline, node: config.node, role: 'mmsc', iface: this.iface });
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const sock of this.sockets) sock.destroy();
    });
  }
}
