import type { StartedTestContainer } from 'testcontainers';
import type { JsonObject } from '../../util/json.ts';
import type { Ics } from '../ics/ics-schema.ts';
import { TargetError } from '../target.ts';
import { ExternalTarget } from './external.ts';
import { assertPeerPortsFree } from './peer-ports.ts';
import type { TargetOpsOptions } from './target-ops.ts';

export interface ContainerTargetOptions {
  image: string;
  name?: string;
  ports: { mm1?: number; mm3?: number; mm4?: number; mm7?: number };
  mm1Path?: string;
  mm7Path?: string;
  domain?: string;
  env?: Record<string, string>;
  peers?: Readonly<Record<string, JsonObject>>;
  ics: Ics;
  /** Reset hook and health check (target-ops.ts). */
  ops?: TargetOpsOptions;
}

/** Whether a container engine answers (testcontainers throws within ms when there is none). */
export async function containerRuntimeAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.split('\n')[0] };
  }
}

/** `dnsPort` of peer `hlr` -> MMSCERT_HLR_DNS_PORT; `port` of `remote-mmsc` -> MMSCERT_REMOTE_MMSC_PORT. */
export function peerPortEnvName(kind: string, key: string): string {
  const snake = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  return `MMSCERT_${kind}_${snake}`.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/**
 * The environment a target image is started with: MMSCERT_PEER_HOST (where our peers are, seen
 * from the container) and one MMSCERT_<KIND>_<KEY> per fixed peer port of the config's `peers:`;
 * and the host ports those are on (to expose to the container).
 */
export function containerEnvironment(
  peers: Readonly<Record<string, JsonObject>>,
  env: Readonly<Record<string, string>> = {},
): { env: Record<string, string>; hostPorts: number[] } {
  const out: Record<string, string> = { ...env, MMSCERT_PEER_HOST: 'host.testcontainers.internal' };
  const hostPorts: number[] = [];
  for (const [kind, cfg] of Object.entries(peers)) {
    for (const [k, v] of Object.entries(cfg)) {
      if (/port$/i.test(k) && typeof v === 'number' && Number.isInteger(v) && v > 0) {
        hostPorts.push(v);
        out[peerPortEnvName(kind, k)] = String(v);
      }
    }
  }
  return { env: out, hostPorts };
}

/**
 * A target MMSC image (e.g. the one docker/ builds) started with testcontainers, then driven
 * like an external target:
 *   - each interface port of the config's `ports:` is published on the SAME port number of the
 *     host's 127.0.0.1 only (an MMSC writes absolute content locations, `http://127.0.0.1:8002/mms/..`
 *     in docker/mmsc.yaml, which handsets on the host must be able to fetch; and nothing is
 *     published on a real interface). Inside the container the MMSC must listen on 0.0.0.0
 *     (config `host: 0.0.0.0`, docker/mmsc.yaml) for published ports to reach it;
 *   - our peers on the fixed ports of the config's `peers:` are made reachable from the
 *     container (`TestContainers.exposeHostPorts`, host name host.testcontainers.internal), and
 *     passed to it as MMSCERT_PEER_HOST and MMSCERT_<KIND>_<KEY> (containerEnvironment).
 */
export class ContainerTarget extends ExternalTarget {
  override readonly kind = 'container' as const;
  private container?: { stop(): Promise<unknown> };

  constructor(private readonly opts: ContainerTargetOptions) {
    super({}, opts.ics, opts.peers ?? {}, opts.name ?? `container ${opts.image}`, opts.ops ?? {});
  }

  override async open(): Promise<void> {
    const rt = await containerRuntimeAvailable();
    if (!rt.ok) throw new TargetError(`container target: no container engine (${rt.reason})`);
    // before the container is started (the peer ports are checked again by super.open())
    await assertPeerPortsFree(this.peers);
    const { GenericContainer, TestContainers } = await import('testcontainers');
    /** Publishes every port on the host's loopback only (Docker's default is every interface). */
    class LoopbackContainer extends GenericContainer {
      protected override async beforeContainerCreated(): Promise<void> {
        const bindings = this.hostConfig.PortBindings as Record<string, Array<{ HostIp?: string }>>;
        for (const list of Object.values(bindings ?? {})) for (const b of list) b.HostIp = '127.0.0.1';
      }
    }
    const { env, hostPorts } = containerEnvironment(this.peers, this.opts.env);
    if (hostPorts.length > 0) await TestContainers.exposeHostPorts(...hostPorts);
    const exposed = Object.values(this.opts.ports).filter((p): p is number => typeof p === 'number');
    let started: StartedTestContainer;
    try {
      started = await new LoopbackContainer(this.opts.image)
        .withExposedPorts(...exposed.map((p) => ({ container: p, host: p })))
        .withEnvironment(env)
        .start();
    } catch (e) {
      throw new TargetError(
        `container target: ${this.opts.image} did not start: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    this.container = started;
    const host = started.getHost() === 'localhost' ? '127.0.0.1' : started.getHost();
    if (!/^127\./.test(host)) {
      await this.close();
      throw new TargetError(`container target: the engine maps ports on ${host}, not on loopback`);
    }
    const p = this.opts.ports;
    this.endpoints = {
      ...(p.mm1
        ? { mm1: `http://${host}:${started.getMappedPort(p.mm1)}${this.opts.mm1Path ?? '/mms'}` }
        : {}),
      ...(p.mm7
        ? { mm7: `http://${host}:${started.getMappedPort(p.mm7)}${this.opts.mm7Path ?? '/mm7'}` }
        : {}),
      ...(p.mm4 ? { mm4: `smtp://${host}:${started.getMappedPort(p.mm4)}` } : {}),
      ...(p.mm3 ? { mm3: `smtp://${host}:${started.getMappedPort(p.mm3)}` } : {}),
      ...(this.opts.domain ? { domain: this.opts.domain } : {}),
    };
    try {
      await super.open();
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  override async close(): Promise<void> {
    const c = this.container;
    this.container = undefined;
    await c?.stop();
  }
}
