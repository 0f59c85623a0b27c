import * as http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../src/wire/timeline.ts';
import { Timeline } from '../src/wire/timeline.ts';
import type { PeerContext, PeerEndpoint } from './peer.ts';
import { PeerShell } from './peer-shell.ts';

/** A peer made of the shell alone: one HTTP server answering 204, one tapped agent. */
class EchoPeer extends PeerShell {
  readonly name = 'echo';
  readonly role = 'harness' as const;
  readonly actions = {};
  protected readonly iface = 'MM1' as const;
  opened = 0;
  readonly order: string[] = [];
  agent?: http.Agent;

  protected async open(ctx: PeerContext): Promise<PeerEndpoint[]> {
    this.opened++;
    this.agent = this.tappedAgent(new http.Agent({ keepAlive: true }));
    this.onStop(() => {
      this.order.push('first registered');
    });
    const port = await this.serveHttp(
      (_req, res) => {
        res.writeHead(204).end();
      },
      { host: ctx.host },
    );
    this.onStop(() => {
      this.order.push('last registered');
    });
    this.event('echo-started', { port });
    return [{ peer: this.name, protocol: 'http', url: `http://${ctx.host}:${port}/` }];
  }

  protected override async close(): Promise<void> {
    this.order.push('close');
  }

  use(): void {}
  resetBehaviours(): void {}
}

const get = (url: string, agent?: http.Agent) =>
  new Promise<number>((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });

describe('PeerShell', () => {
  it('starts once, taps and serves, publishes events, stops last-first and idempotently', async () => {
    const timeline = new Timeline();
    const seen: Observation[] = [];
    timeline.subscribe((o) => seen.push(o));
    const p = new EchoPeer();
    const ctx = { timeline, host: '127.0.0.1' } as const;
    const eps = await p.start(ctx);
    expect(await p.start(ctx)).toBe(eps);
    expect(p.opened).toBe(1);
    expect(p.endpoints()).toEqual(eps);
    expect(await get(eps[0].url, p.agent)).toBe(204);
    expect(seen.some((o) => o.kind === 'event' && o.name === 'echo-started' && o.iface === 'MM1')).toBe(true);
    // the server and the agent are tapped: the exchange's bytes are on the timeline
    expect(seen.some((o) => o.kind === 'bytes' && o.node === 'echo')).toBe(true);

    await p.stop();
    expect(p.order).toEqual(['close', 'last registered', 'first registered']);
    expect(p.endpoints()).toEqual([]);
    await expect(get(eps[0].url)).rejects.toThrow(/ECONNREFUSED/);
    await p.stop();
    expect(p.order).toEqual(['close', 'last registered', 'first registered', 'close']);

    // started again after a stop: opens afresh
    const again = await p.start(ctx);
    expect(p.opened).toBe(2);
    expect(await get(again[0].url)).toBe(204);
    await p.stop();
  });
});
