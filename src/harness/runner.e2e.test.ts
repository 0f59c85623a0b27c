import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import smpp from 'smpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Peer, PeerEndpoint } from '../../mocks/peer.ts';
import { PEER_KINDS } from '../../mocks/registry.ts';
import type { Json, JsonObject } from '../util/json.ts';
import { knownFailures } from './known-failures.ts';
import type { PeerKinds } from './peer-kinds.ts';
import type { RunResult } from './run-result.ts';
import { runSuites } from './runner.ts';
import { loadSuites } from './suite-loader.ts';
import { PeersOnlyTarget } from './targets/peers-only.ts';

/**
 * End to end over loopback: the real HLR (ENUM DNS) and SMSC (SMPP) peers from the registry,
 * driven by two small real clients written here as peers (node:dns Resolver; the smpp package's
 * ESME client). One case passes, one fails on purpose (expected vs observed), one fails a SHOULD,
 * one is a known failure, one has its peer break (error), one overruns its deadline (error).
 */

/** An ESME over SMPP (the smpp package client): actions bind, submit, unbind. */
class EsmeClient implements Peer {
  readonly name = 'esme';
  readonly role = 'harness' as const;
  private session?: smpp.Session;
  readonly actions: Peer['actions'];
  constructor(private readonly config: JsonObject) {
    this.actions = {
      bind: async (p) => {
        const url = String(this.config.smsc);
        const session = smpp.connect({ url });
        session.on('error', () => undefined);
        this.session = session;
        await new Promise<void>((resolve, reject) => {
          session.once('connect', () => resolve());
          session.once('error', reject);
        });
        const pdu = await this.call('bind_transceiver', {
          system_id: String(p.systemId ?? 'esme'),
          password: String(p.password ?? ''),
        });
        return { status: pdu.command_status };
      },
      submit: async (p) => {
        const pdu = await this.call('submit_sm', {
          source_addr: String(p.from ?? '1234'),
          destination_addr: String(p.to),
          short_message: String(p.text ?? ''),
        });
        return { status: pdu.command_status, messageId: (pdu.message_id as string | undefined) ?? null };
      },
    };
  }
  private call(command: string, fields: Record<string, unknown>): Promise<smpp.PDU> {
    const s = this.session;
    if (!s) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      const onClose = () => reject(new Error(`the SMSC closed the connection during ${command}`));
      s.once('close', onClose);
      (s[command] as (f: Record<string, unknown>, cb: (pdu: smpp.PDU) => void) => void)(fields, (pdu) => {
        s.removeListener('close', onClose);
        resolve(pdu);
      });
    });
  }
  async start(): Promise<PeerEndpoint[]> {
    return [];
  }
  async stop(): Promise<void> {
    this.session?.destroy();
  }
  endpoints(): PeerEndpoint[] {
    return [];
  }
  use(): void {}
  resetBehaviours(): void {}
}

