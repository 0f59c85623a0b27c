import type { JsonObject } from '../../util/json.ts';
import { TargetError } from '../target.ts';
import { ExternalTarget } from './external.ts';

export interface ContainerTargetOptions {
  image: string;
  name?: string;
  ports: { mm1?: number; mm3?: number; mm4?: number; mm7?: number };
  mm1Path?: string;
  mm7Path?: string;
  domain?: string;
  env?: Record<string, string>;
  peers?: Readonly<Record<string, JsonObject>>;
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

/**
 * A target MMSC image (e.g. the one docker/ builds) started with testcontainers, then driven
 * like an external target: its interface ports mapped to loopback, our peers on the fixed ports
 * of the config's `peers:` made reachable from the container (`exposeHostPorts`, host name
 * host.testcontainers.internal, passed as MMSCERT_PEER_HOST with each port as
 * MMSCERT_<KIND>_PORT).
 */
export class ContainerTarget extends ExternalTarget {
  override readonly kind = 'container' as const;
  private container?: { stop(): Promise<unknown> };

  constructor(private readonly opts: ContainerTargetOptions) {
    super({}, opts.peers ?? {}, opts.name ?? `container ${opts.image}`);
  }

  override async open(): Promise<void> {
    const rt = await containerRuntimeAvailable();
    if (!rt.ok) throw new TargetError(`container target: no container engine (${rt.reason})`);
    const { GenericContainer, TestContainers } = await import('testcontainers');
    const env: Record<string, string> = {
      ...(this.opts.env ?? {}),
      MMSCERT_PEER_HOST: 'host.testcontainers.internal',
    };
    const hostPorts: number[] = [];
    for (const [kind, cfg] of Object.entries(this.peers)) {
      for (const [k, v] of Object.entries(cfg)) {
        if (/port$/i.test(k) && typeof v === 'number' && v > 0) {
          hostPorts.push(v);
          env[
            `MMSCERT_${kind.replace(/-/g, '_').toUpperCase()}_${k.replace(/Port$/i, '').toUpperCase() || 'PORT'}_PORT`
          ] = String(v);
        }
      }
    }
    if (hostPorts.length > 0) await TestContainers.exposeHostPorts(...hostPorts);
    const exposed = Object.values(this.opts.ports).filter((p): p is number => typeof p === 'number');
    const started = await new GenericContainer(this.opts.image)
      .withExposedPorts(...exposed)
      .withEnvironment(env)
      .start();
    this.container = started;
    const host = started.getHost() === 'localhost' ? '127.0.0.1' : started.getHost();
    if (!/^127\./.test(host)) {
      await started.stop();
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
    await super.open();
  }

  override async close(): Promise<void> {
    await this.container?.stop();
    this.container = undefined;
  }
}
