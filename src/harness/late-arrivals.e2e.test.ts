import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Peer, PeerContext, PeerEndpoint } from '../../mocks/peer.ts';
import type { JsonObject } from '../util/json.ts';
import type { PeerKinds } from './peer-kinds.ts';
import type { RunResult } from './run-result.ts';
import { runSuites } from './runner.ts';
import { loadSuites } from './suite-loader.ts';
import { embeddedIcs } from './targets/embedded.ts';
import { ExternalTarget } from './targets/external.ts';

/**
 * A late arrival through the runner, as against a real MMSC: a fake target (an HTTP server
 * here) is asked by case 1 to send two messages for its handset to our sink peer, the second
 * one late (after case 1 has ended); case 2's sink, on the same fixed port, receives it before
 * its own. Case 2 must match its own message, and record the other as a late arrival.
 */
class Sink implements Peer {
  readonly name = 'sink';
  readonly role = 'harness' as const;
  readonly actions = {};
  private server?: net.Server;
  private ctx?: PeerContext;
  constructor(private readonly config: JsonObject) {}
  async start(ctx: PeerContext): Promise<PeerEndpoint[]> {
    this.ctx = ctx;
    const server = net.createServer((sock) => {
      let buf = '';
      sock.on('error', () => undefined);
      sock.on('data', (d) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          this.ctx?.timeline.publish({
            kind: 'message',
            type: 'push',
            node: 'sink',
            role: 'harness',
            iface: 'SMPP',
            direction: 'in',
            fields: JSON.parse(line) as JsonObject,
          });
        }
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(Number(this.config.port ?? 0), '127.0.0.1', () => r()));
    return [
      { peer: 'sink', protocol: 'tcp', url: `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}` },
    ];
  }
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) {
      await new Promise<void>((r) => {
        s.close(() => r());
        // connections the fake target opens are short
        setTimeout(r, 200);
      });
    }
  }
  endpoints(): PeerEndpoint[] {
    return [];
  }
  use(): void {}
  resetBehaviours(): void {}
}

/** Asks the fake target to send `{to}` to the sink after `delayMs`. */
class Trigger implements Peer {
  readonly name: string = 'trigger';
  readonly role = 'harness' as const;
  readonly actions: Peer['actions'];
  constructor(config: JsonObject) {
    this.actions = {
      send: async (p) => {
        const res = await fetch(String(config.target), { method: 'POST', body: JSON.stringify(p) });
        return { status: res.status };
      },
    };
  }
  async start(): Promise<PeerEndpoint[]> {
    return [];
  }
  async stop(): Promise<void> {}
  endpoints(): PeerEndpoint[] {
    return [];
  }
  use(): void {}
  resetBehaviours(): void {}
}

/** A handset that only has a number. */
class Handset extends Trigger {
  override readonly name: string;
  constructor(config: JsonObject) {
    super({ target: '' });
    this.name = `ue.${String(config.name)}`;
  }
}

const SUITE = `suite: late
interfaces: [SMPP]
cases:
  - id: late.001
    title: the target sends twice, once late
    requirements: [{ spec: SMPP 3.4, clause: '4.4', level: SHALL }]
    peers: { ue: [alice], sink: true, trigger: true }
    steps:
      - do: trigger.send
        with: { to: '{{ue.alice.msisdn}}', delayMs: 0 }
      - do: trigger.send
        with: { to: '{{ue.alice.msisdn}}', delayMs: 400 }
      - expect: { message: push, node: sink, where: { to: '{{ue.alice.msisdn}}' } }
  - id: late.002
    title: the next case gets the late one first
    requirements: [{ spec: SMPP 3.4, clause: '4.4', level: SHALL }]
    peers: { ue: [bob], sink: true, trigger: true }
    steps:
      - do: trigger.send
        with: { to: '{{ue.bob.msisdn}}', delayMs: 700 }
      - expect: { message: push, node: sink, within: 3s, save: got }
      - expect-none: { message: push, node: sink, where: { to: '{{ue.bob.msisdn}}' }, from: last-match, within: 300ms }
`;

let dir: string;
let run: RunResult;
let fake: http.Server;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-late-'));
  const file = path.join(dir, 'late.yaml');
  writeFileSync(file, SUITE);
  const loaded = await loadSuites({
    root: dir,
    files: [file],
    peerKinds: { ue: {}, sink: { messages: ['push'] }, trigger: {} },
  });
  expect(loaded.diagnostics).toEqual([]);
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const sinkPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      if (req.method !== 'POST') return void res.end();
      const p = JSON.parse(body) as { to: string; delayMs: number };
      setTimeout(() => {
        const c = net.connect(sinkPort, '127.0.0.1', () => c.end(`${JSON.stringify({ to: p.to })}\n`));
        c.on('error', () => undefined);
      }, p.delayMs);
      res.end();
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  const fakeUrl = `http://127.0.0.1:${(fake.address() as net.AddressInfo).port}/`;
  const kinds: PeerKinds = {
    ue: { name: 'ue', description: 'number only', phase: 'handset', create: (c) => new Handset(c) },
    sink: { name: 'sink', description: 'sink', create: (c) => new Sink(c) },
    trigger: { name: 'trigger', description: 'trigger', create: (c) => new Trigger(c) },
  };
  run = await runSuites({
    cases: loaded.cases,
    target: new ExternalTarget({ mm1: fakeUrl }, embeddedIcs(), {
      sink: { port: sinkPort },
      trigger: { target: fakeUrl },
    }),
    peerKinds: kinds,
    seed: 42,
  });
}, 30_000);

afterAll(async () => {
  if (fake) await new Promise<void>((r) => fake.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('late arrivals', () => {
  it('each case has its own number from the ICS range', () => {
    expect(run.cases.map((c) => c.verdict)).toEqual(['pass', 'pass']);
    const numbers = run.cases.map((c) => {
      const a = c.timeline.observations.find((o) => o.kind === 'event' && o.name === 'action');
      return String((a as unknown as { detail: { params: { to: string } } }).detail.params.to);
    });
    const prefix = embeddedIcs().provisioning.subscribers;
    for (const n of numbers) expect(n.startsWith(prefix)).toBe(true);
    expect(new Set(numbers).size).toBe(2);
  });

  it('the late message of case 1 is recorded in case 2, and case 2 matches only its own', () => {
    const [a, b] = run.cases;
    const events = b.timeline.observations.filter((o) => o.kind === 'event' && o.name === 'late-arrival');
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e.kind === 'event' && e.detail).toMatchObject({ type: 'push', node: 'sink', ofCase: 'late.001' });
    // the late message sits on case 2's timeline, before the one case 2 matched
    const pushes = b.timeline.observations.filter((o) => o.kind === 'message' && o.type === 'push');
    expect(pushes).toHaveLength(2);
    const msisdnOf = (r: RunResult['cases'][number]) =>
      String(
        (r.timeline.observations.find((o) => o.kind === 'message') as unknown as { fields: { to: string } })
          .fields.to,
      );
    const got = b.steps[1].result as { to: string };
    expect(got.to).not.toBe(msisdnOf(a));
    expect(got.to).toBe((pushes[1] as unknown as { fields: { to: string } }).fields.to);
    expect(e.kind === 'event' && (e.detail as { seq: number }).seq).toBe(pushes[0].seq);
  });
});
