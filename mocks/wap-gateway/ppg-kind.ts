import type { JsonObject } from '../../src/util/json.ts';
import { PPG_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import { definedKeys, type PeerKind, startedPeerUrl } from '../peer-kind.ts';
import { ppgConfigFromJson } from './config-from-json.ts';
import { PPG_ACTIONS } from './gateway-actions.ts';
import { PushProxyGateway } from './ppg.ts';

/** The push proxy gateway a target notifying over PAP pushes through (README.md). */
export const PPG_KIND: PeerKind = {
  name: 'ppg',
  description: 'Push proxy gateway: PAP 2.0 push-message in, WAP push SMS out through an SMSC over SMPP',
  create: (config, deps) => new PushProxyGateway(ppgConfigFromJson(config), { clock: deps.clock }),
  actions: PPG_ACTIONS,
  behaviours: PPG_BEHAVIOUR_TABLE,
  phase: 'gateway',
  // It submits its pushes to the case's SMSC with the credentials that SMSC accepts (the
  // target's, from its ICS, when it has any: the SMSC refuses every other bind).
  wiring: (_name, ctx): JsonObject => {
    const smsc = startedPeerUrl(ctx.peers, 'smsc', 'smpp');
    if (!smsc) return {};
    const u = new URL(smsc);
    const cfg = ctx.peers.find((x) => x.kind === 'smsc')?.config ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const credentials = definedKeys({ systemId: text(cfg.systemId), password: text(cfg.password) });
    return { smsc: { host: u.hostname, port: Number(u.port), ...credentials } };
  },
};
