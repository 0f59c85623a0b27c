import * as http from 'node:http';
import type { Json } from '../src/util/json.ts';
import { httpServerOptions } from '../src/wire/http-guard.ts';
import type { Iface, NodeRole } from '../src/wire/nodes.ts';
import { type TapOptions, tapHttpAgent, tapServer } from '../src/wire/tap.ts';
import type { Timeline } from '../src/wire/timeline.ts';
import { answerClientErrors, closeHttpServer, listen } from './listen.ts';
import type { BehaviourSpec, Peer, PeerAction, PeerContext, PeerEndpoint } from './peer.ts';

/**
 * What every mock peer does around its protocol, written once: start once (a second start
 * returns the same endpoints), keep the timeline and the endpoints, stop idempotently (the
 * peer's own `close()`, then every listener and agent it opened, last first), publish local
 * events, tap its servers and agents, listen on loopback. A peer extends the shell and writes
 * only `open()` (its listeners and endpoints), `close()`, `use()` and `resetBehaviours()`.
 */
export abstract class PeerShell implements Peer {
  abstract readonly name: string;
  abstract readonly role: NodeRole;
  abstract readonly actions: Readonly<Record<string, PeerAction>>;
  /** The interface its events are published on, unless an event names another. */
  protected abstract readonly iface: Iface;
  /** The timeline of the current (or last) start; undefined before the first. */
  protected timeline?: Timeline;
  private eps: PeerEndpoint[] = [];
  private running = false;
  private closers: (() => Promise<void> | void)[] = [];

  /** Opens its listeners and agents (`serveHttp`, `tappedAgent`, `onStop`) and returns its endpoints. */
  protected abstract open(ctx: PeerContext): Promise<PeerEndpoint[]>;
  /** What the peer ends itself before its listeners close (timers, sessions, in-flight work); idempotent. */
  protected async close(): Promise<void> {}
  abstract use(behaviour: BehaviourSpec): void;
  abstract resetBehaviours(): void;

  async start(ctx: PeerContext): Promise<PeerEndpoint[]> {
    if (this.running) return this.eps;
    this.timeline = ctx.timeline;
    this.eps = await this.open(ctx);
    this.running = true;
    return this.eps;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.eps = [];
    await this.close();
    const closers = this.closers.splice(0).reverse();
    for (const c of closers) await c();
  }

  endpoints(): PeerEndpoint[] {
    return this.eps;
  }

  /** Between a successful start and the next stop. */
  protected get started(): boolean {
    return this.running;
  }

  /** Runs at stop (after `close()`), last registered first. */
  protected onStop(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  /** Tap options of this peer on `iface` (its own by default). */
  protected tapOptions(iface: Iface = this.iface, other: Partial<TapOptions> = {}): TapOptions {
    if (!this.timeline) throw new Error(`${this.name}: tapped before start`);
    return { timeline: this.timeline, node: this.name, role: this.role, iface, ...other };
  }

  /** An HTTP agent whose connections are tapped (destroyed at stop). */
  protected tappedAgent<A extends http.Agent>(agent: A, tap: TapOptions = this.tapOptions()): A {
    tapHttpAgent(agent, tap);
    this.onStop(() => agent.destroy());
    return agent;
  }

  /**
   * An HTTP server on host:port (0: ephemeral), tapped, with explicit timeouts, answering malformed
   * HTTP with 400/431/408 and an event (listen.ts); closed with its connections at stop.
   * Resolves with the bound port.
   */
  protected async serveHttp(
    handler: http.RequestListener,
    opts: {
      port?: number;
      host: string;
      tap?: TapOptions;
      /** Before it listens (keep-alive timeout, connection tracking). */
      configure?: (server: http.Server) => void;
      /** Default: an `http-client-error` event on the peer's interface. */
      onClientError?: (err: Error & { code?: string }) => void;
    },
  ): Promise<number> {
    const server = http.createServer(httpServerOptions(), handler);
    opts.configure?.(server);
    answerClientErrors(
      server,
      opts.onClientError ?? ((err) => this.event('http-client-error', { error: err.code ?? err.message })),
    );
    tapServer(server, opts.tap ?? this.tapOptions());
    const port = await listen(server, opts.port ?? 0, opts.host);
    this.onStop(() => closeHttpServer(server));
    return port;
  }

  /**
   * An async request handler as a listener that lets no exception escape: a `peer-error` event
   * and a 500 answer instead, the server serving on.
   */
  protected guardedHandler(
    handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  ): http.RequestListener {
    return (req, res) => {
      handle(req, res).catch((e: unknown) => {
        this.event('peer-error', { error: e instanceof Error ? e.message : String(e) });
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('internal error');
      });
    };
  }

  /** A local event (no bytes on the wire) on the timeline: what the peer did or refused. */
  protected event(name: string, detail: Json, iface: Iface = this.iface, conn?: string): void {
    this.timeline?.publish({
      kind: 'event',
      name,
      node: this.name,
      role: this.role,
      iface,
      direction: 'local',
      detail,
      ...(conn ? { conn } : {}),
    });
  }
}
