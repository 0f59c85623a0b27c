import type { JsonObject } from '../../src/util/json.ts';
import { HLR_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import type { PeerKind } from '../peer-kind.ts';
import { HLR_ACTIONS } from './hlr-actions.ts';
import { HlrPeer, hlrConfigFromJson } from './hlr-peer.ts';

/** The MM5 side of the network: ENUM / DNS and the HTTP subscriber lookup (README.md). */
export const HLR_KIND: PeerKind = {
  name: 'hlr',
  description: 'MM5: ENUM / DNS server (NAPTR, A, MX over UDP and TCP) and HTTP subscriber lookup',
  create: (config, deps) => new HlrPeer(hlrConfigFromJson(config), { seed: deps.seed, air: deps.air }),
  actions: HLR_ACTIONS,
  behaviours: HLR_BEHAVIOUR_TABLE,
  // the routing queries of the simulated network (iface MAP), as observations
  messages: ['MAP-SRI-SM', 'MAP-SRI-SM-ack', 'MAP-SRI-SM-error'],
  phase: 'called-by-target',
  // the HLR answers for the case's handsets as subscribers of the target's network (3GPP TS 23.003
  // §15: mms.mncMNC.mccMCC.gprs) unless the suite lists its own
  provisionedDefaults: (p, msisdns): JsonObject =>
    msisdns.size === 0
      ? {}
      : { subscribers: [...msisdns.values()].map((msisdn) => ({ msisdn, mcc: p.mcc, mnc: p.mnc })) },
  // shared by a run's cases: their handsets are added as they start (no generated subscribers)
  sharedDefaults: { generate: 0 },
};
