import type { JsonObject } from '../../util/json.ts';
import type { StartedPeer, TargetEndpoints } from '../target.ts';

/**
 * How each peer kind is pointed at the target and at the other peers of its case, by config
 * at creation (the target's endpoints are known before any peer starts; see target.ts). One
 * row per kind; keys are each peer's own config names (mocks/<peer>/README.md). Only keys
 * with a value are given: peer configs are strict.
 */
export interface WiringContext {
  target: TargetEndpoints;
  /** Peers already started in this case (servers first, handsets last). */
  peers: readonly StartedPeer[];
  msisdns: ReadonlyMap<string, string>;
  seed: number;
}

function urlOf(peers: readonly StartedPeer[], kind: string, protocol: string): string | undefined {
  const p = peers.find((x) => x.kind === kind);
  return p?.endpoints.find((e) => e.protocol === protocol)?.url ?? p?.endpoints[0]?.url;
}

function defined(o: Record<string, string | undefined | JsonObject | JsonObject[]>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

type Wiring = (name: string, ctx: WiringContext) => JsonObject;

export const PEER_WIRING: Readonly<Record<string, Wiring>> = {
  // Handsets post MM1 through the case's WAP gateway (as an HTTP proxy) when there is one.
  ue: (_name, ctx) => defined({ gateway: urlOf(ctx.peers, 'wap-gateway', 'http'), mmsc: ctx.target.mm1 }),
  'wap-gateway': (_name, ctx) => defined({ upstream: ctx.target.mm1 }),
  mail: (_name, ctx) => defined({ target: ctx.target.mm3 }),
  'remote-mmsc': (_name, ctx) => defined({ target: ctx.target.mm4 }),
  vasp: (_name, ctx) => defined({ target: ctx.target.mm7 }),
  // The PPG submits its pushes to the case's SMSC with the credentials that SMSC accepts (the
  // target's, from its ICS, when it has any: the SMSC refuses every other bind).
  ppg: (_name, ctx): JsonObject => {
    const smsc = urlOf(ctx.peers, 'smsc', 'smpp');
    if (!smsc) return {};
    const u = new URL(smsc);
    const cfg = ctx.peers.find((x) => x.kind === 'smsc')?.config ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const credentials = defined({ systemId: text(cfg.systemId), password: text(cfg.password) });
    return { smsc: { host: u.hostname, port: Number(u.port), ...credentials } };
  },
};

/** The wiring config of one peer (empty for kinds that need none). */
export function peerWiring(kind: string, name: string, ctx: WiringContext): JsonObject {
  return PEER_WIRING[kind]?.(name, ctx) ?? {};
}
