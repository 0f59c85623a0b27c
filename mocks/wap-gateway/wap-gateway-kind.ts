import { WAP_GATEWAY_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import { definedKeys, type PeerKind } from '../peer-kind.ts';
import { wapGatewayConfigFromJson } from './config-from-json.ts';
import { WAP_GATEWAY_ACTIONS } from './gateway-actions.ts';
import { WapGateway } from './wap-gateway.ts';

/** The WAP gateway (HTTP proxy) the handsets reach MM1 through (README.md). */
export const WAP_GATEWAY_KIND: PeerKind = {
  name: 'wap-gateway',
  description: 'WAP 2.0 HTTP proxy in front of MM1: subscriber headers (X-MSISDN...), byte-exact relay',
  create: (config, deps) => new WapGateway(wapGatewayConfigFromJson(config), deps.air),
  actions: WAP_GATEWAY_ACTIONS,
  behaviours: WAP_GATEWAY_BEHAVIOUR_TABLE,
  phase: 'gateway',
  wiring: (_name, ctx) => definedKeys({ upstream: ctx.target.mm1 }),
};
