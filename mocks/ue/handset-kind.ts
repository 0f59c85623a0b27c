import { HANDSET_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import { HANDSET_PARAM_HEADERS, HANDSET_PARAM_ITEMS } from '../param-items.ts';
import { definedKeys, type PeerKind, startedPeerUrl } from '../peer-kind.ts';
import { Handset } from './handset.ts';
import { HANDSET_ACTIONS } from './handset-actions.ts';
import { handsetConfigFromJson } from './handset-config-from-json.ts';

/** A handset (MMS user agent); a case names its handsets: `ue: [alice, bob]` (README.md). */
export const HANDSET_KIND: PeerKind = {
  name: 'ue',
  description: 'Handset (MMS user agent): MM1 through the WAP gateway, WAP push from the air interface',
  create: (config, deps) => new Handset(handsetConfigFromJson(config), { air: deps.air, seed: deps.seed }),
  actions: HANDSET_ACTIONS,
  behaviours: HANDSET_BEHAVIOUR_TABLE,
  items: HANDSET_PARAM_ITEMS,
  headers: HANDSET_PARAM_HEADERS,
  // the data path of the simulated network (iface GTP), as observations
  messages: ['GTP-Create-PDP-Context-Request', 'GTP-Create-PDP-Context-Response'],
  phase: 'handset',
  // MM1 through the case's WAP gateway (as an HTTP proxy) when there is one
  wiring: (_name, ctx) =>
    definedKeys({ gateway: startedPeerUrl(ctx.peers, 'wap-gateway', 'http'), mmsc: ctx.target.mm1 }),
};