/** An ENUM client (node:dns Resolver against the HLR's DNS): action naptr {number}. */
class EnumClient implements Peer {
  readonly name = 'enum-client';
  readonly role = 'harness' as const;
  readonly actions: Peer['actions'];
  constructor(config: JsonObject) {
    const server = new URL(String(config.server));
    this.actions = {
      naptr: async (p) => {
        const r = new Resolver({ timeout: 2000, tries: 1 });
        r.setServers([`127.0.0.1:${server.port}`]);
        const digits = String(p.number).replace(/\D/g, '');
        const name = `${[...digits].reverse().join('.')}.e164.arpa`;
        const records = await r.resolveNaptr(name);
        return records.map((x) => ({ ...x })) as unknown as Json;
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

const KINDS: PeerKinds = {
  ...PEER_KINDS,
  esme: { description: 'test ESME', create: (config) => new EsmeClient(config) },
  'enum-client': { description: 'test ENUM client', create: (config) => new EnumClient(config) },
};

const SUITE = `suite: e2e
interfaces: [SMPP]
cases:
  - id: e2e.enum.001
    title: ENUM NAPTR for a subscriber
    interfaces: [MM5]
    requirements: [{ spec: RFC 6116, clause: '3.2', level: SHALL }]
    peers:
      hlr: { subscribers: [{ msisdn: '+15550001', mcc: '310', mnc: '001' }] }
      enum-client: { server: '{{hlr.endpoints.dns}}' }
    steps:
      - do: enum-client.naptr
        with: { number: '+15550001' }
        save: naptr
      - expect:
          message: NAPTR
          node: hlr
          direction: out
          where: { rcode: NOERROR, answers.0.data.services: { pattern: 'mms' } }
  - id: e2e.smpp.submit
    title: A submit_sm is accepted
    requirements: [{ spec: SMPP 3.4, clause: '4.4', level: SHALL }]
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550002', text: 'hello {{faker.person.firstName}}' }
        save: sub
      - expect: { message: submit_sm, node: smsc, direction: in, where: { destination_addr: '15550002' } }
      - expect: { message: submit_sm_resp, node: smsc, where: { command_status: { pattern: 'ESME_ROK|^0$' } } }
  - id: e2e.smpp.throttled
    title: Deliberately failing - expects Ok while the SMSC throttles
    requirements: [{ spec: SMPP 3.4, clause: '5.1.3', level: SHALL }]
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - behaviour: { peer: smsc, kind: throttle, after: 0 }
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550002', text: x }
      - expect: { message: submit_sm_resp, node: smsc, where: { command_status: ESME_ROK }, within: 300ms }
  - id: e2e.smpp.should
    title: Failing SHOULD - expects no submit_sm_resp at all
    requirements: [{ spec: SMPP 3.4, clause: '2.7', level: SHOULD }]
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550003' }
      - expect-none: { message: submit_sm_resp, within: 300ms }
  - id: e2e.smpp.known
    title: Known failure - listed in the expectations
    peers: { smsc: true }
    steps:
      - expect: { message: submit_sm, within: 100ms }
  - id: e2e.smpp.broken-peer
    title: The SMSC drops the connection, the action breaks
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - behaviour: { peer: smsc, kind: drop-connection, after: 0 }
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550004' }
        timeout: 2s
  - id: e2e.deadline
    title: The case overruns its deadline
    timeout: 300ms
    peers: { smsc: true }
    steps:
      - wait: 5s
`;

let dir: string;
let file: string;
let run: RunResult;
let rerun: RunResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-e2e-'));
  file = path.join(dir, 'e2e.yaml');
  writeFileSync(file, SUITE);
  const loaded = await loadSuites({ root: dir, files: [file] });
  expect(loaded.diagnostics).toEqual([]);
  const opts = {
    cases: loaded.cases,
    target: new PeersOnlyTarget(),
    peerKinds: KINDS,
    seed: 1234,
    jobs: 3,
    knownFailures: knownFailures([{ id: 'e2e.smpp.known', reason: 'no ESME in this case' }]),
  };
  run = await runSuites(opts);
  rerun = await runSuites({ ...opts, jobs: 1 });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text the ESME submitted in e2e.smpp.submit, as the SMSC decoded it. */
function shortMessage(r: RunResult): string {
  const o = byId(r, 'e2e.smpp.submit').timeline.observations.find(
    (x) => x.kind === 'message' && x.type === 'submit_sm',
  );
  const f = o?.kind === 'message' ? (o.fields as { short_message?: { $base64: string } }) : {};
  return Buffer.from(f.short_message?.$base64 ?? '', 'base64').toString('latin1');
}

const byId = (r: RunResult, id: string) => {
  const c = r.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

describe('runner over loopback with real HLR and SMSC peers', () => {
  it('passes the ENUM case with the HLR answer matched', () => {
    const c = byId(run, 'e2e.enum.001');
    expect(c.failure).toBeUndefined();
    expect(c.verdict).toBe('pass');
    const naptr = c.steps[0].result as Array<{ service: string; regexp: string }>;
    expect(naptr[0].service.toLowerCase()).toContain('mms');
    expect(naptr[0].regexp).toContain('+15550001');
    expect(c.timeline.observations.some((o) => o.kind === 'bytes' && o.node === 'hlr')).toBe(true);
  });

  it('passes the SMPP submit case, templated from the seed', () => {
    const c = byId(run, 'e2e.smpp.submit');
    expect(c.failure).toBeUndefined();
    expect(c.verdict).toBe('pass');
    expect(shortMessage(run)).toMatch(/^hello [A-Z][a-z]+$/);
  });

  it('fails the throttled case with expected vs observed, at the step and its position', () => {
    const c = byId(run, 'e2e.smpp.throttled');
    expect(c.verdict).toBe('fail');
    expect(c.unexpected).toBe(true);
    expect(c.failure?.step).toBe(3);
    const line =
      SUITE.split('\n').findIndex((l) => l.includes('command_status: ESME_ROK }, within: 300ms')) + 1;
    expect(c.failure?.source).toMatchObject({ file, line, col: 9 });
    expect(c.failure?.expected).toContain('submit_sm_resp');
    expect(JSON.stringify(c.failure?.observed)).toContain('ESME_RTHROTTLED');
    expect(c.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'fail']);
  });

  it('grades a failed SHOULD apart: reported, not unexpected under --fail-on SHALL', () => {
    const c = byId(run, 'e2e.smpp.should');
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe('SHOULD');
    expect(c.unexpected).toBe(false);
    // SHALL: the throttled case and the known failure (counted, but not unexpected).
    expect(run.summary.failByLevel).toEqual({ SHALL: 2, SHOULD: 1, MAY: 0 });
  });

  it('keeps known failures from failing the run', () => {
    const c = byId(run, 'e2e.smpp.known');
    expect(c.verdict).toBe('fail');
    expect(c.known?.reason).toBe('no ESME in this case');
    expect(c.unexpected).toBe(false);
  });

  it('gives error when a peer breaks, and when the case deadline expires', () => {
    const broken = byId(run, 'e2e.smpp.broken-peer');
    expect(broken.verdict).toBe('error');
    expect(broken.failure?.message).toMatch(/esme\.(bind|submit)/);
    const late = byId(run, 'e2e.deadline');
    expect(late.verdict).toBe('error');
    expect(late.failure?.message).toContain('case deadline 300 ms exceeded');
    expect(late.durationMs).toBeLessThan(4000);
    expect(run.summary).toMatchObject({ total: 7, pass: 2, fail: 3, error: 2, known: 1, unexpected: 3 });
  });

  it('is deterministic under a seed: same order, seeds and generated values with other --jobs', () => {
    expect(rerun.cases.map((c) => c.id)).toEqual(run.cases.map((c) => c.id));
    expect(rerun.cases.map((c) => c.seed)).toEqual(run.cases.map((c) => c.seed));
    expect(rerun.cases.map((c) => c.verdict)).toEqual(run.cases.map((c) => c.verdict));
    expect(shortMessage(rerun)).toBe(shortMessage(run));
  });

  it('isolates cases: each has its own peers on its own ports', () => {
    const urls = run.cases.flatMap((c) =>
      c.peers.filter((p) => p.kind === 'smsc').map((p) => p.endpoints[0].url),
    );
    expect(new Set(urls).size).toBe(urls.length);
    for (const c of run.cases) for (const o of c.timeline.observations) expect(o.case).toBe(c.id);
  });
});
